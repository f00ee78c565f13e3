"""Snapshot tests (pytest-textual-snapshot): fixed size, fixed cache, frozen clock."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import make_app, settle


def test_main_wide(cache: Path, snap_compare) -> None:
    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 36), run_before=settle
    )


def test_main_stacked(cache: Path, snap_compare) -> None:
    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(90, 40), run_before=settle
    )


def test_main_chinese_view(cache: Path, snap_compare) -> None:
    async def chinese(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 36), run_before=chinese
    )


def test_search_results(cache: Path, snap_compare) -> None:
    async def search(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"graph", "enter")
        await settle(pilot)

    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 36), run_before=search
    )


def test_help_screen(cache: Path, snap_compare) -> None:
    async def help_screen(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 44), run_before=help_screen
    )


def test_export_dialog(cache: Path, snap_compare) -> None:
    async def export(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("space", "space", "e")
        await settle(pilot)
        # The path box's cursor blinks in real time: hide it, or the picture
        # depends on how long the steps above took.
        pilot.app.screen.query_one("#export-path", Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 36), run_before=export
    )


def test_main_light_theme(cache: Path, snap_compare) -> None:
    """A light theme (issue 16 item 8): the app's colours are theme variables."""

    async def light(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("slash", *"graph", "enter", "space", "j")
        await settle(pilot)

    assert snap_compare(
        make_app(cache, first_run_sample=False), terminal_size=(140, 36), run_before=light
    )
