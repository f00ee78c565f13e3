"""The reader on a terminal three columns wide or less (a tmux pane squeezed by a
split) crashed: "ValueError: range() arg 3 must not be zero", from a widget
wrapping its Content at width 0 (found by a bug hunt): the detail pane's
WrappingStatic, and Textual's OptionList (the digest picker, the command palette)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, settle


@pytest.mark.parametrize("size", [(3, 20), (1, 1), (2, 5)])
async def test_the_reader_draws_on_a_tiny_terminal(cache: Path, size: tuple[int, int]) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        keys = ("d", "down", "escape", "ctrl+p", "escape", "j", "enter", "question_mark", "escape")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.resize_terminal(80, 20)
        await settle(pilot)
        assert app.return_code is None and app.main.store is not None


@pytest.mark.parametrize("size", [(3, 20), (1, 1)])
async def test_the_reader_starts_on_a_tiny_terminal(cache: Path, size: tuple[int, int]) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.return_code is None and app.main.store is not None
