"""Messages a worker thread produces while the screen waits for them before its first frame.

A screen's first frame is drawn when Textual handles its `ScreenResume`, which
is queued behind the screen's `Mount`. The listing's first page comes from a
thread; posted as a message, it lands behind `ScreenResume`, so the reader drew
an empty frame ("Opening the cache…") and then the listing: two full renders,
~30 ms of CPU before the first useful one (issue 13 req 5). Instead the
screen's async `on_mount` holds the opening thread's messages here for a
moment: once the first page (or its error) is in, or the thread has ended, or
`timeout` passed, the screen applies what was held itself, before its first
frame, and from then on the thread's messages are posted as usual. A slow
cache therefore still gets the "Opening the cache…" frame after `timeout`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from textual.message import Message
from textual.message_pump import MessagePump


class HeldMessages:
    """Collects one thread's messages until `release`, then passes them on to the target."""

    def __init__(self, target: MessagePump, ends_wait: Callable[[Message], bool]) -> None:
        self._target = target
        self._ends_wait = ends_wait  # a held message after which the wait is over
        self._loop = asyncio.get_running_loop()  # created on the screen's loop
        self._done = asyncio.Event()
        self._lock = threading.Lock()
        self._held: list[Message] | None = []

    def post(self, message: Message) -> None:
        """From the thread: hold `message`, or post it once the screen stopped waiting."""
        with self._lock:
            if self._held is not None:
                self._held.append(message)
                if self._ends_wait(message):
                    self._loop.call_soon_threadsafe(self._done.set)
                return
        self._target.post_message(message)

    def finished(self) -> None:
        """From the thread, when it ends (however): nothing more is coming to wait for."""
        self._loop.call_soon_threadsafe(self._done.set)

    async def release(self, timeout: float) -> list[Message]:
        """Wait (at most `timeout` s) for the end of the wait; the messages held until then."""
        waiting = asyncio.ensure_future(self._done.wait())
        finished, _ = await asyncio.wait({waiting}, timeout=timeout)
        if not finished:
            waiting.cancel()  # a slow cache: the screen draws its "opening" frame meanwhile
        with self._lock:
            held, self._held = self._held or [], None
        return held
