"""The status line fits its width: whole parts, a cut one ends in "…" (found by a bug hunt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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


def _whole_words_of(name: str, shown: list[str]) -> None:
    """No part of the view's name is cut inside a word ("All pape…")."""
    pieces = {piece for piece in name.replace("-", " ").split()}
    for word in shown:
        if word.endswith("…"):
            kept = word[:-1].replace("-", " ").split()
            assert kept and all(piece in pieces for piece in kept), (word, name)


@pytest.mark.parametrize("width", [30, 34, 40, 50, 60, 70])
@pytest.mark.parametrize(("key", "flag"), [("u", "is:unread"), ("asterisk", "is:starred")])
async def test_a_quick_filter_outlives_the_view_name(
    cache: Path, width: int, key: str, flag: str
) -> None:
    """At 40 columns `*` left "All papers  0 / 1,080" and no word of the filter,
    at 60 columns `u` in a digest kept its long name and dropped `filter:
    is:unread` (bug hunt `terminal`): the filter says why papers are missing,
    the view's name is what gives way."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        status = app.main.query_one(StatusLine)
        shown = drawn(status).split()
        assert flag in shown, (width, shown)
        assert "/" in shown, (width, shown)
        _whole_words_of(OLDER, shown)


@pytest.mark.parametrize("width", [30, 34, 40, 50])
async def test_the_view_name_is_never_cut_mid_word(cache: Path, width: int) -> None:
    """With a selection at 40 columns the line read "All pape…  1,078 / 1,080
    2 selected" (README: whole parts are left out, never cut mid-word)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "j", "space")
        await settle(pilot)
        shown = drawn(app.main.query_one(StatusLine)).split()
        assert "selected" in shown, (width, shown)
        _whole_words_of("All papers", shown)
        app.main.show_digest(OLDER)
        await settle(pilot)
        shown = drawn(app.main.query_one(StatusLine)).split()
        _whole_words_of(OLDER, shown)


@pytest.fixture
def readonly_media(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-only media, where the cache guard looks (see test_ui_readonly.py)."""
    real = os.statvfs

    class _ReadOnly:
        def __init__(self, st: os.statvfs_result) -> None:
            self.f_flag = st.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: _ReadOnly(real(p)))


@pytest.mark.parametrize("width", [50, 60, 70])
async def test_the_unread_filter_outlives_the_read_only_tag(
    cache: Path, readonly_media: None, width: int
) -> None:
    """On a read-only cache at 60 columns `u` then `A` read "1,069 / 1,070
    1,069 selected   read-only cache": the filter that hides a paper was the first
    part dropped (bug hunt `regui`)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert app.main.store is not None and app.main.store.readonly
        app.main.paper_list.focus()
        await pilot.press("u", "A")
        await settle(pilot)
        shown = drawn(app.main.query_one(StatusLine)).split()
        assert "selected" in shown and "is:unread" in shown, (width, shown)


@pytest.mark.parametrize("width", [45, 50, 60, 70, 80])
async def test_a_kept_search_outlives_the_view_name(cache: Path, width: int) -> None:
    """At 45-80 columns `u` and a kept search read "All papers  552 / 1,077
    filter: is:unread": the search hiding 525 papers unnamed while the view's
    name stayed (bug hunt `regui`). The name gives way first."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u", "slash", *"reinforcement learning under shift", "enter")
        await settle(pilot)
        shown = drawn(app.main.query_one(StatusLine)).split()
        assert "is:unread" in shown and "search:" in shown, (width, shown)
        assert shown[shown.index("search:") + 1].startswith("rein"), (width, shown)
