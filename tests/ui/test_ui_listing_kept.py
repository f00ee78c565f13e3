"""An unfinished query keeps the last listing, and that listing keeps (or finishes)
its own count and ids (found by a bug hunt on a 65k-paper cache: typing
`robot "agent` left "10,000 / 65,207" without its "+", or "120", and G stopped
at the first page's last row)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import build_cache, make_app, settle, status_text

from tui_digest.ui import listing_read
from tui_digest.ui.screens.listing import ListingScreen

SIZE = (140, 40)
PAPERS = 158  # more than a first page (listing_read.FIRST_PAGE = 120)


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return build_cache(tmp_path / "big.db", n_first=PAPERS)  # (the newer digest reuses 8 ids)


def hold_ids(monkeypatch) -> list[object]:
    """The listings' id arrays are not read (as if the next key came first)."""
    held: list[object] = []
    monkeypatch.setattr(ListingScreen, "_ask_for_ids", lambda self, count: held.append(count))
    return held


async def test_a_capped_count_kept_by_an_open_quote_finishes(big: Path, monkeypatch) -> None:
    assert listing_read.FIRST_PAGE < PAPERS
    monkeypatch.setattr(listing_read, "COUNT_CAP", 130)
    held = hold_ids(monkeypatch)
    app = make_app(big, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        held.clear()
        await pilot.press("slash", *"study")  # in every paper's abstract
        await settle(pilot)
        assert held and main.counting and "130+ / 158" in status_text(app)
        assert len(main.paper_list.ids) == listing_read.FIRST_PAGE
        await pilot.press(*' "agent')
        await settle(pilot)
        assert main.incomplete_error  # kept, quietly
        assert (main.matches, main.counting) == (PAPERS, False)
        assert "158 / 158" in status_text(app)
        assert len(main.paper_list.ids) == PAPERS
        await pilot.press("enter", "G")
        assert main.paper_list.cursor == PAPERS - 1


async def test_a_first_page_kept_before_its_count_is_counted(big: Path, monkeypatch) -> None:
    held = hold_ids(monkeypatch)
    app = make_app(big, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"study")
        await settle(pilot)
        assert held and len(main.paper_list.ids) == listing_read.FIRST_PAGE
        await pilot.press(*' "agent', "enter")
        await settle(pilot)
        assert main.error  # enter says why the query is not used
        assert (main.matches, main.counting) == (PAPERS, False)
        assert len(main.paper_list.ids) == PAPERS
