"""Another process's write holds the cache: the reader says so, and what quitting means then.

The store tells (`Connections.on_wait_here` and `on_wait_over`, in the writing
worker's thread) when a write of the reader starts waiting for another
tui-digest process's write lock, and when it has it. While an import of a big
digest ran in another shell, `s` showed only "saving marks…" for a minute and
`q` "Saving your changes before quitting…" until the import ended, never why
(bug hunt scalebulk, item 3). The wait is kept here by the worker's group,
posted to the app as `LockWaitChanged`, and said in the status line and a
notification. Marks waiting for the lock are held only by this process (the
cache, where they would be kept, is the thing locked): quitting would lose
them, so a second `q` says so and how long it has waited, and the reader
still waits.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import NoActiveWorker, get_current_worker

# What is said of the other process: the cache does not tell which one writes.
WAITING = "waiting for another tui-digest process (an import, a fetch…) to finish writing"

# What each worker group that waits would lose at quit (`app.FINISH_AT_QUIT`).
_LOST = {
    "marks": "your read and starred marks",
    "annotate-write": "your tags or note",
    "watch-save": "the watch list",
    "remove-digest": "the digest's removal",
    "translate": "the translations received",
}


class LockWaitChanged(Message):
    """A write of the reader started (or ended) waiting for another process."""


class LockWaits:
    """The reader's writes waiting for another process's write lock, by worker group."""

    def __init__(self, target: MessagePump, now: Callable[[], dt.datetime]) -> None:
        self._target = target
        self._now = now
        self._lock = threading.Lock()
        self._since: dict[str, tuple[dt.datetime, int]] = {}  # group -> (first began, writes)

    def started(self, _path: Path) -> None:
        """(The writing thread) a write began waiting."""
        group = _group()
        with self._lock:
            began, count = self._since.get(group, (self._now(), 0))
            self._since[group] = (began, count + 1)
        self._target.post_message(LockWaitChanged())

    def over(self, _path: Path) -> None:
        """(The writing thread) the write has the lock, or gave up."""
        group = _group()
        with self._lock:
            began, count = self._since.get(group, (self._now(), 1))
            if count <= 1:
                self._since.pop(group, None)
            else:
                self._since[group] = (began, count - 1)
        self._target.post_message(LockWaitChanged())

    def waiting(self, groups: frozenset[str] | None = None) -> list[str]:
        """The groups waiting now (of `groups`, when given), longest wait first."""
        with self._lock:
            found = sorted(self._since.items(), key=lambda item: item[1][0])
        return [g for g, _ in found if groups is None or g in groups]

    def waited(self, group: str) -> float:
        """Seconds `group` has waited (0 when it does not wait)."""
        with self._lock:
            began = self._since.get(group)
        return 0.0 if began is None else max(0.0, (self._now() - began[0]).total_seconds())

    def status(self) -> str:
        """The status line's words while a write waits ("" when none does)."""
        return "waiting for another tui-digest process to finish writing…" if self.waiting() else ""

    def note(self) -> str:
        """The notification when a write starts waiting ("" when none does)."""
        waiting = self.waiting()
        if not waiting:
            return ""
        saved = " and ".join(dict.fromkeys(_LOST.get(g, "your changes") for g in waiting))
        return f"{WAITING[0].upper()}{WAITING[1:]} the cache: {saved} will be saved once it has."

    def would_lose(self, groups: frozenset[str]) -> str:
        """What a second `q` says while writes of `groups` wait ("" when none does)."""
        waiting = self.waiting(groups)
        if not waiting:
            return ""
        lost = " and ".join(dict.fromkeys(_LOST.get(g, "your changes") for g in waiting))
        return (
            f"Not saved yet: {lost}, {WAITING} the cache "
            f"(waited {_duration(self.waited(waiting[0]))}). Quitting now would lose them, "
            "so the reader quits once they are saved."
        )


def _group() -> str:
    try:
        return get_current_worker().group
    except NoActiveWorker:
        return ""


def _duration(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
