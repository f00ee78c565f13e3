"""A listing's count stops at COUNT_CAP (shown as "10,000+") and never blocks the
page; the full id array, read after it, brings the exact number (issue 13 req 3)."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle, status_text

from tui_digest.ui import listing_read
from tui_digest.ui.screens.listing import ListingScreen

SIZE = (140, 40)


async def test_a_capped_count_shows_plus_until_the_ids_bring_the_number(
    cache: Path, monkeypatch
) -> None:
    # 38 papers: a first page of 5, a count that stops after 10.
    monkeypatch.setattr(listing_read, "FIRST_PAGE", 5)
    monkeypatch.setattr(listing_read, "COUNT_CAP", 10)
    seen: list[tuple[bool, int, str]] = []
    counted = ListingScreen.on_listing_count

    def recording(self: ListingScreen, message) -> None:
        counted(self, message)
        if not message.stale:
            seen.append((message.capped, len(self.paper_list.ids), status_text(self.app)))

    monkeypatch.setattr(ListingScreen, "on_listing_count", recording)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        # The count said "more than 10" while only the page was there...
        assert seen[0][0] is True and seen[0][1] == 5
        assert "10+ / 38" in seen[0][2]
        # ...and the ids brought the exact number.
        assert (main.matches, main.counting) == (38, False)
        assert len(main.paper_list.ids) == 38
        assert "38 / 38" in status_text(app)
        # A search with as many matches as the cap (more than a page) is
        # counted exactly: 2402.10000-10009.
        await pilot.press("slash", *"id:2402.1000", "enter")
        await settle(pilot)
        assert (main.matches, main.counting, len(main.paper_list.ids)) == (10, False, 10)
        assert "10 / 38" in status_text(app)
        # A word in every paper, on a page of 5: capped again, then exact.
        seen.clear()
        await pilot.press("slash", "ctrl+u", *"study", "enter")
        await settle(pilot)
        assert seen[-1][:2] == (True, 5) and "10+ / 38" in seen[-1][2]
        assert (main.matches, main.counting) == (38, False)
        assert "38 / 38" in status_text(app)
