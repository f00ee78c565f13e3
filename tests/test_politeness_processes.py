"""arXiv's 3 s between requests across processes: the record in the cache dir.

arXiv asks for one request every 3 s and one connection at a time, across the
API and the feeds (/work/shared/docs/upstream.md, "Politeness"). Found by a bug
hunt: `fetch --no-enrich` and `enrich` started together put two requests 1.5 s
apart, each process keeping its own clock (`HostSlots`). Here each client has
slots of its own, as two processes would, and they share only the record file
(`net.shared_clock`); one test writes it from another process. Start times come
from an injected clock (wall and monotonic alike); nothing sleeps for timing.
"""

from __future__ import annotations

import asyncio
import errno
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from feed_server import FakeTime
from tui_digest.config.fetch_settings import FetchSettings
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.net.politeness import HostSlots

FEED = "https://rss.arxiv.org/rss/cs.AI"
API = "http://export.arxiv.org/api/query?id_list=2608.19889&max_results=1"


class Time(FakeTime):
    """FakeTime whose sleep lets the other tasks run (two "processes" in one loop)."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        await asyncio.sleep(0)


class Upstream:
    """A MockTransport recording (host, start, end); `hold` keeps the next answer
    in flight until it is set."""

    def __init__(self, time: Time, answers: list[httpx.Response] | None = None) -> None:
        self.time = time
        self.answers = list(answers or [])
        self.calls: list[tuple[str, float, float]] = []
        self.hold: asyncio.Event | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        start = self.time.clock()
        if self.hold is not None:
            hold, self.hold = self.hold, None
            await hold.wait()
        self.calls.append((request.url.host, start, self.time.clock()))
        return self.answers.pop(0) if self.answers else httpx.Response(200, content=b"<rss/>")

    def starts(self) -> list[float]:
        return [round(start - 1_000.0, 3) for _, start, _ in self.calls]


def _process(upstream: Upstream, record: Path | None, **options) -> HttpClient:
    """A client as one process has it: slots of its own, the record shared."""
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
        slots=HostSlots(time.clock),
    )


async def test_two_processes_keep_three_seconds_between_them(tmp_path: Path) -> None:
    upstream = Upstream(Time())
    record = tmp_path / "cache" / "arxiv-clock.json"
    async with _process(upstream, record) as fetch, _process(upstream, record) as enrich:
        await fetch.get(FEED)
        await enrich.get(API)
        await fetch.get(FEED)
    assert [h for h, _, _ in upstream.calls] == ["rss.arxiv.org", "export.arxiv.org", FEED[8:21]]
    assert upstream.starts() == [0.0, 3.0, 6.0]


async def test_without_the_record_each_process_has_its_own_clock(tmp_path: Path) -> None:
    """(What happened before: the test above fails without the shared record.)"""
    upstream = Upstream(Time())
    async with _process(upstream, None) as fetch, _process(upstream, None) as enrich:
        await fetch.get(FEED)
        await enrich.get(API)
    assert upstream.starts() == [0.0, 0.0]


async def test_one_connection_at_a_time_across_processes(tmp_path: Path) -> None:
    """A request of another process waits for one in flight to end, then 3 s more."""
    time = Time()
    upstream = Upstream(time)
    gate = upstream.hold = asyncio.Event()
    record = tmp_path / "arxiv-clock.json"
    async with _process(upstream, record) as fetch, _process(upstream, record) as enrich:
        slow = asyncio.create_task(fetch.get(FEED))  # a long feed download
        while upstream.hold is not None:  # (until it is in flight)
            await asyncio.sleep(0)
        waiting = asyncio.create_task(enrich.get(API))
        for _ in range(10_000):  # the enrichment looks again and again meanwhile
            if len(time.sleeps) >= 20 or upstream.calls:
                break
            await asyncio.sleep(0)
        assert upstream.calls == []  # nothing sent while the feed was in flight
        gate.set()  # the download ends (20 polls, 10 s of the injected clock, later)
        await asyncio.gather(slow, waiting)
    (_, _, feed_end), (_, api_start, _) = upstream.calls
    assert feed_end - 1_000.0 >= 10.0
    assert api_start - feed_end == pytest.approx(3.0)


async def test_a_throttling_answer_holds_every_process(tmp_path: Path) -> None:
    throttled = httpx.Response(429, headers={"Retry-After": "8"}, content=b"slow down")
    upstream = Upstream(Time(), [throttled])
    record = tmp_path / "arxiv-clock.json"
    async with _process(upstream, record) as fetch, _process(upstream, record) as enrich:
        answer = await fetch.get(FEED)
        assert answer.status == 429
        await enrich.get(API)
    assert upstream.starts() == [0.0, 8.0]  # arXiv said 8, to whoever asks next


async def test_a_retry_after_too_long_fails_another_process_at_once(tmp_path: Path) -> None:
    throttled = httpx.Response(429, headers={"Retry-After": "400"}, content=b"slow down")
    upstream = Upstream(Time(), [throttled])
    record = tmp_path / "arxiv-clock.json"
    async with _process(upstream, record) as fetch, _process(upstream, record) as enrich:
        await fetch.get(FEED)
        with pytest.raises(FetchError, match=r"not asked: rss\.arxiv\.org asked us to wait 400 s"):
            await enrich.get(API)
    assert upstream.starts() == [0.0]


def test_the_record_is_shared_with_another_process(tmp_path: Path) -> None:
    """Another process's request ended at 1000 (its injected wall clock): ours waits 3 s."""
    record = tmp_path / "arxiv-clock.json"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from tui_digest.net.shared_clock import SharedClock
        clock = SharedClock(Path({str(record)!r}), lambda: 1000.0, hold_max=120.0)
        assert clock.claim(3.0) == (0.0, None)
        clock.release(3.0)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert json.loads(record.read_text())["next"] == 1003.0
    upstream = Upstream(Time())

    async def ask() -> None:
        async with _process(upstream, record) as enrich:
            await enrich.get(API)

    asyncio.run(ask())
    assert upstream.starts() == [3.0]


async def test_a_wall_clock_set_back_waits_no_more_than_the_interval(tmp_path: Path) -> None:
    record = tmp_path / "arxiv-clock.json"
    record.write_text(json.dumps({"next": 1_000.0 + 3600, "holder": "", "held_until": 0}))
    upstream = Upstream(Time())
    async with _process(upstream, record) as enrich:
        await enrich.get(API)
    assert upstream.starts() == [3.0]


async def test_an_unusable_record_leaves_each_process_its_own_clock(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    upstream = Upstream(Time())
    async with _process(upstream, tmp_path / "file" / "arxiv-clock.json") as fetch:
        await fetch.get(FEED)
        await fetch.get(API)
        assert (
            fetch.spacing.shared is not None and "arxiv-clock.json" in fetch.spacing.shared.problem
        )
    assert upstream.starts() == [0.0, 3.0]  # (its own clock still spaces them)


def test_the_cli_and_the_reader_use_the_record_in_the_cache_dir(tmp_path: Path) -> None:
    # (conftest points XDG_CACHE_HOME at a directory of the test's own)
    path = Path(FetchSettings().http_options().arxiv_clock_file)
    assert path.name == "arxiv-clock.json" and path.parent.name == "tui-digest"
    assert "cache" in str(path)


async def test_a_file_system_without_locks_leaves_each_process_its_own_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_digest.net import shared_clock

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(shared_clock.fcntl, "flock", no_locks)
    upstream = Upstream(Time())
    async with _process(upstream, tmp_path / "arxiv-clock.json") as fetch:
        await fetch.get(FEED)
        await fetch.get(API)
        shared = fetch.spacing.shared
        assert shared is not None and "No locks available" in shared.problem
    assert upstream.starts() == [0.0, 3.0]


def test_a_process_killed_mid_request_holds_nobody_up(tmp_path: Path) -> None:
    """A process killed mid-request (SIGKILL, a cron timeout's SIGTERM) left its
    hold in the record, and every other arXiv request on the machine waited for
    it, silently, up to its deadline: 2 min 11 s for an enrich of 13 s (found by
    a regression hunt). A holder of this host that is gone is passed over; a
    live one is waited for."""
    from tui_digest.net.shared_clock import SharedClock

    record = tmp_path / "arxiv-clock.json"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from tui_digest.net.shared_clock import SharedClock
        clock = SharedClock(Path({str(record)!r}), lambda: 1000.0, hold_max=120.0)
        assert clock.claim(3.0) == (0.0, None)
        os._exit(0)  # killed mid-request: never released
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    held = json.loads(record.read_text())
    assert held["holder"] and held["held_until"] == 1120.0
    ours = SharedClock(record, lambda: 1001.0, hold_max=120.0)
    assert ours.claim(3.0) == (0.0, None)  # the holder is gone: our turn at once
    other = SharedClock(record, lambda: 1002.0, hold_max=120.0)  # a live holder: wait
    wait, _ = other.claim(3.0)
    assert wait > 0
