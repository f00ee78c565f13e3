"""Every export that carries an abstract carries the one the reader shows.

The digests cut English abstracts at 1,000 characters; `enrich` keeps arXiv's
full one beside the paper, and the reader's detail pane shows the longer.
RIS, CSL-JSON and the JSON export give that one too (BibTeX has no abstract).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import FakeTime
from test_ris_csl import parse_ris, values
from tui_digest.core.arxiv_meta import FOUND, ArxivMeta, apply_to
from tui_digest.core.citation import cited_abstract
from tui_digest.core.export import render
from tui_digest.core.model import Digest, Paper, PaperRecord
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.net.options import HttpOptions

CUT = ("Instruction tuning for large language models (LLMs) can drive them. " * 15)[:1000]
FULL = CUT + " THE END OF THE FULL ABSTRACT, with $\\alpha$."


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


async def _enrich(store: Store, api: ArxivStandIn) -> None:
    time = FakeTime()  # no real sleeps: the stand-in gets arXiv's spacing on a fake clock
    await enrich_papers(
        store,
        store.enrich_candidates(""),
        EnrichConfig(api_url=api.url),
        options=HttpOptions(host_intervals={"127.0.0.1": 3.0}, backoff_base=0.5),
        sleep=time.sleep,
        clock=time.clock,
    )


async def test_exports_carry_arxivs_full_abstract_once_enriched(store: Store) -> None:
    paper = Paper(id="2403.10056", version="v1", title_en="Tuning", abstract_en=CUT)
    store.import_digest(Digest(name="d", date="2024-03-18", papers=[paper]))
    with ArxivStandIn({"2403.10056": Meta(id="2403.10056", abstract=FULL)}) as api:
        await _enrich(store, api)
    rec = store.get_paper("2403.10056")
    assert rec.paper.abstract_en == CUT and rec.meta.abstract == FULL  # both kept
    shown = FULL.replace("$\\alpha$", "α")

    (ris,) = parse_ris(render([rec], "ris"))
    assert values(ris, "AB") == [shown]
    (item,) = json.loads(render([rec], "csl-json"))
    assert item["abstract"] == shown
    (obj,) = json.loads(render([rec], "json"))
    assert obj["abstract_en"] == FULL  # the JSON export keeps the text as it came
    assert "THE END" not in render([rec], "bibtex")  # BibTeX carries no abstract


def test_the_longer_abstract_wins_and_the_digests_stays_without_enrichment() -> None:
    paper = Paper(id="2403.10056", abstract_en=CUT)
    assert cited_abstract(PaperRecord(1, paper)) == CUT
    # As the store keeps an answer: beside the paper (`apply_to`), and in `meta`.
    meta = ArxivMeta(paper.id, FOUND, "2024-03-20T00:00:00Z", abstract=FULL)
    assert apply_to(paper, meta)
    assert cited_abstract(PaperRecord(1, paper, meta=meta)) == FULL
    # A digest's whole abstract: enrich kept "" beside it.
    whole = ArxivMeta(paper.id, FOUND, "2024-03-20T00:00:00Z", abstract="")
    assert apply_to(paper, whole)
    assert cited_abstract(PaperRecord(1, paper, meta=whole)) == CUT
