"""A run that arXiv keeps throttling stops asking it, and the next run asks again.

Each throttling answer from arXiv in a row keeps the arXiv group unasked longer,
up to 60 s (`politeness.throttle_backoff`). With 40 category feeds in one
`fetch` while arXiv kept answering 429, every feed was asked 4 times a minute
apart: about 40 x 4 x 60 s, a cron fetch hanging for 2.7 hours. Now, once arXiv
has throttled a client's requests `GIVE_UP_AFTER` times in a row (the backoff at
its ceiling), the rest of that client's arXiv requests fail at once, saying so;
other hosts go on; a new client (the next fetch, the reader's next refresh)
asks again once the shared backoff has passed. Time is injected: nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from feed_server import FakeTime, arxiv_rss
from tui_digest.config.sources import Source
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.net.politeness import HostSlots

REFUSED = "not asked: arXiv throttled the last 5 requests; the next fetch tries again"
CATEGORIES = [f"cs.X{i:02d}" for i in range(40)]


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


class Upstream:
    """arXiv answering 429 without Retry-After (unless `calm`), any other host a feed."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.arxiv: list[float] = []  # when each arXiv request started
        self.others: list[str] = []
        self.answers: list[int] = []  # arXiv's statuses to come (then 429)
        self.retry_after: dict[str, str] = {}  # the 429's headers

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # (the other sources run meanwhile, as on a network)
        if not request.url.host.endswith("arxiv.org"):
            self.others.append(request.url.host)
            return httpx.Response(200, content=arxiv_rss("cs.AI", [("2509.10001", "T")]))
        self.arxiv.append(self.time.now)
        status = self.answers.pop(0) if self.answers else 429
        if status == 200:
            return httpx.Response(200, content=arxiv_rss("cs.AI", [("2509.10002", "T")]))
        return httpx.Response(status, headers=self.retry_after, content=b"Too Many Requests")


def _client(upstream: Upstream, slots: HostSlots, record: Path | None = None) -> HttpClient:
    """One run's client (a process's, or one refresh of the reader's)."""
    options = HttpOptions(retries=0, arxiv_clock_file=str(record or ""))
    time = upstream.time
    return HttpClient(
        options,
        client=httpx.AsyncClient(transport=httpx.MockTransport(upstream)),
        sleep=time.sleep,
        clock=time.clock,
        wall_clock=time.clock,
        slots=slots,
    )


async def _run(client: HttpClient, count: int) -> list[str]:
    """`count` arXiv feeds asked one after another: what each ended with."""
    async with client:
        return await _run_on(client, count)


async def _run_on(client: HttpClient, count: int) -> list[str]:
    said = []
    for i in range(count):
        try:
            answer = await client.get(f"https://rss.arxiv.org/rss/cs.X{i:02d}")
        except FetchError as exc:
            said.append(exc.reason)
        else:
            said.append(str(answer.status))
    return said


async def test_forty_throttled_feeds_end_in_minutes_each_saying_why(store) -> None:
    """The cron fetch of the report: 40 arXiv feeds, arXiv answering 429 to each
    attempt (4 of them), and one source elsewhere, fetched all the same."""
    time = FakeTime()
    upstream = Upstream(time)
    sources = [Source(c, f"https://rss.arxiv.org/rss/{c}", "arxiv") for c in CATEGORIES]
    sources.append(Source("elsewhere", "https://feeds.example.org/rss/cs.AI", "arxiv"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as client:
        results = await fetch_all(
            store,
            sources,
            client=client,
            options=HttpOptions(retries=3),
            sleep=time.sleep,
            clock=time.clock,
        )
    assert len(upstream.arxiv) == 5  # (it was 160 requests, a minute apart)
    assert time.now - 1_000.0 <= 2 * 60  # (6 + 12 + 24 + 48 s of backoff)
    *arxiv, elsewhere = results
    assert elsewhere.status == "new" and upstream.others == ["feeds.example.org"]
    assert all(r.status == "failed" and r.error for r in arxiv)
    refused = [r for r in arxiv if r.error.endswith(REFUSED)]
    assert len(refused) >= len(CATEGORIES) - 2
    assert all(r.http_status is None for r in refused)
    throttled = [r for r in arxiv if r not in refused]
    assert throttled and all(r.http_status == 429 for r in throttled)
    # The request that met the last throttle is not retried, and says why.
    assert any("not retried: arXiv throttled the last 5 " in r.error for r in throttled)


async def test_the_next_run_asks_again_once_the_shared_backoff_has_passed(
    tmp_path: Path,
) -> None:
    """The record keeps the backoff (and its count) for every process, but no
    refusal: the next cron fetch waits the 60 s left, then asks, and stops after
    5 throttles of its own (not at once for the record's count)."""
    time = FakeTime()
    upstream = Upstream(time)
    record = tmp_path / "cache" / "arxiv-clock.json"
    first = await _run(_client(upstream, HostSlots(time.clock), record), 10)
    assert first == ["429"] * 4 + ["429", *[REFUSED] * 5]
    assert len(upstream.arxiv) == 5 and json.loads(record.read_text())["throttled"] == 5
    ended = time.now
    second = await _run(_client(upstream, HostSlots(time.clock), record), 10)
    assert second == first
    assert len(upstream.arxiv) == 10
    assert upstream.arxiv[5] - ended == pytest.approx(60.0)


async def test_each_refresh_of_the_reader_gets_the_same_bound(store) -> None:
    """The reader keeps one politeness clock (`HostSlots`) and makes a fetcher per
    refresh (`ui/refresh.py`): a refresh that stopped asking arXiv stops no other."""
    time = FakeTime()
    upstream = Upstream(time)
    slots = HostSlots(time.clock)
    sources = [Source(c, f"https://rss.arxiv.org/rss/{c}", "arxiv") for c in CATEGORIES[:8]]

    async def refresh() -> list[str]:
        fetcher = SourceFetcher(
            HttpOptions(retries=0),
            client=httpx.AsyncClient(transport=httpx.MockTransport(upstream)),
            sleep=time.sleep,
            clock=time.clock,
            slots=slots,
        )
        async with fetcher:
            results = await fetch_all(store, sources, fetcher=fetcher)
        return [r.error or r.status for r in results]

    first = await refresh()
    assert len(upstream.arxiv) == 5 and first[5:] == [f"{s.url}: {REFUSED}" for s in sources[5:]]
    upstream.answers = [200] * 8
    assert set(await refresh()) <= {"new", "updated", "unchanged"}
    assert len(upstream.arxiv) == 13


async def test_an_answer_between_throttles_keeps_the_run_asking() -> None:
    """Only throttles in a row count: 4, an answer, 4 more are all asked."""
    time = FakeTime()
    upstream = Upstream(time)
    upstream.answers = [429] * 4 + [200] + [429] * 4 + [200]
    said = await _run(_client(upstream, HostSlots(time.clock)), 10)
    assert said == ["429"] * 4 + ["200"] + ["429"] * 4 + ["200"]


async def test_throttles_naming_their_wait_count_in_the_row_too() -> None:
    """arXiv's `Retry-After: 60` on every answer is waited for as said, 5 times,
    then the run stops asking: 40 feeds took 40 minutes."""
    time = FakeTime()
    upstream = Upstream(time)
    upstream.retry_after = {"Retry-After": "60"}
    said = await _run(_client(upstream, HostSlots(time.clock)), 40)
    assert said == ["429"] * 5 + [REFUSED] * 35
    assert time.now - 1_000.0 == pytest.approx(4 * 60)


async def test_the_enrichment_after_a_fetch_that_stopped_asks_nothing(store) -> None:
    """`fetch` (and the reader's refresh) enrich with the fetch's client: after
    the fetch stopped asking arXiv, its batches are not asked either, each said,
    and left for the next run."""
    time = FakeTime()
    upstream = Upstream(time)
    ids = [f"2509.{k:05d}" for k in range(1, 31)]
    papers = [Paper(id=i, version="v1", title_en=f"Paper {i}", abstract_en="S.") for i in ids]
    store.import_digest(Digest(name="d", date="2026-12-01", papers=papers))
    client = _client(upstream, HostSlots(time.clock))
    async with client:
        assert (await _run_on(client, 6))[5:] == [REFUSED]
        cfg = EnrichConfig(api_url="http://export.arxiv.org/api/query", batch_size=10)
        report = await enrich_papers(store, store.enrich_candidates(""), cfg, http=client)
    assert len(upstream.arxiv) == 5 and report.requests == 0
    assert report.stopped.endswith(REFUSED) and report.left == 30
