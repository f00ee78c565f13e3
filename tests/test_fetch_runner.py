"""fetch_all against a real local server and a real store.

Every failure case starts from a store filled by a first successful fetch and
checks that the failure left those papers and their fetch state untouched.
"""

from __future__ import annotations

import datetime as dt
import gzip
import sqlite3
from pathlib import Path

import httpx
import pytest

from feed_server import FakeTime, FeedServer, Reply, arxiv_rss, conditional
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import SourceResult, fetch_all
from tui_digest.net.options import HttpOptions

PAPERS = [("2509.00001", "First paper"), ("2509.00002", "Second paper"), ("2509.00003", "Third")]
FEED_V1 = arxiv_rss("cs.AI", PAPERS)


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(50.0)


async def run(store, sources, fake_time, **options) -> list[SourceResult]:
    options.setdefault("retries", 1)
    fetcher = SourceFetcher(
        HttpOptions(**options), sleep=fake_time.sleep, clock=fake_time.clock, rng=lambda: 1.0
    )
    async with fetcher:
        return await fetch_all(store, sources, fetcher=fetcher)


def snapshot(store: Store, name: str) -> dict:
    state = store.get_source_state(name) or {}
    return {
        "count": store.count(),
        "titles": sorted(r.title_en for r in store.search(limit=1000)),
        "digests": sorted((d.name, d.count) for d in store.digests()),
        "etag": state.get("etag"),
        "last_modified": state.get("last_modified"),
        "last_success": state.get("last_success"),
    }


@pytest.fixture
async def cached(server, store, fake_time):
    """A store holding one successful fetch of /feed (ETag "v1"); returns (source, snapshot)."""
    server.route("/feed", conditional(FEED_V1, etag='"v1"', content_type="application/rss+xml"))
    source = Source("ai", server.url("/feed"))
    [result] = await run(store, [source], fake_time)
    assert result.status == "new" and result.new == 3, result
    before = snapshot(store, "ai")
    assert before["count"] == 3 and before["etag"] == '"v1"'
    return source, before


async def assert_failed_and_untouched(store, source, before, fake_time, match: str, **options):
    [result] = await run(store, [source], fake_time, **options)
    assert result.status == "failed"
    assert match in result.error, result.error
    assert snapshot(store, source.name) == before
    state = store.get_source_state(source.name)
    assert state["last_status"].startswith("failed")
    assert match in state["last_error"]
    return result


# --- Success paths -------------------------------------------------------------


async def test_first_fetch_then_304(server, store, fake_time, cached):
    source, before = cached
    assert before["digests"] == [("ai-2025-09-18", 3)]  # `<source name>-<feed date>`
    [again] = await run(store, [source], fake_time)
    assert again.status == "unchanged" and again.http_status == 304
    # Said as `sources list` says it (found by a bug hunt: "new 0 / updated 0 / unchanged 0").
    assert again.summary() == "ai: not modified (HTTP 304)"
    assert server.requests_to("/feed")[-1].headers["if-none-match"] == '"v1"'
    after = snapshot(store, "ai")
    assert {k: v for k, v in after.items() if k != "last_success"} == {
        k: v for k, v in before.items() if k != "last_success"
    }
    assert store.get_source_state("ai")["last_status"] == "unchanged (HTTP 304)"


async def test_changed_feed_counts_new_updated_unchanged(server, store, fake_time, cached):
    source, _ = cached
    changed = [("2509.00001", "First paper"), ("2509.00002", "Second paper, revised", "2")]
    server.route(
        "/feed", conditional(arxiv_rss("cs.AI", [*changed, ("2509.00009", "New")]), etag='"v2"')
    )
    [result] = await run(store, [source], fake_time)
    assert (result.status, result.new, result.updated, result.unchanged) == ("new", 1, 1, 1)
    assert result.summary() == "ai: new 1 / updated 1 / unchanged 1"
    assert store.get_source_state("ai")["etag"] == '"v2"'
    assert store.count() == 4


async def test_last_modified_is_sent_and_stored(server, store, fake_time):
    lm = "Thu, 18 Sep 2025 08:00:00 GMT"
    server.route("/lm", conditional(FEED_V1, last_modified=lm))
    source = Source("lm", server.url("/lm"))
    [first] = await run(store, [source], fake_time)
    [second] = await run(store, [source], fake_time)
    assert first.status == "new" and second.status == "unchanged"
    assert server.requests_to("/lm")[1].headers["if-modified-since"] == lm
    assert store.get_source_state("lm")["last_modified"] == lm


async def test_changed_url_does_not_reuse_validators(server, store, fake_time, cached):
    server.route("/moved", conditional(FEED_V1, etag='"v1"'))
    [result] = await run(store, [Source("ai", server.url("/moved"))], fake_time)
    assert result.http_status == 200
    assert "if-none-match" not in server.requests_to("/moved")[0].headers
    assert store.get_source_state("ai")["url"] == server.url("/moved")


async def test_500_then_success(server, store, fake_time, cached):
    source, _ = cached
    v2 = arxiv_rss("cs.AI", [*PAPERS, ("2509.00004", "Fourth")])
    server.route("/feed", Reply(500), Reply(200, body=v2, headers={"ETag": '"v2"'}))
    [result] = await run(store, [source], fake_time, backoff_base=2.0)
    assert result.status == "new" and result.new == 1
    assert fake_time.sleeps == [2.0]
    assert store.count() == 4 and store.get_source_state("ai")["etag"] == '"v2"'


async def test_429_retry_after(server, store, fake_time, cached):
    source, before = cached
    server.route(
        "/feed", Reply(429, headers={"Retry-After": "11"}), conditional(FEED_V1, etag='"v1"')
    )
    [result] = await run(store, [source], fake_time)
    assert result.status == "unchanged" and result.http_status == 304
    assert fake_time.sleeps == [11.0]
    assert snapshot(store, "ai")["titles"] == before["titles"]


async def test_local_file_and_file_url(tmp_path, store, fake_time):
    path = tmp_path / "cs.AI.xml"
    path.write_bytes(FEED_V1)
    [by_path, by_url] = await run(
        store, [Source("p", str(path)), Source("u", path.as_uri())], fake_time
    )
    # Both read the same papers: new to the cache before the run, for both (not for
    # whichever was imported first: tests/test_fetch_counts.py).
    assert [(r.status, r.new, r.unchanged) for r in (by_path, by_url)] == [("new", 3, 0)] * 2
    [again] = await run(store, [Source("p", str(path))], fake_time)
    assert again.status == "unchanged" and again.http_status is None  # not HTTP
    assert store.get_source_state("p")["last_status"] == "unchanged (file not modified)"
    assert by_path.http_status is None


async def test_empty_listing_is_not_a_digest(server, store, fake_time):
    server.route("/empty", Reply(200, body=arxiv_rss("cs.AI", [])))
    [result] = await run(store, [Source("e", server.url("/empty"))], fake_time)
    assert result.status == "unchanged" and result.digest == ""
    assert store.digests() == []
    # Said as such, not as an error: in the result line and the source's status.
    assert result.no_new_papers and result.summary() == "e: no new papers"
    state = store.get_source_state("e")
    assert state["last_status"] == "no new papers (HTTP 200)" and state["last_error"] == ""


async def test_real_samples(server, store, fake_time, excerpts):
    for name in ("arxiv-rss2-format-sample.xml", "arxiv-atom-cs.AI-2025-08-20.xml"):
        server.route(f"/{name}", Reply(200, body=(excerpts / name).read_bytes()))
    results = await run(
        store,
        [
            Source("rss", server.url("/arxiv-rss2-format-sample.xml"), "arxiv"),
            Source("atom", server.url("/arxiv-atom-cs.AI-2025-08-20.xml")),
        ],
        fake_time,
    )
    assert [r.status for r in results] == ["new", "new"], results
    assert results[0].new == 3
    assert store.count() >= 3


# --- Failures leave the cache as it was ----------------------------------------


async def test_persistent_500(server, store, fake_time, cached):
    source, before = cached
    server.route("/feed", Reply(500))
    result = await assert_failed_and_untouched(store, source, before, fake_time, "HTTP 500")
    assert result.http_status == 500
    assert result.summary().startswith("ai: failed (http://127.0.0.1:")


async def test_redirect_loop(server, store, fake_time, cached):
    source, before = cached
    server.route("/feed", Reply(302, headers={"Location": "/loop"}))
    server.route("/loop", Reply(302, headers={"Location": "/feed"}))
    await assert_failed_and_untouched(store, source, before, fake_time, "redirect loop")


async def test_redirect_to_file_refused(server, store, fake_time, cached):
    source, before = cached
    server.route("/feed", Reply(301, headers={"Location": "file:///etc/passwd"}))
    await assert_failed_and_untouched(store, source, before, fake_time, "refused redirect")


async def test_slow_trickle(server, store, fake_time, cached):
    source, before = cached
    server.route("/feed", Reply(200, body=FEED_V1, chunk_size=20, delay=0.05))
    await assert_failed_and_untouched(
        store, source, before, fake_time, "deadline of 0.5 s", deadline=0.5
    )


async def test_gzip_bomb(server, store, fake_time, cached):
    source, before = cached
    bomb = gzip.compress(b"<rss>" + b" " * (8 * 1024 * 1024), compresslevel=9)
    server.route("/feed", Reply(200, body=bomb, headers={"Content-Encoding": "gzip"}))
    await assert_failed_and_untouched(
        store, source, before, fake_time, "exceeds the cap of 262144 bytes", max_bytes=256 * 1024
    )


async def test_truncated_body(server, store, fake_time, cached):
    source, before = cached
    v2 = arxiv_rss("cs.AI", [*PAPERS, ("2509.00004", "Fourth")])
    server.route("/feed", Reply(200, body=v2[:300], content_length=len(v2)))
    await assert_failed_and_untouched(store, source, before, fake_time, "connection error")


async def test_html_instead_of_feed(server, store, fake_time, cached):
    source, before = cached
    page = b"<!DOCTYPE html><html><head><title>Login</title></head><body>hi</body></html>"
    server.route("/feed", Reply(200, body=page, headers={"Content-Type": "text/html"}))
    result = await assert_failed_and_untouched(
        store, source, before, fake_time, "an HTML page, not a digest or feed"
    )
    assert result.http_status == 200


async def test_unsafe_xml_refused(server, store, fake_time, cached):
    source, before = cached
    evil = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss><channel/></rss>'
    server.route("/feed", Reply(200, body=evil))
    [result] = await run(store, [source], fake_time)
    assert result.status == "failed" and result.error
    assert snapshot(store, "ai") == before


async def test_disk_failure_keeps_validators(server, store, fake_time, cached):
    source, before = cached
    server.route(
        "/feed",
        Reply(200, body=arxiv_rss("cs.AI", [("2509.00005", "Five")]), headers={"ETag": '"v3"'}),
    )

    def broken_import(digest, **options):
        raise sqlite3.OperationalError("disk I/O error")

    store.import_digest = broken_import  # instance attribute shadows the method
    await assert_failed_and_untouched(store, source, before, fake_time, "disk I/O error")
    assert store.get_source_state("ai")["etag"] == '"v1"'  # not the uncommitted "v3"


async def test_one_failure_does_not_stop_the_others(server, store, fake_time):
    server.route("/ok", Reply(200, body=FEED_V1))
    server.route("/cl", Reply(200, body=arxiv_rss("cs.CL", [("2509.00100", "CL paper")])))
    sources = [
        Source("ok", server.url("/ok")),
        Source("down", server.url("/down-404")),
        Source("cl", server.url("/cl")),
    ]
    events: list[tuple[int, int, str]] = []
    fetcher = SourceFetcher(HttpOptions(retries=0), sleep=fake_time.sleep, clock=fake_time.clock)
    async with fetcher:
        results = await fetch_all(
            store, sources, fetcher=fetcher, progress=lambda *e: events.append(e)
        )
    assert [r.name for r in results] == ["ok", "down", "cl"]
    assert [r.status for r in results] == ["new", "failed", "new"]
    assert results[1].http_status == 404 and "HTTP 404" in results[1].error
    assert store.count() == 4
    assert len(events) == 6 and events[-1][:2] == (3, 3)
    # Each source named as it starts; an end names one still in flight (the last
    # names itself): `test_progress_names_a_source_still_in_flight`.
    assert [e[2] for e in events[:3]] == ["ok", "down", "cl"]
    assert {e[2] for e in events[3:]} <= {"ok", "down", "cl"}
    assert all(0 <= done <= total == 3 for done, total, _ in events)


async def test_arxiv_sources_are_spaced(store, fake_time):
    seen: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), fake_time.clock()))
        category = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(
            200, content=arxiv_rss(category, [(f"2509.{10000 + len(seen)}", "T")])
        )

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with client:
        results = await fetch_all(
            store,
            [Source(c, f"https://rss.arxiv.org/rss/{c}", "arxiv") for c in ("cs.AI", "cs.CL")],
            client=client,
            sleep=fake_time.sleep,
            clock=fake_time.clock,
        )
    assert [r.status for r in results] == ["new", "new"]
    assert len(seen) == 2 and seen[1][1] - seen[0][1] >= 3.0


async def test_digests_are_named_after_the_source_and_dated(server, store, fake_time):
    # A document with no date of its own is filed under the local date of the fetch.
    server.route("/cs.AI.md", Reply(200, body=b"# nothing dated here\n"))
    server.route("/t", Reply(200, body=FEED_V1))
    now = dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.UTC)
    results = await fetch_all(
        store,
        [Source("digest-cs.AI", server.url("/t"))],
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        now=lambda: now,
    )
    [info] = store.digests()
    assert results[0].digest == info.name and info.name.startswith("digest-cs.AI-")
    assert info.name == f"digest-cs.AI-{info.date}" and info.date


async def test_timestamps_use_injected_now(server, store, fake_time):
    server.route("/t", Reply(200, body=FEED_V1))
    fixed = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    fetcher = SourceFetcher(HttpOptions(), sleep=fake_time.sleep, clock=fake_time.clock)
    async with fetcher:
        await fetch_all(store, [Source("t", server.url("/t"))], fetcher=fetcher, now=lambda: fixed)
    state = store.get_source_state("t")
    assert state["last_checked"] == state["last_success"] == "2026-01-02T03:04:05Z"


SMALL_DIGEST = "\n".join(
    [
        "# 摘要",
        "",
        "| Ref | Title | Summary |",
        "| --- | --- | --- |",
        "| [^1] | [A Fetched Paper](https://arxiv.org/abs/2401.00001) | 一篇论文。 |",
        "",
        "# 详细",
        "",
        "[^1]: 一篇被抓取的论文",
        "",
        "    A Fetched Paper",
        "",
        "    [https://arxiv.org/abs/2401.00001](https://arxiv.org/abs/2401.00001)",
        "",
        "    一篇论文。",
        "",
        "    ",  # the four-space paragraph of the format
        "",
        "    中文摘要。",
        "",
        "    arXiv:2401.00001v1 Announce Type: new  Abstract: An English abstract.",
        "    ",
        "",
        "",
    ]
).encode()


async def test_markdown_digest_named_by_fetch_date(server, store, fake_time):
    server.route("/cs.AI.md", Reply(200, body=SMALL_DIGEST))
    fixed = dt.datetime(2026, 3, 4, 23, 59, tzinfo=dt.UTC)
    fetcher = SourceFetcher(HttpOptions(), sleep=fake_time.sleep, clock=fake_time.clock)
    async with fetcher:
        [auto, forced] = await fetch_all(
            store,
            [
                Source("digest-cs.AI", server.url("/cs.AI.md")),
                Source("again", server.url("/cs.AI.md"), "digest"),
            ],
            fetcher=fetcher,
            now=lambda: fixed,
        )
    # A paper another source brought new in the run is new for each source that
    # lists it (`_as_before_the_run`), the identical copy's too.
    assert [auto.status, forced.status] == ["new", "new"] and auto.new == forced.new == 1
    # One URL is one source: whichever copy came second is identical to the
    # first's digest, named after the source that brought it first.
    [info] = store.digests()
    assert auto.digest == forced.digest == info.name
    assert info.name in ("digest-cs.AI-2026-03-04", "again-2026-03-04")
    record = store.get_paper("2401.00001")
    assert record is not None and record.paper.title_zh == "一篇被抓取的论文"


async def test_real_digest_sample(server, store, fake_time, excerpts):
    server.route("/seed.md", Reply(200, body=(excerpts / "seed-digest.md").read_bytes()))
    [result] = await run(store, [Source("seed", server.url("/seed.md"), "digest")], fake_time)
    assert (result.status, result.new) == ("new", 5)
    assert store.count() == 5


async def test_unexpected_reader_error_costs_only_that_source(
    server, store, fake_time, cached, monkeypatch
):
    source, before = cached
    from tui_digest.fetch import runner

    real_read = runner._read

    def flaky_read(body, url, format, charset=""):
        if url.endswith("/feed"):
            raise RuntimeError("reader bug")
        return real_read(body, url, format, charset)

    monkeypatch.setattr(runner, "_read", flaky_read)
    server.route("/feed", Reply(200, body=arxiv_rss("cs.AI", [("2509.00007", "Seven")])))
    server.route("/cl", Reply(200, body=arxiv_rss("cs.CL", [("2509.00100", "CL paper")])))
    results = await run(store, [source, Source("cl", server.url("/cl"))], fake_time)
    assert [r.status for r in results] == ["failed", "new"]
    assert results[0].error == "internal error: RuntimeError: reader bug"
    after = snapshot(store, "ai")
    assert after["count"] == before["count"] + 1  # only the cs.CL paper was added
    assert after["etag"] == before["etag"] and after["last_success"] == before["last_success"]


async def test_progress_names_a_source_still_in_flight(store, fake_time):
    """The reader's status line said `fetching 1/2 · bad` for as long as `slow`
    downloaded, naming the source that had already failed (found by a bug hunt):
    a source that ends hands the line to one still in flight."""
    import asyncio

    gate = asyncio.Event()
    events: list[tuple[int, int, str]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            await gate.wait()
            return httpx.Response(200, content=FEED_V1)
        return httpx.Response(404)

    def progress(done: int, total: int, name: str) -> None:
        events.append((done, total, name))
        if done == 1:
            gate.set()  # `bad` has ended: `slow` may now answer

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    sources = [Source("slow", "http://127.0.0.1/slow"), Source("bad", "http://127.0.0.1/bad")]
    async with client:
        results = await fetch_all(
            store,
            sources,
            client=client,
            options=HttpOptions(retries=0),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            progress=progress,
        )
    assert [r.status for r in results] == ["new", "failed"]
    assert events == [(0, 2, "slow"), (0, 2, "bad"), (1, 2, "slow"), (2, 2, "slow")]


MINI_MD = (Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md").read_bytes()


@pytest.mark.parametrize("charset", ["gbk", "GB18030", '"gb2312"'])
async def test_a_digest_in_its_declared_charset_is_read_without_a_problem(
    server, store, fake_time, charset
):
    """A GB18030 digest served `charset=gbk` was said to have "1 entry could not
    be read fully" (its decoding note counted as an entry's problem; found by a
    bug hunt): the declared charset is used, and nothing is said."""
    body = MINI_MD.decode("utf-8").encode("gb18030")
    server.route(
        "/a.md",
        Reply(200, body=body, headers={"Content-Type": f"text/markdown; charset={charset}"}),
    )
    [result] = await run(store, [Source("x", server.url("/a.md"))], fake_time)
    assert result.status == "new" and result.new == 3
    assert result.problems == 0 and result.decoding == ""
    assert store.get_paper("2403.00001").paper.title_zh == "扩散模型的高效采样"


async def test_an_undeclared_gb18030_digest_is_noted_not_counted_as_an_entry_problem(
    server, store, fake_time
):
    body = MINI_MD.decode("utf-8").encode("gb18030")
    server.route("/a.md", Reply(200, body=body, headers={"Content-Type": "text/markdown"}))
    [result] = await run(store, [Source("x", server.url("/a.md"))], fake_time)
    assert result.status == "new" and result.new == 3
    assert result.problems == 0
    assert result.decoding == "bytes are not valid UTF-8; decoded as GB18030"


async def test_a_folder_sources_gb18030_digest_is_not_counted_as_an_entry_problem(
    tmp_path, store, fake_time
):
    """The decoding note counted as "1 entry could not be read fully" for a feed
    source (bug hunt `sources` #5); a folder source counted it still (fixer's note)."""
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "cs.AI.md").write_bytes(MINI_MD.decode("utf-8").encode("gb18030"))
    [result] = await run(store, [Source("x", folder.as_uri() + "/")], fake_time)
    assert result.new == 3
    assert result.problems == 0
