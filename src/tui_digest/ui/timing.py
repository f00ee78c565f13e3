"""The reader's timing, given to the main screen when it is built (tests pass their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from tui_digest.core.when import SYSTEM_CLOCK, Clock
from tui_digest.ui.marks import Schedule

if TYPE_CHECKING:  # (a type only: the reader's start does not load the network package)
    from tui_digest.net.options import Sleep


# A NamedTuple, for the reader's start (see core.record).
class Timing(NamedTuple):
    """The reader's delays and clocks (tests pass their own)."""

    # A keystroke holds the screen's next frame back until its results arrive
    # (or this many seconds pass), so the echo and the new list are drawn in
    # one frame instead of two 16 ms apart.
    frame_hold: float = 0.03
    # The detail pane follows the cursor after this pause: re-flowing it costs a
    # layout pass (~10-15 ms), which should neither ride on the frame that shows
    # new search results nor run for every row while j is held down.
    detail_delay: float = 0.05
    # How the read timer is set: None is Textual's `set_timer`; tests pass a
    # clock they advance by hand. (How long it waits is `[reader]` in the config.)
    schedule: Schedule | None = None
    # Seconds after the last star change before For you's model is retrained
    # (None: never; the timer is set through `schedule` like the read timer).
    retrain_delay: float | None = 3.0
    # How a refresh waits between HTTP retries and for a host's politeness
    # interval: None is asyncio.sleep; tests pass one that records the wait
    # and returns at once.
    net_sleep: Sleep | None = None
    # Now and the time zone, for the times shown (fetch times): tests fix both.
    clock: Clock = SYSTEM_CLOCK


def never(delay: float, callback: object) -> None:
    """A schedule whose timers never fire (benchmarks and screenshots: nothing gets read)."""
    return None
