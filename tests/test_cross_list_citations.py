"""A listing's category is not cited as primary for a paper it calls a cross-list.

Digests carry no categories: the importer gives each paper its source's category
(so `cat:` finds it), but arXiv announces a paper `new` in its primary category and
`cross` in the others (../shared/docs/upstream.md, arXiv's RSS specification), so
the category of a listing that calls the paper `cross`/`replace-cross` is known not
to be its primary one (citing.md §1: BibTeX wrote `primaryClass={cs.AI}` for a cs.CL
paper). Until arXiv says otherwise, such a category is cited after the others and
never as `primaryClass`; once enriched, arXiv's primary leads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.arxiv_api import ApiEntry
from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.citation import cited_categories, cited_primary
from tui_digest.core.csl_json import csl_item
from tui_digest.core.digest_format import read_digest
from tui_digest.core.model import Digest, Paper
from tui_digest.core.ris import ris_record
from tui_digest.core.store import Store

CROSS = "2403.10056"
NEW = "2403.10001"


def _paper(pid: str, kind: str) -> Paper:
    return Paper(id=pid, version="v1", title_en=f"Paper {pid}", announce_type=kind)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def _ai_digest(store: Store, kind: str = "cross") -> None:
    papers = [_paper(CROSS, kind), _paper(NEW, "new")]
    digest = Digest("digest-cs.AI-2024-03-18", date="2024-03-18", papers=papers)
    store.import_digest(digest, source_name="digest-cs.AI", category="cs.AI")


def _bib(store: Store, pid: str) -> str:
    rec = store.get_paper(pid)
    assert rec is not None
    return to_bibtex([rec])


@pytest.mark.parametrize("kind", ["cross", "replace-cross"])
def test_a_cross_listed_paper_gets_no_primary_class_from_its_listing(store, kind):
    _ai_digest(store, kind)
    assert "primaryClass" not in _bib(store, CROSS)
    assert "primaryClass={cs.AI}" in _bib(store, NEW)  # new: listed in its primary
    rec = store.get_paper(CROSS)
    assert cited_primary(rec) == "" and cited_categories(rec) == ["cs.AI"]  # kept
    assert store.count("cat:cs.AI") == 2  # still found by its listing's category


def test_its_primary_listing_leads_and_the_cross_listing_follows(store):
    _ai_digest(store)
    papers = [_paper(CROSS, "new")]
    digest = Digest("digest-cs.CL-2024-03-18", date="2024-03-18", papers=papers)
    store.import_digest(digest, source_name="digest-cs.CL", category="cs.CL")
    rec = store.get_paper(CROSS)
    assert rec.paper.categories == ["cs.AI", "cs.CL"]  # the store's order: first seen
    assert cited_categories(rec) == ["cs.CL", "cs.AI"] and cited_primary(rec) == "cs.CL"
    assert "primaryClass={cs.CL}" in _bib(store, CROSS)
    assert [v for t, v in ris_record(rec) if t == "KW"] == ["cs.CL", "cs.AI"]
    assert csl_item(rec, "k")["keyword"] == "cs.CL, cs.AI"


@pytest.mark.parametrize("order", ["typeless first", "cross first"])
def test_a_listing_that_gave_no_type_is_no_cross_list(store, order):
    """Found by a regression hunt: a listing whose document gave no type (an
    old-style title `[cs.CL]` in cs.CL's own feed) borrowed the paper's type,
    `cross` from cs.AI's listing, and the known primaryClass={cs.CL} went."""

    def ai_digest() -> None:
        _ai_digest(store)

    def cl_digest() -> None:
        digest = Digest("cs.CL-2023-06-01", date="2023-06-01", papers=[_paper(CROSS, "")])
        store.import_digest(digest, source_name="cs.CL", category="cs.CL")

    steps = [cl_digest, ai_digest] if order == "typeless first" else [ai_digest, cl_digest]
    for step in steps:
        step()
    rec = store.get_paper(CROSS)
    assert cited_primary(rec) == "cs.CL"
    assert "primaryClass={cs.CL}" in _bib(store, CROSS)


def test_once_enriched_arxivs_primary_leads(store):
    _ai_digest(store)
    asked = store.enrich_candidates(f"id:{CROSS}")
    entry = ApiEntry(id=CROSS, version="v1", categories=["cs.CL", "cs.AI", "cs.LG"])
    store.apply_enrichment(asked, [entry], asked_at="2026-12-01T00:00:00Z")
    rec = store.get_paper(CROSS)
    assert cited_categories(rec) == ["cs.CL", "cs.AI", "cs.LG"]
    assert "primaryClass={cs.CL}" in _bib(store, CROSS)


def test_the_seed_digests_cross_list_is_not_cited_as_cs_ai(store, samples):
    text = (samples / "seed-digest.md").read_bytes()
    digest = read_digest(text, name="digest-cs.AI-2024-03-18").digest
    store.import_digest(digest, source_name="digest-cs.AI", category="cs.AI")
    rec = store.get_paper(CROSS)
    assert rec.paper.announce_type == "cross"
    assert "primaryClass" not in _bib(store, CROSS)
    assert store.count("cat:cs.AI id:2403.10056") == 1
