"""What a later announcement of a paper the cache holds changes (found by a bug hunt).

- `absonly`: arXiv's feeds list it among the announce types
  (/work/shared/docs/upstream.md; arXiv's feed service names it with new, replace,
  cross and replace-cross: github.com/arXiv/arxiv-feed, feed/consts.py). It comes
  without a new version: a paper re-announced `absonly` with a new abstract kept
  the old abstract, was counted "unchanged", and `type:absonly` found nothing.
- `published` moved forward with each new version (a `replace` announced a day
  later), and enrichment only filled empty dates, so arXiv's own first-version
  date never won.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import FakeTime
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, merge_paper
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.net.options import HttpOptions


def paper(pid: str = "2609.00001", **kw: object) -> Paper:
    kw.setdefault("title_en", "A title")
    return Paper(id=pid, **kw)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def test_an_absonly_announcement_brings_its_abstract_and_type(db: Path) -> None:
    with Store.open(db) as store:
        first = paper(version="v1", abstract_en="The first abstract.", announce_type="new")
        store.import_digest(Digest("a", date="2025-09-18", papers=[first]))
        again = paper(version="v1", abstract_en="The corrected abstract.", announce_type="absonly")
        stats = store.import_digest(Digest("a", date="2025-09-19", papers=[again]))
        assert stats.updated == 1 and stats.unchanged == 0
    with Store.open(db) as store:  # across a restart
        got = store.get_paper("2609.00001").paper
        assert got.abstract_en == "The corrected abstract."
        assert got.announce_type == "absonly" and got.version == "v1"
        assert store.count("type:absonly") == 1
        assert store.count("corrected") == 1 and store.count("first abstract") == 0


def test_absonly_never_empties_an_abstract_nor_touches_an_older_version() -> None:
    old = paper(version="v2", abstract_en="Kept.", announce_type="replace")
    empty = merge_paper(old, paper(version="v2", abstract_en="", announce_type="absonly"))
    assert empty.abstract_en == "Kept."
    older = merge_paper(old, paper(version="v1", abstract_en="Older.", announce_type="absonly"))
    assert (older.abstract_en, older.announce_type) == ("Kept.", "replace")
    # Other announcements of the same version still only fill what is empty.
    cross = merge_paper(old, paper(version="v2", abstract_en="Other.", announce_type="cross"))
    assert (cross.abstract_en, cross.announce_type) == ("Kept.", "replace")


def test_published_never_moves_forward_with_a_new_version(db: Path) -> None:
    with Store.open(db) as store:
        v1 = paper(version="v1", published="2025-09-18", announce_type="new")
        store.import_digest(Digest("a", date="2025-09-18", papers=[v1]))
        v2 = paper(version="v2", published="2025-09-19", announce_type="replace")
        assert store.import_digest(Digest("a", date="2025-09-19", papers=[v2])).updated == 1
    with Store.open(db) as store:
        got = store.get_paper("2609.00001").paper
        assert (got.version, got.published) == ("v2", "2025-09-18")


def test_an_earlier_date_is_taken_and_an_empty_one_fills() -> None:
    old = paper(version="v1", published="2025-09-18")
    assert merge_paper(old, paper(version="v1", published="2025-09-10")).published == "2025-09-10"
    assert merge_paper(paper(version="v1"), old).published == "2025-09-18"
    assert merge_paper(old, paper(version="v3")).published == "2025-09-18"


async def test_enrichment_replaces_a_feed_date_with_arxivs(db: Path) -> None:
    with Store.open(db) as store:
        feed = paper(version="v2", published="2025-09-19", abstract_en="Short.")
        store.import_digest(Digest("a", date="2025-09-19", papers=[feed]))
        known = {
            "2609.00001": Meta(id="2609.00001", version="v2", published="2025-08-30T17:59:59Z")
        }
        time = FakeTime()
        with ArxivStandIn(known) as api:
            report = await enrich_papers(
                store,
                store.enrich_candidates(""),
                EnrichConfig(api_url=api.url),
                options=HttpOptions(),
                sleep=time.sleep,
                clock=time.clock,
            )
        assert report.found == 1
    with Store.open(db) as store:
        assert store.get_paper("2609.00001").paper.published == "2025-08-30"
        # A later feed announcement does not move it forward again.
        later = paper(version="v3", published="2025-09-25")
        store.import_digest(Digest("a", date="2025-09-25", papers=[later]))
        assert store.get_paper("2609.00001").paper.published == "2025-08-30"


def test_a_revision_replaces_same_version_text_but_not_older_or_human_by_machine():
    """`merge_paper(revision=True)`: the same source's revised entry (see `days`)."""
    machine = {"machine_fields": "title_zh", "machine_model": "m"}
    old = paper(version="v2", summary_zh="旧", title_zh="人译")
    same = paper(version="v2", summary_zh="新", title_zh="机译", extras=machine)
    got = merge_paper(old, same, revision=True)
    assert got.summary_zh == "新"
    assert got.title_zh == "人译" and "machine_fields" not in got.extras  # human stays
    assert merge_paper(old, same).summary_zh == "旧"  # not a revision: fills only
    older = paper(version="v1", summary_zh="新")
    assert merge_paper(old, older, revision=True).summary_zh == "旧"
    # A machine translation is replaced by the revision's own machine one.
    was_machine = paper(version="v2", title_zh="机译一", extras=dict(machine))
    assert merge_paper(was_machine, same, revision=True).title_zh == "机译"


def test_a_revision_filling_an_empty_field_by_machine_keeps_it_marked():
    """The revision that fills in translations: its machine-made summary lost its
    mark and was shown as human text (found by a review)."""
    machine = {"machine_fields": "summary_zh", "machine_model": "m"}
    old = paper(version="v1", summary_zh="")
    got = merge_paper(old, paper(version="v1", summary_zh="机译", extras=machine), revision=True)
    assert got.summary_zh == "机译" and got.extras.get("machine_fields") == "summary_zh"


def test_a_revision_corrects_the_papers_own_announce_type():
    old = paper(version="v1", announce_type="new")
    fixed = paper(version="v1", announce_type="cross")
    assert merge_paper(old, fixed, revision=True).announce_type == "cross"
    assert merge_paper(old, fixed).announce_type == "new"  # another list: fills only
