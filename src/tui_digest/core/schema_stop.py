"""A migration step's own look at an upgrade's stop (`Store.open(stop_upgrade=)`).

SQLite's progress handler stops a step's long SQL statements
(`store.connection._stoppable`), but a step whose time goes to Python work
between small statements is never looked into: `schema_redate` decompresses
and parses each candidate feed, and `q` during it waited for the whole step
on a blank screen (regression hunt `regui41` #3). Such a step calls `check()`
between its units of work; the opener sets the event for the upgrade with
`watching(stop)`, and a step run without it (a test, `schema.migrate` alone)
is never stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_STOP: ContextVar[threading.Event | None] = ContextVar("upgrade_stop", default=None)


class StepStopped(Exception):
    """The upgrade's stop was set during a step: `schema.migrate` rolls the step
    back (it rolls back on any error), and the opener says the upgrade stopped."""


@contextmanager
def watching(stop: threading.Event | None) -> Iterator[None]:
    """Steps run inside this look at `stop` when they call `check()`."""
    token = _STOP.set(stop)
    try:
        yield
    finally:
        _STOP.reset(token)


def check() -> None:
    """Raise StepStopped when the upgrade running has been asked to stop."""
    stop = _STOP.get()
    if stop is not None and stop.is_set():
        raise StepStopped("the upgrade was stopped")
