"""A newer version announced before arXiv's API has caught up with it.

Days replayed, the cache reopened each day (a restart), the API a stand-in on
127.0.0.1 and every clock injected: day 1 a digest lists v1 and `enrich` asks
arXiv (v1); day 2 a digest announces v2 while the API still answers v1 (or has
no entry); day 3 the API answers v2. Before the fix the row was recorded as
answered at v2 on day 2, so arXiv was never asked again, v1's abstract stood in
front of v2's whole one, and a newer answer's authors and categories never
reached the paper (found by a bug hunt).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import FakeTime
from tui_digest.core.citation import cited_abstract
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import EnrichReport, enrich_papers
from tui_digest.net.options import HttpOptions

PID = "2501.00030"
DAY1 = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
CUT_V1 = "digestone " * 100  # cut at 1,000 characters
WHOLE_V2 = "Version two says it all in a few words: wholetwo."  # not cut
V1 = Meta(
    id=PID,
    version="v1",
    abstract="Oldtext is the first version's abstract. " * 40,
    authors=["Ann Alpha"],
    primary="q-bio.NC",
    categories=["q-bio.NC", "cs.LG"],
    published="2026-12-01T10:00:00Z",
)
V2 = Meta(
    id=PID,
    version="v2",
    abstract="Newtext is the second version's abstract. " * 40,
    authors=["Ann Alpha", "Bea Beta"],
    primary="cs.CL",
    categories=["cs.CL", "cs.LG"],
    published="2026-12-01T10:00:00Z",
)


def _day(n: int) -> dt.datetime:
    return DAY1 + dt.timedelta(days=n - 1)


def _digest(version: str, abstract: str, day: int, **kw: object) -> Digest:
    paper = Paper(id=PID, version=version, title_en="Axon", abstract_en=abstract, **kw)  # type: ignore[arg-type]
    return Digest(name=f"mylab-{day}", date=_day(day).date().isoformat(), papers=[paper])


async def _enrich(db: Path, api: ArxivStandIn, day: int) -> EnrichReport:
    time = FakeTime()
    with Store.open(db) as store:
        return await enrich_papers(
            store,
            store.enrich_candidates(""),
            EnrichConfig(api_url=api.url, batch_size=10),
            options=HttpOptions(host_intervals={"127.0.0.1": 3.0}, backoff_base=0.5),
            sleep=time.sleep,
            clock=time.clock,
            now=lambda: _day(day),
        )


def _import(db: Path, digest: Digest) -> None:
    with Store.open(db) as store:
        store.import_digest(digest)


def _shown(db: Path) -> tuple[str, int, int]:
    """The abstract shown (and cited), and how many papers `oldtext`/`newtext` find."""
    with Store.open(db) as store:
        rec = store.get_paper(PID)
        assert rec is not None
        return cited_abstract(rec), store.count("oldtext"), store.count("newtext")


async def test_an_answer_of_the_older_version_is_asked_again_next_day(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        assert (await _enrich(db, api, 1)).found == 1
        assert _shown(db)[1:] == (1, 0)  # v1's whole abstract beside the cut one
        _import(db, _digest("v2", WHOLE_V2, 2))  # v2 announced, its abstract whole
        report = await _enrich(db, api, 2)
        assert report.asked == 1  # asked about v2: the API still answers v1
        shown, old, new = _shown(db)
        assert shown == WHOLE_V2 and old == 0  # not v1's abstract in front of v2's
        with Store.open(db) as store:
            rec = store.get_paper(PID)
            assert rec is not None and rec.paper.authors == ["Ann Alpha"]  # v1's answer
        assert (await _enrich(db, api, 2)).asked == 0  # not again the same day
        api.known[PID] = V2  # the API catches up
        assert (await _enrich(db, api, 3)).asked == 1
        shown, old, new = _shown(db)
        assert shown == WHOLE_V2 and (old, new) == (0, 0)  # v2's digest is whole
        with Store.open(db) as store:
            rec = store.get_paper(PID)
            assert rec is not None and rec.meta is not None
            assert rec.meta.version == "v2" and not rec.meta.behind
        assert (await _enrich(db, api, 4)).asked == 0  # answered at v2: never again


async def test_no_entry_for_the_new_version_is_asked_three_times(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        await _enrich(db, api, 1)
        _import(db, _digest("v2", WHOLE_V2, 2))
        del api.known[PID]  # the API has no entry while v2 is new
        asked = [(await _enrich(db, api, day)).asked for day in (2, 3, 4, 5, 6)]
        assert asked == [1, 1, 1, 0, 0]  # at most three times, a day apart
        shown, old, _ = _shown(db)
        assert shown == WHOLE_V2 and old == 0  # v1's abstract not shown for v2
        with Store.open(db) as store:
            rec = store.get_paper(PID)
            assert rec is not None and rec.meta is not None and rec.meta.found
            assert rec.paper.categories[0] == "q-bio.NC"  # arXiv's v1 answer kept
        # A v3 announced later is asked about at once, whatever v2's attempts.
        _import(db, _digest("v3", WHOLE_V2, 7))
        api.known[PID] = Meta(**{**V2.__dict__, "version": "v3"})
        assert (await _enrich(db, api, 7)).asked == 1
        with Store.open(db) as store:
            assert store.count("cat:cs.CL") == 1 and store.count("cat:q-bio.NC") == 0


async def test_a_cut_new_announcement_keeps_the_older_whole_abstract(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        await _enrich(db, api, 1)
        cut_v2 = "digesttwo " * 100
        _import(db, _digest("v2", cut_v2, 2))
        await _enrich(db, api, 2)
        assert _shown(db)[1:] == (1, 0)  # the whole (older) one while v2's is cut
        api.known[PID] = V2
        await _enrich(db, api, 3)
        assert _shown(db)[1:] == (0, 1)  # v2's own, once arXiv has it


@pytest.mark.parametrize("caught_up", [2, 3])  # the API answers v2 that day
async def test_a_newer_answer_replaces_arxivs_authors_and_categories(
    tmp_path: Path, caught_up: int
) -> None:
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1, categories=["cs.AI"]))  # the digest's own
        await _enrich(db, api, 1)
        with Store.open(db) as store:
            assert store.count("au:alpha") == 1 and store.count("cat:q-bio.NC") == 1
        _import(db, _digest("v2", WHOLE_V2, 2, categories=["cs.AI"]))
        for day in range(2, caught_up + 1):
            if day == caught_up:
                api.known[PID] = V2
            report = await _enrich(db, api, day)
        assert report.updated == 1
    with Store.open(db) as store:  # a restart
        rec = store.get_paper(PID)
        assert rec is not None
        assert rec.paper.authors == ["Ann Alpha", "Bea Beta"]
        assert rec.paper.categories == ["cs.CL", "cs.LG", "cs.AI"]
        assert store.count("au:beta") == 1
        assert store.count("cat:cs.CL") == 1 and store.count("cat:cs.AI") == 1
        assert store.count("cat:q-bio.NC") == 0  # v1's primary, superseded


async def test_the_digests_title_category_stays_when_arxiv_drops_it(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    suffix = {"title_suffix": f" (arXiv:{PID}v2 [q-bio.NC])"}  # the digest's own
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        await _enrich(db, api, 1)
        _import(db, _digest("v2", WHOLE_V2, 2, categories=["q-bio.NC"], extras=suffix))
        api.known[PID] = V2
        await _enrich(db, api, 2)
    with Store.open(db) as store:
        rec = store.get_paper(PID)
        assert rec is not None and rec.paper.categories == ["cs.CL", "cs.LG", "q-bio.NC"]
        assert store.count("cat:q-bio.NC") == 1


async def test_a_feeds_own_authors_stay_when_arxiv_answers_a_newer_version(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1, authors=["A. Alpha"]))  # a feed's list
        await _enrich(db, api, 1)
        _import(db, _digest("v2", WHOLE_V2, 2))
        api.known[PID] = V2
        await _enrich(db, api, 2)
    with Store.open(db) as store:
        rec = store.get_paper(PID)
        assert rec is not None and rec.paper.authors == ["A. Alpha"]
        assert store.count("au:beta") == 0


async def test_an_answer_of_the_older_version_is_counted_apart_from_found(
    tmp_path: Path,
) -> None:
    """Found by a bug hunt: an answer for v1 when v2 was announced said "1 found",
    nothing telling that arXiv had not caught up and the paper is asked again."""
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        assert "1 found, 0 not known yet" in (await _enrich(db, api, 1)).summary()
        _import(db, _digest("v2", WHOLE_V2, 2))
        reports = [await _enrich(db, api, day) for day in (2, 3, 4, 5)]
    assert [(r.found, r.behind, r.behind_final) for r in reports] == [
        (0, 1, 0),
        (0, 1, 0),
        (0, 0, 1),
        (0, 0, 0),
    ]
    assert "0 found, 1 behind (arXiv answered an older version; asked again tomorrow)" in (
        reports[0].summary()
    )
    assert "0 found, 1 behind (arXiv answered an older version; not asked again)" in (
        reports[2].summary()
    )


async def test_a_newer_arxiv_feed_abstract_is_whole_however_long(tmp_path: Path) -> None:
    """Found by a bug hunt: an arXiv feed's abstract is never cut, but one of 990+
    characters counted as cut, so arXiv's v1 abstract (the longer) was shown and
    searched in place of the v2 announcement's own, days on, while arXiv lagged."""
    db = tmp_path / "cache.db"
    v1_text = "Version one says widgets are great. " * 40  # 1,440 characters
    v2_text = "Version two says gadgets are better. " * 31  # 1,147: "cut" by length
    lagging = Meta(**{**V1.__dict__, "abstract": v1_text})
    with ArxivStandIn({PID: lagging}) as api:
        _import(db, _feed("v1", v1_text, 1))
        await _enrich(db, api, 1)
        _import(db, _feed("v2", v2_text, 2))
        for day in (2, 3, 4):  # the API still answers v1
            await _enrich(db, api, day)
            with Store.open(db) as store:
                rec = store.get_paper(PID)
                assert rec is not None
                assert cited_abstract(rec) == rec.paper.abstract_en
                assert store.count("abs:gadgets") == 1 and store.count("abs:widgets") == 0
    with Store.open(db) as store:  # a later import (the importer applies arXiv's answer)
        store.import_digest(_feed("v2", v2_text, 5))
        assert store.count("abs:gadgets") == 1 and store.count("abs:widgets") == 0


def _feed(version: str, abstract: str, day: int, **kw: object) -> Digest:
    """An arXiv listing feed's entry (kind "arxiv"): its abstract is whole."""
    digest = _digest(version, abstract, day, **kw)
    digest.kind = "arxiv"
    digest.name = f"arxiv-cs.AI-{day}"
    return digest


AI_V1 = Meta(**{**V1.__dict__, "primary": "cs.AI", "categories": ["cs.AI", "cs.LG"]})
CL_V2 = Meta(**{**V2.__dict__, "primary": "cs.CL", "categories": ["cs.CL"]})


@pytest.mark.parametrize("caught_up", [2, 3])  # the API answers v2 that day
@pytest.mark.parametrize("given", ["entry", "source"])
async def test_a_category_the_feed_gives_stays_when_arxiv_drops_it(
    tmp_path: Path, caught_up: int, given: str
) -> None:
    """Found by a bug hunt: cs.AI, listed by the cs.AI feed (its entry's
    `<category>`, or the source's category) and by arXiv's earlier answer, was
    dropped with cs.LG when arXiv's newer answer listed cs.CL alone (README: only
    the categories its earlier answer alone listed are dropped)."""
    db = tmp_path / "cache.db"
    kw = {"categories": ["cs.AI"]} if given == "entry" else {}
    source = "" if given == "entry" else "cs.AI"
    with ArxivStandIn({PID: AI_V1}) as api:
        with Store.open(db) as store:
            store.import_digest(_feed("v1", WHOLE_V2, 1, **kw), category=source)
        await _enrich(db, api, 1)
        with Store.open(db) as store:
            store.import_digest(_feed("v2", WHOLE_V2, 2, **kw), category=source)
        for day in range(2, caught_up + 1):
            if day == caught_up:
                api.known[PID] = CL_V2
            await _enrich(db, api, day)
    with Store.open(db) as store:  # a restart
        rec = store.get_paper(PID)
        assert rec is not None and rec.paper.categories == ["cs.CL", "cs.AI"]
        assert store.count("cat:cs.AI") == 1 and store.count("cat:cs.LG") == 0
        store.import_digest(_feed("v2", WHOLE_V2, 4, **kw), category=source)
        rec = store.get_paper(PID)
        assert rec is not None and rec.paper.categories == ["cs.CL", "cs.AI"]


async def test_a_long_feed_abstract_stays_whole_once_a_digest_lists_it_too(
    tmp_path: Path,
) -> None:
    """Regression hunt `regmend` #3: an arXiv feed's whole v2 abstract (1,205
    characters) counted as cut again once a Markdown digest listed the paper too
    (the same text), so arXiv's lagging v1 abstract was exported and searched in
    its place. A digest cuts header and abstract at 1,000 characters: longer text
    was never cut by one."""
    db = tmp_path / "cache.db"
    v2_text = ("Version two says gadgets are better. " * 33)[:1205]
    lagging = Meta(**{**V1.__dict__, "abstract": "Version one says widgets are great. " * 42})
    assert len(v2_text) == 1205 and len(lagging.abstract) > 1500
    with ArxivStandIn({PID: lagging}) as api:
        _import(db, _feed("v2", v2_text, 1))
        assert (await _enrich(db, api, 1)).behind == 1
        _import(db, _digest("v2", v2_text, 1))  # the same text, as a Markdown digest
        for day in (2, 3):  # the API still answers v1
            await _enrich(db, api, day)
            with Store.open(db) as store:
                rec = store.get_paper(PID)
                assert rec is not None
                assert cited_abstract(rec) == v2_text
                assert store.count("abs:gadgets") == 1 and store.count("abs:widgets") == 0
    with Store.open(db) as store:  # a later import (the importer applies arXiv's answer)
        store.import_digest(_digest("v2", v2_text, 5))
        assert store.count("abs:gadgets") == 1 and store.count("abs:widgets") == 0


async def test_another_categorys_feed_listing_an_enriched_paper_is_unchanged(
    tmp_path: Path,
) -> None:
    """Regression hunt `regmend` #5: the cs.LG feed listing an enriched paper (its
    entry's category cs.AI) counted it "updated" though only the hidden remembered
    `listed_categories` changed; nothing shown or searched did."""
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: AI_V1}) as api:
        with Store.open(db) as store:
            store.import_digest(_feed("v1", WHOLE_V2, 1, categories=["cs.AI"]), category="cs.AI")
        assert (await _enrich(db, api, 1)).found == 1
    lg = _feed("v1", WHOLE_V2, 1, categories=["cs.AI"])
    lg.name = "arxiv-cs.LG-1"
    with Store.open(db) as store:
        before = store.get_paper(PID)
        stats = store.import_digest(lg, category="cs.LG")
        assert (stats.new, stats.updated, stats.unchanged) == (0, 0, 1)
        assert not stats.updated_ids
        after = store.get_paper(PID)
        assert before is not None and after is not None
        assert after.paper.categories == before.paper.categories
        stats = store.import_digest(lg, category="cs.LG")  # again: unchanged too
        assert (stats.new, stats.updated, stats.unchanged) == (0, 0, 1)


async def test_no_entry_for_a_newer_version_is_counted_behind(tmp_path: Path) -> None:
    """Regression hunt `regmend` #6: arXiv answered v1 before; with no entry for
    the v2 announced, each of the three days said "1 not known yet", and the
    third did not say it was the last try."""
    db = tmp_path / "cache.db"
    with ArxivStandIn({PID: V1}) as api:
        _import(db, _digest("v1", CUT_V1, 1))
        await _enrich(db, api, 1)
        _import(db, _digest("v2", WHOLE_V2, 2))
        del api.known[PID]  # the API has no entry while v2 is new
        reports = [await _enrich(db, api, day) for day in (2, 3, 4, 5)]
    assert [(r.found, r.behind, r.behind_final, r.missing) for r in reports] == [
        (0, 1, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 0),
    ]
    assert (
        "0 found, 1 behind (arXiv answered nothing for the newer version; asked again "
        "tomorrow), 0 not known yet"
    ) in reports[0].summary()
    assert (
        "0 found, 1 behind (arXiv answered nothing for the newer version; not asked again), "
        "0 not known yet"
    ) in reports[2].summary()
    assert reports[3].asked == 0
