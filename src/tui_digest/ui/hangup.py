"""Leaving when the terminal goes away.

A terminal that closes without its SIGHUP reaching the reader leaves it
running on a dead terminal: started through `make run` (make takes the signal
and waits for its child), or over an SSH connection that drops. Its stdin then
reads end-of-file at once, forever, and Textual's input thread loops on it at
100 % of a core (seen here with a bare Textual app under `make`; the same bug
is Textualize/textual pull request #6690, open as of 2026-08) while the reader
keeps its cache open. A hung-up terminal is no longer a terminal (`isatty`
fails with EIO), so a check every few seconds, one system call, tells; the
reader then exits as if `q` had been pressed (settings saved, cache closed).

The signals themselves, SIGHUP (the terminal closed) and SIGTERM (`kill`, a
session or service ending), end the reader the same way: Python's default for
both ended the process at once, with the place it was closed on unsaved (the
next start reopened somewhere stale) and the write-ahead log left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

DEFAULT_SECONDS = 2.0
_SIGNALS = tuple(s for s in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if s is not None)


def stdin_is_terminal() -> bool:
    """Whether the reader's input is (still) a terminal: the one Textual reads."""
    stdin = sys.__stdin__
    if stdin is None:
        return False
    try:
        return os.isatty(stdin.fileno())
    except (OSError, ValueError):  # closed or detached stdin: no terminal
        return False


class HangupWatch:
    """Exits `app` once its terminal hangs up (nothing to watch without one)."""

    def __init__(
        self,
        app: App[None],
        is_terminal: Callable[[], bool] = stdin_is_terminal,
        seconds: float = DEFAULT_SECONDS,
    ) -> None:
        self.app = app
        self.is_terminal = is_terminal
        self.seconds = seconds
        self._timer: Timer | None = None
        self._caught: list[int] = []  # signals handled by the loop, until `stop`
        self.hung_up = False

    def start(self) -> bool:
        """Watch from now on; False when not started from a terminal (pipes, tests)."""
        if self.seconds <= 0 or self._timer is not None or not self.is_terminal():
            return False
        self._timer = self.app.set_interval(self.seconds, self.check)
        self.catch_signals()
        return True

    def catch_signals(self) -> None:
        """SIGHUP and SIGTERM exit as `q` does (where the platform has them)."""
        loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            # (Windows has neither the signals nor loop signal handlers)
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._signalled, sig)
                self._caught.append(sig)

    def _signalled(self, sig: int) -> None:
        self.hung_up = sig == getattr(signal, "SIGHUP", None)
        self.app.call_next(self.app.run_action, "quit")  # pending writes finish first

    def check(self) -> None:
        if self.is_terminal():
            return
        self.hung_up = True
        self.stop()
        self.app.call_next(self.app.run_action, "quit")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        while self._caught:
            sig = self._caught.pop()
            with contextlib.suppress(RuntimeError, ValueError):  # (the loop is gone)
                asyncio.get_running_loop().remove_signal_handler(sig)
