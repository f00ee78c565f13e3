"""Snapshots of the list, the reading view and the stacked layout at 80x24,
160x45 and 220x60 with real-length bilingual titles (issue 12 acceptance).

The cache holds real papers (tests/ui/real_titles.py). At 80x24 the list is
stacked by itself (below 100 columns), so that size's list picture is also its
stacked one; at the wider sizes `v` stacks the panes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from real_titles import LONG_TITLE, build_real_cache
from textual.pilot import Pilot
from ui_support import make_app, settle

from tui_digest.ui.screens.paper_view import PaperView

SIZES = [(80, 24), (160, 45), (220, 60)]
IDS = ["80x24", "160x45", "220x60"]


async def on_long_title(pilot: Pilot) -> None:
    """The list settled, the cursor on the row of the long title (row 3)."""
    await settle(pilot)
    await pilot.press("j", "j")
    await settle(pilot)
    assert pilot.app.main.detail.record.paper.title_en == LONG_TITLE


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_list(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await on_long_title(pilot)
        wide = size[0] >= 100
        assert pilot.app.main.effective_layout() == ("wide" if wide else "stacked")

    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_reading_view(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await on_long_title(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PaperView)

    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES[1:], ids=IDS[1:])
def test_stacked(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await on_long_title(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.main.effective_layout() == "stacked"

    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
