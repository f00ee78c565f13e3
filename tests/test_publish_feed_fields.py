"""A subscriber's papers keep what the published feed's paragraphs have no room for.

The publisher fetches an arXiv listing whose papers are mostly cross-lists into
cs.AI, publishes, and a second cache subscribes to the folder over 127.0.0.1
(`sources add` takes the folder's `<cat>.xml`, a digest feed). The subscriber
had each paper's primary category only (the title suffix), no authors and no
date: `search 'cat:cs.AI date:2025-08-20'` found 7 papers in the publisher's
cache and 2 in the subscriber's (found by a bug hunt).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feed_server import FeedServer
from feed_server import Reply as HttpReply
from test_publish_e2e import serve_folder
from tui_digest.config.sources import Source
from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.publish.run import plan_day, write_plan
from tui_digest.publish.subscribe import discover

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FIXTURE = FEEDS / "arxiv-atom-cs.AI-2025-08-20-crosslists.xml"
DAY = "2025-08-20"
QUERY = f"cat:cs.AI date:{DAY}"


def _fields(store: Store) -> dict[str, tuple[list[str], list[str], str]]:
    records = store.get_papers(store.list_ids(""))
    return {r.paper.id: (r.paper.categories, r.paper.authors, r.paper.published) for r in records}


async def _publish_and_subscribe(feed: bytes, tmp_path: Path) -> tuple[Store, Store]:
    with FeedServer() as http:
        http.route("/atom/cs.AI", HttpReply(200, body=feed))
        publisher = Store.open(tmp_path / "publisher.db")
        await fetch_all(publisher, [Source("arxiv-cs.AI", http.url("/atom/cs.AI"), "arxiv")])
        write_plan(plan_day(publisher), tmp_path / "site", title="lab")
        folder_url = serve_folder(http, tmp_path / "site")
        async with SourceFetcher() as fetcher:
            found = await discover(folder_url, fetcher)
        assert [s.kind for s in found.sources] == ["digest-feed"]  # B reads the .xml
        subscriber = Store.open(tmp_path / "subscriber.db")
        [got] = await fetch_all(subscriber, found.sources)
        assert got.error == ""
    return publisher, subscriber


async def test_a_subscriber_keeps_cross_list_categories_authors_and_dates(tmp_path) -> None:
    publisher, subscriber = await _publish_and_subscribe(FIXTURE.read_bytes(), tmp_path)
    with publisher, subscriber:
        mine, theirs = _fields(subscriber), _fields(publisher)
        assert mine == theirs
        assert mine["2508.20002"] == (
            ["cs.CV", "cs.AI", "cs.MM"],
            ["Edsger Dijkstra", "Barbara Liskov"],
            DAY,
        )
        assert len(publisher.list_ids(QUERY)) == 4
        assert sorted(subscriber.list_ids(QUERY)) == sorted(subscriber.list_ids(""))
        assert len(subscriber.list_ids(QUERY)) == 4


async def test_the_hunts_arxiv_capture_gives_the_same_search_in_both_caches(
    samples, tmp_path
) -> None:
    feed = (samples / "arxiv-atom-cs.AI-2025-08-20.xml").read_bytes()
    publisher, subscriber = await _publish_and_subscribe(feed, tmp_path)
    with publisher, subscriber:
        assert _fields(subscriber) == _fields(publisher)
        assert len(publisher.list_ids(QUERY)) == len(subscriber.list_ids(QUERY)) == 7


def test_each_author_is_one_element_and_a_comma_in_a_name_survives() -> None:
    paper = Paper(
        id="2508.20009",
        version="v1",
        url="https://arxiv.org/abs/2508.20009",
        title_en="Names With Commas",
        abstract_en="Some abstract.",
        authors=["Smith, J.", "Doe, Jane (MIT, Cambridge)", "Zoë <Z> & Co"],
        categories=["cs.CL", "cs.AI"],
        published="2025-08-19",
    )
    xml = write_digest_feed([paper], category="cs.AI", date=DAY)
    assert xml.count("<dc:creator>") == 3 and xml.count("<category>") == 2
    assert "<pubDate>Tue, 19 Aug 2025 00:00:00 +0000</pubDate>" in xml
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert (back.authors, back.categories, back.published) == (
        paper.authors,
        paper.categories,
        paper.published,
    )


@pytest.mark.parametrize("published", ["", "2025-8-1"])
def test_a_paper_without_an_iso_date_gets_no_pubdate(published) -> None:
    paper = Paper(id="2508.20010", title_en="T", abstract_en="A", published=published)
    xml = write_digest_feed([paper], category="cs.AI", date=DAY)
    assert "<item>" in xml and "</description></item>" in xml  # nothing after it
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert (back.published, back.authors, back.categories) == ("", [], [])


def test_the_generators_feed_still_reads_its_category_from_the_title_only() -> None:
    """The generator's digest feeds carry no <category>, authors or pubDate
    (../shared/docs/upstream.md); a comma-joined creator of a foreign feed is split."""
    item = (
        "<item><title>总结</title><link>https://arxiv.org/abs/2402.01261</link>"
        "<description>&lt;p&gt;中文标题&lt;/p&gt;&lt;p&gt;An English Title. "
        "(arXiv:2402.01261v1 [cs.LG])&lt;/p&gt;&lt;p&gt;https://arxiv.org/abs/2402.01261"
        "&lt;/p&gt;&lt;p&gt;总结&lt;/p&gt;&lt;p&gt;&lt;/p&gt;&lt;p&gt;中文摘要&lt;/p&gt;"
        "&lt;p&gt;English abstract.&lt;/p&gt;</description>{extra}</item>"
    )
    head = '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
    head += "<title>Chat Arxiv cs.AI</title><link>https://github.com/qhduan/cn-chat-arxiv</link>"
    plain = head + item.format(extra="") + "</channel></rss>"
    [paper] = read_digest_feed(plain.encode()).digest.papers
    assert (paper.categories, paper.authors, paper.published) == (["cs.LG"], [], "")
    foreign = head + item.format(extra="<dc:creator>A One, B Two</dc:creator>") + "</channel></rss>"
    [paper] = read_digest_feed(foreign.encode()).digest.papers
    assert paper.authors == ["A One", "B Two"]
