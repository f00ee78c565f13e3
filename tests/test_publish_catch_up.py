"""A subscriber of a published folder fetches the days it missed (`fetch.catch_up`).

A publisher publishes a day at a time; the subscriber fetches on some days
only (its machine was off over a weekend). Both ways of subscribing are
replayed: the category feed that `sources add` writes, and the folder itself
(followed through its index.json). Each run is a fresh `fetch_all` on the
cache, as a cron job's `fetch` would be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feed_server import FeedServer, Reply, Request
from tui_digest.config.sources import Source
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.fetch import catch_up
from tui_digest.fetch.results import new_digests
from tui_digest.fetch.runner import fetch_all
from tui_digest.publish.run import plan_day, write_plan
from tui_digest.translate.rules import apply_translation

ARXIV = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()


def arxiv_day(day: int, ids_of: int | None = None) -> bytes:
    """The fixture as arXiv's cs.AI listing of September `day`, with ids of its own
    (or those of day `ids_of`)."""
    data = ARXIV.replace(b"Thu, 18 Sep 2025", f"Thu, {day} Sep 2025".encode())
    return data.replace(b"2509.1000", f"2509.{ids_of or day}00".encode())


class Publisher:
    """A lab's cache that publishes one day at a time into `out`."""

    def __init__(self, tmp_path: Path) -> None:
        self.store = Store.open(tmp_path / "publisher.db")
        self.out = tmp_path / "site"

    def publish(
        self, day: int, *, zh: dict[str, str] | None = None, ids_of: int | None = None
    ) -> None:
        """Publish September `day` (again, with Chinese fields `zh` of its first paper
        translated; with the papers of day `ids_of`)."""
        date = f"2025-09-{day}"
        data = arxiv_day(day, ids_of)
        read = read_document(data, source="https://rss.arxiv.org/rss/cs.AI")
        self.store.import_digest(read.digest, today=date)
        if zh:
            [digest] = [d.name for d in self.store.digests() if d.date == date]
            first = self.store.search("", digest=digest, limit=1)[0]
            apply_translation(self.store, first.rowid, zh, model="m")
        write_plan(plan_day(self.store, date=date), self.out, title="lab")


@pytest.fixture
def publisher(tmp_path):
    p = Publisher(tmp_path)
    yield p
    p.store.close()


def subscription(publisher: Publisher, subscribe: str) -> Source:
    """The source a subscriber adds: the category feed `sources add` writes, or the folder."""
    if subscribe == "category feed":
        return Source("lab-cs.AI", str(publisher.out / "cs.AI.xml"), "digest-feed")
    return Source("lab-cs.AI", str(publisher.out), "")


def days_of(store: Store) -> list[tuple[str, int]]:
    return sorted((d.date, d.count) for d in store.digests())


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_the_days_missed_are_fetched_then_nothing_more(publisher, tmp_path, subscribe):
    out = publisher.out
    source = subscription(publisher, subscribe)
    with Store.open(tmp_path / "subscriber.db") as sub:
        publisher.publish(15)  # Monday
        [first] = await fetch_all(sub, [source])
        assert (first.status, first.new) == ("new", 4)
        for day in (16, 17, 18):  # Tuesday to Thursday: the subscriber's machine is off
            publisher.publish(day)
        [back] = await fetch_all(sub, [source])
        assert (back.status, back.new, back.notes) == ("new", 12, [])  # 16, 17 and 18
        assert days_of(sub) == [(f"2025-09-{d}", 4) for d in (15, 16, 17, 18)]
        assert {d.source for d in sub.digests()} == {str(out / "cs.AI.xml")}  # one source
        # After-fetch enrichment and translation read every day it brought.
        assert sorted(new_digests([back])) == sorted(d.name for d in sub.digests())[1:]
        # The day after: only that day; the next run brings nothing.
        publisher.publish(19)
        [next_day] = await fetch_all(sub, [source])
        assert next_day.new == 4 and len(sub.digests()) == 5
        [again] = await fetch_all(sub, [source])
        assert (again.status, again.new) == ("unchanged", 0)
    # After a restart the cache still holds every day, each with its own papers.
    with Store.open(tmp_path / "subscriber.db") as sub:
        assert [d.date for d in sub.digests()] == [f"2025-09-{d}" for d in (19, 18, 17, 16, 15)]
        assert len(sub.search("", digest=sub.digests()[2].name, limit=10)) == 4


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_a_missed_day_of_papers_known_already_is_counted(publisher, tmp_path, subscribe):
    """Tuesday listed again the papers of Monday (say as replacements): no new
    paper, yet Tuesday is a day the cache gained, and says so."""
    source = subscription(publisher, subscribe)
    with Store.open(tmp_path / "subscriber.db") as sub:
        publisher.publish(15)
        await fetch_all(sub, [source])
        publisher.publish(16, ids_of=15)
        publisher.publish(17)
        [back] = await fetch_all(sub, [source])
        assert back.new == 4 and len(back.caught_up) == 1
        assert "(with 1 missed day)" in back.summary()
        assert days_of(sub) == [(f"2025-09-{d}", 4) for d in (15, 16, 17)]


async def test_a_first_subscription_and_pruned_days_fetch_no_past(publisher, tmp_path):
    for day in (15, 16, 17):
        publisher.publish(day)
    source = Source("lab-cs.AI", str(publisher.out / "cs.AI.xml"), "digest-feed")
    with Store.open(tmp_path / "subscriber.db") as sub:
        [first] = await fetch_all(sub, [source])
        assert first.new == 4 and days_of(sub) == [("2025-09-17", 4)]  # the newest day only
        publisher.publish(18)
        await fetch_all(sub, [source])
        assert [d for d, _ in days_of(sub)] == ["2025-09-17", "2025-09-18"]  # not 15, 16


async def test_at_most_max_days_and_a_bad_day_costs_only_itself(publisher, tmp_path, monkeypatch):
    monkeypatch.setattr(catch_up, "MAX_DAYS", 2)
    publisher.publish(10)
    source = Source("lab-cs.AI", str(publisher.out / "cs.AI.xml"), "digest-feed")
    with Store.open(tmp_path / "subscriber.db") as sub:
        await fetch_all(sub, [source])
        for day in (11, 12, 13, 14, 15):
            publisher.publish(day)
        (publisher.out / "cs.AI" / "2025-09-14.xml").write_bytes(b"<html>gone</html>")
        [back] = await fetch_all(sub, [source])
        # The two newest missed days were 13 and 14; 14 is unreadable, a note.
        assert [d for d, _ in days_of(sub)] == ["2025-09-10", "2025-09-13", "2025-09-15"]
        assert (
            back.status == "new" and len(back.notes) == 1 and back.notes[0].startswith("2025-09-14")
        )


async def test_over_http_with_the_index_beside_the_feed(publisher, tmp_path):
    with FeedServer() as server:

        def serve(relative: str):
            def handle(request: Request) -> Reply:
                return Reply(200, body=(publisher.out / relative).read_bytes())

            return handle

        def route_all() -> None:
            for path in publisher.out.rglob("*"):
                if path.is_file():
                    relative = path.relative_to(publisher.out).as_posix()
                    server.route(f"/site/{relative}", serve(relative))

        publisher.publish(15)
        route_all()
        source = Source("lab-cs.AI", server.url("/site/cs.AI.xml"), "digest-feed")
        with Store.open(tmp_path / "subscriber.db") as sub:
            await fetch_all(sub, [source])
            publisher.publish(16)
            publisher.publish(17)
            route_all()
            [back] = await fetch_all(sub, [source])
            assert back.new == 8 and [d for d, _ in days_of(sub)] == [
                "2025-09-15",
                "2025-09-16",
                "2025-09-17",
            ]
            [same] = await fetch_all(sub, [source])  # the same newest day: no index asked
            assert same.new == 0
        asked = [r.path for r in server.requests]
        assert asked.count("/site/index.json") == 1  # asked once the feed said it was published
        assert "/site/cs.AI/2025-09-16.xml" in asked and "/site/cs.AI/2025-09-17.xml" not in asked


def test_the_index_days_are_untrusted_input() -> None:
    import json

    from tui_digest.core.publish_index import FORMAT, VERSION, parse_index

    dates = {
        "2025-09-16": {"xml": "cs.AI/2025-09-16.xml"},
        "2025-09-17": {"xml": "../../etc/passwd"},  # leaves the folder
        "2025-09-18": {"xml": "https://elsewhere.example/x.xml"},  # another host
        "yesterday": {"xml": "cs.AI/y.xml"},  # not a date
        "2025-09-19": "cs.AI/2025-09-19.xml",  # not an entry
        "2025-09-20": {"xml": "cs.AI/2025-09-20.xml", "sha256": "not a hash"},
        "2025-09-21": {"xml": "cs.AI/2025-09-21.xml", "sha256": "ab" * 32},
    }
    raw = {"format": FORMAT, "version": VERSION, "title": "lab", "categories": {
        "cs.AI": {"xml": "cs.AI.xml", "dates": dates}}}  # fmt: skip
    index = parse_index(json.dumps(raw).encode(), "https://lab.example/site/index.json")
    [feed] = index.feeds
    assert feed.url == "https://lab.example/site/cs.AI.xml"
    assert feed.days == {
        d: f"https://lab.example/site/cs.AI/{d}.xml"
        for d in ("2025-09-16", "2025-09-20", "2025-09-21")
    }
    assert feed.sha256 == {"2025-09-21": "ab" * 32}  # a hash must be one to be compared
    assert catch_up.missing(feed.days, {"2025-09-15"}, "2025-09-20") == [
        ("2025-09-16", "https://lab.example/site/cs.AI/2025-09-16.xml")
    ]


def serve_site(server: FeedServer, out: Path) -> None:
    """Route every file the publisher wrote under /site/ (the folder itself: its index)."""

    def serve(relative: str):
        def handle(request: Request) -> Reply:
            return Reply(200, body=(out / relative).read_bytes())

        return handle

    for path in out.rglob("*"):
        if path.is_file():
            relative = path.relative_to(out).as_posix()
            server.route(f"/site/{relative}", serve(relative))
    server.route("/site/", serve("index.json"))


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_a_day_re_published_after_it_was_fetched_is_fetched_again(
    publisher, tmp_path, subscribe
):
    """Monday is published, fetched, then re-published with a title translated (the
    translation budget ran out on Monday) before Tuesday: Tuesday's fetch brings both."""
    title_zh = "部分可观测下的图神经网络规划"
    with FeedServer() as server:
        path = "/site/cs.AI.xml" if subscribe == "category feed" else "/site/"
        source = Source(
            "lab-cs.AI", server.url(path), "digest-feed" if path.endswith("xml") else ""
        )
        with Store.open(tmp_path / "subscriber.db") as sub:
            publisher.publish(15)
            serve_site(server, publisher.out)
            [first] = await fetch_all(sub, [source])
            assert first.new == 4
            publisher.publish(15, zh={"title_zh": title_zh})  # Monday again, then Tuesday
            publisher.publish(16)
            serve_site(server, publisher.out)
            [tuesday] = await fetch_all(sub, [source])
            assert (tuesday.new, tuesday.updated, tuesday.notes) == (4, 1, [])
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-16", 4)]
            monday = sub.digests()[1].name
            assert [r.title_zh for r in sub.search(title_zh, digest=monday)] == [title_zh]
            # What Monday's digest exports is the re-published feed, byte for byte.
            assert (
                sub.original_bytes(monday) == (publisher.out / "cs.AI/2025-09-15.xml").read_bytes()
            )
            [again] = await fetch_all(sub, [source])
            assert (again.new, again.updated) == (0, 0)
            # Monday re-published once more, with no new day: the folder's index is
            # read at every fetch; a category feed's only when the feed brings a day.
            summary_zh = "在部分可观测环境中用图神经网络做规划"
            publisher.publish(15, zh={"summary_zh": summary_zh})
            serve_site(server, publisher.out)
            [same_week] = await fetch_all(sub, [source])
            assert same_week.updated == (1 if subscribe == "folder" else 0)
        # After a restart: Wednesday, and Monday's change if it was not fetched yet.
        with Store.open(tmp_path / "subscriber.db") as sub:
            publisher.publish(17)
            serve_site(server, publisher.out)
            [wednesday] = await fetch_all(sub, [source])
            assert (wednesday.new, wednesday.updated) == (4, 0 if subscribe == "folder" else 1)
            assert len(sub.search(summary_zh, limit=5)) == 1
            [thursday] = await fetch_all(sub, [source])
            assert (thursday.new, thursday.updated) == (0, 0)
        asked = [r.path for r in server.requests]
    assert asked.count("/site/cs.AI/2025-09-15.xml") == 2  # once each time it was re-published
    assert "/site/cs.AI/2025-09-16.xml" not in asked  # Tuesday came as the newest feed


async def test_days_the_index_cannot_vouch_for_are_not_fetched_again(publisher, tmp_path):
    """A day whose index entry has no SHA-256, or whose kept bytes differ only because
    the cache holds none, is not fetched again; one that differs is."""
    from tui_digest.core.publish_index import Feed

    feed = Feed("cs.AI", "https://lab.example/cs.AI.xml")
    feed.days = {d: f"https://lab.example/cs.AI/{d}.xml" for d in ("2025-09-15", "2025-09-16")}
    feed.sha256 = {"2025-09-15": "a" * 64}
    kept = {"2025-09-15": "b" * 64, "2025-09-16": "c" * 64}
    assert catch_up.republished(feed, kept, "2025-09-17") == [
        ("2025-09-15", "https://lab.example/cs.AI/2025-09-15.xml")
    ]
    assert catch_up.republished(feed, {"2025-09-15": "a" * 64}, "2025-09-17") == []
    assert catch_up.republished(feed, kept, "2025-09-15") == []  # not the newest day itself
    with Store.open(tmp_path / "c.db") as store:
        read = read_document(arxiv_day(15), source="s")
        store.import_digest(read.digest)  # no bytes kept
        assert store.kept_sha256("s", ["2025-09-15"]) == {}
        store.import_digest(read_document(arxiv_day(16), source="s").digest, raw=arxiv_day(16))
        import hashlib

        assert store.kept_sha256("s", ["2025-09-15", "2025-09-16", "2025-09-17"]) == {
            "2025-09-16": hashlib.sha256(arxiv_day(16)).hexdigest()
        }


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_a_day_the_user_removed_is_not_brought_back(publisher, tmp_path, subscribe):
    source = subscription(publisher, subscribe)
    with Store.open(tmp_path / "subscriber.db") as sub:
        for day in (15, 16):
            publisher.publish(day)
            await fetch_all(sub, [source])
        [tuesday] = [d.name for d in sub.digests() if d.date == "2025-09-16"]
        sub.remove_digests(sub.digest_pks([tuesday]))  # `tui-digest digests rm`
    with Store.open(tmp_path / "subscriber.db") as sub:  # another day, another process
        publisher.publish(17)
        [wednesday] = await fetch_all(sub, [source])
        assert wednesday.new == 4 and wednesday.caught_up == []
        assert [d for d, _ in days_of(sub)] == ["2025-09-15", "2025-09-17"]
