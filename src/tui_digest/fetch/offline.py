"""Failing fast without a network: an unresolvable host, when no other host of the
run resolves either, ends the run's other requests.

When host names cannot be resolved at all, the machine is almost certainly
offline; the other network sources of the run would each wait for their own
resolution or connect timeout. `OfflineWatch` records the first such failure
and answers every other network fetch of the run at once (those in flight are
cancelled) with "offline: could not reach <its host>"; the CLI and the reader show one
line for the run, naming the host that failed first.

A mistyped host name (NXDOMAIN), a publisher's expired domain or a host a
resolver blocks looks the same from here, and must not cost the other
sources their fetch (a lab's dead folder would otherwise stop arXiv's feeds
at every run). So before the run is declared offline, `probe` asks whether
any other host of the run resolves (joining the resolutions under way, so an
offline run waits no longer): if one does, only that host's sources fail,
each with its own error ("could not resolve host …"), and the others go on.
Without a probe (or when it cannot tell) the run is offline, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from tui_digest.net.errors import FetchError

T = TypeVar("T")


def offline_message(host: str) -> str:
    return f"offline: could not reach {host}"


# probe(host): whether some other host of the run resolves, `host` having failed.
Probe = Callable[[str], Awaitable[bool]]


class OfflineWatch:
    def __init__(self, probe: Probe | None = None) -> None:
        self.host = ""
        self.probe = probe
        self._event = asyncio.Event()

    @property
    def offline(self) -> bool:
        return self._event.is_set()

    def _error(self, url: str) -> FetchError:
        # Each source names its own host: the sources table of an arXiv feed saying
        # "could not reach raw.githubusercontent.com" sent people to the wrong host.
        return FetchError(url, offline_message(urlsplit(url).hostname or self.host), kind="dns")

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
                if await self._elsewhere(exc.url):
                    raise  # this host alone: its sources fail, the run goes on
                self._went_offline(exc)
                raise FetchError(exc.url, offline_message(self.host), kind="dns") from None
            raise

    async def _elsewhere(self, url: str) -> bool:
        """Whether another host of the run resolves (so `url`'s host alone is wrong)."""
        if self.probe is None or self.offline:
            return False
        return await self.probe(urlsplit(url).hostname or "")

    def _went_offline(self, exc: FetchError) -> None:
        if not self.offline:
            self.host = urlsplit(exc.url).hostname or "the network"
            self._event.set()
