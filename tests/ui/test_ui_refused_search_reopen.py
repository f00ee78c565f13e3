"""Quitting with a refused search in the box (bug hunt s41 #3): the reader
reopened on an empty list, "Opening the cache…" for good. It reopens on the
listing that was shown, the last search that could be read."""

from __future__ import annotations

import json
from pathlib import Path

from ui_support import detail_text, make_app, settle, status_text

from tui_digest.ui.settings import Settings, settings_path

SIZE = (140, 40)


async def test_a_refused_search_reopens_on_the_listing_that_was_shown(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"retrieval", "space", "left_parenthesis", *"agent", "enter")
        await settle(pilot)
        main = app.main
        assert main.query_text == "retrieval (agent" and main.error
        shown = list(main.paper_list.ids)
        assert 0 < len(shown) < 38  # the results of "retrieval ", kept
    assert Settings.load(cache=cache).query.strip() == "retrieval"
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list(again.main.paper_list.ids) == shown
        assert again.main.search_box.value.strip() == "retrieval"
        assert "Opening the cache" not in detail_text(again)


async def test_a_refused_search_saved_before_is_said_not_left_opening(cache: Path) -> None:
    """A settings file from before holds the refused search: the reader says why
    nothing is listed instead of "Opening the cache…" and "0 / …"."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"query": "retrieval (agent"}))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Opening the cache" not in detail_text(app)
        assert "parenthes" in detail_text(app)
        assert "…" not in status_text(app).split("parenthes")[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.matches == 38
