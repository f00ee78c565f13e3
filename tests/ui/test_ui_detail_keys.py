"""The detail pane's keys (after `tab`): j/k/space/g/G scroll it, as they scroll
the reading view; before, only the arrows and PageUp/PageDown did, j/k/space did
nothing there. Help lists each key the README's table names (End, the reading
view's PageUp)."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle

from tui_digest.ui.screens.help import HelpText
from tui_digest.ui.screens.paper_view import PaperView
from tui_digest.ui.widgets.paper_detail import PaperDetail

SIZE = (140, 14)


async def test_j_k_space_g_G_scroll_the_detail_pane(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        first = app.main.paper_list.current_rowid
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is detail and detail.max_scroll_y > 3
        await pilot.press("j", "j")
        await settle(pilot)
        assert detail.scroll_y == 2
        await pilot.press("k")
        await settle(pilot)
        assert detail.scroll_y == 1
        await pilot.press("space")
        await settle(pilot)
        assert detail.scroll_y > 2
        await pilot.press("G")
        await settle(pilot)
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert detail.scroll_y == 0
        assert app.main.paper_list.current_rowid == first  # the list stays put


async def test_help_lists_end_pageup_and_the_detail_panes_keys(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        lines = app.screen.query_one(HelpText).plain.splitlines()
        bottom = next(line for line in lines if " Bottom " in line)
        assert bottom.split()[:2] == ["G", "end"]
        assert any(line.split()[:3] == ["pgup", "Page", "up"] for line in lines)
        assert any(line.split()[:2] == ["j", "Down"] and "detail pane" in line for line in lines)


async def test_pageup_scrolls_the_reading_view_back(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        scroll = app.screen.query_one("#paper-view-scroll")
        await pilot.press("space", "space")
        await settle(pilot)
        down = scroll.scroll_y
        assert down > 0
        await pilot.press("pageup")
        await settle(pilot)
        assert 0 <= scroll.scroll_y < down
