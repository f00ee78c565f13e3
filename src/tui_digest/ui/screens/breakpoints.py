"""The dialogs' one vertical breakpoint: below 20 rows a dialog's screen has the
class `-short` (dialogs.tcss drops padding and margins and lets the dialog scroll).

Textual sets the class from the terminal's height (`Screen.VERTICAL_BREAKPOINTS`:
https://textual.textualize.io/api/app/#textual.app.App.VERTICAL_BREAKPOINTS).
At 20 rows and more the dialogs fit with their padding (the export's 19 rows; the
digest list takes a share of the height, `45vh`).
"""

from __future__ import annotations

TALL_FROM = 20  # rows
SHORT: list[tuple[int, str]] = [(0, "-short"), (TALL_FROM, "-tall")]


def is_short(rows: int) -> bool:
    """Whether a screen `rows` high has the class `-short`."""
    return rows < TALL_FROM
