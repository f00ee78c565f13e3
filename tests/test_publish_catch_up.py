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

ARXIV = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()


def arxiv_day(day: int) -> bytes:
    """The fixture as arXiv's cs.AI listing of September `day`, with ids of its own."""
    data = ARXIV.replace(b"Thu, 18 Sep 2025", f"Thu, {day} Sep 2025".encode())
    return data.replace(b"2509.1000", f"2509.{day}00".encode())


class Publisher:
    """A lab's cache that publishes one day at a time into `out`."""

    def __init__(self, tmp_path: Path) -> None:
        self.store = Store.open(tmp_path / "publisher.db")
        self.out = tmp_path / "site"

    def publish(self, day: int) -> None:
        read = read_document(arxiv_day(day), source="https://rss.arxiv.org/rss/cs.AI")
        self.store.import_digest(read.digest)
        write_plan(plan_day(self.store), self.out, title="lab")


@pytest.fixture
def publisher(tmp_path):
    p = Publisher(tmp_path)
    yield p
    p.store.close()


def days_of(store: Store) -> list[tuple[str, int]]:
    return sorted((d.date, d.count) for d in store.digests())


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_the_days_missed_are_fetched_then_nothing_more(publisher, tmp_path, subscribe):
    out = publisher.out
    url = str(out / "cs.AI.xml") if subscribe == "category feed" else str(out)
    source = Source("lab-cs.AI", url, "digest-feed" if subscribe == "category feed" else "")
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
    }
    raw = {"format": FORMAT, "version": VERSION, "title": "lab", "categories": {
        "cs.AI": {"xml": "cs.AI.xml", "dates": dates}}}  # fmt: skip
    index = parse_index(json.dumps(raw).encode(), "https://lab.example/site/index.json")
    [feed] = index.feeds
    assert feed.url == "https://lab.example/site/cs.AI.xml"
    assert feed.days == {"2025-09-16": "https://lab.example/site/cs.AI/2025-09-16.xml"}
    assert catch_up.missing(feed.days, {"2025-09-15"}, "2025-09-20") == [
        ("2025-09-16", "https://lab.example/site/cs.AI/2025-09-16.xml")
    ]
