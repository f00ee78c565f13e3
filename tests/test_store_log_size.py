"""The cache's write-ahead log stays near its limit while connections stay open.

Bug hunt `soak` #2: beside a 0.7 MB cache the `-wal` grew to 16.5 MB while the
reader was open (truncated only when the last connection closed). With 16 KiB
pages, SQLite's checkpoint every 1000 pages came only after 16 MB of log, and
nothing truncated the file after a checkpoint (`core/store/log_size.py`).
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.log_size import LOG_LIMIT


def papers(n: int) -> list[Paper]:
    return [
        Paper(
            id=f"2402.{i:05d}",
            title_en=f"Paper {i} on diffusion",
            title_zh="扩散模型",
            abstract_en="We study forgetting in large models. " * 20,
            authors=["Wei Zhang"],
            categories=["cs.LG"],
        )
        for i in range(1, n + 1)
    ]


def log_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_small_writes_beside_a_reading_connection_keep_the_log_near_its_limit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as store, Store.open(path) as reader:
        store.import_digest(
            Digest(name="digest-cs.LG-2024-02-05", date="2024-02-05", papers=papers(80))
        )
        largest = 0
        # Each mark a transaction of a few 16 KiB pages (the reader's `m`, a cron
        # run's small commits); the other connection reads between them, as the
        # reader's follow poll and listing do. 1,200 writes: ~60 MB of log in all.
        for i in range(1_200):
            store.set_read([1 + i % 80], read=i % 160 < 80)
            if i % 5 == 0:
                assert reader.count_unread() >= 0
            largest = max(largest, log_size(path))
        # Checkpoints come after ~4 MiB of log, and each emptied log is cut back
        # to the limit: before, it grew to 16 MiB and stayed so.
        assert largest <= LOG_LIMIT + 1024 * 1024, f"the log reached {largest:,} bytes"
        assert log_size(path) <= LOG_LIMIT + 1024 * 1024


def test_a_log_one_large_import_grew_is_cut_back_by_the_next_writes(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as store, Store.open(path) as reader:
        # One transaction: the log holds it whole, over the limit.
        store.import_digest(
            Digest(name="digest-cs.LG-2024-02-05", date="2024-02-05", papers=papers(3_000))
        )
        grown = log_size(path)
        assert grown > LOG_LIMIT
        assert reader.count_unread() == 3_000
        # Checkpointed at its commit; the next write starts the log again and
        # leaves the file at the limit (before: at the import's size, for good).
        for i in range(3):
            store.set_read([1 + i])
        assert log_size(path) <= LOG_LIMIT, f"{log_size(path):,} bytes left of {grown:,}"
