"""Per-host spacing: never two requests to one host closer than its interval."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from tui_digest.net.headers import MAX_RETRY_AFTER
from tui_digest.net.options import Clock, HttpOptions, Sleep

if TYPE_CHECKING:
    from tui_digest.net.shared_clock import SharedClock

ARXIV_KEY = "arxiv.org"  # the group every arXiv host shares (`politeness_key`)


# The seconds the request running in this task has waited for its turn behind
# other requests' Retry-After (`HostSpacing.turn`), set per request by
# `HttpClient`: they count toward its waits' limit in all (`retry.with_retries`).
# Uncounted, three arXiv feeds answering 429 + Retry-After: 40 held a run 442 s,
# each "over 7 min" where the limit is 300 s (found by a bug hunt).
class RequestWaits:
    """What one request has waited: for its turn (`queued`) and between its own
    attempts (`own`), against `limit` (the Retry-After limit, in all)."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.queued = 0.0
        self.own = 0.0

    @property
    def total(self) -> float:
        return self.queued + self.own


QUEUE_WAITED: contextvars.ContextVar[RequestWaits | None] = contextvars.ContextVar(
    "queue_waited", default=None
)


def _queued(seconds: float) -> None:
    waits = QUEUE_WAITED.get()
    if waits is not None:
        waits.queued += seconds


class WaitedTooLong(Exception):
    """A request not sent again: waiting for its turn would make its waits longer
    than the limit in all."""

    def __init__(self, host: str, waits: RequestWaits, more: float) -> None:
        super().__init__(
            f"not sent again: waiting {more:.0f} s more for {host}'s turn would make "
            f"this request's waits {waits.total + more:.0f} s, over the limit of "
            f"{waits.limit:.0f} s in all"
        )


def is_arxiv_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def is_rate_exceeded(host: str, body: bytes) -> bool:
    """Whether an arXiv host answered its plain-text `Rate exceeded.` (throttling,
    sent with HTTP 200 instead of a feed: /work/shared/docs/upstream.md, "Traps",
    after arXiv's API user manual, info.arxiv.org/help/api/user-manual)."""
    return (
        is_arxiv_host(host)
        and len(body) < 200
        and body.strip().lower().startswith(b"rate exceeded")
    )


def throttle_backoff(count: int, interval: float, longest: float) -> float:
    """Seconds an arXiv group stays unasked after the `count`-th throttling answer
    in a row that named no wait (no `Retry-After`, or one of 0).

    /work/shared/docs/upstream.md ("Politeness") gives the numbers it is built on:
    no more than one request every three seconds (`interval`), and bursts get
    503 or 429, so a throttling answer means our pace was too fast for arXiv
    then: the first one waits twice the interval (6 s), each next one in a row
    twice the one before (12, 24, 48 s). Doubling is the project's own choice
    (upstream.md names no backoff), and so is `longest`, the ceiling: the
    client's `backoff_max` (60 s), kept under `retry_after_max` (see
    `HostSpacing.throttled`). Without it the retry's own backoff (0.5-4 s) was
    swallowed by the 3 s spacing: two feeds answering 429 were asked 8 times
    exactly 3.0 s apart (found by a bug hunt)."""
    return min(longest, interval * 2.0 ** min(max(1, count), 32))  # (no overflow)


# A client whose arXiv requests arXiv has throttled this many times in a row
# (429, 503, `Rate exceeded.`; with a Retry-After or without) sends it no more
# (`HostSpacing.stopped_asking`): the 5th is the throttle whose backoff reaches
# its ceiling (6, 12, 24, 48, then 60 s), after which waiting longer is no help
# within one run. The number is the project's own choice:
# /work/shared/docs/upstream.md ("Politeness") says only that arXiv wants one
# request every three seconds, one connection at a time, and that bursts get
# 503 or 429; it names no backoff and no point to stop. Without it, 40 category
# feeds in one cron `fetch`, each asked 4 times a minute apart while arXiv kept
# throttling, held the fetch about 2.7 hours.
GIVE_UP_AFTER = 5


def stopped_reason(count: int) -> str:
    """Why a client asks arXiv no more: said for each request it does not send."""
    return f"arXiv throttled the last {count} requests; the next fetch tries again"


class GaveUp(Exception):
    """A request not sent: arXiv throttled this client's last `count` requests in a
    row (`GIVE_UP_AFTER`). Only this client's: a new one (the next fetch, the
    reader's next refresh) asks again once the backoff has passed."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"not asked: {stopped_reason(count)}")


def politeness_key(host: str) -> str:
    """The clock a host shares: every arXiv host (API and feeds) shares one."""
    host = host.lower().rstrip(".")
    return ARXIV_KEY if is_arxiv_host(host) else host


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


class HostSlots:
    """When each host group may next be asked, shared by every client that holds it.

    One per process or app (the reader keeps one for all its refreshes and the
    enrichment after them): arXiv asks for one request every 3 s and one
    connection at a time across all its machines (/work/shared/docs/upstream.md,
    "Politeness"), so a new client must not start a new clock. `clock` is the
    one the slots are counted in. The locks are asyncio's: share one HostSlots
    within one event loop.
    """

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.next: dict[str, float] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        # Per group: (the host that asked, the seconds it asked for) of the push that
        # holds `next`, so that a request not sent because of it can say who asked.
        self.asked: dict[str, tuple[str, float]] = {}
        # Per group: throttling answers in a row (`HostSpacing.throttled`).
        self.throttles: dict[str, int] = {}

    def push(self, host: str, seconds: float) -> None:
        """The host's group is not asked again for `seconds` from now (a throttling
        answer's Retry-After), whatever its interval says."""
        key = politeness_key(host)
        until = self.clock() + max(0.0, seconds)
        if until > self.next.get(key, 0.0):
            self.next[key] = until
            self.asked[key] = (host.lower().rstrip("."), max(0.0, seconds))

    def back_off(self, key: str, seconds: float) -> None:
        """The group `key` is not asked again for `seconds` from now, a wait of our
        own choosing (`throttle_backoff`): no host asked for it."""
        until = self.clock() + max(0.0, seconds)
        if until > self.next.get(key, 0.0):
            self.next[key] = until
            self.asked.pop(key, None)


class NotAsked(Exception):
    """A request not sent: its host's group asked us (Retry-After) to wait longer
    than we wait for a request."""

    def __init__(self, host: str, seconds: float, left: float) -> None:
        self.host = host
        self.seconds = seconds
        self.left = left
        more = f", {left:.0f} s from now" if left < seconds - 1 else ""
        super().__init__(f"not asked: {host} asked us to wait {seconds:.0f} s{more}")


class HostSpacing:
    """Keeps at least `interval(host)` seconds between the end of one request to a host
    (its answer read, or its failure) and the start of the next: so the server sees
    them at least that far apart whatever the round trip (see `HttpClient._one`).

    Requests to a host with an interval run one at a time (`turn` holds a per-host
    lock), so the spacing holds even when the concurrency slot is granted late.
    arXiv's hosts share one clock (`politeness_key`); clients given the same
    `HostSlots` share it too, and with `shared` (`net.shared_clock`) every
    process does for arXiv: a request also waits for its turn in that record.
    Once arXiv has throttled `GIVE_UP_AFTER` of this spacing's requests in a row,
    `turn` refuses its arXiv requests at once (`GaveUp`): one per client, so per
    run (a CLI command, a refresh of the reader and its enrichment).
    """

    def __init__(
        self,
        interval: Callable[[str], float],
        sleep: Sleep,
        clock: Clock,
        slots: HostSlots | None = None,
        wait_max: float | None = None,
        shared: SharedClock | None = None,
        backoff_max: float = 60.0,
    ) -> None:
        """`wait_max`: the longest wait for a turn a throttling answer may impose
        (the Retry-After a request itself would wait for); beyond it, `turn` raises
        NotAsked at once instead of waiting for minutes. `backoff_max`: the
        longest wait an arXiv throttling answer without Retry-After imposes
        (`throttle_backoff`); kept under `wait_max`."""
        self._interval = interval
        self._sleep = sleep
        self.slots = slots if slots is not None else HostSlots(clock)
        self._clock = self.slots.clock
        self._wait_max = wait_max
        self.shared = shared
        self._backoff_max = backoff_max if wait_max is None else min(backoff_max, wait_max)
        # arXiv's throttling answers in a row to this client's requests (not the
        # process's `slots.throttles`, nor the record's: a new client asks again).
        self.throttled_here = 0

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        self._check_asking(host)
        if self._interval(host) <= 0:
            yield
            return
        key = politeness_key(host)
        queued_at = self._clock()
        async with self.slots.locks.setdefault(key, asyncio.Lock()):
            _queued(self._clock() - queued_at)  # (behind others waiting for their turn)
            self._check_asking(host)  # (the request before may have met the last throttle)
            # (A throttling answer pushes the slot while its request still holds
            # this lock: `HttpClient._one`; so the next one reads it here.)
            delay = self.slots.next.get(key, 0.0) - self._clock()
            if self._wait_max is not None and delay > self._wait_max:
                asked, seconds = self.slots.asked.get(key, (key, delay))
                raise NotAsked(asked, seconds, delay)
            # (Only a request throttled itself is refused so: 150 arXiv feeds 3 s
            # apart queue longer than that without any Retry-After.)
            waits = QUEUE_WAITED.get()
            if waits is not None and waits.own > 0 and waits.total + delay > waits.limit:
                raise WaitedTooLong(key, waits, delay)
            if delay > 0:
                await self._sleep(delay)
                _queued(delay)
            shared = self.shared if key == ARXIV_KEY else None
            if shared is not None:
                await self._shared_turn(shared, self._interval(host))
            try:
                yield
            finally:
                if shared is not None:  # (ended: the next process's turn comes)
                    shared.release(self._interval(host))

    async def _shared_turn(self, shared: SharedClock, interval: float) -> None:
        """Wait until no other process has asked arXiv within the interval or has a
        request in flight, then hold the record's turn (see `net.shared_clock`).

        Waiting for the record ends after the longest it can legitimately ask
        for (a turn held, the interval, a Retry-After waited for): a record that
        still says wait then is stuck (a sleep that does not move the wall
        clock), and this process's own spacing still holds."""
        waited, enough = 0.0, shared.hold_max + interval + (self._wait_max or 0.0)
        while waited <= enough:
            wait, asked = shared.claim(interval)
            if wait <= 0:
                return
            if asked is not None and self._wait_max is not None and wait > self._wait_max:
                raise NotAsked(asked[0], asked[1], wait)
            await self._sleep(wait)
            _queued(wait)
            waited += wait

    def push(self, host: str, seconds: float) -> None:
        """A throttling answer's Retry-After: for this process's clients
        (`HostSlots.push`) and, for arXiv, every process's. One beyond
        `MAX_RETRY_AFTER` is not kept: one arXiv host's date in 2099, kept in
        every process's record, stopped every arXiv request until then (found by
        a bug hunt); the request that got it fails at once all the same."""
        if seconds > MAX_RETRY_AFTER:
            return
        self.slots.push(host, seconds)
        if self.shared is not None and politeness_key(host) == ARXIV_KEY:
            self.shared.push(host.lower().rstrip("."), seconds)

    def throttled(self, host: str, retry_after: float | None) -> None:
        """A throttling answer from `host` (429, 503, arXiv's `Rate exceeded.`),
        with its parsed Retry-After, if any: pushed as said (`push`). From an
        arXiv host it also counts in the throttles in a row, every process's
        (the shared record's count when there is one), and one that named no
        wait (none, or 0) keeps the arXiv group unasked by every process for
        `throttle_backoff` of that count: the 3 s spacing alone kept the pace
        arXiv had just refused (/work/shared/docs/upstream.md, "Politeness")."""
        key = politeness_key(host)
        if key != ARXIV_KEY:
            if retry_after is not None:
                self.push(host, retry_after)
            return
        self.throttled_here += 1
        count = self.slots.throttles.get(key, 0) + 1
        self.slots.throttles[key] = count
        if retry_after is not None and retry_after > 0:
            self.push(host, retry_after)
            return
        interval = self._interval(host)

        def seconds(n: int) -> float:
            return throttle_backoff(n, interval, self._backoff_max)

        if self.shared is not None:
            count = self.shared.back_off(seconds, count)
            self.slots.throttles[key] = count
        self.slots.back_off(key, seconds(count))

    def calm(self, host: str) -> None:
        """An answer from `host` that was no throttling (nor another 5xx): for an
        arXiv host, the throttles in a row start again from none."""
        key = politeness_key(host)
        if key != ARXIV_KEY:
            return
        self.throttled_here = 0
        self.slots.throttles.pop(key, None)
        if self.shared is not None:
            self.shared.calm()

    def stopped_asking(self, host: str) -> int:
        """The throttles in a row that made this client stop asking `host` (an
        arXiv host: `GIVE_UP_AFTER`), or 0 while it asks."""
        if politeness_key(host) != ARXIV_KEY or self.throttled_here < GIVE_UP_AFTER:
            return 0
        return self.throttled_here

    def _check_asking(self, host: str) -> None:
        if count := self.stopped_asking(host):
            raise GaveUp(count)

    def left(self, host: str) -> float:
        """Seconds before `host`'s group may be asked again by this process's clients."""
        if self._interval(host) <= 0:
            return 0.0
        return max(0.0, self.slots.next.get(politeness_key(host), 0.0) - self._clock())

    def stamp(self, host: str) -> None:
        """Call when a request has ended, still holding its turn."""
        interval = self._interval(host)
        if interval > 0:
            key = politeness_key(host)
            self.slots.next[key] = max(self.slots.next.get(key, 0.0), self._clock() + interval)
