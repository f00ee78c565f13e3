"""A throttling answer from arXiv slows every arXiv request, of every process.

arXiv asks for no more than one request every 3 s, and bursts get 503 or 429
(/work/shared/docs/upstream.md, "Politeness"). Found by a bug hunt (`auditcli`
#4): a 429 or 503 without `Retry-After` pushed nothing, and the retry's own
backoff (0.5-4 s) was swallowed by the 3 s spacing, so two throttled feeds were
asked 8 times exactly 3.0 s apart. Now each throttling answer in a row keeps
the arXiv group unasked longer (6, 12, 24, 48 s, at most 60), for every
process through the shared record. And (#5) a request never retried whose
`Retry-After` is over the limit says so as for any other host, without "after
0 s waited" for the few ms it took its turn. Time is injected: nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from feed_server import FakeTime
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import RetryAfterTooLong
from tui_digest.net.options import HttpOptions
from tui_digest.net.politeness import HostSlots

FEED_AI = "https://rss.arxiv.org/rss/cs.AI"
FEED_CL = "https://rss.arxiv.org/rss/cs.CL"
API = "http://export.arxiv.org/api/query?id_list=2608.19889&max_results=1"


class Time(FakeTime):
    """FakeTime whose sleep lets the other tasks run (two "processes" in one loop)."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        await asyncio.sleep(0)


class Ticking(FakeTime):
    """FakeTime whose clock moves 4 ms at each reading, as a real one does while a
    request takes its turn (locks, the shared record)."""

    def clock(self) -> float:
        self.now += 0.004
        return self.now


class Upstream:
    """A MockTransport answering from a script (then 200), recording start times."""

    def __init__(self, time: FakeTime, answers: list[httpx.Response] | None = None) -> None:
        self.time = time
        self.answers = list(answers or [])
        self.starts: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.starts.append(self.time.now)
        return self.answers.pop(0) if self.answers else httpx.Response(200, content=b"<rss/>")

    def gaps(self) -> list[float]:
        return [round(b - a, 3) for a, b in zip(self.starts, self.starts[1:], strict=False)]


def _client(upstream: Upstream, record: Path | None = None, **options) -> HttpClient:
    """A client as one process has it: slots of its own, the record (if any) shared."""
    options.setdefault("retries", 0)
    if record is not None:
        options["arxiv_clock_file"] = str(record)
    time = upstream.time
    return HttpClient(
        HttpOptions(**options),
        client=httpx.AsyncClient(transport=httpx.MockTransport(upstream)),
        sleep=time.sleep,
        clock=time.clock,
        wall_clock=time.clock,
        rng=lambda: 1.0,  # (the retry backoff at its longest: 1, 2, 4 s)
        slots=HostSlots(time.clock),
    )


def _throttled(status: int = 429) -> httpx.Response:
    return httpx.Response(status, content=b"Too Many Requests")


def test_the_backoff_doubles_from_twice_the_spacing_up_to_its_ceiling() -> None:
    from tui_digest.net.politeness import throttle_backoff  # (new with the fix)

    assert [throttle_backoff(n, 3.0, 60.0) for n in range(1, 7)] == [6, 12, 24, 48, 60, 60]


async def test_throttled_feeds_without_retry_after_are_asked_ever_more_slowly() -> None:
    """The bug hunt's run: two feeds answering 429, 4 attempts each. It was 7 gaps
    of 3.0 s; now each throttle in a row doubles the wait for the arXiv group,
    and the 5th, its backoff at the ceiling, is not retried
    (`test_throttled_run_stops.py`)."""
    time = FakeTime()
    upstream = Upstream(time, [_throttled() for _ in range(8)])
    async with _client(upstream, retries=3) as client:
        ai = await client.get(FEED_AI)
        cl = await client.get(FEED_CL)
    assert ai.status == cl.status == 429
    assert upstream.gaps() == [6.0, 12.0, 24.0, 48.0]
    assert "gave up after 4 attempts over 42 s" in ai.gave_up
    assert cl.note.startswith("not retried: arXiv throttled the last 5 requests")


async def test_a_throttled_retry_says_the_wait_it_has_before_it() -> None:
    """The backoff is the retry's own wait, said when 10 s or more as any other:
    the retry waited 2 s "of its own", then 10 s more for its turn, untold."""
    time = FakeTime()
    upstream = Upstream(time, [_throttled() for _ in range(3)])
    told: list[str] = []
    async with _client(upstream, retries=3) as client:
        client.on_wait = told.append
        answer = await client.get(FEED_AI)
    assert answer.status == 200 and upstream.gaps() == [6.0, 12.0, 24.0]
    assert time.sleeps == [6.0, 12.0, 24.0]
    assert [line.rsplit("; ", 1)[-1] for line in told] == [
        "waiting 12 s before attempt 3 of 4",
        "waiting 24 s before attempt 4 of 4",
    ]


async def test_a_503_and_rate_exceeded_slow_the_group_too() -> None:
    time = FakeTime()
    rate = httpx.Response(200, content=b"Rate exceeded.\n")
    upstream = Upstream(time, [_throttled(503), rate])
    async with _client(upstream) as client:
        await client.get(FEED_AI)
        await client.get(API)
        await client.get(FEED_CL)
    assert upstream.gaps() == [6.0, 12.0]


async def test_a_retry_after_of_0_from_arxiv_backs_off_the_same() -> None:
    time = FakeTime()
    upstream = Upstream(time, [httpx.Response(429, headers={"Retry-After": "0"})])
    async with _client(upstream) as client:
        await client.get(FEED_AI)
        await client.get(API)
    assert upstream.gaps() == [6.0]


async def test_an_answer_not_throttled_starts_the_count_again() -> None:
    time = FakeTime()
    upstream = Upstream(time, [_throttled(), _throttled(), httpx.Response(304), _throttled()])
    async with _client(upstream) as client:
        for _ in range(5):
            await client.get(FEED_AI)
    assert upstream.gaps() == [6.0, 12.0, 3.0, 6.0]


async def test_a_retry_after_given_is_waited_as_said_and_counts_in_the_row() -> None:
    time = FakeTime()
    upstream = Upstream(time, [httpx.Response(429, headers={"Retry-After": "4"}), _throttled()])
    async with _client(upstream) as client:
        for _ in range(3):
            await client.get(FEED_AI)
    assert upstream.gaps() == [4.0, 12.0]  # the second throttle in a row


async def test_the_backoff_never_reaches_the_limit_of_a_wait() -> None:
    """Kept under `retry_after_max` (here 30 s): a longer push would fail every
    arXiv request as "not asked: … asked us to wait", which arXiv never said."""
    time = FakeTime()
    upstream = Upstream(time, [_throttled() for _ in range(4)])
    async with _client(upstream, retry_after_max=30.0) as client:
        for _ in range(5):
            answer = await client.get(FEED_AI)
            assert answer.status in (200, 429) and not answer.note
    assert upstream.gaps() == [6.0, 12.0, 24.0, 30.0]


async def test_a_throttle_without_retry_after_holds_every_process(tmp_path: Path) -> None:
    """The shared record carries the wait and the count: another process waits 6 s
    after the first throttle (3 s before), and a throttle it gets in turn is the
    second in a row (12 s) for the first process too."""
    time = Time()
    upstream = Upstream(time, [_throttled(), _throttled()])
    record = tmp_path / "cache" / "arxiv-clock.json"
    async with _client(upstream, record) as fetch, _client(upstream, record) as enrich:
        await fetch.get(FEED_AI)
        await enrich.get(API)
        await fetch.get(FEED_AI)
    assert upstream.gaps() == [6.0, 12.0]
    assert json.loads(record.read_text())["throttled"] == 0  # (the 200 ended the row)


async def test_a_record_holding_a_backoff_far_off_waits_no_more_than_the_backoff(
    tmp_path: Path,
) -> None:
    """A backoff is at most 60 s: a record saying more (a wall clock set back) is
    reset to the interval when read, as one holding no backoff is."""
    record = tmp_path / "arxiv-clock.json"
    record.write_text(json.dumps({"next": 1_000.0 + 3600, "held_until": 0, "throttled": 4}))
    upstream = Upstream(Time())
    async with _client(upstream, record) as enrich:
        await enrich.get(API)
    assert upstream.starts == [1_003.0]


async def test_a_first_answer_with_too_long_a_retry_after_says_no_wait(tmp_path: Path) -> None:
    """Bug hunt `auditcli` #5: `503 Retry-After: 400` on the first arXiv request said
    "Retry-After of 400 s after 0 s waited exceeds the limit of 300 s in all"."""
    time = Ticking()
    busy = httpx.Response(503, headers={"Retry-After": "400"})
    upstream = Upstream(time, [busy])
    async with _client(upstream, tmp_path / "arxiv-clock.json", retries=3) as client:
        answer = await client.get(FEED_AI)
    assert answer.status == 503 and len(upstream.starts) == 1
    assert answer.note == "Retry-After of 400 s exceeds the limit of 300 s"


async def test_a_retry_after_of_the_limit_itself_is_waited_for_after_ms_of_queue(
    tmp_path: Path,
) -> None:
    """The ms of taking a turn are no wait: a `Retry-After: 300` is waited for (it
    failed "after 0 s waited exceeds the limit of 300 s in all")."""
    time = Ticking()
    busy = httpx.Response(503, headers={"Retry-After": "300"})
    upstream = Upstream(time, [busy])
    async with _client(upstream, tmp_path / "arxiv-clock.json", retries=1) as client:
        answer = await client.get(FEED_AI)
    assert answer.status == 200 and 300.0 in time.sleeps


@pytest.mark.parametrize(
    ("seconds", "waited", "said"),
    [
        (400, 0.004, "Retry-After of 400 s exceeds the limit of 300 s"),
        (400, 200, "Retry-After of 400 s exceeds the limit of 300 s"),
        (120, 240, "Retry-After of 120 s after 240 s waited exceeds the limit of 300 s in all"),
    ],
)
def test_waits_are_named_only_when_they_made_the_retry_after_too_long(
    seconds: float, waited: float, said: str
) -> None:
    assert RetryAfterTooLong(Exception(), seconds, 300.0, waited).note == said
