"""Papers the reader picked, found again by the ids it showed (bug hunt `selection`
#1, #2): another process's `digests rm` + `import` between the selection and the
action gives the selected papers' row numbers to new papers, which were starred,
tagged and exported in their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.picked import Picked
from tui_digest.ui.export_job import export_picked

OLD_IDS = ("2402.10002", "2402.10003")  # the newest digest's: the highest row numbers
NEW_IDS = ("2508.00001", "2508.00002")


def paper(pid: str) -> Paper:
    return Paper(id=pid, version="v1", title_en=f"Paper {pid}")


@pytest.fixture
def picked_then_replaced(tmp_path: Path):
    """The reader picks the newest digest's two papers (with the ids it showed and
    the removal count of their listing); another connection then removes that
    digest and imports two other papers, which get the same row numbers."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("a", date="2024-02-05", papers=[paper("2402.10000")]))
        s.import_digest(Digest("b", date="2024-02-06", papers=[paper(p) for p in OLD_IDS]))
    with Store.open(db) as reader, Store.open(db) as other:
        rowids = reader.list_ids("", digest="b")
        names = dict(zip(rowids, [r.id for r in reader.list_rows(rowids)], strict=True))
        assert sorted(names.values()) == sorted(OLD_IDS)
        listed_at = reader.removals()
        other.remove_digests(other.digest_pks(["b"]))
        other.import_digest(Digest("c", date="2025-08-01", papers=[paper(p) for p in NEW_IDS]))
        now = {r.id for r in reader.list_rows(rowids)}
        assert now == set(NEW_IDS), "SQLite gave the removed papers' row numbers to the new ones"
        yield reader, rowids, names, listed_at


def _starred(store: Store) -> set[str]:
    return {r.id for r in store.list_rows(store.list_ids("is:starred"))}


def test_a_star_by_the_ids_shown_waits_for_the_removed_papers(picked_then_replaced) -> None:
    reader, rowids, names, _listed_at = picked_then_replaced
    done = reader.mark("starred", rowids, ids=names, by_hand=True)
    assert _starred(reader) == set()  # never the new papers at those numbers
    assert sorted(done.waiting) == sorted(OLD_IDS) and done.gone == 0
    assert reader.stats()["state_waiting"] == 2


def test_rows_listed_before_a_removal_are_not_named_after_it(picked_then_replaced) -> None:
    """`A` selects rows never drawn, named when selected (`names_at`): read after
    the removal, their numbers' papers are not the ones listed, so none is named
    (and rows without an id are never taken for the papers at their numbers)."""
    reader, rowids, _names, listed_at = picked_then_replaced
    assert reader.names_at(rowids, listed_at) is None
    done = reader.mark("starred", rowids, ids={}, by_hand=True)
    assert _starred(reader) == set()
    assert done.gone == 2 and not done.changed


def test_tags_are_read_for_the_papers_shown_not_those_now_at_their_numbers(
    picked_then_replaced,
) -> None:
    reader, rowids, names, _listed_at = picked_then_replaced
    records, removed = reader.picked_papers(Picked(tuple(rowids), names))
    assert records == [] and removed == 2


@pytest.mark.parametrize("fmt", ["markdown", "bibtex", "json"])
def test_an_export_of_removed_papers_writes_nothing_and_says_so(
    picked_then_replaced, tmp_path: Path, fmt: str
) -> None:
    reader, rowids, names, _listed_at = picked_then_replaced
    out = tmp_path / "sel.out"
    written, removed = export_picked(reader, Picked(tuple(rowids), names), fmt, out)
    assert (written, removed) == (0, 2)
    assert not out.exists()


def test_an_export_keeps_the_papers_still_here_found_by_id(picked_then_replaced, tmp_path) -> None:
    reader, rowids, names, _listed_at = picked_then_replaced
    kept = reader.get_paper("2402.10000")
    assert kept is not None
    picked = Picked((kept.rowid, *rowids), {kept.rowid: "2402.10000", **names})
    out = tmp_path / "sel.json"
    assert export_picked(reader, picked, "json", out) == (1, 2)
    text = out.read_text("utf-8")
    assert "2402.10000" in text and not any(pid in text for pid in NEW_IDS)
