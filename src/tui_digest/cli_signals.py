"""SIGTERM as a command's stop (`timeout`, a systemd stop): its exit status, the
exception it becomes, and the handler set for a while.

`fetch` and `watch --since-last-run` each stop on SIGTERM as on Ctrl-C, so
what they do on the way out (a summary, a claim given back) runs; they differ
in how the signal gets there, not in these pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports it


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as a KeyboardInterrupt so a command stops as on Ctrl-C."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def on_sigterm(handler: Callable[[int, object], None]) -> Iterator[None]:
    """While inside, SIGTERM calls `handler`; the handler before comes back after.
    In the main thread only: elsewhere a handler cannot be set, and SIGTERM
    keeps its own."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
