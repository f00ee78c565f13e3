"""Failing fast without a network: one unresolvable host ends the run's other requests.

When a host name cannot be resolved at all, the machine is almost certainly
offline; the other network sources of the run would each wait for their own
resolution or connect timeout. `OfflineWatch` records the first such failure
and answers every other network fetch of the run at once (those in flight are
cancelled) with the one message the CLI and the reader show:
"offline: could not reach <host>".

A mistyped host name (NXDOMAIN) looks the same from here on many systems; the
message then names that host, which is the one to check.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar
from urllib.parse import urlsplit

from tui_digest.net.errors import FetchError

T = TypeVar("T")


def offline_message(host: str) -> str:
    return f"offline: could not reach {host}"


class OfflineWatch:
    def __init__(self) -> None:
        self.host = ""
        self._event = asyncio.Event()

    @property
    def offline(self) -> bool:
        return self._event.is_set()

    def _error(self, url: str) -> FetchError:
        return FetchError(url, offline_message(self.host), kind="dns")

    async def guard(self, url: str, request: Awaitable[T]) -> T:
        """Await `request` unless the run goes offline first; then FetchError(kind="dns")."""
        task = asyncio.ensure_future(request)
        if self.offline:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, FetchError):
                await task
            raise self._error(url)
        waiter = asyncio.ensure_future(self._event.wait())
        try:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, FetchError):
                await task
            raise self._error(url)
        try:
            return task.result()
        except FetchError as exc:
            if exc.kind == "dns":
                self._went_offline(exc)
                raise FetchError(exc.url, offline_message(self.host), kind="dns") from None
            raise

    def _went_offline(self, exc: FetchError) -> None:
        if not self.offline:
            self.host = urlsplit(exc.url).hostname or "the network"
            self._event.set()
