"""The store's user-state additions for triage (issue 10): changes that report what
they changed (for undo), the bulk toggle in SQL, unread counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def paper(i: int) -> Paper:
    return Paper(id=f"2402.{10000 + i:05d}", version="v1", title_en=f"Paper {i}")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "c.db") as s:
        # Paper 2 is in both digests (a cross-list): unread totals count it once.
        s.import_digest(Digest("a", date="2024-02-05", papers=[paper(0), paper(1), paper(2)]))
        s.import_digest(Digest("b", date="2024-02-06", papers=[paper(2), paper(3)]))
        yield s


def test_change_flag_reports_only_the_papers_that_changed(store: Store) -> None:
    ids = store.list_ids()
    assert store.change_flag("read", ids[:2], True) == sorted(ids[:2])
    assert store.change_flag("read", ids[:3], True) == [ids[2]]  # two already were
    assert store.change_flag("read", [ids[0], ids[0]], False) == [ids[0]]
    assert store.count("is:read") == 2
    with pytest.raises(ValueError):
        store.change_flag("sort_key", ids, True)


def test_toggle_sets_unless_all_have_it_then_clears(store: Store) -> None:
    ids = store.list_ids()
    store.change_flag("starred", [ids[0]], True)
    assert store.toggle_flag("starred", ids[:2]) == (True, [ids[1]])  # mixed: star all
    assert store.toggle_flag("starred", ids[:2]) == (False, sorted(ids[:2]))  # all: clear
    assert store.count("is:starred") == 0


def test_unread_counts_count_a_paper_once_in_total(tmp_path: Path, store: Store) -> None:
    a, b = sorted((d.name for d in store.digests()), key=lambda n: not n.startswith("a"))
    assert store.count_unread() == 4
    assert store.unread_by_digest() == {a: 3, b: 2}
    shared = store.get_paper("2402.10002")
    assert shared is not None
    store.change_flag("read", [shared.rowid], True)
    assert store.count_unread() == 3
    assert store.unread_by_digest() == {a: 2, b: 1}
    store.close()
    with Store.open(store.path) as again:  # the marks are in the cache
        assert again.count_unread() == 3


def test_list_rows_carry_the_announce_type(tmp_path: Path) -> None:
    first, replaced = paper(0), paper(0)
    replaced.version, replaced.announce_type = "v2", "replace"
    with Store.open(tmp_path / "r.db") as s:
        s.import_digest(Digest("a", date="2024-02-05", papers=[first]))
        assert s.list_rows(s.list_ids())[0].announce_type == ""
        s.import_digest(Digest("b", date="2024-02-06", papers=[replaced]))
        assert s.list_rows(s.list_ids())[0].announce_type == "replace"


@pytest.fixture
def two_connections(tmp_path: Path):
    """The reader's connection and another process's (`digests rm`), on one cache."""
    db = tmp_path / "two.db"
    with Store.open(db) as s:
        s.import_digest(Digest("a", date="2024-02-05", papers=[paper(0), paper(1)]))
        s.import_digest(Digest("b", date="2024-02-06", papers=[paper(2)]))
    with Store.open(db) as reader, Store.open(db) as other:
        yield reader, other


def _rowid(store: Store, pid: str) -> int:
    found = store.get_paper(pid)
    assert found is not None
    return found.rowid


def test_a_star_on_a_paper_removed_meanwhile_waits_for_it(two_connections) -> None:
    """`s` on a paper another process had just removed (`digests rm` in another
    shell) stored nothing and said "Unstarred 0 papers (1 already were)": no paper
    lacked the star, so the toggle cleared it (found by a bug hunt). The star now
    waits for the paper by its id, as a note saved meanwhile does."""
    reader, other = two_connections
    pid = "2402.10000"
    rowid = _rowid(reader, pid)  # (what the reader shows)
    other.remove_digests(other.digest_pks(["a"]))
    marked = reader.mark("starred", [rowid], ids={rowid: pid}, by_hand=True)
    assert (marked.value, marked.changed, marked.waiting, marked.gone) == (True, [], (pid,), 0)
    assert other.stats()["state_waiting"] == 1
    stars = [c for c in other.export_state() if c.field == "starred"]
    assert [(c.id, c.value) for c in stars] == [(pid, True)]
    other.import_digest(
        Digest("a", date="2024-02-05", papers=[paper(0), paper(1)]), revive_removed=True
    )
    assert [r.id for r in reader.list_rows(reader.list_ids("is:starred"))] == [pid]
    assert reader.stats()["state_waiting"] == 0


def test_a_toggle_of_papers_all_gone_never_clears(two_connections) -> None:
    reader, other = two_connections
    rowid = _rowid(reader, "2402.10000")
    other.remove_digests(other.digest_pks(["a"]))
    # (no id known: nothing can be kept, and it is said, not taken as "all had it")
    marked = reader.mark("starred", [rowid])
    assert (marked.value, marked.changed, marked.waiting, marked.gone) == (True, [], (), 1)
    assert reader.toggle_flag("starred", [rowid]) == (True, [])


def test_a_mark_on_a_row_number_given_to_another_paper_goes_to_its_own(two_connections) -> None:
    # SQLite gives a removed paper's row number to the next paper added: a stale
    # row number must not mark the newcomer.
    reader, other = two_connections
    pid = "2402.10002"
    rowid = _rowid(reader, pid)  # (the newest paper: its number is given again)
    other.remove_digests(other.digest_pks(["b"]))
    other.import_digest(Digest("c", date="2024-02-07", papers=[paper(7)]))
    assert _rowid(reader, "2402.10007") == rowid
    other.import_digest(Digest("b", date="2024-02-06", papers=[paper(2)]), revive_removed=True)
    marked = reader.mark("read", [rowid], ids={rowid: pid}, by_hand=True)
    assert marked.value is True and marked.changed == [_rowid(reader, pid)] != [rowid]
    assert [r.id for r in reader.list_rows(reader.list_ids("is:read"))] == [pid]


def test_ctrl_z_drops_a_mark_kept_waiting_across_a_restart(tmp_path: Path) -> None:
    """ctrl+z after `s` on a paper removed meanwhile said "Undone: unstarred 1
    paper." of the star before it, then "Nothing to undo." while the waiting star
    stayed (bug hunt `regui`): the undo entry held only papers that changed."""
    db = tmp_path / "undo.db"
    with Store.open(db) as s:
        s.import_digest(Digest("a", date="2024-02-05", papers=[paper(0), paper(1)]))
        s.import_digest(Digest("b", date="2024-02-06", papers=[paper(2)]))
    with Store.open(db) as reader, Store.open(db) as other:
        kept, gone = _rowid(reader, "2402.10002"), _rowid(reader, "2402.10000")
        other.remove_digests(other.digest_pks(["a"]))
        assert reader.mark("starred", [kept], ids={kept: "2402.10002"}, undoable=True).changed
        marked = reader.mark("starred", [gone], ids={gone: "2402.10000"}, undoable=True)
        assert marked.waiting == ("2402.10000",) and reader.undo_depth() == 2
    with Store.open(db) as reader:  # (a restart)
        undone = reader.undo_last()
        assert undone is not None
        assert (undone.flag, undone.value, undone.rowids) == ("starred", True, [])
        assert undone.waiting == 1
        assert reader.stats()["state_waiting"] == 0
        assert [r.id for r in reader.list_rows(reader.list_ids("is:starred"))] == ["2402.10002"]
        undone = reader.undo_last()
        assert undone is not None and undone.rowids == [_rowid(reader, "2402.10002")]
        assert reader.undo_last() is None
        reader.import_digest(
            Digest("a", date="2024-02-05", papers=[paper(0), paper(1)]), revive_removed=True
        )
        assert reader.list_ids("is:starred") == []  # (the dropped star is not applied)


def test_ctrl_z_of_a_waiting_mark_whose_paper_came_back_clears_it(two_connections) -> None:
    reader, other = two_connections
    pid = "2402.10000"
    rowid = _rowid(reader, pid)
    other.remove_digests(other.digest_pks(["a"]))
    reader.mark("starred", [rowid], ids={rowid: pid}, undoable=True)
    other.import_digest(
        Digest("a", date="2024-02-05", papers=[paper(0), paper(1)]), revive_removed=True
    )
    assert [r.id for r in reader.list_rows(reader.list_ids("is:starred"))] == [pid]
    undone = reader.undo_last()
    assert undone is not None and undone.rowids == [_rowid(reader, pid)] and undone.waiting == 0
    assert reader.list_ids("is:starred") == []
