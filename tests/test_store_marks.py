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
