"""The digest picker's list takes the dialog's room (bug hunt `terminal`).

Its list was capped at 45 % of the terminal: at 40x15 it showed 4 rows of
options while three blank rows sat under it inside the dialog, at 80x24 two.
With few digests the dialog still fits its list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_digest_filter import many_digests, open_picker
from textual.widgets import OptionList
from ui_support import make_app, settle


@pytest.mark.parametrize("size", [(40, 15), (30, 10), (60, 20), (80, 24), (100, 19)])
async def test_no_blank_rows_under_a_list_that_does_not_fit(tmp_path: Path, size) -> None:
    db = tmp_path / "cache.db"
    many_digests(db, 20)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        picker = await open_picker(app, pilot)
        await settle(pilot)
        dialog = picker.query_one("#digest-dialog")
        options = picker.query_one(OptionList)
        assert options.virtual_size.height > options.scrollable_content_region.height
        # The list ends where the dialog's content does (and not past it).
        assert options.region.bottom == dialog.content_region.bottom, size
        assert dialog.region.bottom <= size[1]


@pytest.mark.parametrize("size", [(70, 15), (80, 24)])
async def test_a_short_list_keeps_the_dialog_small(tmp_path: Path, size) -> None:
    db = tmp_path / "cache.db"
    many_digests(db, 2)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        picker = await open_picker(app, pilot)
        await settle(pilot)
        dialog = picker.query_one("#digest-dialog")
        options = picker.query_one(OptionList)
        assert options.virtual_size.height <= options.scrollable_content_region.height
        assert options.region.bottom == dialog.content_region.bottom, size
        assert dialog.region.height < size[1] - 1


async def test_the_list_refits_when_the_terminal_is_resized(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    many_digests(db, 40)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(app, pilot)
        dialog = picker.query_one("#digest-dialog")
        options = picker.query_one(OptionList)
        for size in [(40, 15), (120, 40), (60, 20)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert options.region.bottom == dialog.content_region.bottom, size
            assert dialog.region.bottom <= size[1]
