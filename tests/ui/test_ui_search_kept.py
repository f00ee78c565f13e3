"""A kept search (issue 16 item 2): escape in the list clears it; the status line shows it."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle, status_text

SIZE = (140, 40)


async def test_escape_in_the_list_clears_a_kept_search(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert "search:" not in status_text(app)
        await pilot.press("slash", *"retrieval", "enter")
        await settle(pilot)
        assert app.focused is main.paper_list
        assert 0 < main.matches < 38
        line = status_text(app)
        assert "search: retrieval (esc clears)" in line
        await pilot.press("j", "escape")
        await settle(pilot)
        assert main.query_text == "" and main.search_box.value == ""
        assert main.matches == 38
        assert app.focused is main.paper_list
        assert "search:" not in status_text(app)
        # Nothing kept: escape changes nothing.
        await pilot.press("j", "escape")
        await settle(pilot)
        assert main.matches == 38 and main.paper_list.cursor == 1


async def test_a_search_reopened_from_settings_shows_and_clears(cache: Path) -> None:
    from tui_digest.ui.settings import Settings

    Settings(query="cat:cs.CL").save()
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert 0 < app.main.matches < 38
        assert "search: cat:cs.CL" in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.matches == 38
        assert "search:" not in status_text(app)


async def test_a_long_search_is_cut_with_an_ellipsis(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "retrieval " + "x" * 80
        await settle(pilot)
        line = status_text(app)
        assert "search: retrieval xxx" in line and "… (esc clears)" in line
        assert "x" * 60 not in line
