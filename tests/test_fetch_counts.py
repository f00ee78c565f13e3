"""Per-source counts after a fetch do not depend on which source came in first.

Found by a bug hunt: three arXiv feeds listing the same 25 papers said "new 25"
for one and "unchanged 25" for the others, a different one each run (sources
are fetched at once; the counts were against the cache as each import found
it). Now each source counts against the cache as it stood before the run, and
the reader's total counts a paper once. No network: httpx.MockTransport.
"""

from __future__ import annotations

import httpx
import pytest

from feed_server import FakeTime, arxiv_rss
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.results import SourceResult, run_totals
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.options import HttpOptions
from tui_digest.ui.refresh import summarise

PAPERS = [(f"2509.{10000 + i}", f"Paper {i}") for i in range(25)]
CATEGORIES = ["cs.AI", "cs.CL", "cs.LG"]


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


async def _fetch(store: Store, order: list[str], listing=PAPERS) -> dict[str, SourceResult]:
    time = FakeTime()

    def handler(request: httpx.Request) -> httpx.Response:
        category = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, content=arxiv_rss(category, listing))

    sources = [Source(f"arxiv-{c}", f"https://rss.arxiv.org/rss/{c}", "arxiv") for c in order]
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        results = await fetch_all(
            store,
            sources,
            client=client,
            options=HttpOptions(retries=0),
            sleep=time.sleep,
            clock=time.clock,
        )
    return {r.name: r for r in results}


def _counts(results: dict[str, SourceResult]) -> dict[str, tuple[int, int, int]]:
    return {n: (r.new, r.updated, r.unchanged) for n, r in sorted(results.items())}


@pytest.mark.parametrize("order", [CATEGORIES, CATEGORIES[::-1], ["cs.CL", "cs.AI", "cs.LG"]])
async def test_three_feeds_listing_the_same_papers_each_say_new(store, order) -> None:
    results = await _fetch(store, order)
    assert _counts(results) == {f"arxiv-{c}": (25, 0, 0) for c in CATEGORIES}
    assert [r.summary() for r in results.values()] == [
        f"arxiv-{c}: new 25 / updated 0 / unchanged 0" for c in order
    ]
    assert run_totals(list(results.values())) == (25, 0)
    text, _ = summarise(list(results.values()))
    assert "3 of 3 sources fetched: 25 new papers, 0 updated." in text
    # What S shows: each source's stored status.
    for c in CATEGORIES:
        status = store.get_source_state(f"arxiv-{c}")["last_status"]
        assert status == "new 25 / updated 0 / unchanged 0 (HTTP 200)"


async def test_the_next_days_listing_counts_the_known_papers_as_unchanged(store) -> None:
    await _fetch(store, CATEGORIES)
    more = [(f"2509.{20000 + i}", f"Later {i}") for i in range(5)]
    # The next day: 5 new papers and 10 of yesterday's again, in every feed.
    results = await _fetch(store, CATEGORIES[::-1], listing=more + PAPERS[:10])
    assert _counts(results) == {f"arxiv-{c}": (5, 0, 10) for c in CATEGORIES}
    assert run_totals(list(results.values())) == (5, 0)


def test_run_totals_count_results_without_ids_as_they_say() -> None:
    a = SourceResult("a", "u", "new", new=2, new_ids={"x", "y"})
    b = SourceResult("b", "u", "new", new=2, new_ids={"y", "z"})
    c = SourceResult("c", "u", "updated", updated=4)  # (built elsewhere: counts only)
    assert run_totals([a, b, c]) == (3, 4)


def test_a_source_counts_a_paper_its_two_documents_list_once():
    """The history's day missed and the day's own file (still that list, after
    midnight), or two files of a folder: each paper counted once, as what the
    first document that changed it did (it was "new 10 / unchanged 10" of 10)."""
    from tui_digest.core.model import IDENTICAL, ImportStats

    ids = {f"2612.{i:05d}" for i in range(10)}
    result = SourceResult("s", "u", "unchanged")
    result.add(ImportStats(new=10, new_ids=set(ids), ids=set(ids)))
    result.add(ImportStats(unchanged=10, outcome=IDENTICAL, ids=set(ids)))
    assert (result.new, result.updated, result.unchanged) == (10, 0, 0)
    # Unchanged in one file, updated in the next: updated, once.
    more = {f"2612.{i:05d}" for i in range(10, 14)}
    result.add(ImportStats(unchanged=4, ids=set(more)))
    result.add(ImportStats(updated=2, unchanged=2, updated_ids=set(sorted(more)[:2]), ids=more))
    assert (result.new, result.updated, result.unchanged) == (10, 2, 2)
    assert result.summary() == "s: new 10 / updated 2 / unchanged 2"
    # A streamed import brings no ids: its counts are added as they are.
    result.add(ImportStats(new=3))
    assert result.new == 13
