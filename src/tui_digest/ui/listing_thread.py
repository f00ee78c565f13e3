"""Whether the busy listing worker's thread has begun: only then is its `ListingDone` coming.

One listing thread at a time (screens/listing.py): a request that comes while
one is busy cancels it and waits for its `ListingDone` (posted when its thread
returns), then runs. But a Textual thread worker cancelled before its thread
began never runs at all: `Worker.cancel` cancels its asyncio task, and that
either stops the task before its first step or cancels the executor job still
waiting for a pool thread (`concurrent.futures.Future.cancel` succeeds while the
job is pending). Then nothing ever posted `ListingDone`, every later request
waited for it, and the list stopped following searches and fetches until the
reader was restarted. The window is short on a quiet machine (two requests in
one event-loop turn: a fetch's `cache_changed` and a keystroke) and long on a
loaded one (a pool thread takes a while to pick the job up); it was found as a
UI test that failed only in loaded full runs.

`ListingThreads` settles it under one lock: a worker's thread `begin`s only if
the worker is not cancelled yet, and `cancel` says whether the thread began.
So exactly one of the two happens: the thread runs and posts `ListingDone`, or
it never does anything and the screen starts the next request at once.
"""

from __future__ import annotations

import threading

from textual.worker import Worker


class ListingThreads:
    """The begin/cancel handshake between the screen and its listing threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._began: Worker[None] | None = None  # the last worker whose thread began

    def begin(self, worker: Worker[None]) -> bool:
        """In the thread, first: False when `worker` was cancelled before (do nothing then)."""
        with self._lock:
            if worker.is_cancelled:
                return False
            self._began = worker
            return True

    def cancel(self, worker: Worker[None]) -> bool:
        """On the event loop: cancel `worker`; True when its thread began (its
        `ListingDone` is coming), False when it never will run."""
        with self._lock:
            worker.cancel()
            return self._began is worker
