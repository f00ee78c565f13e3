"""A request's deadline counts the request, not its wait for arXiv's turn.

arXiv asks for one request every 3 s and one connection at a time
(/work/shared/docs/upstream.md, "Politeness"), so a run's arXiv feeds queue.
Found by a bug hunt: the deadline (120 s) also ran while a source waited for
its turn, so with 14 slow feeds (10 s each) or 40 fast ones the tail of the
list failed "no complete response within the deadline" without ever being
requested; and behind a 503 with Retry-After 400, cs.CL waited silently and
failed with the same message. Time is injected (`FakeTime`): nothing sleeps.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from typing import TypeVar

import httpx
import pytest

from feed_server import FakeTime, arxiv_rss
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.options import HttpOptions

T = TypeVar("T")

CATEGORIES = [
    f"cs.{c}"
    for c in ["AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS"]
]


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


class Arxiv:
    """A MockTransport for rss.arxiv.org: each answer takes `takes` seconds of fake time."""

    def __init__(self, time: FakeTime, takes: float = 0.0) -> None:
        self.time = time
        self.takes = takes
        self.asked: list[str] = []
        self.special: dict[str, httpx.Response] = {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        category = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.asked.append(category)
        # Give the loop away once, as a real request does: the other sources queue
        # for their turn meanwhile (an answer without a pause ran each one whole).
        await asyncio.sleep(0)
        self.time.now += self.takes
        if category in self.special:
            return self.special[category]
        n = len(self.asked)
        return httpx.Response(200, content=arxiv_rss(category, [(f"2509.{10000 + n}", "T")]))


async def _fetch(store: Store, upstream: Arxiv, categories: list[str], **options):
    options.setdefault("retries", 0)
    sources = [Source(c, f"https://rss.arxiv.org/rss/{c}", "arxiv") for c in categories]
    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as client:
        return await fetch_all(
            store,
            sources,
            client=client,
            options=HttpOptions(**options),
            sleep=upstream.time.sleep,
            clock=upstream.time.clock,
        )


async def _fetch_at_once(upstream: Arxiv, categories: list[str], **options) -> list[str]:
    """Every feed asked for at once (as `fetch_all` does), through one fetcher: the errors."""
    options.setdefault("retries", 0)
    fetcher = SourceFetcher(
        HttpOptions(**options),
        client=httpx.AsyncClient(transport=httpx.MockTransport(upstream)),
        sleep=upstream.time.sleep,
        clock=upstream.time.clock,
    )
    async with fetcher:
        answers = await asyncio.gather(
            *(fetcher.fetch(f"https://rss.arxiv.org/rss/{c}") for c in categories),
            return_exceptions=True,
        )
    return [str(a) for a in answers if isinstance(a, BaseException)]


async def test_slow_arxiv_feeds_queued_past_the_deadline_are_all_fetched() -> None:
    time = FakeTime()
    upstream = Arxiv(time, takes=10.0)  # 14 feeds of 10 s each, one at a time: 140 s and more
    assert await _fetch_at_once(upstream, CATEGORIES, deadline=120.0) == []
    assert sorted(upstream.asked) == sorted(CATEGORIES)


async def test_many_fast_arxiv_feeds_are_all_fetched() -> None:
    time = FakeTime()
    upstream = Arxiv(time)
    many = [f"{c}{i}" for i in range(3) for c in CATEGORIES]  # 42 feeds, 3 s apart: 123 s
    assert await _fetch_at_once(upstream, many, deadline=120.0) == []
    assert len(upstream.asked) == len(many)


async def test_a_run_of_slow_arxiv_feeds_fetches_them_all(store) -> None:
    time = FakeTime()
    results = await _fetch(store, Arxiv(time, takes=10.0), CATEGORIES, deadline=120.0)
    assert [r.status for r in results] == ["new"] * len(CATEGORIES)


async def test_the_deadline_still_bounds_the_request_itself(store) -> None:
    time = FakeTime()
    upstream = Arxiv(time, takes=10.0)
    [result] = await _fetch(store, upstream, ["cs.AI"], deadline=5.0)
    assert not result.ok and "deadline of 5 s" in result.error


async def test_a_source_behind_a_long_retry_after_says_it_was_not_asked(store) -> None:
    time = FakeTime()
    upstream = Arxiv(time)
    upstream.special["cs.AI"] = httpx.Response(
        503, headers={"Retry-After": "400"}, content=b"Service Unavailable"
    )
    ai, cl = await _fetch(store, upstream, ["cs.AI", "cs.CL"], retries=3)
    assert upstream.asked == ["cs.AI"]  # cs.CL never sent
    assert ai.http_status == 503 and "Retry-After of 400 s exceeds the limit" in ai.error
    assert cl.status == "failed" and cl.http_status is None
    assert "not asked: rss.arxiv.org asked us to wait 400 s" in cl.error
    assert "deadline" not in cl.error
    assert time.sleeps == []  # failed at once, not after minutes


async def test_a_retry_after_within_the_limit_is_waited_for(store) -> None:
    time = FakeTime()
    upstream = Arxiv(time)
    upstream.special["cs.AI"] = httpx.Response(429, headers={"Retry-After": "200"})
    ai, cl = await _fetch(store, upstream, ["cs.AI", "cs.CL"], deadline=120.0)
    assert not ai.ok and cl.status == "new"  # waited 200 s for its turn, more than the deadline
    assert upstream.asked == ["cs.AI", "cs.CL"]
    assert 200.0 in time.sleeps


class VirtualTime:
    """A clock for concurrent waits: sleeping tasks wake in the order of their
    targets, and time moves to the earliest one only once every task is blocked
    (FakeTime adds concurrent sleeps up, as if they ran one after another)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._n = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future = asyncio.get_running_loop().create_future()
        self._n += 1
        heapq.heappush(self._waiting, (self.now + max(0.0, seconds), self._n, future))
        await future

    async def run(self, work: Awaitable[T]) -> T:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):  # (every task runs until it waits)
                await asyncio.sleep(0)
            if self._waiting and not task.done():
                target, _, future = heapq.heappop(self._waiting)
                self.now = max(self.now, target)
                future.set_result(None)
        return task.result()


async def test_the_queue_wait_counts_in_a_requests_300_s() -> None:
    """Four arXiv feeds answering 429 + Retry-After: 100 (bug hunt `regnet`): each
    request waited its own Retry-After, but also its turn behind the others' in
    the shared queue, uncounted: with three feeds and 40 s the run took 442 s,
    the last source "over 7 min 21 s". The queue wait now counts toward the
    request's 300 s in all. (With 60 s, the 5th throttle in a row now ends the
    run's asking first: `test_throttled_run_stops.py`.)"""
    time = VirtualTime()
    upstream = Arxiv(time)  # type: ignore[arg-type]
    four = ["cs.AI", "cs.CL", "cs.CV", "cs.LG"]
    for category in four:
        upstream.special[category] = httpx.Response(429, headers={"Retry-After": "100"})
    start = time.now
    errors = await time.run(_fetch_at_once(upstream, four, retries=3, deadline=120.0))  # type: ignore[arg-type]
    assert len(errors) == 4
    assert time.now - start <= 300 + 60, (time.now - start, errors)
    assert all("300 s in all" in e for e in errors), errors


async def test_a_long_queue_without_retry_after_is_never_refused() -> None:
    """The queue wait counts toward the limit only for a request throttled itself:
    120 arXiv feeds 3 s apart (6 min in the queue for the last) are all asked."""
    time = VirtualTime()
    upstream = Arxiv(time)  # type: ignore[arg-type]
    many = [f"{c}{i}" for i in range(9) for c in CATEGORIES][:120]
    assert await time.run(_fetch_at_once(upstream, many, deadline=120.0)) == []  # type: ignore[arg-type]
    assert len(upstream.asked) == 120 and time.now - 1_000.0 >= 300
