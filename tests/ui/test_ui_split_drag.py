"""Dragging the split (issue 16 item 7): press on the divider, move, release;
the list's share follows the pointer and is kept in the settings."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from ui_support import make_app, settle

from tui_digest.ui.settings import SPLIT_RANGE, Settings


async def drag_to(pilot: Pilot, offset: tuple[int, int], *, button: int = 1) -> None:
    """A move of the pointer to screen `offset` with `button` held, posted to the app
    as the terminal driver does (a real drag reports its button; `pilot.hover`'s
    moves report none, as a move with no button held does)."""
    x, y = offset
    pilot.app.post_message(events.MouseMove(None, x, y, 0, 0, button, False, False, False, x, y))
    await pilot.pause()


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
        await drag_to(pilot, (40, y))  # a quarter of 160 columns
        await pilot.mouse_up(offset=(40, y))
        await settle(pilot)
        assert main.settings.split == 25 != before
        assert main.query_one("#summary-pane").region.width == 40
        assert detail.region.x == 40
        # Past the range: clamped like < and >.
        x = detail.region.x
        await pilot.mouse_down(offset=(x, y))
        await drag_to(pilot, (155, y))
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
        await drag_to(pilot, (10, target))
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
        await drag_to(pilot, (30, d.y + 5))
        await pilot.mouse_up(offset=(30, d.y + 5))
        await settle(pilot)
        assert main.settings.split == before


async def test_a_drag_leaves_the_focus_where_it_was(cache: Path) -> None:
    """The divider is the detail pane's border, and Textual focuses the widget under
    a press before the screen sees it: a drag moved the focus to the detail pane,
    so j/k stopped moving the list's cursor (found by a bug hunt)."""
    for size in [(140, 40), (90, 40)]:  # side by side, stacked
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            main, papers = app.main, app.main.paper_list
            papers.focus()
            await settle(pilot)
            d = main.detail.region
            if main.effective_layout() == "wide":
                start, end = (d.x, d.y + 5), (d.x - 10, d.y + 5)
            else:
                start, end = (10, d.y), (10, d.y + 4)
            await pilot.mouse_down(offset=start)
            await drag_to(pilot, end)
            await pilot.mouse_up(offset=end)
            await settle(pilot)
            assert main.detail.region != d  # it was dragged
            assert papers.has_focus, size
            before = papers.cursor  # (the second start returns to the first's place)
            await pilot.press("j", "j")
            await settle(pilot)
            assert papers.cursor == before + 2
            # A press inside the detail pane still focuses it.
            d = main.detail.region
            await pilot.click(offset=(d.x + 5, d.y + 3))
            await settle(pilot)
            assert main.detail.has_focus


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
        await drag_to(pilot, (d.x - 30, y))
        await pilot.mouse_up(offset=(d.x - 30, y))
        await settle(pilot)
        assert main.settings.split == before
        assert main.detail.region == d


async def test_a_drag_whose_release_is_lost_ends_on_a_move_with_no_button(cache: Path) -> None:
    """Textual asks for every motion (held or not): when the release never reached
    the reader (let go over another tmux pane, outside the window), every later
    move of the pointer went on resizing the split until the next click (found by
    a bug hunt). A move with no button held ends the drag, keeping where it was."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        x = main.detail.region.x
        await pilot.mouse_down(offset=(x, 5))
        await drag_to(pilot, (60, 5))
        assert main.settings.split == 38  # (60 of 160 columns)
        await drag_to(pilot, (100, 10), button=0)  # no release came; no button held
        await drag_to(pilot, (45, 20), button=0)
        await settle(pilot)
        assert main.settings.split == 38
        assert main.detail.region.x == 60
        assert app.mouse_captured is None
    assert Settings.load().split == 38  # kept, as a release keeps it


async def test_a_drag_ends_when_the_terminal_loses_the_focus(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        x = main.detail.region.x
        await pilot.mouse_down(offset=(x, 5))
        await drag_to(pilot, (60, 5))
        app.post_message(events.AppBlur())
        await settle(pilot)
        app.post_message(events.AppFocus())
        await drag_to(pilot, (100, 10))  # (a button held over the terminal again)
        await settle(pilot)
        assert main.settings.split == 38 and app.mouse_captured is None


async def test_a_drag_ends_when_another_screen_opens(cache: Path) -> None:
    """A key pressed mid-drag opens help: its release went to help, and back on the
    list the split followed the pointer again."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        x = main.detail.region.x
        await pilot.mouse_down(offset=(x, 5))
        await drag_to(pilot, (60, 5))
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen is not main
        await pilot.mouse_up(offset=(70, 5))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        await drag_to(pilot, (100, 10))
        await settle(pilot)
        assert main.settings.split == 38 and app.mouse_captured is None


async def test_a_drag_follows_every_move_while_the_screen_repaints(cache: Path) -> None:
    """Each move repaints the panes, and after a repaint Textual checks the widget
    under the pointer, ignoring the capture: it posted `Leave` to the screen, which
    ended the drag at its first move, so the divider moved one step only (found by
    a regression hunt). The pauses let those checks run between the moves."""
    for size in [(160, 40), (90, 40)]:  # side by side, stacked
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            main = app.main
            d = main.detail.region
            wide = main.effective_layout() == "wide"
            start = (d.x, d.y + 5) if wide else (10, d.y)
            await pilot.mouse_down(offset=start)
            steps = [d.x - 8, d.x - 13, d.x - 23] if wide else [d.y - 3, d.y - 6, d.y - 9]
            for step in steps:
                point = (step, d.y + 5) if wide else (10, step)
                await drag_to(pilot, point)
                await settle(pilot)
                await pilot.pause()
                edge = main.detail.region.x if wide else main.detail.region.y
                assert edge == step, (size, step)
                assert app.mouse_captured is main
            await pilot.mouse_up(offset=point)
            await settle(pilot)
            assert app.mouse_captured is None
            edge = main.detail.region.x if wide else main.detail.region.y
            assert edge == steps[-1]
