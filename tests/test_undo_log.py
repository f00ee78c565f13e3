"""The undo history kept in the cache (`core/store/undo_log`): newest first, a
bounded depth, big changes stored compactly, forgotten when papers are removed."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, undo_log


def _store(path: Path, n: int = 30) -> Store:
    store = Store.open(path)
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(n)]
    store.import_digest(Digest("d", date="2024-01-02", papers=papers))
    return store


def test_undo_takes_back_the_newest_first_and_keeps_only_the_depth(tmp_path: Path) -> None:
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        for rowid in ids[:12]:  # twelve one-paper stars: only the last DEPTH are kept
            changed = store.change_flag("starred", [rowid], True)
            store.push_undo("starred", True, changed, 1)
        assert store.undo_depth() == undo_log.DEPTH == 10
    with Store.open(tmp_path / "c.db") as store:  # across a restart
        undone = store.undo_last()
        assert undone is not None and undone.rowids == [ids[11]] and undone.value is True
        for _ in range(9):
            assert store.undo_last() is not None
        assert store.undo_last() is None
        starred = [r.starred for r in store.get_papers(ids[:12])]
        assert starred == [True, True] + [False] * 10  # the two beyond the depth stay


def test_a_change_of_many_papers_is_one_compact_entry(tmp_path: Path) -> None:
    rowids = list(range(1, 500_001))  # as `M` on a 500k cache
    with _store(tmp_path / "c.db", 2) as store:
        store.push_undo("read", True, rowids, len(rowids))
        size = store._conn().execute("SELECT length(rowids) FROM undo_log").fetchone()[0]
        assert size < 20_000  # (3.4 MB as JSON text)
        undone = store.undo_last()
        assert undone is not None and undone.asked == 500_000


def test_removing_papers_forgets_the_history_and_counts_the_removal(tmp_path: Path) -> None:
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        store.push_undo("read", True, store.change_flag("read", ids[:3], True), 3)
        assert undo_log.removals(store._conn()) == 0
        store.remove_digests(store.digest_pks(["d"]))
        assert store.undo_depth() == 0 and store.undo_last() is None
        assert undo_log.removals(store._conn()) == 1
