"""Sources that exist, folders, and failing fast offline (issue 17, requirements 1 and 7)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from cli_support import run_cli
from feed_server import FakeTime, arxiv_rss
from tui_digest.config.loader import load_config
from tui_digest.config.sources import (
    DEFAULT_SOURCES,
    UPSTREAM_CATEGORIES,
    Source,
    infer_category,
)
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.results import SourceResult, offline_line
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.ui.refresh import summarise

# The generator's files at HEAD (qhduan/cn-chat-arxiv, branch master), from
# /work/shared/docs/upstream.md and issue 17.
UPSTREAM_FILES = [
    *("cs.AI.md", "cs.CL.md", "cs.IR.md", "cs.LG.md"),
    *("cs.SE.md", "econ.md", "q-fin.md", "stat.ML.md"),
]
UPSTREAM_RAW = "https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/"


# --- requirement 1: default sources that exist ------------------------------------------


def test_default_digest_urls_are_files_the_generator_publishes():
    digests = [s for s in DEFAULT_SOURCES if s.kind == "digest"]
    assert [s.url for s in digests] == [
        UPSTREAM_RAW + name for name in ("cs.AI.md", "cs.CL.md", "cs.LG.md")
    ]
    for s in digests:
        assert s.url.removeprefix(UPSTREAM_RAW) in UPSTREAM_FILES
    assert [f"{c}.md" for c in UPSTREAM_CATEGORIES] == UPSTREAM_FILES


def test_default_feeds_are_arxivs_rss_for_the_same_categories():
    feeds = [s for s in DEFAULT_SOURCES if s.kind == "arxiv"]
    assert [s.url for s in feeds] == [
        f"https://rss.arxiv.org/rss/{c}" for c in ("cs.AI", "cs.CL", "cs.LG")
    ]
    assert [s.effective_category for s in DEFAULT_SOURCES] == ["cs.AI", "cs.CL", "cs.LG"] * 2


def test_readme_lists_every_upstream_category():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    for name in UPSTREAM_FILES:
        assert UPSTREAM_RAW + name in readme, name


@pytest.mark.parametrize(
    ("url", "category"),
    [
        (UPSTREAM_RAW + "stat.ML.md", "stat.ML"),
        (UPSTREAM_RAW + "q-fin.md", "q-fin"),
        (UPSTREAM_RAW + "cs.AI.xml", "cs.AI"),
        ("https://rss.arxiv.org/rss/cs.CL", "cs.CL"),
        ("https://rss.arxiv.org/atom/econ.EM", "econ.EM"),
        ("https://rss.arxiv.org/rss/cs.AI+cs.CL", ""),  # several: no single category
        ("https://example.org/index.md", ""),
        ("/home/me/digests/", ""),
        # Named as the README's examples are, read as `publish` reads them (a bug
        # hunt: the first two got no category, yet publish filed them under cs.AI).
        ("/tmp/w/digest-cs.AI-2024-03-18.md", "cs.AI"),
        ("/srv/feeds/arxiv-atom-cs.AI-2025-08-20.xml", "cs.AI"),
        ("https://example.org/lab/digest-cs.LG-2.md", "cs.LG"),
        ("/srv/arxiv-q-fin.ST.xml", "q-fin.ST"),  # a real archive, not "fin.ST"
        ("/srv/lab-astro-ph.CO-2025-01-02.md", "astro-ph.CO"),
        ("/srv/arxiv-cond-mat.mes-hall-2025-01-02.xml", "cond-mat.mes-hall"),
        ("/srv/arxiv-cs.AI-cs.LG-2025-08-20.xml", ""),  # several: no single category
        ("/srv/notes-ab.cd-2024-03-18.md", ""),  # the shape, but no arXiv archive
        ("/srv/digest-2024-03-18.md", ""),
        ("/srv/v1.2-notes.md", ""),
        # A word after the category is not its subject class's (regression hunt
        # `regfinal` R3: 118 papers got "cs.AI-en"): arXiv's hyphenated classes are
        # lower case (cond-mat.mes-hall, physics.atm-clus; arXiv's taxonomy).
        ("/srv/digest-cs.AI-en-2024-03-18.md", "cs.AI"),
        ("/srv/arxiv-cs.AI-weekly.xml", "cs.AI"),
        ("/srv/lab-physics.atm-clus-2025-01-02.md", "physics.atm-clus"),
    ],
)
def test_category_is_inferred_from_the_file_name(url, category):
    assert infer_category(url) == category


@pytest.mark.parametrize(
    "path",
    [
        "/tmp/w/digest-cs.AI-2024-03-18.md",
        "/tmp/w/digest-cs.AI-en-2024-03-18.md",
        "/srv/feeds/arxiv-atom-cs.AI-2025-08-20.xml",
        "/srv/cs.LG.md",
        "https://rss.arxiv.org/rss/stat.ML",
    ],
)
def test_the_inferred_category_is_the_one_publish_files_the_digest_under(path):
    from types import SimpleNamespace

    from tui_digest.publish.day import _named

    digest = SimpleNamespace(name="any", source=path, category="")
    assert _named(digest, []) == {infer_category(path)}


def test_configured_category_wins_and_bad_ones_are_refused(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[[sources]]\nname = "a"\nurl = "https://rss.arxiv.org/rss/cs.AI"\ncategory = "cs.LG"\n',
        encoding="utf-8",
    )
    assert load_config(path).sources[0].effective_category == "cs.LG"
    path.write_text('[[sources]]\nname = "a"\nurl = "/a"\ncategory = "AI stuff"\n', "utf-8")
    with pytest.raises(ValueError, match="'category' must be an arXiv category"):
        load_config(path)


def test_sources_list_json(tmp_path):
    db = tmp_path / "cache.db"
    store = Store.open(db)
    store.set_source_state(
        "digest-cs.AI",
        url=UPSTREAM_RAW + "cs.AI.md",  # (the state of the URL the source has: shown)
        last_checked="2026-08-19T06:00:00Z",
        last_status="new 3 / updated 0",
    )
    # A script can tell why a source failed (found by a bug hunt: only the table's
    # stderr lines said it).
    store.set_source_state(
        "mine",
        url="https://example.org/x.xml",  # (the cache holds URLs without their password)
        last_checked="2026-08-19T06:00:00Z",
        last_status="failed",
        last_error="HTTP 404 Not Found",
    )
    store.close()
    config = tmp_path / "c.toml"
    config.write_text(
        '[[sources]]\nname = "digest-cs.AI"\nurl = "' + UPSTREAM_RAW + 'cs.AI.md"\n'
        'kind = "digest"\n\n'
        '[[sources]]\nname = "mine"\nurl = "https://me:pw123456@example.org/x.xml"\n'
        "enabled = false\n",
        encoding="utf-8",
    )
    result = run_cli("sources", "list", "--json", "--config", str(config), db=db)  # subprocess
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "name": "digest-cs.AI",
            "url": UPSTREAM_RAW + "cs.AI.md",
            "kind": "digest",
            "enabled": True,
            "category": "cs.AI",
            "last_checked": "2026-08-19T06:00:00Z",
            "last_status": "new 3 / updated 0",
            "last_error": None,
        },
        {
            "name": "mine",
            "url": "https://me:***@example.org/x.xml",
            "kind": "auto",
            "enabled": False,
            "category": None,
            "last_checked": "2026-08-19T06:00:00Z",
            "last_status": "failed",
            "last_error": "HTTP 404 Not Found",
        },
    ]


# --- requirement 7: folders -------------------------------------------------------------


def _digest_file(path: Path, ids: list[str]) -> None:
    papers = [Paper(id=i, title_en=f"Paper {i}", abstract_en=f"About {i}.") for i in ids]
    path.write_text(write_digest(papers), encoding="utf-8")


def _run(store: Store, sources: list[Source]) -> list[SourceResult]:
    fake = FakeTime()
    return asyncio.run(fetch_all(store, sources, sleep=fake.sleep, clock=fake.clock))


def test_a_folder_source_imports_every_digest_and_feed_inside(tmp_path):
    folder = tmp_path / "digests"
    (folder / "2024").mkdir(parents=True)
    _digest_file(folder / "cs.AI-2024-03-18.md", ["2403.00001", "2403.00002"])
    _digest_file(folder / "2024" / "cs.CL-2024-03-19.md", ["2403.00003"])
    (folder / "cs.LG.xml").write_bytes(arxiv_rss("cs.LG", [("2509.00004", "A feed paper")]))
    (folder / "broken.md").write_bytes(b"\x00\x01 not a digest")
    (folder / "notes.txt").write_text("not imported", encoding="utf-8")
    store = Store.open(tmp_path / "cache.db")
    source = Source("folder", folder.as_uri() + "/")
    [first] = _run(store, [source])
    assert first.ok and first.new == 4, first
    assert len(first.notes) == 1 and "broken.md" in first.notes[0]
    names = {d.name for d in store.digests()}
    # One digest per file, each under the name its document carries (with its date).
    assert names == {"cs.AI-2024-03-18", "cs.CL-2024-03-19", "arxiv-cs.LG-2025-09-18"}
    # A file named after a category is that category's digest, as `import FOLDER` has it.
    assert {d.name: d.category for d in store.digests()}["arxiv-cs.LG-2025-09-18"] == "cs.LG"
    [again] = _run(store, [source])
    assert again.status == "unchanged" and again.new == 0
    _digest_file(folder / "cs.AI-2024-03-20.md", ["2403.00005"])
    [later] = _run(store, [source])
    assert later.new == 1
    _digest_file(folder / "cs.SE.md", ["2403.00006"])
    [named] = _run(store, [source])
    assert named.new == 1
    [cs_se] = [d.name for d in store.digests() if d.category == "cs.SE"]
    assert cs_se.startswith("cs.SE-")
    assert store.list_ids("cat:cs.SE") and len(store.list_ids("cat:cs.SE")) == 1
    store.close()


def test_an_empty_folder_is_fine_and_a_missing_one_fails(tmp_path):
    (tmp_path / "empty").mkdir()
    store = Store.open(tmp_path / "cache.db")
    empty, missing = _run(
        store,
        [
            Source("empty", (tmp_path / "empty").as_uri()),
            Source("missing", (tmp_path / "nope").as_uri()),
        ],
    )
    store.close()
    assert empty.ok and empty.new == 0
    assert not missing.ok and "No such file" in missing.error


# --- requirement 7: offline ---------------------------------------------------------------


def _unresolvable(request: httpx.Request) -> httpx.Response:
    # What httpcore raises when getaddrinfo fails: a ConnectError caused by gaierror.
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc


async def _offline_run(tmp_path: Path, fake: FakeTime) -> list[SourceResult]:
    never = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "raw.githubusercontent.com":
            return _unresolvable(request)
        await never.wait()  # another host that would hang for its whole timeout
        raise AssertionError("unreachable")

    local = tmp_path / "local.md"
    _digest_file(local, ["2403.00009"])
    store = Store.open(tmp_path / "cache.db")
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with client:
        fetcher = SourceFetcher(HttpOptions(), client=client, sleep=fake.sleep, clock=fake.clock)
        try:
            return await fetch_all(
                store,
                [
                    Source("digest-cs.AI", UPSTREAM_RAW + "cs.AI.md"),
                    Source("arxiv-cs.AI", "https://rss.arxiv.org/rss/cs.AI"),
                    Source("arxiv-cs.CL", "https://rss.arxiv.org/rss/cs.CL"),
                    Source("local", str(local)),
                ],
                fetcher=fetcher,
            )
        finally:
            store.close()


def test_offline_run_fails_fast_in_one_line(tmp_path):
    fake = FakeTime()
    started = time.monotonic()
    results = asyncio.run(asyncio.wait_for(_offline_run(tmp_path, fake), timeout=10))
    assert time.monotonic() - started < 5
    digest, rss_ai, rss_cl, local = results
    assert local.ok and local.new == 1  # a local source does not need the network
    for r in (digest, rss_ai, rss_cl):
        assert not r.ok and r.offline == "raw.githubusercontent.com"  # the run's first failure
    # ...but each source's own error names its own host
    assert digest.error == "offline: could not reach raw.githubusercontent.com"
    assert rss_ai.error == rss_cl.error == "offline: could not reach rss.arxiv.org"
    assert fake.sleeps == []  # nothing was retried, no politeness wait was served
    store = Store.open(tmp_path / "cache.db")
    state = store.get_source_state("arxiv-cs.CL")
    store.close()
    assert state["last_status"] == "offline"
    assert state["last_error"] == "offline: could not reach rss.arxiv.org"
    assert offline_line(results) == "offline: could not reach raw.githubusercontent.com"
    text, severity = summarise(results)
    assert text.splitlines()[0] == "offline: could not reach raw.githubusercontent.com"
    assert "✗" not in text and severity == "warning"


async def test_a_name_resolution_failure_is_not_retried():
    fake = FakeTime()
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        return _unresolvable(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with (
        client,
        SourceFetcher(
            HttpOptions(retries=3), client=client, sleep=fake.sleep, clock=fake.clock
        ) as f,
    ):
        with pytest.raises(FetchError, match=r"could not resolve host nowhere\.example") as err:
            await f.fetch("https://nowhere.example/x.md")
    assert err.value.kind == "dns" and calls == ["nowhere.example"] and fake.sleeps == []


async def _run_with_resolver(tmp_path: Path, resolves, sources, options=None):
    """A run whose host names go through `resolves(host)` (raises OSError: unknown),
    with arXiv's feeds served by a mock transport."""

    async def resolver(host: str, port: int) -> None:
        await resolves(host)

    def handler(request: httpx.Request) -> httpx.Response:
        category = request.url.path.rsplit("/", 1)[-1]
        pid = {"cs.AI": "2509.00011", "cs.CL": "2509.00012"}[category]
        return httpx.Response(200, content=arxiv_rss(category, [(pid, f"A {category} paper")]))

    fake = FakeTime()
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    with Store.open(tmp_path / "cache.db") as store:
        async with client:
            fetcher = SourceFetcher(
                options or HttpOptions(),
                client=client,
                sleep=fake.sleep,
                clock=fake.clock,
                resolver=resolver,
            )
            return await fetch_all(store, sources, fetcher=fetcher), fake


LAB = Source("lab-cs.AI", "https://digests.lab.example/cs.AI.xml")
ARXIV = [Source(f"arxiv-{c}", f"https://rss.arxiv.org/rss/{c}") for c in ("cs.AI", "cs.CL")]


async def test_one_host_that_does_not_resolve_costs_only_its_own_sources(tmp_path):
    """A lab's folder whose domain expired (or a mistyped host) is not "offline": the
    other hosts resolve, so only its source fails, naming the host, and arXiv's come in."""
    asked: list[str] = []

    async def resolves(host: str) -> None:
        asked.append(host)
        if host == "digests.lab.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    results, _ = await _run_with_resolver(tmp_path, resolves, [LAB, *ARXIV])
    lab, ai, cl = results
    assert lab.status == "failed" and not lab.offline
    assert lab.error.endswith("could not resolve host digests.lab.example")
    assert (ai.status, ai.new, cl.status, cl.new) == ("new", 1, "new", 1)
    assert offline_line(results) == ""
    assert asked.count("rss.arxiv.org") == 1  # the probe and the requests share one resolution
    text, severity = summarise(results)
    assert "offline" not in text and severity == "warning"


async def test_when_no_host_resolves_the_run_is_offline_without_waiting_twice(tmp_path):
    """Offline with a name server that never answers: the probe joins the other hosts'
    resolutions under way instead of starting its own, so the run ends after one
    `resolve_timeout`, in one offline line."""
    never = asyncio.Event()

    async def resolves(host: str) -> None:
        if host == "digests.lab.example":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        await never.wait()  # a silent name server

    started = time.monotonic()
    results, fake = await asyncio.wait_for(
        _run_with_resolver(tmp_path, resolves, [LAB, *ARXIV], HttpOptions(resolve_timeout=0.5)),
        timeout=10,
    )
    assert time.monotonic() - started < 1.5  # one resolve_timeout, not one per step
    assert all(r.offline == "digests.lab.example" for r in results)
    assert offline_line(results) == "offline: could not reach digests.lab.example"
    assert fake.sleeps == []


def test_cli_prints_the_offline_line_once(capsys):
    from tui_digest.cli_fetch import _print_offline, _print_result

    def _print_results(results: list[SourceResult]) -> None:  # as a run prints them
        for r in results:
            _print_result(r)
        _print_offline(results)

    off = "offline: could not reach raw.githubusercontent.com"
    results = [
        SourceResult("a", "https://raw.githubusercontent.com/a", "failed", error=off, offline="x"),
        SourceResult("b", "https://rss.arxiv.org/rss/cs.AI", "failed", error=off, offline="x"),
        SourceResult("local", "/tmp/l.md", "new", new=2),
    ]
    results[0].offline = results[1].offline = "raw.githubusercontent.com"
    _print_results(results)
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["local: new 2 / updated 0 / unchanged 0"]
    assert captured.err.splitlines() == [f"{off} (2 sources not fetched)"]  # (a failure)
    _print_results(results[1:])
    assert capsys.readouterr().err.splitlines() == [f"{off} (1 source not fetched)"]


def test_defaults_name_only_the_two_documented_hosts():
    hosts = {s.url.split("/")[2] for s in DEFAULT_SOURCES}
    assert hosts == {"raw.githubusercontent.com", "rss.arxiv.org"}


# --- name resolution under its own timeout ---------------------------------------------


def _mock_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=b"ok"))
    )


async def test_a_resolver_that_never_answers_is_a_dns_failure_in_bounded_time():
    asked: list[str] = []

    async def silent(host: str, port: int) -> None:
        asked.append(host)
        await asyncio.Event().wait()  # a name server that never answers

    fake = FakeTime()
    options = HttpOptions(resolve_timeout=0.05, retries=3)
    async with (
        _mock_client() as client,
        SourceFetcher(
            options, client=client, sleep=fake.sleep, clock=fake.clock, resolver=silent
        ) as f,
    ):
        with pytest.raises(FetchError, match=r"could not resolve host a\.example \(no answer"):
            await f.fetch("https://a.example/x.md")
    assert asked == ["a.example"] and fake.sleeps == []  # not retried


async def test_a_host_is_resolved_once_and_ip_literals_never():
    asked: list[str] = []

    async def resolver(host: str, port: int) -> None:
        asked.append(f"{host}:{port}")

    async with (
        _mock_client() as client,
        SourceFetcher(HttpOptions(), client=client, resolver=resolver) as f,
    ):
        for url in ("https://a.example/1", "https://a.example/2", "http://a.example/3"):
            assert (await f.fetch(url)).body == b"ok"
        await f.fetch("http://127.0.0.1:8/x")
        await f.fetch("http://[::1]:8/x")
    assert asked == ["a.example:443", "a.example:80"]


async def test_the_system_resolver_answers_and_fails_like_getaddrinfo(monkeypatch):
    from tui_digest.net import resolve

    await resolve.system_resolver("localhost", 80)  # /etc/hosts: no query leaves the machine

    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(resolve.socket, "getaddrinfo", unknown)
    with pytest.raises(socket.gaierror):
        await resolve.system_resolver("nowhere.example", 80)


def test_a_silent_name_server_makes_the_whole_run_offline_at_once(tmp_path):
    async def silent(host: str, port: int) -> None:
        await asyncio.Event().wait()

    async def run() -> list[SourceResult]:
        store = Store.open(tmp_path / "cache.db")
        fake = FakeTime()
        async with _mock_client() as client:
            fetcher = SourceFetcher(
                HttpOptions(resolve_timeout=0.2),
                client=client,
                sleep=fake.sleep,
                clock=fake.clock,
                resolver=silent,
            )
            try:
                sources = [Source(f"s{i}", f"https://h{i}.example/feed") for i in range(6)]
                return await fetch_all(store, sources, fetcher=fetcher)
            finally:
                store.close()

    started = time.monotonic()
    results = asyncio.run(run())
    assert time.monotonic() - started < 3  # one resolve timeout, not one per source
    assert all(r.offline and not r.ok for r in results)
    assert offline_line(results).startswith("offline: could not reach h")


# --- URLs ending in "/": a feed, or a published folder ------------------------------------


def test_a_feed_url_ending_in_a_slash_is_a_feed(tmp_path):
    from feed_server import FeedServer, Reply

    store = Store.open(tmp_path / "cache.db")
    with FeedServer() as server:
        server.route("/blog/feed/", Reply(200, body=arxiv_rss("cs.AI", [("2509.00007", "T")])))
        [result] = _run(store, [Source("blog", server.url("/blog/feed/"))])
        asked = [r.path for r in server.requests]
    store.close()
    assert result.ok and result.new == 1, result.error
    assert asked == ["/blog/feed/"]  # no detour through index.json


def test_a_folder_page_sends_us_to_its_index(tmp_path):
    from feed_server import FeedServer, Reply

    page = Reply(200, body=b"<html><body>Index of /site/</body></html>")
    page.headers["Content-Type"] = "text/html"
    store = Store.open(tmp_path / "cache.db")
    with FeedServer() as server:
        server.route("/site/", page)
        [result] = _run(store, [Source("lab", server.url("/site/"))])
        asked = [r.path for r in server.requests]
    store.close()
    assert asked == ["/site/", "/site/index.json"]
    assert not result.ok and "index.json: HTTP 404" in result.error
