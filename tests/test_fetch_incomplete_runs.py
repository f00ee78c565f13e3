"""A fetch that could not get all it should keeps no validators (bug hunt s41 `auditcli`).

A source's ETag/Last-Modified (a folder's stamp of names, sizes and mtimes) are
stored only when the run had everything it should: stored after a file of a
folder could not be read, a missed day's dated feed that failed to download,
or a published folder whose index.json could not be had, the next fetch was
told "not modified" and that file or day never came. And a published folder
whose landing page (`index.html`) was asked with the index's validators
answered 304 for good. Each replays fetch runs in sequence on one cache, as a
cron job's would be, against a local folder or a server on 127.0.0.1 that the
test starts and stops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest

from feed_server import FakeTime, FeedServer, Reply, Request
from test_fetch_commands import cli
from test_publish_catch_up import Publisher, days_of
from tui_digest.config.sources import Source
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.fetch.results import SourceResult
from tui_digest.fetch.runner import fetch_all

# --- 1. a folder source's file that could not be read ------------------------------------


def _digest_file(path: Path, ids: list[str]) -> None:
    papers = [Paper(id=i, title_en=f"Paper {i}", abstract_en=f"About {i}.") for i in ids]
    path.write_text(write_digest(papers), encoding="utf-8")


async def test_a_folder_file_that_could_not_be_read_is_imported_once_it_can_be(
    tmp_path, monkeypatch
):
    """A mode-000 file is read as root reads it here, so the test makes its open
    raise PermissionError, as it does for any other user (`chmod 000`); `chmod 644`
    changes neither its mtime nor its size, so the folder's stamp stays the same."""
    folder = tmp_path / "fold"
    folder.mkdir()
    _digest_file(folder / "cs.LG-2024-07-15.md", ["2407.00001"])
    denied = folder / "cs.AI-2024-02-05.md"
    _digest_file(denied, ["2402.00001", "2402.00002"])
    opened = Path.open

    def no_permission(self: Path, *args, **kwargs):
        if self == denied:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    source = Source("mine", folder.as_uri() + "/")
    with Store.open(tmp_path / "c.db") as store:
        monkeypatch.setattr(Path, "open", no_permission)
        [first] = await fetch_all(store, [source])
        assert first.new == 1 and len(first.notes) == 1
        assert str(denied) in first.notes[0] and "Permission denied" in first.notes[0]
        monkeypatch.undo()  # `chmod 644`
        [second] = await fetch_all(store, [source])
        assert not second.not_modified and (second.new, second.unchanged) == (2, 1)
        assert second.notes == []
        assert {d.date for d in store.digests()} == {"2024-07-15", "2024-02-05"}
        [third] = await fetch_all(store, [source])  # all had: the stamp is kept now
        assert third.not_modified


async def test_a_folder_file_that_is_no_digest_costs_no_rereading(tmp_path):
    """A file that reads as nothing (not a digest) reads the same again: the
    folder's stamp is kept, and the next fetch says "not modified"."""
    folder = tmp_path / "fold"
    folder.mkdir()
    _digest_file(folder / "cs.LG-2024-07-15.md", ["2407.00001"])
    (folder / "broken.md").write_bytes(b"\x00\x01 not a digest")
    source = Source("mine", folder.as_uri() + "/")
    with Store.open(tmp_path / "c.db") as store:
        [first] = await fetch_all(store, [source])
        assert first.new == 1 and len(first.notes) == 1
        [second] = await fetch_all(store, [source])
        assert second.not_modified and second.notes == []


async def test_a_folder_file_over_the_cap_costs_no_rereading(tmp_path):
    """A file over the size cap stays over it until it changes, and then the
    folder's stamp changes anyway: the stamp is stored. It was kept unstored, and
    every fetch read the whole folder again and exited 1 (regnet41 #3)."""
    from tui_digest.fetch.download import SourceFetcher
    from tui_digest.net.options import HttpOptions

    folder = tmp_path / "fold"
    folder.mkdir()
    _digest_file(folder / "cs.LG-2024-07-15.md", ["2407.00001"])
    (folder / "big-archive.xml").write_bytes(b"<rss>" + b"x" * 3000 + b"</rss>")
    source = Source("mine", folder.as_uri() + "/")
    fetcher = SourceFetcher(HttpOptions(max_bytes=2000))
    try:
        with Store.open(tmp_path / "c.db") as store:
            [first] = await fetch_all(store, [source], fetcher=fetcher)
            assert first.new == 1 and len(first.notes) == 1
            assert "exceeds the cap of 2000 bytes" in first.notes[0]
            [second] = await fetch_all(store, [source], fetcher=fetcher)
            assert second.not_modified and second.notes == [], second
    finally:
        await fetcher.aclose()


# --- a published folder served as a static server serves it ------------------------------


class Site:
    """The publisher's folder under /site/, as `python -m http.server` serves it:
    each file with a Last-Modified (a later one each time its bytes change, an
    hour apart: no test waits for a second to pass), no ETag, and 304 to an
    If-Modified-Since not older than it. `/site/` is the landing page
    `index.html` when there is one (else the index, as a server that maps the
    folder to it). A path in `gone` answers that status instead."""

    def __init__(self, server: FeedServer, out: Path, *, landing: bool = False) -> None:
        self.server, self.out, self.landing = server, out, landing
        self.gone: dict[str, int] = {}
        self.stamps: dict[tuple[str, str], dt.datetime] = {}
        self.tick = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)

    def refresh(self) -> None:
        """Route every file the publisher wrote so far."""
        for path in self.out.rglob("*"):
            if path.is_file():
                relative = path.relative_to(self.out).as_posix()
                self.server.route(f"/site/{relative}", self._serve(relative))
        if self.landing:
            page = b"<html><body>Our lab</body></html>"
            stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # older than any index
            self.server.route("/site/", self._reply(page, stamp, "text/html"))
        else:
            self.server.route("/site/", self._serve("index.json"))

    def _serve(self, relative: str):
        def handle(request: Request) -> Reply:
            if request.path in self.gone:
                return Reply(self.gone[request.path], body=b"File not found")
            body = (self.out / relative).read_bytes()
            key = (relative, hashlib.sha256(body).hexdigest())
            if key not in self.stamps:
                self.tick += dt.timedelta(hours=1)
                self.stamps[key] = self.tick
            return self._reply(body, self.stamps[key], "application/octet-stream")(request)

        return handle

    @staticmethod
    def _reply(body: bytes, stamp: dt.datetime, content_type: str):
        def handle(request: Request) -> Reply:
            headers = {"Content-Type": content_type, "Last-Modified": format_datetime(stamp, True)}
            since = request.headers.get("if-modified-since")
            if since and parsedate_to_datetime(since) >= stamp:
                return Reply(304, headers=headers)
            return Reply(200, body=body, headers=headers)

        return handle


@pytest.fixture
def publisher(tmp_path):
    p = Publisher(tmp_path)
    yield p
    p.store.close()


def subscription(server: FeedServer, subscribe: str) -> Source:
    """The category feed `sources add` writes, or the published folder itself."""
    if subscribe == "category feed":
        return Source("lab-cs.AI", server.url("/site/cs.AI.xml"), "digest-feed")
    return Source("lab-cs.AI", server.url("/site/"), "")


async def _fetch(store: Store, source: Source) -> SourceResult:
    fake = FakeTime()  # (a 503 is retried: no real waits)
    [result] = await fetch_all(store, [source], sleep=fake.sleep, clock=fake.clock)
    return result


# --- 2. a published folder with a landing page --------------------------------------------


async def test_a_published_folder_with_a_landing_page_brings_each_new_day(publisher, tmp_path):
    """The folder URL answers with `index.html`, older than index.json: asked with
    index.json's Last-Modified it answers 304, which was taken for the index's,
    and no new day came again."""
    with FeedServer() as server:
        site = Site(server, publisher.out, landing=True)
        source = subscription(server, "folder")
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(15)
            site.refresh()
            first = await _fetch(sub, source)
            assert first.new == 4, first.error
            publisher.publish(16)  # index.json: updated
            site.refresh()
            second = await _fetch(sub, source)
            assert (second.status, second.new) == ("new", 4), second
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-16", 4)]
            third = await _fetch(sub, source)  # nothing new: index.json says so
            assert third.not_modified and third.http_status == 304
        asked = [(r.path, r.headers.get("if-modified-since")) for r in server.requests]
    # The landing page's 304 is not taken for the index's: the index is asked each time.
    assert [bool(since) for path, since in asked if path == "/site/index.json"] == [
        False,
        True,
        True,
    ]


async def test_a_feed_at_a_slash_url_is_still_asked_conditionally(tmp_path):
    """A feed whose URL ends in `/` (`https://blog.example/feed/`) keeps its own
    conditional GET: a 304 there is the feed's, no index.json is asked."""
    from feed_server import arxiv_rss, conditional

    feed = arxiv_rss("cs.AI", [("2509.00007", "T")])
    with FeedServer() as server:
        stamp = "Tue, 01 Dec 2026 10:00:00 GMT"
        server.route("/blog/feed/", conditional(feed, last_modified=stamp))
        source = Source("blog", server.url("/blog/feed/"))
        with Store.open(tmp_path / "c.db") as store:
            first = await _fetch(store, source)
            assert first.new == 1, first.error
            second = await _fetch(store, source)
            assert second.not_modified
        asked = [(r.path, r.headers.get("if-modified-since")) for r in server.requests]
    assert asked == [("/blog/feed/", None), ("/blog/feed/", stamp)]


# --- 3. a missed day, or the index, that could not be had ----------------------------------


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
@pytest.mark.parametrize("status", [500, 503])
async def test_a_missed_day_that_failed_to_download_is_fetched_at_the_next_fetch(
    publisher, tmp_path, subscribe, status
):
    with FeedServer() as server:
        site = Site(server, publisher.out)
        source = subscription(server, subscribe)
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(15)
            site.refresh()
            assert (await _fetch(sub, source)).new == 4
            for day in (16, 17):  # the subscriber's machine was off on Tuesday
                publisher.publish(day)
            site.refresh()
            tuesday = "/site/cs.AI/2025-09-16.xml"
            site.gone[tuesday] = status  # briefly unavailable
            back = await _fetch(sub, source)
            assert back.status == "failed" and back.new == 4  # Wednesday kept
            assert server.url("/site/cs.AI/2025-09-16.xml") in back.error
            assert f"HTTP {status}" in back.error or str(status) in back.error
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-17", 4)]
            site.gone.clear()
            before = len(server.requests)
            healed = await _fetch(sub, source)
            assert healed.ok and healed.new == 4 and len(healed.caught_up) == 1, healed
            assert days_of(sub) == [(f"2025-09-{d}", 4) for d in (15, 16, 17)]
            assert [r.path for r in server.requests[before:]].count(tuesday) == 1
            quiet = await _fetch(sub, source)  # all had: validators kept, 304
            assert quiet.ok and quiet.not_modified, quiet
        # After a restart a new day comes as usual, without Tuesday again.
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(18)
            site.refresh()
            before = len(server.requests)
            thursday = await _fetch(sub, source)
            assert thursday.ok and thursday.new == 4 and thursday.caught_up == []
            assert tuesday not in [r.path for r in server.requests[before:]]


@pytest.mark.parametrize("status", [500, 503])
async def test_a_missed_day_is_fetched_again_when_the_index_could_not_be_had(
    publisher, tmp_path, status
):
    """The category feed brings a new day, but the folder's index.json (the list of
    the days between) cannot be had: the source fails naming it, and the next
    fetch reads the days missed. It said nothing and exited 0."""
    with FeedServer() as server:
        site = Site(server, publisher.out)
        source = subscription(server, "category feed")
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(15)
            site.refresh()
            assert (await _fetch(sub, source)).new == 4
            for day in (16, 17):
                publisher.publish(day)
            site.refresh()
            site.gone["/site/index.json"] = status
            back = await _fetch(sub, source)
            assert back.status == "failed" and back.new == 4
            assert server.url("/site/index.json") in back.error
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-17", 4)]
            site.gone.clear()
            healed = await _fetch(sub, source)
            assert healed.ok and healed.new == 4 and len(healed.caught_up) == 1, healed
            assert days_of(sub) == [(f"2025-09-{d}", 4) for d in (15, 16, 17)]
            assert (await _fetch(sub, source)).not_modified


def test_fetch_says_the_index_it_could_not_have_and_exits_1(
    publisher, tmp_path, capsys, monkeypatch
):
    """A transient failure of index.json (a 503 to every attempt) fails the source,
    saying what the new day brought all the same (it said only `failed (…)`)."""
    import asyncio

    real_sleep = asyncio.sleep

    async def no_wait(seconds: float, *args: object) -> None:
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_wait)  # (the 503s' retries)
    with FeedServer() as server:
        site = Site(server, publisher.out)
        config = tmp_path / "config.toml"
        config.write_text(
            "[enrich]\nafter_fetch = false\n\n"
            f'[[sources]]\nname = "lab-cs.AI"\nurl = "{server.url("/site/cs.AI.xml")}"\n'
            'kind = "digest-feed"\n',
            encoding="utf-8",
        )
        argv = ["fetch", "--config", str(config), "--db", str(tmp_path / "sub.db")]
        publisher.publish(15)
        site.refresh()
        assert cli(argv) == 0
        publisher.publish(16)
        publisher.publish(17)
        site.refresh()
        site.gone["/site/index.json"] = 503
        capsys.readouterr()
        assert cli(argv) == 1
        said = capsys.readouterr()
        assert server.url("/site/index.json") in said.out + said.err
        [line] = [x for x in said.err.splitlines() if x.startswith("lab-cs.AI: failed")]
        assert line.endswith("; new 4 / updated 0 / unchanged 0"), line
        site.gone.clear()
        assert cli(argv) == 0
        assert "(with 1 missed day)" in capsys.readouterr().out


# --- 4. what is gone for good fails no source (regression hunt s41 `regnet41`) ----------


@pytest.mark.parametrize("status", [403, 404, 410])
async def test_a_published_feed_with_no_index_beside_it_brings_each_day_and_then_304(
    publisher, tmp_path, status
):
    """A publisher's `cs.AI.xml` copied alone to a web server: no index.json, so no
    day missed can be listed. Each new day failed the source (`the days missed:
    …/index.json: HTTP 404`), for good: the failure re-ran the catch-up at every
    fetch and no validators were stored (regnet41 #1)."""
    with FeedServer() as server:
        site = Site(server, publisher.out)
        source = subscription(server, "category feed")
        site.gone["/site/index.json"] = status
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(15)
            site.refresh()
            assert (await _fetch(sub, source)).new == 4
            for day in (16, 17):
                publisher.publish(day)
            site.refresh()
            back = await _fetch(sub, source)
            assert back.ok and (back.status, back.new) == ("new", 4), back
            assert back.notes == [] and back.caught_up == []
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-17", 4)]
            before = len(server.requests)
            quiet = await _fetch(sub, source)
            assert quiet.ok and quiet.not_modified, quiet
            assert [r.path for r in server.requests[before:]] == ["/site/cs.AI.xml"]


def test_fetch_of_a_feed_with_no_index_exits_0_saying_the_new_day(publisher, tmp_path, capsys):
    with FeedServer() as server:
        site = Site(server, publisher.out)
        site.gone["/site/index.json"] = 404
        config = tmp_path / "config.toml"
        config.write_text(
            "[enrich]\nafter_fetch = false\n\n"
            f'[[sources]]\nname = "lab-cs.AI"\nurl = "{server.url("/site/cs.AI.xml")}"\n',
            encoding="utf-8",
        )
        argv = ["fetch", "--config", str(config), "--db", str(tmp_path / "sub.db")]
        publisher.publish(15)
        site.refresh()
        assert cli(argv) == 0
        publisher.publish(16)
        site.refresh()
        capsys.readouterr()
        assert cli(argv) == 0
        said = capsys.readouterr()
        assert "lab-cs.AI: new 4 / updated 0 / unchanged 0" in said.out and said.err == ""
        assert cli(argv) == 0
        assert "lab-cs.AI: not modified (HTTP 304)" in capsys.readouterr().out


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
@pytest.mark.parametrize("status", [404, 410])
async def test_a_missed_day_the_publisher_no_longer_has_is_a_note_said_once(
    publisher, tmp_path, subscribe, status
):
    """index.json lists a day whose dated feed is gone: the source failed at every
    fetch, for good, asking for that day each time (regnet41 #2). Now it is a note
    (exit 1 once), the validators are kept and the next fetch is told 304."""
    with FeedServer() as server:
        site = Site(server, publisher.out)
        source = subscription(server, subscribe)
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(15)
            site.refresh()
            assert (await _fetch(sub, source)).new == 4
            for day in (16, 17):
                publisher.publish(day)
            site.refresh()
            tuesday = "/site/cs.AI/2025-09-16.xml"
            site.gone[tuesday] = status
            back = await _fetch(sub, source)
            assert back.ok and (back.status, back.new) == ("new", 4), back
            [note] = back.notes
            assert note.startswith("2025-09-16: ") and f"HTTP {status}" in note
            assert server.url(tuesday) in note
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-17", 4)]
            for _ in range(2):
                before = len(server.requests)
                quiet = await _fetch(sub, source)
                assert quiet.ok and quiet.not_modified and quiet.notes == [], quiet
                assert tuesday not in [r.path for r in server.requests[before:]]
        # After a restart a new day comes as usual, without Tuesday.
        with Store.open(tmp_path / "sub.db") as sub:
            publisher.publish(18)
            site.refresh()
            thursday = await _fetch(sub, source)
            assert thursday.ok and thursday.new == 4 and thursday.notes == [], thursday
