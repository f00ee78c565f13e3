"""Two readers open at once share settings.json (bug hunt s41 #9): the one that
quits writes its place and what it changed, never the other's choices back."""

from __future__ import annotations

import shutil
from pathlib import Path

from ui_support import make_app, settle

from tui_digest.ui.settings import Settings

SIZE = (120, 40)


async def test_a_reader_quitting_keeps_the_choices_another_reader_made(cache: Path) -> None:
    other = cache.with_name("other.db")
    shutil.copy(cache, other)
    second = make_app(cache, first_run_sample=False)  # B, started first
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A, on another cache, starts now: l, v and a theme; each saved at once.
        first = make_app(other, first_run_sample=False)
        async with first.run_test(size=SIZE) as pilot_a:
            await settle(pilot_a)
            await pilot_a.press("l", "v")
            first.theme = "nord"
            await settle(pilot_a)
        assert Settings.load().language == "zh"
        await pilot.press("j", "c")  # B hides its summary column and moves on
        await settle(pilot)
        paper = second.main.current_paper
    # B has quit. A restarts with its choices, B's column choice and place kept.
    restarted = Settings.load(cache=other)
    assert (restarted.language, restarted.layout, restarted.theme) == ("zh", "stacked", "nord")
    assert restarted.summary is False
    assert Settings.load(cache=cache).paper == paper != ""
    again = make_app(other, first_run_sample=False)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (again.main.language, again.theme) == ("zh", "nord")
