"""Per-host spacing: never two requests to one host closer than its interval."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from tui_digest.net.options import Clock, HttpOptions, Sleep


def is_arxiv_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def politeness_key(host: str) -> str:
    """The clock a host shares: every arXiv host (API and feeds) shares one."""
    host = host.lower().rstrip(".")
    return "arxiv.org" if is_arxiv_host(host) else host


def host_interval(host: str, options: HttpOptions) -> float:
    """Seconds to keep between two requests to `host`."""
    host = host.lower().rstrip(".")
    interval = options.default_host_interval
    best = -1
    for pattern, seconds in options.host_intervals.items():
        pattern = pattern.lower().strip(".")
        if (host == pattern or host.endswith("." + pattern)) and len(pattern) > best:
            interval, best = float(seconds), len(pattern)
    if is_arxiv_host(host):
        interval = max(interval, options.arxiv_interval)
    return interval


class HostSpacing:
    """Keeps at least `interval(host)` seconds between the starts of two requests to a host.

    Requests to a host with an interval run one at a time (`turn` holds a per-host
    lock), so the spacing holds even when the concurrency slot is granted late.
    arXiv's hosts share one clock (`politeness_key`).
    """

    def __init__(self, interval: Callable[[str], float], sleep: Sleep, clock: Clock) -> None:
        self._interval = interval
        self._sleep = sleep
        self._clock = clock
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        if self._interval(host) <= 0:
            yield
            return
        key = politeness_key(host)
        async with self._locks.setdefault(key, asyncio.Lock()):
            delay = self._next.get(key, 0.0) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            yield

    def stamp(self, host: str) -> None:
        """Call when the request really starts."""
        interval = self._interval(host)
        if interval > 0:
            self._next[politeness_key(host)] = self._clock() + interval
