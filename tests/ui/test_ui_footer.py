"""The footer (issue 16 item 4): every key once, `? Help` and `q Quit` always shown,
the most useful keys first on a narrow terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import HorizontalGroup
from ui_support import make_app, settle

from tui_digest.ui.widgets.footer import ReaderFooter


def shown_keys(app) -> tuple[list[str], list[str]]:
    """(the keys drawn whole left of the pinned group, the pinned keys), as their text."""
    footer = app.screen.query_one(ReaderFooter)
    pinned = footer.query_one(HorizontalGroup)
    left, right = footer.region.x, pinned.region.x
    keys, kept = [], []
    for widget in footer.query("FooterKey"):
        text = " ".join(str(widget.render()).split())
        if widget.parent is pinned:
            kept.append(text)
        elif widget.region.width and left <= widget.region.x and widget.region.right <= right:
            keys.append(text)
    return keys, kept


@pytest.mark.parametrize("width", [60, 80, 120, 200])
async def test_every_key_once_and_help_quit_always_visible(cache: Path, width: int) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        keys, pinned = shown_keys(app)
        assert pinned == ["? Help", "q Quit", "^p Commands"]
        everything = keys + pinned
        assert len(everything) == len(set(everything)), everything  # each key once
        assert all("^p" not in key for key in keys)
        # The pinned group is drawn inside the screen, at its right edge.
        footer = app.screen.query_one(ReaderFooter)
        group = footer.query_one(HorizontalGroup)
        assert group.region.right == app.size.width and group.region.width > 0
        # The most useful keys come first: whatever fits starts with these.
        first = ["/ Search", "d Digest", "s Star", "m Read", "o Open"]
        assert keys[: len(first)] == first[: len(keys)]
        if width >= 80:
            assert keys[:3] == first[:3]
        if width >= 200:
            assert "j/↓ Down" in keys and "e Export" in keys


async def test_the_reading_view_pins_help_and_quit_too(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        keys, pinned = shown_keys(app)
        # Here q goes back to the list (as escape does): it is not pinned as Quit.
        assert pinned == ["? Help", "^p Commands"]
        assert keys[:3] == ["esc Back", "J Next", "K Previous"]
