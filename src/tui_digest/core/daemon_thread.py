"""Awaiting blocking work that may have to be abandoned: a daemon thread per call.

`asyncio.to_thread` uses the loop's executor, whose threads `asyncio.run`
waits for at exit: a call abandoned after a timeout (a name lookup with no
name server, a parse past the fetch deadline) would keep the program open
until it finished. A daemon thread does not; its late answer is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_in_daemon_thread(fn: Callable[..., T], *args: Any, name: str = "worker") -> T:
    """`fn(*args)` in a new daemon thread; cancel the await to stop waiting for it."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if done.done():
            return
        if ok:
            done.set_result(value)
        else:
            done.set_exception(value)

    def work() -> None:
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # handed to the awaiting task, not swallowed
            outcome = (False, exc)
        # RuntimeError: the loop is gone, and nobody waits for this answer any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await done
