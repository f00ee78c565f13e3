"""The HTTP layer against a real local server (and MockTransport for arXiv hosts)."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import itertools
import zlib

import httpx
import pytest

from feed_server import FakeTime, FeedServer, Reply, conditional
from tui_digest.fetch.download import SourceFetcher
from tui_digest.net.errors import FetchError
from tui_digest.net.headers import parse_retry_after
from tui_digest.net.options import USER_AGENT, HttpOptions
from tui_digest.net.politeness import host_interval
from tui_digest.net.redirects import check_redirect

BODY = b"# \xe6\x91\x98\xe8\xa6\x81\n\nhello\n"


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def fetcher(fake_time: FakeTime, **options) -> SourceFetcher:
    options.setdefault("retries", 2)
    return SourceFetcher(
        HttpOptions(**options), sleep=fake_time.sleep, clock=fake_time.clock, rng=lambda: 1.0
    )


async def test_plain_get_sends_user_agent(server, fake_time):
    server.route("/a", Reply(200, body=BODY, headers={"Content-Type": "text/markdown"}))
    async with fetcher(fake_time) as f:
        result = await f.fetch(server.url("/a"))
    assert result.status == 200 and result.body == BODY
    assert result.content_type == "text/markdown"
    sent = server.requests_to("/a")[0].headers
    assert sent["user-agent"] == USER_AGENT
    assert "application/rss+xml" in sent["accept"] and sent["accept-encoding"] == "gzip, deflate"
    assert USER_AGENT.startswith("tui-digest/")


async def test_etag_and_last_modified_give_304(server, fake_time):
    lm = "Tue, 06 Feb 2024 10:00:00 GMT"
    server.route("/e", conditional(BODY, etag='"v1"'))
    server.route("/m", conditional(BODY, last_modified=lm))
    async with fetcher(fake_time) as f:
        first = await f.fetch(server.url("/e"))
        again = await f.fetch(server.url("/e"), etag=first.etag)
        first_m = await f.fetch(server.url("/m"))
        again_m = await f.fetch(server.url("/m"), last_modified=first_m.last_modified)
    assert first.etag == '"v1"' and first.status == 200
    assert again.not_modified and again.body == b""
    assert server.requests_to("/e")[1].headers["if-none-match"] == '"v1"'
    assert first_m.last_modified == lm and again_m.not_modified
    assert server.requests_to("/m")[1].headers["if-modified-since"] == lm


async def test_500_then_success_is_retried_with_backoff(server, fake_time):
    server.route("/r", Reply(500), Reply(503), Reply(200, body=BODY))
    async with fetcher(fake_time, backoff_base=0.5) as f:
        result = await f.fetch(server.url("/r"))
    assert result.body == BODY
    assert len(server.requests_to("/r")) == 3
    assert fake_time.sleeps == [0.5, 1.0]  # base * 2**attempt, jitter pinned to 100 %


async def test_persistent_500_fails_with_status(server, fake_time):
    server.route("/down", Reply(500))
    async with fetcher(fake_time, retries=2) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(server.url("/down"))
    assert err.value.status == 500
    assert "/down: HTTP 500" in str(err.value)
    assert len(server.requests_to("/down")) == 3


async def test_404_is_not_retried(server, fake_time):
    async with fetcher(fake_time) as f:
        with pytest.raises(FetchError, match="HTTP 404"):
            await f.fetch(server.url("/missing"))
    assert len(server.requests_to("/missing")) == 1
    assert fake_time.sleeps == []


async def test_429_retry_after_seconds(server, fake_time):
    server.route("/busy", Reply(429, headers={"Retry-After": "7"}), Reply(200, body=BODY))
    async with fetcher(fake_time) as f:
        result = await f.fetch(server.url("/busy"))
    assert result.body == BODY
    assert fake_time.sleeps == [7.0]


async def test_429_retry_after_http_date(server, fake_time):
    wall = 1_700_000_000.0
    date = email.utils.formatdate(wall + 42, usegmt=True)
    server.route("/busy", Reply(429, headers={"Retry-After": date}), Reply(200, body=BODY))
    f = SourceFetcher(
        HttpOptions(), sleep=fake_time.sleep, clock=fake_time.clock, wall_clock=lambda: wall
    )
    async with f:
        await f.fetch(server.url("/busy"))
    assert fake_time.sleeps == [pytest.approx(42.0)]


async def test_retry_after_above_ceiling_fails_without_waiting(server, fake_time):
    server.route("/busy", Reply(429, headers={"Retry-After": "3600"}))
    async with fetcher(fake_time, retry_after_max=60) as f:
        with pytest.raises(FetchError, match=r"HTTP 429.*3600 s exceeds the limit of 60 s"):
            await f.fetch(server.url("/busy"))
    assert fake_time.sleeps == []


def test_parse_retry_after():
    assert parse_retry_after("120", 0) == 120.0
    assert parse_retry_after("", 0) is None
    assert parse_retry_after("soon", 0) is None
    past = email.utils.formatdate(500, usegmt=True)
    assert parse_retry_after(past, 1_000) == 0.0


async def test_redirect_is_followed(server, fake_time):
    server.route("/old", Reply(301, headers={"Location": "/new"}))
    server.route("/new", Reply(200, body=BODY))
    async with fetcher(fake_time) as f:
        result = await f.fetch(server.url("/old"))
    assert result.body == BODY and result.url == server.url("/new")


async def test_redirect_loop_is_an_error(server, fake_time):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    async with fetcher(fake_time) as f:
        with pytest.raises(FetchError, match="redirect loop"):
            await f.fetch(server.url("/a"))


async def test_too_many_redirects(server, fake_time):
    for i in range(10):
        server.route(f"/{i}", Reply(307, headers={"Location": f"/{i + 1}"}))
    async with fetcher(fake_time, max_redirects=5) as f:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
            await f.fetch(server.url("/0"))
    assert len(server.requests) == 6


async def test_redirect_to_file_is_refused(server, fake_time):
    server.route("/evil", Reply(302, headers={"Location": "file:///etc/passwd"}))
    async with fetcher(fake_time) as f:
        with pytest.raises(FetchError, match="non-http"):
            await f.fetch(server.url("/evil"))


async def test_redirect_to_javascript_is_refused_not_an_internal_error(server, fake_time):
    server.route("/js", Reply(302, headers={"Location": "javascript:alert(1)"}))
    async with fetcher(fake_time) as f:
        with pytest.raises(FetchError, match="refused a redirect to an invalid URL"):
            await f.fetch(server.url("/js"))


def test_redirect_policy():
    assert check_redirect("https://a.org/x", "/y") == "https://a.org/y"
    assert check_redirect("http://a.org/x", "https://b.org/") == "https://b.org/"
    assert check_redirect("http://a.org/x", "http://b.org/") == "http://b.org/"
    with pytest.raises(FetchError, match="https to http"):
        check_redirect("https://a.org/x", "http://a.org/x")
    for bad in ("file:///etc/passwd", "ftp://a.org/", "javascript:alert(1)", "data:,x"):
        with pytest.raises(FetchError, match="non-http"):
            check_redirect("https://a.org/x", bad)


async def test_slow_trickle_hits_the_deadline(server, fake_time):
    # 200 chunks of 10 bytes, 50 ms apart: 10 s in all; the deadline is 2 s (at
    # 0.5 s a loaded machine's server had not yet taken the request when it ran out).
    server.route("/slow", Reply(200, body=b"x" * 2_000, chunk_size=10, delay=0.05))
    async with fetcher(fake_time, deadline=2.0, read_timeout=5) as f:
        with pytest.raises(FetchError, match=r"deadline of 2 s"):
            await f.fetch(server.url("/slow"))
    assert len(server.requests_to("/slow")) == 1  # a deadline is not retried


async def test_gzip_body_is_decoded(server, fake_time):
    server.route("/gz", Reply(200, body=gzip.compress(BODY), headers={"Content-Encoding": "gzip"}))
    deflated = zlib.compress(BODY)
    server.route("/df", Reply(200, body=deflated, headers={"Content-Encoding": "deflate"}))
    async with fetcher(fake_time) as f:
        assert (await f.fetch(server.url("/gz"))).body == BODY
        assert (await f.fetch(server.url("/df"))).body == BODY


async def test_gzip_bomb_stops_at_the_cap(server, fake_time):
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 64 * 1024
    server.route("/bomb", Reply(200, body=bomb, headers={"Content-Encoding": "gzip"}))
    async with fetcher(fake_time, max_bytes=1024 * 1024) as f:
        with pytest.raises(FetchError, match="exceeds the cap of 1048576 bytes"):
            await f.fetch(server.url("/bomb"))


async def test_declared_length_above_cap_is_refused_early(server, fake_time):
    server.route("/big", Reply(200, body=b"x" * 5_000))
    async with fetcher(fake_time, max_bytes=1_000) as f:
        with pytest.raises(FetchError, match="5000 bytes exceeds the cap"):
            await f.fetch(server.url("/big"))


async def test_truncated_body_is_an_error(server, fake_time):
    server.route("/cut", Reply(200, body=BODY, content_length=len(BODY) + 500))
    async with fetcher(fake_time, retries=1) as f:
        with pytest.raises(FetchError, match="/cut: connection error"):
            await f.fetch(server.url("/cut"))
    assert len(server.requests_to("/cut")) == 2  # a broken transfer is retried once


async def test_connection_refused_is_reported_at_once(fake_time):
    # Nothing listens: waiting and trying again would only make an offline run slow.
    with FeedServer() as gone:
        url = gone.url("/x")
    async with fetcher(fake_time, retries=2) as f:
        with pytest.raises(FetchError, match=r"connection refused by 127\.0\.0\.1") as err:
            await f.fetch(url)
    assert err.value.kind == "refused" and err.value.unreachable
    assert fake_time.sleeps == []


async def test_local_files(tmp_path, fake_time):
    doc = tmp_path / "cs.AI.md"
    doc.write_bytes(BODY)
    async with fetcher(fake_time) as f:
        by_path = await f.fetch(str(doc))
        by_url = await f.fetch(doc.as_uri())
        again = await f.fetch(str(doc), last_modified=by_path.last_modified)
        with pytest.raises(FetchError, match="No such file"):
            await f.fetch(str(tmp_path / "missing.md"))
        with pytest.raises(FetchError, match="unsupported URL scheme 'ftp'"):
            await f.fetch("ftp://example.org/x")
    assert by_path.body == BODY and by_url.body == BODY
    assert again.not_modified


def test_host_intervals():
    options = HttpOptions(host_intervals={"example.org": 1.5})
    assert host_interval("arxiv.org", options) == 3.0
    assert host_interval("export.arxiv.org", options) == 3.0
    assert host_interval("rss.ARXIV.org", options) == 3.0
    assert host_interval("notarxiv.org", options) == 0.0
    assert host_interval("feeds.example.org", options) == 1.5
    # An override may slow arXiv down further but never below 3 s.
    assert host_interval("arxiv.org", HttpOptions(host_intervals={"arxiv.org": 1})) == 3.0
    assert host_interval("arxiv.org", HttpOptions(host_intervals={"arxiv.org": 5})) == 5.0


async def test_arxiv_requests_are_spaced_three_seconds(fake_time):
    stamps: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append((request.url.host, fake_time.clock()))
        assert request.headers["user-agent"] == USER_AGENT  # even with a caller's client
        return httpx.Response(200, content=b"<rss/>")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    f = SourceFetcher(HttpOptions(), client=client, sleep=fake_time.sleep, clock=fake_time.clock)
    async with client:
        await asyncio.gather(
            f.fetch("https://rss.arxiv.org/rss/cs.AI"),
            f.fetch("https://rss.arxiv.org/rss/cs.CL"),
            f.fetch("https://example.org/other"),
            f.fetch("https://export.arxiv.org/api/query"),
        )
    arxiv = [t for host, t in stamps if host.endswith("arxiv.org")]
    assert len(arxiv) == 3 and all(b - a >= 3.0 for a, b in itertools.pairwise(arxiv))
    # arXiv's hosts share one clock (its API and feeds count together); other hosts
    # are not held back.
    assert fake_time.sleeps == [3.0, 3.0]
    assert {host for host, _ in stamps} == {"rss.arxiv.org", "example.org", "export.arxiv.org"}


async def test_concurrency_is_bounded():
    running = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)  # yield so that other requests could start
        await asyncio.sleep(0)
        running -= 1
        return httpx.Response(200, content=b"ok")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    f = SourceFetcher(HttpOptions(concurrency=2), client=client)
    async with client:
        results = await asyncio.gather(*(f.fetch(f"https://h{i}.example/") for i in range(6)))
    assert all(r.body == b"ok" for r in results)
    assert peak == 2


@pytest.mark.parametrize("retry", [False, True])
async def test_a_chain_out_of_time_is_retried_only_when_asked(fake_time, retry):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            fake_time.now += 5.0  # the first answer took longer than the deadline
        return httpx.Response(200, content=b"ok")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    options = HttpOptions(deadline=2.0, retries=2, retry_on_deadline=retry)
    async with (
        client,
        SourceFetcher(
            options, client=client, sleep=fake_time.sleep, clock=fake_time.clock, rng=lambda: 1.0
        ) as f,
    ):
        if retry:
            assert (await f.fetch("https://slow.example/")).body == b"ok"
        else:
            with pytest.raises(FetchError, match="deadline of 2 s"):
                await f.fetch("https://slow.example/")
    assert len(calls) == (2 if retry else 1)
