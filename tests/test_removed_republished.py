"""A day the subscriber removed stays removed when the publisher re-publishes it.

The removed list was remembered with each paper's text, so the same day
published again with the rest of it translated (README's "the next morning"),
or overwritten English-only from another cache, was "another list": it came
back as a new digest, every paper unread (found by a bug hunt). Now a removed
day of a source stays removed whatever its papers' text, and whatever it lists
(a day grown by a few papers too): only an import by hand brings it back.
Both ways of subscribing are replayed over HTTP on 127.0.0.1, each fetch a
fresh run on the cache, as a cron job's would be.
"""

from __future__ import annotations

import pytest

from feed_server import FeedServer
from test_publish_catch_up import Publisher, arxiv_day, days_of, serve_site
from tui_digest.config.sources import Source
from tui_digest.core.model import Digest, Paper
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.fetch.runner import fetch_all


@pytest.fixture
def publisher(tmp_path):
    p = Publisher(tmp_path)
    yield p
    p.store.close()


@pytest.mark.parametrize("subscribe", ["category feed", "folder"])
async def test_a_removed_day_re_published_with_new_text_or_papers_stays_removed(
    publisher, tmp_path, subscribe
):
    db = tmp_path / "subscriber.db"
    with FeedServer() as server:
        path = "/site/cs.AI.xml" if subscribe == "category feed" else "/site/"
        source = Source(
            "lab-cs.AI", server.url(path), "digest-feed" if path.endswith("xml") else ""
        )
        publisher.publish(15)
        serve_site(server, publisher.out)
        with Store.open(db) as sub:
            [first] = await fetch_all(sub, [source])
            assert first.new == 4
            sub.remove_digests(sub.digest_pks([d.name for d in sub.digests()]))  # digests rm
        # The next morning: the same day, translated.
        publisher.publish(15, zh={"title_zh": "图神经网络规划", "summary_zh": "规划。"})
        serve_site(server, publisher.out)
        with Store.open(db) as sub:
            [again] = await fetch_all(sub, [source])
            assert (again.new, again.updated) == (0, 0)
            assert days_of(sub) == []
        # Re-published with papers the removed day did not list: still removed.
        publisher.publish(15, ids_of=14)
        serve_site(server, publisher.out)
        with Store.open(db) as sub:
            [grown] = await fetch_all(sub, [source])
            assert grown.new == 0
            assert days_of(sub) == []
        # The next day arrives as usual; the removed one is not caught up.
        publisher.publish(16)
        serve_site(server, publisher.out)
        with Store.open(db) as sub:
            [tuesday] = await fetch_all(sub, [source])
            assert tuesday.new == 4
            assert days_of(sub) == [("2025-09-16", 4)]
            # An import by hand brings the day back, and a later revision of it revises it.
            day = read_document(arxiv_day(15), source=str(sub.digests()[0].source))
            sub.import_digest(day.digest, revive_removed=True)
            assert days_of(sub) == [("2025-09-15", 4), ("2025-09-16", 4)]


def test_an_undated_removed_list_served_again_with_other_text_stays_removed(tmp_path):
    """A document that does not state its day (a digest file fetched by URL) is
    remembered by its papers too, not their text."""

    def listing(word: str) -> Digest:
        papers = [Paper(id=f"2509.0000{i}", title_en=f"{word} {i}") for i in range(1, 4)]
        return Digest("list", source="https://lab.example/list.md", papers=papers)

    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(listing("Planning"), today="2025-09-15")
        store.remove_digests(store.digest_pks([store.digests()[0].name]))
    with Store.open(tmp_path / "c.db") as store:
        stats = store.import_digest(listing("Planning, revised"), today="2025-09-17")
        assert store.digests() == [] and stats.new == 0


def test_a_streamed_import_of_a_removed_day_stays_removed(tmp_path):
    """The same through `import_stream` (a large document, read as it is written)."""
    data = arxiv_day(15)
    with Store.open(tmp_path / "c.db") as store:
        read = read_document(data, source="https://lab.example/cs.AI.xml")
        store.import_stream(read.digest, read.digest.papers)
        store.remove_digests(store.digest_pks([store.digests()[0].name]))
    grown = data.replace(b"2509.1500", b"2509.1400")  # other papers, the same day
    with Store.open(tmp_path / "c.db") as store:
        for body in (data.replace(b"<title>", b"<title>Translated: "), grown):
            read = read_document(body, source="https://lab.example/cs.AI.xml")
            stats = store.import_stream(read.digest, read.digest.papers)
            assert (stats.new, store.digests()) == (0, [])
        read = read_document(grown, source="https://lab.example/cs.AI.xml")
        store.import_stream(read.digest, read.digest.papers, revive_removed=True)  # by hand
        assert [(d.date, d.count) for d in store.digests()] == [("2025-09-15", 4)]
