"""A published folder's feed that came cut off, or is not the one its index vouches for.

A static server can end a body early with a Content-Length that agrees (the
file was being rewritten, a proxy cut it), so the XML never closes; the
index.json gives each day's SHA-256, so a copy that differs is caught too. A
subscriber fails the category naming the feed's URL, never lets such a copy
shrink a day it holds, keeps no validators of the index, and the next fetch
downloads it again (found by a bug hunt: 47 papers became 22, exit 0, and the
index's ETag stored so that every later fetch was told 304).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from feed_server import FeedServer, Reply, Request
from test_publish_catch_up import Publisher, days_of
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.runner import fetch_all


@pytest.fixture
def publisher(tmp_path):
    p = Publisher(tmp_path)
    yield p
    p.store.close()


class Site:
    """The publisher's folder over HTTP, the index with an ETag (its hash) answered
    304 when it matches; `cut` paths served as their first half, `stale` ones as
    the bytes they had when marked."""

    def __init__(self, server: FeedServer, out: Path) -> None:
        self.server, self.out = server, out
        self.cut: set[str] = set()
        self.head: set[str] = set()  # served as their first 200 bytes: no entry whole
        self.stale: dict[str, bytes] = {}
        server.route("/site/", self._serve("index.json"))

    def publish(self) -> None:
        for path in self.out.rglob("*"):
            if path.is_file():
                relative = path.relative_to(self.out).as_posix()
                self.server.route(f"/site/{relative}", self._serve(relative))

    def _serve(self, relative: str):
        def handle(request: Request) -> Reply:
            body = self.stale.get(relative) or (self.out / relative).read_bytes()
            if relative in self.cut:
                body = body[: len(body) // 2]
            if relative in self.head:
                body = body[:200]
            if relative != "index.json":
                return Reply(200, body=body)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("if-none-match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, body=body, headers={"ETag": etag})

        return handle


def etag_of(sub: Store, source: Source) -> object:
    return (sub.fetch_state(source.name, source.url) or {}).get("etag")


async def test_a_cut_feed_leaves_the_day_held_and_is_downloaded_again(publisher, tmp_path):
    title_zh = "部分可观测下的图神经网络规划"
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        site.publish()
        [first] = await fetch_all(sub, [source])
        assert (first.status, first.new) == ("new", 4)
        held = etag_of(sub, source)
        # Re-published with a title translated; the feed comes cut at half its length.
        publisher.publish(15, zh={"title_zh": title_zh})
        site.cut.add("cs.AI.xml")
        [cut] = await fetch_all(sub, [source])
        assert cut.status == "failed"
        assert server.url("/site/cs.AI.xml") in cut.error and "truncated" in cut.error
        assert "kept the day held before (2025-09-15)" in cut.error
        assert days_of(sub) == [("2025-09-15", 4)]  # not the cut copy's 2
        assert etag_of(sub, source) == held  # the index's new ETag is not kept
        # Served whole again: the next fetch reads the index and the feed again.
        site.cut.clear()
        [healed] = await fetch_all(sub, [source])
        assert (healed.status, healed.updated) == ("updated", 1)
        assert days_of(sub) == [("2025-09-15", 4)]
        assert [r.title_zh for r in sub.search(title_zh, limit=5)] == [title_zh]
        assert etag_of(sub, source) != held


async def test_a_first_fetch_of_a_cut_feed_keeps_its_complete_entries(publisher, tmp_path):
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        site.publish()
        site.cut.add("cs.AI.xml")
        [cut] = await fetch_all(sub, [source])
        assert cut.status == "failed" and "kept what it lists in full" in cut.error
        [(day, kept)] = days_of(sub)
        assert day == "2025-09-15" and 0 < kept < 4
        assert etag_of(sub, source) is None
        site.cut.clear()
        [whole] = await fetch_all(sub, [source])
        assert whole.ok and days_of(sub) == [("2025-09-15", 4)]


async def test_a_feed_the_index_does_not_vouch_for_is_not_imported(publisher, tmp_path):
    """A whole feed whose SHA-256 is not the index's (a stale copy a cache served)."""
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        site.publish()
        await fetch_all(sub, [source])
        held = etag_of(sub, source)
        site.stale["cs.AI.xml"] = (publisher.out / "cs.AI.xml").read_bytes()
        publisher.publish(15, zh={"title_zh": "标题"})  # the index changes, the feed served not
        site.publish()
        [stale] = await fetch_all(sub, [source])
        assert stale.status == "failed" and "SHA-256" in stale.error
        assert server.url("/site/cs.AI.xml") in stale.error
        assert etag_of(sub, source) == held
        site.stale.clear()
        [whole] = await fetch_all(sub, [source])
        assert (whole.status, whole.updated) == ("updated", 1)


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_a_cut_missed_day_fails_the_source_and_is_read_again(publisher, tmp_path, subscribe):
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        path = "/site/cs.AI.xml" if subscribe == "category feed" else "/site/"
        source = Source("lab", server.url(path), "digest-feed" if path.endswith("xml") else "")
        publisher.publish(15)
        site.publish()
        await fetch_all(sub, [source])
        publisher.publish(16)
        publisher.publish(17)
        site.publish()
        site.cut.add("cs.AI/2025-09-16.xml")
        [back] = await fetch_all(sub, [source])
        assert back.status == "failed"
        assert server.url("/site/cs.AI/2025-09-16.xml") in back.error
        [(_, a), (monday, cut), (_, b)] = days_of(sub)
        assert (monday, a, b) == ("2025-09-16", 4, 4) and 0 < cut < 4
        site.cut.clear()
        [healed] = await fetch_all(sub, [source])
        assert healed.ok, healed.error
        assert days_of(sub) == [(f"2025-09-{d}", 4) for d in (15, 16, 17)]
        [again] = await fetch_all(sub, [source])
        assert (again.status, again.new, again.updated) == ("unchanged", 0, 0)


async def test_a_missed_day_cut_before_its_first_entry_is_not_held_as_empty(publisher, tmp_path):
    """Held as an empty day (a weekend's), no catch-up would ever ask for it again."""
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        site.publish()
        await fetch_all(sub, [source])
        publisher.publish(16)
        publisher.publish(17)
        site.publish()
        site.head.add("cs.AI/2025-09-16.xml")
        [back] = await fetch_all(sub, [source])
        assert back.status == "failed" and "2025-09-16.xml" in back.error
        assert "2025-09-16" not in sub.source_days(server.url("/site/cs.AI.xml"))


async def test_a_feed_newer_than_its_index_is_taken(publisher, tmp_path):
    """`publish` writes the index last, and an upload or a cache in front of the
    site can serve the new day's feed beside the old index: that feed is not the
    index's day, so its hash is not the index's either. It failed as a stale copy
    (regression hunt `regfetch` R1); the release before took it, as a single
    category's subscription does."""
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        index_of_15 = (publisher.out / "index.json").read_bytes()
        publisher.publish(16)  # the new day's feed, beside the index of the day before
        site.publish()
        site.stale["index.json"] = index_of_15
        [newer] = await fetch_all(sub, [source])
        assert newer.ok, newer.error
        assert ("2025-09-16", 4) in days_of(sub)


async def test_a_stale_copy_of_an_older_day_than_the_index_fails(publisher, tmp_path):
    """The other way round: a cache in front of the site serves the day before's
    feed beside the new index. Taken, it kept the index's validators, and the
    index's newest day was never read (every later fetch was told 304)."""
    with FeedServer() as server, Store.open(tmp_path / "subscriber.db") as sub:
        site = Site(server, publisher.out)
        source = Source("lab", server.url("/site/"), "")
        publisher.publish(15)
        site.publish()
        await fetch_all(sub, [source])
        site.stale["cs.AI.xml"] = (publisher.out / "cs.AI.xml").read_bytes()
        publisher.publish(16)
        site.publish()
        [stale] = await fetch_all(sub, [source])
        assert stale.status == "failed" and "not the index's newest day (2025-09-16)" in stale.error
        site.stale.clear()
        [whole] = await fetch_all(sub, [source])
        assert whole.ok, whole.error
        assert days_of(sub) == [("2025-09-15", 4), ("2025-09-16", 4)]
