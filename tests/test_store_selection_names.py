"""A selection made by `A` (rows never drawn) after any removal elsewhere (bug hunt
`regselect` #1, #2): with only the drawn rows' ids, any removal at all (another
digest's `digests rm`, `prune`, the reader's own) made `e`, `s`, `m`, `#` act on
the ~120 drawn papers and call the other 617 removed. The rows are now named
when selected (`names_at`), so every selected paper is checked by its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.picked import Picked
from tui_digest.ui.export_job import export_picked

LARGE, SEED = "large-2024-02-06", "seed-2026-12-02"
DRAWN = 120  # rows the reader's row cache holds: their ids were shown


def paper(n: int) -> Paper:
    return Paper(id=f"2402.{n:05d}", version="v1", title_en=f"Paper {n}")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(
            Digest(SEED, date="2026-12-02", papers=[paper(90000 + i) for i in range(8)])
        )
        s.import_digest(Digest(LARGE, date="2024-02-06", papers=[paper(i) for i in range(737)]))
    return db


def _a_selection(reader: Store) -> Picked:
    """`A` on the large digest: the drawn rows' ids, the others named by `names_at`."""
    listed_at = reader.removals()
    rowids = reader.list_ids("", digest=LARGE)
    drawn = {r.rowid: r.id for r in reader.list_rows(rowids[:DRAWN])}
    names = reader.names_at(rowids[DRAWN:], listed_at)
    assert names is not None
    return Picked(tuple(rowids), {**drawn, **names})


def test_an_unrelated_removal_leaves_every_selected_paper_acted_on(
    cache: Path, tmp_path: Path
) -> None:
    with Store.open(cache) as reader, Store.open(cache) as other:
        picked = _a_selection(reader)
        assert len(picked.ids) == 737
        other.remove_digests(other.digest_pks([SEED]))  # 8 papers no one selected
        out = tmp_path / "large.bib"
        assert export_picked(reader, picked, "bibtex", out) == (737, 0)
        assert out.read_text("utf-8").count("\n@") + 1 == 737
        records, removed = reader.picked_papers(picked)
        assert (len(records), removed) == (737, 0)
        done = reader.mark("starred", picked.rowids, ids=picked.ids, by_hand=True)
        assert (len(done.changed), done.gone, len(done.waiting)) == (737, 0, 0)
        assert len(reader.list_ids("is:starred")) == 737


def test_a_removal_of_selected_papers_keeps_their_stars_waiting(cache: Path) -> None:
    """The reader's own removal of the selected digest: by id, each star waits."""
    with Store.open(cache) as reader:
        picked = _a_selection(reader)
        reader.remove_digests(reader.digest_pks([LARGE]))
        done = reader.mark("starred", picked.rowids, ids=picked.ids, by_hand=True)
        assert (len(done.changed), done.gone, len(done.waiting)) == (0, 0, 737)


def test_names_are_refused_for_rows_listed_before_a_removal(cache: Path) -> None:
    with Store.open(cache) as reader, Store.open(cache) as other:
        listed_at, rowids = reader.removals(), reader.list_ids("", digest=LARGE)
        other.remove_digests(other.digest_pks([SEED]))
        assert reader.names_at(rowids, listed_at) is None
        assert reader.names_at(rowids, None) is None


def test_a_large_listing_is_named_by_one_scan(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    with Store.open(db) as s:
        s.import_digest(Digest("big", date="2024-03-01", papers=[paper(i) for i in range(6000)]))
        rowids = s.list_ids("", digest="big")
        names = s.names_at([*rowids, 10**9], s.removals())
        assert names is not None and len(names) == 6000
        assert {names[r.rowid] for r in s.list_rows(rowids[:50])} == {
            r.id for r in s.list_rows(rowids[:50])
        }
