"""The status line fits its width: whole parts, a cut one ends in "…" (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from ui_support import make_app, settle

from tui_digest.ui.widgets.status_line import StatusLine

OLDER = "digest-cs.LG-2024-02-05"


def drawn(status: StatusLine) -> str:
    """The line as the terminal shows it (its one row), not the text it renders."""
    lines = status.render_lines(Region(0, 0, *status.outer_size))
    return "".join(segment.text for strip in lines for segment in strip)


async def test_the_status_line_drops_whole_parts_never_word_fragments(cache: Path) -> None:
    """The line was returned whatever its width and wrapped onto a hidden second
    row: "search: reinforcement" without "learning", "search: " with nothing,
    "73 / 200   2" without "selected"."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        await pilot.press("slash", *"reinforcement learning", "enter")
        await settle(pilot)
        await pilot.press("u", "space", "j", "space")
        await settle(pilot)
        status = app.main.query_one(StatusLine)
        words = {OLDER, "2", "selected", "search:", "reinforcement", "learning"}
        words |= {"/", "filter:", "is:unread", "中文", "+", "English", "unread", "in", "digest"}
        for width in (34, 40, 50, 64, 70, 80, 140):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            line = str(status.render())
            assert len(line) <= status.size.width, (width, line)
            shown = drawn(status).split()
            assert "selected" in shown, (width, shown)  # (s and m act on the selection)
            assert shown[shown.index("/") + 1] == "30", (width, shown)  # (the counts stay)
            assert shown[-1] != "search:", (width, shown)
            for word in shown:
                assert word in words or word.endswith("…") or word.isdigit(), (width, word)
            if width == 140:
                assert "learning" in shown and "is:unread" in shown


async def test_at_80_columns_the_unread_filter_stays_beside_a_long_search(cache: Path) -> None:
    """A long search at 80 columns dropped `filter: is:unread` (and the footer had
    no room for `u`): nothing said why papers were missing (found by a regression
    hunt). The filter comes first; the search is cut with "…" when it must be."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        await pilot.press("slash", *"reinforcement learning", "enter", "u")
        await settle(pilot)
        shown = drawn(app.main.query_one(StatusLine))
        assert "filter: is:unread" in shown
        assert "search: reinforcement" in shown
