"""Each command of the palette has a title of its own (found by a bug hunt)."""

from __future__ import annotations

import os
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


async def test_the_palette_opens_the_readers_help_not_textuals_key_panel(cache: Path) -> None:
    """ctrl+p offered Textual's "Keys" panel, listing keys the help never names,
    and escape there cleared the kept search behind it; nothing opened the
    reader's own help (found by a bug hunt)."""
    from tui_digest.ui.screens.help import HelpScreen

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert "Keys" not in titles and titles.count("Help") == 1
        [help_line] = [c.help for c in app.get_system_commands(app.main) if c.title == "Help"]
        assert help_line.endswith(" · ?")  # its key, as the others' (regression hunt)
        await pilot.press("ctrl+p", *"Help")
        await palette_offers(pilot, "Help")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and titles.count("Help") == 1
        assert "Page up" not in titles  # (scrolling is only useful as a key)


async def test_palette_commands_name_their_keys_as_bound_now(cache: Path) -> None:
    """The palette never showed a key next to a command, and its titles differ from
    help's ("Open in browser" is help's "o Open"; found by a bug hunt)."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keys]\n"main.open" = "w"\n', encoding="utf-8")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        helps = {c.title: c.help for c in action_commands(app.main)}
        assert helps["Open in browser"].endswith(" · w")
        assert helps["Read full-screen"].endswith(" · enter")
        await pilot.press("enter")
        await settle(pilot)
        helps = {c.title: c.help for c in reading_commands(app.screen)}
        assert helps["Open in browser"].endswith(" · o")


async def test_the_selection_commands_end_with_their_keys_as_bound_now(cache: Path) -> None:
    """ "Clear the selection" and "Select all shown" (the list's keys, not the
    screen's) showed no key, so a remapped `X` was never named (regression hunt
    `regselect` #3)."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keys]\n"list.clear_selection" = "ctrl+x"\n', encoding="utf-8")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        helps = {c.title: c.help for c in action_commands(app.main)}
        assert helps["Clear the selection"].endswith(" · ctrl+x")
        assert helps["Select all shown"].endswith(" · A")
