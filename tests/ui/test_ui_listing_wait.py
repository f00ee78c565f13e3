"""`A` and `G` pressed right after a search, while only the first page's ids are here,
act on the whole listing once its ids come (found by a bug hunt on a 65k-paper
cache: A selected 120 of 47,459 papers and the next s/m/e acted on those; G
stopped at row 120 and stayed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import build_cache, make_app, notes, settle, status_text

from tui_digest.ui import listing_read
from tui_digest.ui import messages as msg
from tui_digest.ui.screens.listing import ListingScreen

SIZE = (140, 40)
PAPERS = 158  # more than a first page (listing_read.FIRST_PAGE = 120)
WAITING = "Selecting every paper of the listing once it is read…"


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return build_cache(tmp_path / "big.db", n_first=PAPERS)  # (the newer digest reuses 8 ids)


class HeldIds:
    """The listings' id arrays are read only when the test says (`release`)."""

    def __init__(self, monkeypatch) -> None:
        self.ask = ListingScreen._ask_for_ids
        self.held: list[tuple[ListingScreen, msg.ListingCount]] = []
        monkeypatch.setattr(
            ListingScreen, "_ask_for_ids", lambda screen, count: self.held.append((screen, count))
        )

    def release(self) -> None:
        for screen, count in self.held:
            self.ask(screen, count)
        self.held.clear()


async def search_first_page(pilot, ids: HeldIds) -> None:
    await settle(pilot)
    ids.release()
    await settle(pilot)
    await pilot.press("slash", *"study", "enter")  # in every paper's abstract
    await settle(pilot)
    main = pilot.app.main
    assert ids.held and len(main.paper_list.ids) == listing_read.FIRST_PAGE < main.matches


async def test_select_all_before_the_ids_selects_the_whole_listing(big: Path, monkeypatch) -> None:
    ids = HeldIds(monkeypatch)
    app = make_app(big, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await search_first_page(pilot, ids)
        main = app.main
        await pilot.press("A")
        assert main.selected == 0 and WAITING in notes(app)  # not the first page
        ids.release()
        await settle(pilot)
        assert main.selected == PAPERS and main.paper_list.selected == set(main.paper_list.ids)
        assert f"{PAPERS} selected" in status_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert f"Starred {PAPERS} papers · ctrl+z undoes" in notes(app)


async def test_select_all_waiting_is_dropped_with_its_listing(big: Path, monkeypatch) -> None:
    ids = HeldIds(monkeypatch)
    app = make_app(big, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await search_first_page(pilot, ids)
        main = app.main
        await pilot.press("A", "A")  # again: not wanted after all
        assert "Select all cancelled." in notes(app)
        ids.release()
        await settle(pilot)
        assert main.selected == 0
        await pilot.press("slash", *" -protein", "enter")
        await settle(pilot)
        assert ids.held and len(main.paper_list.ids) < main.matches
        await pilot.press("A", "slash", *" -graph", "enter")  # another listing comes
        await settle(pilot)
        assert "Select all was not done: the listing changed." in notes(app)
        ids.release()
        await settle(pilot)
        assert main.selected == 0


async def test_g_before_the_ids_goes_to_the_last_row_once_they_come(big: Path, monkeypatch) -> None:
    ids = HeldIds(monkeypatch)
    app = make_app(big, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await search_first_page(pilot, ids)
        main = app.main
        await pilot.press("G")
        assert main.paper_list.cursor == listing_read.FIRST_PAGE - 1
        ids.release()
        await settle(pilot)
        assert main.paper_list.cursor == PAPERS - 1
        # A move after G wins over it.
        await pilot.press("g", "slash", *" -protein", "enter")
        await settle(pilot)
        await pilot.press("G", "k")
        ids.release()
        await settle(pilot)
        assert main.paper_list.cursor == listing_read.FIRST_PAGE - 2
