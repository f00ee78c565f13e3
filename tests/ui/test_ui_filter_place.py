"""`u`, `*` and escape (clearing a kept search) keep the place in the list.

They started again at the top, even with the current paper still listed (`j` x30,
`u`: back at ref 1; found by a bug hunt). Each case is tried on the first page
(120 rows, listing_read.FIRST_PAGE) and beyond it, since a kept paper beyond the
first page waits for the listing's ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, make_paper, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.listing_read import FIRST_PAGE

SIZE = (140, 40)
OLDER, NEWER = "digest-cs.LG-2024-02-05", "digest-cs.LG-2024-02-06"


def _cache(path: Path, *, read_rows: range = range(0), starred_rows: tuple[int, ...] = ()) -> Path:
    """All papers: the newer digest's 50, then the older one's 200; the papers at
    `read_rows` / `starred_rows` of that listing are read / starred."""
    with Store.open(path) as store:
        older = [make_paper(1000 + i) for i in range(200)]
        store.import_digest(Digest(name=OLDER, date="2024-02-05", papers=older))
        newer = [make_paper(i) for i in range(50)]
        store.import_digest(Digest(name=NEWER, date="2024-02-06", papers=newer))
        ids = store.list_ids("")
        store.set_read([ids[row] for row in read_rows])
        store.set_starred([ids[row] for row in starred_rows])
    return path


async def _open_at(pilot, row: int):
    """The reader on All papers, its ids read, the cursor moved to `row` by the user."""
    await settle(pilot)
    papers = pilot.app.main.paper_list
    await pilot.press("G")  # (the ids: the cursor can go past the first page)
    await settle(pilot)
    papers.move_cursor(row)
    await settle(pilot)
    return pilot.app.main, papers


async def test_u_in_a_digest_keeps_the_current_paper(tmp_path: Path) -> None:
    """The bug hunt's case: a digest, `j` x30 (ref 31, unread), `u`."""
    cache = _cache(tmp_path / "cache.db", read_rows=range(0, 250, 7))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.show_digest(OLDER)
        await settle(pilot)
        await pilot.press(*"j" * 30)
        await settle(pilot)
        current = papers.current_rowid
        assert papers.cached_row(current).ref == 31
        await pilot.press("u")
        await settle(pilot)
        assert main.effective_query() == "is:unread" and main.matches < 200
        assert papers.current_rowid == current and papers.cursor > 0
        assert main.detail.record.paper.id == make_paper(1030).id


@pytest.mark.parametrize("row", [40, FIRST_PAGE + 80])
async def test_u_keeps_an_unread_current_paper_both_ways(tmp_path: Path, row: int) -> None:
    # 10 read papers above: row 200 is row 190 of the unread ones, past their first page
    cache = _cache(tmp_path / "cache.db", read_rows=range(0, 20, 2))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_at(pilot, row)
        current = papers.current_rowid
        await pilot.press("u")
        await settle(pilot)
        assert main.matches == 240
        assert papers.current_rowid == current and papers.cursor == row - 10
        await pilot.press("u")  # all papers again
        await settle(pilot)
        assert main.matches == 250
        assert papers.current_rowid == current and papers.cursor == row


@pytest.mark.parametrize("row", [4, FIRST_PAGE + 80])
async def test_u_on_a_read_paper_goes_to_the_next_unread_one(tmp_path: Path, row: int) -> None:
    """The current paper leaves the listing: the next paper of it still listed."""
    read = range(row - 2, row + 3)  # the current paper and two either side are read
    cache = _cache(tmp_path / "cache.db", read_rows=read)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_at(pilot, row)
        with Store.open(cache) as store:
            after = store.list_ids("")[row + 3]
        await pilot.press("u")
        await settle(pilot)
        assert main.matches == 245
        assert papers.current_rowid == after and papers.cursor == row - 2


@pytest.mark.parametrize("row", [60, FIRST_PAGE + 80])
async def test_star_filter_keeps_a_starred_current_paper_both_ways(
    tmp_path: Path, row: int
) -> None:
    cache = _cache(tmp_path / "cache.db", starred_rows=(3, row, 230))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_at(pilot, row)
        current = papers.current_rowid
        await pilot.press("asterisk")
        await settle(pilot)
        assert main.matches == 3
        assert papers.current_rowid == current and papers.cursor == 1
        await pilot.press("asterisk")
        await settle(pilot)
        assert main.matches == 250
        assert papers.current_rowid == current and papers.cursor == row


@pytest.mark.parametrize(("moves", "row"), [(3, 23), (28, 50 + 121)])
async def test_escape_in_the_list_keeps_the_paper_of_the_cleared_search(
    tmp_path: Path, moves: int, row: int
) -> None:
    """A researcher who searched, moved to a paper and cleared the search stays on
    that paper in the full list (on the first page, and beyond it: row 171)."""
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        await pilot.press("slash", *"retrieval", "enter")  # topic 5: every 6th paper
        await settle(pilot)
        assert main.matches == 42
        await pilot.press(*"j" * moves)
        await settle(pilot)
        current = papers.current_rowid
        await pilot.press("escape")
        await settle(pilot)
        assert main.query_text == "" and main.matches == 250
        assert papers.current_rowid == current and papers.cursor == row
        assert main.detail.record.paper.id == papers.cached_row(current).id


async def test_escape_in_the_box_abandons_the_search_for_the_top(tmp_path: Path) -> None:
    """A search being typed and abandoned: its first result was never chosen."""
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_at(pilot, 30)
        await pilot.press("slash", *"retrieval")
        await settle(pilot)
        assert main.matches == 42 and papers.cursor == 0
        await pilot.press("escape")
        await settle(pilot)
        assert main.query_text == "" and main.matches == 250
        assert papers.cursor == 0 and app.focused is papers


async def test_a_select_all_waiting_for_the_listing_is_not_done_on_the_filtered_one(
    tmp_path: Path,
) -> None:
    """`A` waits for the listing's ids; `u` then keeps the place but shows another
    listing: the select-all is dropped (and said), as for a new search."""
    from ui_support import notes

    cache = _cache(tmp_path / "cache.db", read_rows=range(0, 250, 2))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_at(pilot, 10)
        with Store.open(cache) as store:
            first_page = store.list_rows(store.list_ids("")[:FIRST_PAGE])
        papers.set_listing(250, first_page, keep=papers.current_rowid)  # only its first page
        await pilot.press("A")  # waits for the ids
        await pilot.press("u")
        await settle(pilot)
        assert main.matches == 125 and papers.selected == set()
        assert "Select all was not done: the listing changed." in notes(app)
