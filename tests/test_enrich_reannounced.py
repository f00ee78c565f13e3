"""What arXiv's API said stays applied to a paper after later imports.

A paper enriched at v1 whose API answer was already v2 is announced again as
v2 `replace` in another category's feed: the announcement's category list
replaced arXiv's, and `enrich` did not ask again (arXiv had given v2), so the
categories were lost for good (found by a bug hunt). Checked across the import
paths (whole, streamed with a repeated id), a same-day revision and a restart.
No real sleeps: the fetcher's clock is injected (FakeTime).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import FakeTime
from tui_digest.core.citation import cited_abstract
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.net.options import HttpOptions

PID = "2608.19889"
DAY0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
CUT = "x" * 1000  # a digest's abstract cut at 1,000 characters
FULL = "The whole abstract, longer than the cut one. " * 40
ARXIV = Meta(
    id=PID,
    version="v2",
    authors=["Ada Lovelace", "Alan Turing"],
    primary="cs.CL",
    categories=["cs.CL", "cs.LG"],
    published="2026-08-20T10:00:00Z",
    abstract=FULL,
)


async def _enrich(store: Store) -> int:
    time = FakeTime()
    options = HttpOptions(host_intervals={"127.0.0.1": 3.0}, backoff_base=0.5)
    with ArxivStandIn({PID: ARXIV}) as api:
        await enrich_papers(
            store,
            store.enrich_candidates(""),
            EnrichConfig(api_url=api.url, batch_size=10),
            options=options,
            sleep=time.sleep,
            clock=time.clock,
            now=lambda: DAY0,
        )
        return len(api.requests)


def _digest_v1() -> Digest:
    """The bilingual digest's entry: no authors, categories or dates; abstract cut."""
    paper = Paper(id=PID, version="v1", title_en="Axon", abstract_en=CUT)
    return Digest(name="cs.CL", date="2026-08-25", papers=[paper])


def _announced(version: str = "v2", date: str = "2026-11-30", **kw: object) -> Digest:
    """cs.AI's feed announcing the paper again (`replace`), with its own lists."""
    paper = Paper(
        id=PID,
        version=version,
        announce_type="replace",
        title_en="Axon",
        abstract_en=CUT,
        authors=["A. Lovelace"],
        categories=["cs.AI"],
        published=date,
    )
    for name, value in kw.items():
        setattr(paper, name, value)
    return Digest(name="arxiv-cs.AI", date=date, papers=[paper])


def _assert_arxiv_applied(store: Store) -> None:
    rec = store.get_paper(PID)
    assert rec is not None and rec.meta is not None
    assert rec.meta.categories == ["cs.CL", "cs.LG"]
    assert rec.paper.categories[:2] == ["cs.CL", "cs.LG"]  # arXiv's, primary first
    assert store.count("cat:cs.CL") == 1 and store.count("cat:cs.LG") == 1
    assert rec.paper.published == "2026-08-20"  # arXiv's (v1's day), not the announcement's
    assert rec.paper.authors  # never emptied
    assert cited_abstract(rec) == " ".join(FULL.split())  # the full one, not the cut one


async def test_a_reannouncement_keeps_arxivs_categories_and_date(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(_digest_v1())
        assert await _enrich(store) == 1
        _assert_arxiv_applied(store)
        assert store.get_paper(PID).paper.authors == ["Ada Lovelace", "Alan Turing"]
        store.import_digest(_announced())  # v2 replace, in cs.AI's feed
        _assert_arxiv_applied(store)
        assert store.get_paper(PID).paper.categories == ["cs.CL", "cs.LG", "cs.AI"]
        assert store.count("cat:cs.AI") == 1  # the feed's own category joins them
        # A same-day revision of that feed, still another list: arXiv's stay.
        store.import_digest(_announced(title_en="Axon (revised)", categories=["cs.RO"]))
        _assert_arxiv_applied(store)
        # Nothing needs asking: arXiv's answer (v2) is applied without it.
        assert await _enrich(store) == 0
    with Store.open(db) as store:  # a restart, then the same feed re-imported next day
        _assert_arxiv_applied(store)
        store.import_digest(_announced(date="2026-12-01", categories=["cs.AI"]))
        _assert_arxiv_applied(store)


async def test_a_streamed_document_listing_the_paper_twice_keeps_them(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.db") as store:
        store.import_digest(_digest_v1())
        await _enrich(store)
        # The first listing is v1 (merged as an older version), the repeat v2:
        # the repeat's newer list replaced the stored one (`importer._repeat`).
        first = _announced(version="v1").papers[0]
        first.announce_type = "cross"
        again = _announced(version="v3", categories=["cs.RO"]).papers[0]
        store.import_stream(Digest(name="arxiv-cs.AI", date="2026-11-30"), iter([first, again]))
        _assert_arxiv_applied(store)
        assert store.get_paper(PID).paper.categories == ["cs.CL", "cs.LG", "cs.RO"]
