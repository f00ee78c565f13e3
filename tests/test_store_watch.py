"""`CacheWatch`: other connections' commits are noticed; marks and quiet polls are not."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def _paper(i: int) -> Paper:
    return Paper(id=f"2402.{20000 + i:05d}", version="v1", title_en=f"Paper {i}", summary_zh="摘要")


def _digest(name: str, date: str, first: int, count: int) -> Digest:
    return Digest(name=name, date=date, papers=[_paper(first + i) for i in range(count)])


def test_data_version_moves_only_when_another_connection_commits(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as reader, Store.open(path) as other:
        reader.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
        watch = reader.watch()
        try:
            start = watch.data_version()
            assert watch.data_version() == start  # polling alone moves nothing
            reader.digests()  # nor do reads
            assert watch.data_version() == start
            other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 2))
            moved = watch.data_version()
            assert moved != start
            assert watch.data_version() == moved
        finally:
            watch.close()


def test_what_changed_tells_papers_and_digests_from_marks(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
    with Store.open(path) as reader:
        watch = reader.watch()
        try:
            # (papers or digests, the user's marks, removals) changed since the last look
            assert watch.what_changed() == (False, False, False)  # the baseline
            assert watch.what_changed() == (False, False, False)
            with Store.open(path) as other:  # a CLI import in another process
                other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 2))
            assert watch.what_changed() == (True, False, False)
            assert watch.what_changed() == (False, False, False)  # reported once
            # Read/star marks commit, but change nothing a listing has to re-read.
            ids = reader.list_ids()
            assert len(ids) == 5
            before = watch.data_version()
            reader.set_read(ids[:2])
            reader.set_starred(ids[:1])
            assert watch.data_version() != before  # the marks did commit
            assert watch.what_changed() == (False, True, False)  # the marks alone
            # A same-day update that adds papers to a known digest is a change.
            with Store.open(path) as other:
                other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 4))
            assert watch.what_changed()[0] is True
            # Removing papers is told apart: their row numbers may be reused.
            with Store.open(path) as other:
                other.remove_digests(other.digest_pks(["digest-cs.LG-2024-02-05"]))
            assert watch.what_changed() == (True, False, True)
        finally:
            watch.close()
