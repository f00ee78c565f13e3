"""How often the reader may draw: up to 120 frames a second, not Textual's 60.

Textual draws a screen's changes on a timer of 1 / `TEXTUAL_FPS` seconds
(`textual.screen.UPDATE_PERIOD`, from `textual.constants.MAX_FPS`, which reads
the `TEXTUAL_FPS` environment variable once, as Textual is imported; see
https://textual.textualize.io/api/constants). A keystroke in the search box
is drawn twice: the box echoes the letter at once, and the new rows, read in a
thread a few milliseconds later, wait for the timer's next tick after that
echo. At 60 a second that wait is up to 16.7 ms, so the keystroke-to-rows time
of `benchmarks/filter.py` had a p95 of ~32 ms on a quiet machine (its event
loop's CPU p95 ~10 ms: the rest was waiting); at 120 it is ~18 ms (issue 13
req 4: p95 <= 25 ms).

The rate is a ceiling, not a clock: nothing is drawn unless something changed,
and Textual's animations keep their own 60 a second. A `TEXTUAL_FPS` the user
set is kept. It must be set before Textual is imported, so the command line
calls this first (`launch.run_reader`); this module imports nothing of
Textual's.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

READER_FPS = 120


def raise_frame_rate(environ: MutableMapping[str, str] = os.environ) -> None:
    """Let the reader draw up to `READER_FPS` times a second (unless the user said otherwise)."""
    environ.setdefault("TEXTUAL_FPS", str(READER_FPS))
