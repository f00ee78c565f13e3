"""One arXiv politeness clock across clients, pushed by arXiv's throttling answers.

arXiv asks for one request every 3 s and one connection at a time, across the
API and the feeds; bursts get 503 or 429 (/work/shared/docs/upstream.md,
"Politeness"). Found by a bug hunt: the reader built a clock per refresh, so `r`
pressed again (or during the enrichment) asked arXiv 1-2 s after the last
request, and a 429 with Retry-After 8 on the feed was followed by the API 3 s later.
Request start times are read from an injected clock; nothing sleeps.
"""

from __future__ import annotations

import httpx
import pytest

from feed_server import FakeTime
from tui_digest.fetch.download import SourceFetcher
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.net.politeness import HostSlots

FEED = "https://rss.arxiv.org/rss/cs.AI"
API = "http://export.arxiv.org/api/query?id_list=2509.00001&max_results=1"


class Upstream:
    """A MockTransport that records (host, start time) and answers from a script."""

    def __init__(self, time: FakeTime, answers: list[httpx.Response] | None = None) -> None:
        self.time = time
        self.answers = list(answers or [])
        self.starts: list[tuple[str, float]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.starts.append((request.url.host, self.time.clock()))
        if self.answers:
            return self.answers.pop(0)
        return httpx.Response(200, content=b"<rss/>")

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    def times(self) -> list[float]:
        return [round(t - 1_000.0, 3) for _, t in self.starts]


def _fetcher(upstream: Upstream, slots: HostSlots, **options) -> SourceFetcher:
    options.setdefault("retries", 0)
    return SourceFetcher(
        HttpOptions(**options),
        client=upstream.client(),
        sleep=upstream.time.sleep,
        clock=upstream.time.clock,
        slots=slots,
    )


async def test_clients_that_share_slots_keep_one_arxiv_clock() -> None:
    time = FakeTime()
    upstream = Upstream(time)
    slots = HostSlots(time.clock)
    # Three refreshes, each with its own fetcher, and an enrichment client between.
    for url in (FEED, API, FEED):
        fetcher = _fetcher(upstream, slots)
        async with fetcher:
            await fetcher.http.get(url)
    assert upstream.times() == [0.0, 3.0, 6.0]


async def test_a_client_of_its_own_still_starts_a_clock_of_its_own() -> None:
    """(What the reader did before: a new clock per refresh; the test above fails without
    the shared slots.)"""
    time = FakeTime()
    upstream = Upstream(time)
    for url in (FEED, FEED):
        fetcher = _fetcher(upstream, HostSlots(time.clock))
        async with fetcher:
            await fetcher.http.get(url)
    assert upstream.times() == [0.0, 0.0]


async def test_retry_after_of_a_429_from_the_feed_pushes_every_arxiv_host() -> None:
    time = FakeTime()
    throttled = httpx.Response(429, headers={"Retry-After": "8"}, content=b"slow down")
    upstream = Upstream(time, [throttled])
    slots = HostSlots(time.clock)
    feed = _fetcher(upstream, slots)
    api = _fetcher(upstream, slots)
    async with feed, api:
        with pytest.raises(FetchError, match="HTTP 429"):
            await feed.fetch(FEED)
        await api.http.get(API)
    assert [h for h, _ in upstream.starts] == ["rss.arxiv.org", "export.arxiv.org"]
    assert upstream.times() == [0.0, 8.0]  # not 3 s later: arXiv said 8


async def test_a_503_retry_after_pushes_the_clock_for_the_retry_too() -> None:
    time = FakeTime()
    busy = httpx.Response(503, headers={"Retry-After": "10"})
    upstream = Upstream(time, [busy])
    fetcher = _fetcher(upstream, HostSlots(time.clock), retries=1)
    async with fetcher:
        answer = await fetcher.http.get(FEED)
    assert answer.status == 200
    assert upstream.times() == [0.0, 10.0]  # the retry's wait, not 10 s after it


async def test_rate_exceeded_on_a_feed_is_throttling_naming_the_url() -> None:
    time = FakeTime()
    rate = httpx.Response(200, headers={"Retry-After": "6"}, content=b"Rate exceeded.\n")
    upstream = Upstream(time, [rate])
    slots = HostSlots(time.clock)
    fetcher = _fetcher(upstream, slots)
    async with fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(FEED)
        message = str(caught.value)
        assert FEED in message and "throttled" in message and "Rate exceeded." in message
        assert "not an RSS or Atom feed" not in message
        await fetcher.http.get(API)
    assert upstream.times() == [0.0, 6.0]  # like a 429 for the clock


async def test_rate_exceeded_from_another_host_is_just_a_body() -> None:
    time = FakeTime()
    upstream = Upstream(time, [httpx.Response(200, content=b"Rate exceeded.")])
    fetcher = _fetcher(upstream, HostSlots(time.clock))
    async with fetcher:
        got = await fetcher.fetch("https://example.org/feed.xml")
    assert got.body == b"Rate exceeded."


async def test_a_shared_clock_is_counted_in_the_slots_clock() -> None:
    time = FakeTime()
    slots = HostSlots(time.clock)
    a = HttpClient(HttpOptions(), client=Upstream(time).client(), sleep=time.sleep, slots=slots)
    assert a.spacing.slots is slots
    slots.push("export.arxiv.org", 5)
    assert slots.next["arxiv.org"] == time.clock() + 5
    slots.push("rss.arxiv.org", 1)  # never pulls a slot back
    assert slots.next["arxiv.org"] == time.clock() + 5
    await a.aclose()


class SlowLink:
    """A MockTransport where time passes on the wire: opening the connection takes
    `handshake` seconds (the first request only: the connection is kept), then the
    request reaches the server, whose answer takes `answer` seconds to come back.
    Records when the server received each request."""

    def __init__(self, time: FakeTime, handshake: float, answer: float) -> None:
        self.time = time
        self.handshake = handshake
        self.answer = answer
        self.received: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.received:
            self.time.now += self.handshake
        self.received.append(self.time.clock())
        self.time.now += self.answer
        return httpx.Response(200, content=b"<rss/>")


@pytest.mark.parametrize(("handshake", "answer"), [(0.05, 0.01), (0.75, 0.25), (0.0, 2.0)])
async def test_arxiv_receives_two_requests_at_least_3_s_apart(handshake, answer) -> None:
    """Found by a bug hunt: the spacing was stamped before the connection was opened,
    so arXiv received the first two requests 2.95 s apart on loopback and 2.4-2.7 s
    apart over a 250 ms round trip (TCP and TLS handshakes come before the request)."""
    time = FakeTime()
    link = SlowLink(time, handshake, answer)
    fetcher = SourceFetcher(
        HttpOptions(retries=0),
        client=httpx.AsyncClient(transport=httpx.MockTransport(link)),
        sleep=time.sleep,
        clock=time.clock,
    )
    async with fetcher:
        for url in (FEED, API, FEED):
            await fetcher.http.get(url)
    gaps = [b - a for a, b in zip(link.received, link.received[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 3.0, gaps
