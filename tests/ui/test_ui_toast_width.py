"""Notifications stay on screen at any width (bug hunt `terminal`).

Textual's toast is 60 cells wide; app.tcss lifted its `max-width: 50%` to 80 so
toasts were not squeezed, which let them run past the right edge of a terminal
narrower than ~62 columns: "Open the link yourself: https://arxiv.org/pdf/2611"
lost its URL, the one thing the user had to copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, settle

URL = "https://arxiv.org/pdf/2611.01234v2"
MESSAGE = f"No browser could be started. Open the link yourself: {URL}"


@pytest.mark.parametrize("width", [30, 40, 50, 61, 100, 200])
async def test_a_toast_is_drawn_within_the_screen(cache: Path, width: int) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 20), notifications=True) as pilot:
        await settle(pilot)
        app.notify(MESSAGE, markup=False)
        await settle(pilot)
        toasts = [w for w in app.screen.query("Toast") if w.display]
        assert toasts
        for toast in toasts:
            assert toast.region.x >= 0 and toast.region.right <= width, (width, toast.region)
            rows = [
                "".join(segment.text for segment in strip)
                for strip in toast.render_lines(toast.region.reset_offset)
            ]
            # Wrapped, the URL goes on over the next rows (the toast's edge "▌" aside).
            drawn = "".join(row.replace("▌", "").strip() for row in rows)
            assert URL in drawn, (width, rows)
