"""The user's marks as changes: what a key changed, how to say it, how to undo it.

A `FlagChange` lists only the papers whose flag really changed (the store
reports them), so undoing it restores exactly the previous values: those
papers had the opposite value before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tui_digest.core.wording import counted

# How a change is told: flag -> (set, cleared)
_VERBS = {"read": ("marked {} read", "marked {} unread"), "starred": ("starred {}", "unstarred {}")}
# What a paper is then: flag -> (set, cleared)
_STATES = {"read": ("read", "unread"), "starred": ("starred", "unstarred")}


# A NamedTuple, for the reader's start (see core.record).
class FlagChange(NamedTuple):
    """A read or starred flag set on some papers (what undo reverses)."""

    flag: str  # "read" or "starred"
    value: bool  # what the papers were set to
    rowids: tuple[int, ...]  # the papers whose flag changed
    asked: int = 0  # papers the user acted on (some may already have had the value)
    # Of `asked`, papers another process removed meanwhile (`Store.mark`): kept
    # waiting for them by id, or (of no known id) nothing kept.
    waiting: int = 0
    gone: int = 0

    def describe(self) -> str:
        """ "Starred 3 papers", "Marked 1 paper unread" (plus the ones already so,
        and those removed meanwhile: never counted as already so, as a star on a
        removed paper was, "Unstarred 0 papers (1 already were)": bug hunt)."""
        done, undone = _VERBS[self.flag]
        already = self.asked - len(self.rowids) - self.waiting - self.gone
        parts = []
        if self.rowids or already > 0 or not (self.waiting or self.gone):
            text = (done if self.value else undone).format(counted(len(self.rowids), "paper"))
            parts.append(text + (f" ({already:,} already were)" if already > 0 else ""))
        if self.waiting:
            state = _STATES[self.flag][0 if self.value else 1]
            back = "it comes" if self.waiting == 1 else "they come"
            parts.append(
                f"{counted(self.waiting, 'paper')} removed from the cache meanwhile: "
                f"kept as {state} for when {back} back"
            )
        if self.gone:
            them = "it" if self.gone == 1 else "them"
            parts.append(
                f"{counted(self.gone, 'paper')} no longer in the cache (removed meanwhile): "
                f"nothing saved for {them}"
            )
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def describe_undo(self) -> str:
        """What undoing this change did: "Undone: unstarred 3 papers." Here
        `asked` is the papers the undone change had changed (one may have been
        changed back elsewhere since). It said the original action's words:
        "Undone: starred 0 papers (1 already were)." (found by a bug hunt)."""
        done, undone = _VERBS[self.flag]
        text = (undone if self.value else done).format(counted(len(self.rowids), "paper"))
        already = self.asked - len(self.rowids) - self.waiting
        state = _STATES[self.flag][int(self.value)]
        was = f"{counted(already, 'paper')} was" if already == 1 else f"{already:,} were"
        # A mark kept waiting for a removed paper is dropped (`Store.mark`): ctrl+z
        # skipped it and took back the change before (found by a bug hunt).
        kept = _STATES[self.flag][0 if self.value else 1]
        dropped = f"{counted(self.waiting, 'removed paper')} no longer kept as {kept}"
        if not self.rowids and self.waiting:
            return f"Undone: {dropped}" + (f" ({was} already {state})." if already > 0 else ".")
        if not self.rowids:
            return f"Undone: nothing changed ({was} already {state})."
        also = f"; {dropped}" if self.waiting else ""
        return f"Undone: {text}{also}" + (f" ({was} already {state})." if already > 0 else ".")


Schedule = Callable[[float, Callable[[], None]], object]


class DwellTimer:
    """Marks the current paper read once it has stayed current for `read_after` seconds.

    Only a deliberate cursor move (a key or a click) or opening the paper
    full-screen (`enter`) starts it; the launch, a new search result and a
    refresh never do. A paper the user marked read or unread by hand
    (m; ctrl+z of an m leaves it so) is never marked by the timer afterwards: an
    explicit mark wins. A star (or its undo) says nothing about reading.
    `schedule(delay, callback)` returns an object with `stop()` (Textual's
    `set_timer`; tests pass a clock they advance by hand).
    """

    def __init__(self, schedule: Schedule, on_dwell: Callable[[int], None]) -> None:
        self._schedule = schedule
        self._on_dwell = on_dwell
        self.read_after: float | None = None  # None: [reader] auto_read = false
        self.pending: int | None = None  # the paper the timer waits on
        self._timer: object | None = None
        self._explicit: set[int] = set()

    def start(self, rowid: int) -> None:
        self.cancel()
        if self.read_after is None or rowid in self._explicit:
            return
        self.pending = rowid
        self._timer = self._schedule(self.read_after, lambda: self._fire(rowid))

    def cancel(self) -> None:
        timer, self._timer, self.pending = self._timer, None, None
        stop = getattr(timer, "stop", None)
        if callable(stop):
            stop()

    def explicit(self, flag: str, rowids: tuple[int, ...] | list[int]) -> None:
        """The user set `flag` on these papers by hand: when it is the read flag,
        the timer leaves them alone. Any other flag changes nothing here: a star
        (or undoing one) turned the timer off for the paper for the whole session,
        and `j s` never read it (found by a bug hunt)."""
        if flag != "read":
            return
        self._explicit.update(rowids)
        if self.pending in self._explicit:
            self.cancel()

    def _fire(self, rowid: int) -> None:
        if self.pending == rowid:
            self.pending = self._timer = None
            self._on_dwell(rowid)
