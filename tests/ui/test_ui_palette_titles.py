"""Each command of the palette has a title of its own (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, palette_offers, settle

from tui_digest.ui.commands import action_commands, reading_commands
from tui_digest.ui.screens.paper_view import PaperView


async def test_no_two_palette_commands_share_a_title(cache: Path) -> None:
    """`o` and `enter` were both "Open": the palette offered two "Open" commands,
    one for the browser and one for the full-screen view, told apart only by the
    help line under them."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in action_commands(app.main)]
        assert len(titles) == len(set(titles)), sorted(titles)
        assert {"Open in browser", "Read full-screen"} <= set(titles)
        await pilot.press("ctrl+p", *"full-screen")
        await palette_offers(pilot, "Read full-screen")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        titles = [command.title for command in reading_commands(app.screen)]
        assert len(titles) == len(set(titles)) and "Open in browser" in titles
