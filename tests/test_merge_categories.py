"""A paper listed in a second category's feed gains that category.

Found by a bug hunt: importing cs.AI's feed, then cs.LG's listing the same
papers (the same version) left them with `['cs.AI']`, so `cat:cs.LG` found
nothing; categories were taken from another source only with a newer version.
Now the same or an older version adds the categories it brings (after the ones
known); a newer version's list still replaces the stored one, and arXiv's own
list (enrichment, primary first) still comes first. The search index keeps
matching its papers (rows deleted with the values they were inserted with).
"""

from __future__ import annotations

from pathlib import Path

from arxiv_api_fixtures import Meta
from test_enrich_search import PID, _enrich, _index_is_its_papers
from tui_digest.core.model import Paper
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store, merge_paper

IDS = ("2501.00401", "2501.00402")


def _rss(category: str, version: str = "v1") -> bytes:
    items = "".join(
        f"<item><title>Paper {i}</title><link>https://arxiv.org/abs/{i}</link>"
        f"<description>arXiv:{i}{version} Announce Type: new \nAbstract: Text {i}.</description>"
        f'<guid isPermaLink="false">oai:arXiv.org:{i}{version}</guid>'
        f"<category>{category}</category><arxiv:announce_type>new</arxiv:announce_type>"
        "<dc:creator>Ann Lee</dc:creator></item>"
        for i in IDS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        f"<title>{category} updates on arXiv.org</title>"
        f"<link>http://rss.arxiv.org/rss/{category}</link>"
        f"<pubDate>Thu, 02 Jan 2025 00:00:00 -0500</pubDate>{items}</channel></rss>"
    ).encode()


def _atom(category: str, version: str = "v1") -> bytes:
    entries = "".join(
        f"<entry><id>oai:arXiv.org:{i}{version}</id><title>Paper {i}</title>"
        f'<link href="https://arxiv.org/abs/{i}" rel="alternate"/>'
        f"<summary>arXiv:{i}{version} Announce Type: cross\nAbstract: Text {i}.</summary>"
        f'<category term="{category}"/><arxiv:announce_type>cross</arxiv:announce_type>'
        "<dc:creator>Ann Lee</dc:creator></entry>"
        for i in IDS
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns=\"http://www.w3.org/2005/Atom\""
        ' xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<id>http://rss.arxiv.org/atom/{category}</id>"
        f"<title>{category} updates on arXiv.org</title>"
        f"<updated>2025-01-02T05:00:00+00:00</updated>{entries}</feed>"
    ).encode()


def _import(store: Store, data: bytes, source: str) -> None:
    store.import_digest(read_document(data, source=source).digest)


def test_merge_adds_the_categories_of_the_same_or_an_older_version() -> None:
    old = Paper(id="1", version="v2", categories=["cs.AI"])
    assert merge_paper(old, Paper(id="1", version="v2", categories=["cs.LG"])).categories == [
        "cs.AI",
        "cs.LG",
    ]
    older = merge_paper(old, Paper(id="1", version="v1", categories=["cs.LG", "cs.AI"]))
    assert older.categories == ["cs.AI", "cs.LG"]
    # A newer version's list replaces the stored one (arXiv may have recategorised it).
    assert merge_paper(old, Paper(id="1", version="v3", categories=["cs.RO"])).categories == [
        "cs.RO"
    ]
    assert merge_paper(old, Paper(id="1", version="v2")).categories == ["cs.AI"]


def test_a_second_feeds_category_is_added_and_found(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        _import(store, _rss("cs.AI"), "rss-cs.AI.xml")
        assert store.count("cat:cs.LG") == 0
        _import(store, _atom("cs.LG"), "atom-cs.LG.xml")
        for pid in IDS:
            assert store.get_paper(pid).paper.categories == ["cs.AI", "cs.LG"]
        assert sorted(r.id for r in store.search("cat:cs.LG")) == list(IDS)
        assert store.count("cat:cs.AI") == 2
        _index_is_its_papers(store)
        _import(store, _atom("cs.LG"), "atom-cs.LG.xml")  # the same again: nothing changes
        _index_is_its_papers(store)
    with Store.open(db) as store:  # a restart
        assert sorted(r.id for r in store.search("cat:cs.LG")) == list(IDS)
        _index_is_its_papers(store)


async def test_arxivs_categories_stay_first(tmp_path: Path) -> None:
    """Enrichment's list (arXiv's, primary first) keeps precedence; the feed's
    categories it does not name follow it."""
    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(
            read_document(_rss("cs.AI").replace(IDS[0].encode(), PID.encode())).digest
        )
        await _enrich(store, Meta(id=PID, categories=["cs.CL", "cs.AI"], primary="cs.CL"))
        assert store.get_paper(PID).paper.categories == ["cs.CL", "cs.AI"]
        _import(store, _atom("cs.LG").replace(IDS[0].encode(), PID.encode()), "lg.xml")
        assert store.get_paper(PID).paper.categories == ["cs.CL", "cs.AI", "cs.LG"]
        assert PID in {r.id for r in store.search("cat:cs.LG")}
        _index_is_its_papers(store)
