"""Dragging the split (issue 16 item 7): press on the divider, move, release;
the list's share follows the pointer and is kept in the settings."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle

from tui_digest.ui.settings import SPLIT_RANGE, Settings


async def test_dragging_the_divider_side_by_side_moves_and_keeps_the_split(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.effective_layout() == "wide"
        detail = main.detail
        before = main.settings.split
        x, y = detail.region.x, detail.region.y + 5
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(40, y))  # a quarter of 160 columns
        await pilot.mouse_up(offset=(40, y))
        await settle(pilot)
        assert main.settings.split == 25 != before
        assert main.query_one("#summary-pane").region.width == 40
        assert detail.region.x == 40
        # Past the range: clamped like < and >.
        x = detail.region.x
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(155, y))
        await pilot.mouse_up(offset=(155, y))
        await settle(pilot)
        assert main.settings.split == SPLIT_RANGE[1]
    assert Settings.load().split == SPLIT_RANGE[1]  # kept for the next start


async def test_dragging_the_divider_stacked(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(90, 40)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.effective_layout() == "stacked"
        panes = main.query_one("#panes").region
        detail = main.detail
        await pilot.mouse_down(offset=(10, detail.region.y))
        target = panes.y + panes.height // 2
        await pilot.hover(offset=(10, target))
        await pilot.mouse_up(offset=(10, target))
        await settle(pilot)
        assert main.settings.split_stacked == 50
        assert detail.region.y == target


async def test_a_press_away_from_the_divider_drags_nothing(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        before = main.settings.split
        d = main.detail.region
        await pilot.mouse_down(offset=(d.x + 10, d.y + 5))
        await pilot.hover(offset=(30, d.y + 5))
        await pilot.mouse_up(offset=(30, d.y + 5))
        await settle(pilot)
        assert main.settings.split == before


async def test_only_the_divider_between_the_panes_starts_a_drag(cache: Path) -> None:
    """Side by side, the divider is a column: a press on the status line or the
    footer in that column is not on it (it started a drag of the split)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.effective_layout() == "wide"
        before = main.settings.split
        d = main.detail.region
        y = d.bottom  # the first line below the panes (the status line)
        assert y < 40
        await pilot.mouse_down(offset=(d.x, y))
        await pilot.hover(offset=(d.x - 30, y))
        await pilot.mouse_up(offset=(d.x - 30, y))
        await settle(pilot)
        assert main.settings.split == before
        assert main.detail.region == d
