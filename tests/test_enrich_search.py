"""Search finds what the reader shows of an enriched paper.

The digests cut English abstracts at 1,000 characters; `enrich` keeps arXiv's
full one, and the reader (and every export) shows it. The search index held
the digest's cut text only, so a word only arXiv's abstract has found nothing
(found by a bug hunt). Checked in the store and the CLI, across a restart,
after later imports of the same paper (the same digest again, another day's,
a newer version, a streamed document listing it twice), with the watch
lists, and for a cache enriched before the fix (its upgrade). The arXiv API is
a local stand-in; no real sleeps (the fetcher's clock is injected).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from cli_support import run_cli
from feed_server import FakeTime
from tui_digest.core import schema, search_index
from tui_digest.core.citation import cited_abstract
from tui_digest.core.digest_write import write_digest
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.net.options import HttpOptions
from tui_digest.ui.paper_text import detail_content

PID = "2403.10056"
DAY0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
CUT = ("Instruction tuning for large language models (LLMs) can drive them. " * 15)[:1000]
TAIL = "A zymurgical appendix measures fermentation kinetics."
FULL = CUT + "n. " + TAIL  # arXiv's whole abstract: the digest's, then what it cut
ARXIV = Meta(id=PID, version="v1", abstract=FULL, authors=["Ada Lovelace", "Alan Turing"])
# Words and phrases only arXiv's text has.
ARXIV_WORDS = ["zymurgical", "abs:zymurgical", "zymurg", '"fermentation kinetics"', "kinetics"]


def _paper(version: str = "v1", abstract: str = CUT, **kw: object) -> Paper:
    fields: dict[str, object] = {"title_en": "Tuning", **kw}
    return Paper(id=PID, version=version, abstract_en=abstract, **fields)  # type: ignore[arg-type]


def _digest(name: str = "cs.CL", date: str = "2024-03-18", **kw: object) -> Digest:
    return Digest(name=name, date=date, papers=[_paper(**kw)])


async def _enrich(store: Store, meta: Meta = ARXIV) -> int:
    time = FakeTime()
    options = HttpOptions(host_intervals={"127.0.0.1": 3.0}, backoff_base=0.5)
    with ArxivStandIn({PID: meta}) as api:
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


def _vocab(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    conn.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, instance)")
    found = conn.execute(f"SELECT term, doc, col, offset FROM temp.v_{table} ORDER BY 1, 2, 3, 4")
    rows = found.fetchall()
    conn.execute(f"DROP TABLE temp.v_{table}")
    return rows


def _index_is_its_papers(store: Store) -> None:
    """The index holds exactly the rows its layout makes of the papers now in the
    cache (`SEARCH_SOURCE`): no row deleted with other values than it was
    inserted with, none left with the text it had before."""
    conn = store._conn()
    layout = search_index.row_layout(conn)
    declared = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()[0]
    conn.execute(declared.replace("TABLE search", "TABLE expected", 1))
    try:
        rows = conn.execute(f"SELECT sort_key, {schema.SEARCH_SOURCE} FROM papers").fetchall()
        conn.executemany(
            schema.FTS_INSERT.replace("INTO search", "INTO expected"),
            [(r[0], *schema.search_row(*r[1:], layout=layout)) for r in rows],
        )
        assert _vocab(conn, "search") == _vocab(conn, "expected")
    finally:
        conn.execute("DROP TABLE expected")


def _shown_and_found(store: Store, *, arxivs: bool) -> None:
    """The reader shows arXiv's words exactly when search finds them."""
    rec = store.get_paper(PID)
    assert rec is not None
    shown = detail_content(rec, "en").plain
    assert (TAIL in shown) is arxivs and (TAIL in cited_abstract(rec)) is arxivs
    for query in ARXIV_WORDS:
        assert [r.id for r in store.search(query)] == ([PID] if arxivs else []), query
        assert store.count(f"{query} sort:relevance") == int(arxivs), query
    # What the digest's own text has is found either way.
    assert [r.id for r in store.search('abs:"instruction tuning"')] == [PID]
    _index_is_its_papers(store)


async def test_a_word_only_arxivs_abstract_has_is_found_once_enriched(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(_digest())
        _shown_and_found(store, arxivs=False)
        assert store.count("au:lovelace") == 0
        assert await _enrich(store) == 1
        _shown_and_found(store, arxivs=True)
        # arXiv's authors (the digest had none) are shown and searched alike.
        assert store.count("au:lovelace") == 1 and store.count('au:"alan turing"') == 1
        index = store.watch_hits([("brewing", "fermentation"), ("people", "au:turing")])
        assert [w.hits for w in index.watches] == [[1], [1]]
    with Store.open(db) as store:  # a restart
        _shown_and_found(store, arxivs=True)
        assert [w.hits for w in store.watch_hits([("brewing", "zymurg")]).watches] == [[1]]
        store.reindex()  # rebuilt from the papers' rows: the same answers
        _shown_and_found(store, arxivs=True)


async def test_later_imports_of_the_paper_keep_arxivs_words_found(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(_digest())
        await _enrich(store)
        store.import_digest(_digest())  # the same digest again: nothing changes
        _shown_and_found(store, arxivs=True)
        # Another source's digest of the same version, the next day: the paper moves.
        store.import_digest(_digest("cs.LG", "2024-03-19", authors=["A. Lovelace"]))
        _shown_and_found(store, arxivs=True)
        # A same-day revision of that digest with a new title (its text replaced).
        store.import_digest(_digest("cs.LG", "2024-03-19", title_en="Tuning, revised"))
        _shown_and_found(store, arxivs=True)
        assert store.count("revised") == 1
    with Store.open(db) as store:  # a restart, then a newer version, its abstract cut again
        _shown_and_found(store, arxivs=True)
        store.import_digest(_digest("cs.CL", "2024-03-20", version="v2", announce_type="replace"))
        _shown_and_found(store, arxivs=True)
        # A streamed document listing it twice (the repeat merged into its row).
        twice = [_paper("v2", announce_type="cross"), _paper("v3", title_en="Tuning 3")]
        store.import_stream(Digest(name="cs.AI", date="2024-03-21"), iter(twice))
        _shown_and_found(store, arxivs=True)
        # v4 arrives whole: arXiv's abstract (of v1) is not put in front of it,
        # before arXiv is asked again (it was: found by a bug hunt), nor after,
        # arXiv's v4 being as short; neither the reader nor search has those words.
        whole = "Instruction tuning drives language models."
        store.import_digest(_digest("cs.CL", "2024-03-22", version="v4", abstract=whole))
        _shown_and_found(store, arxivs=False)
        assert await _enrich(store, Meta(id=PID, version="v4", abstract=whole)) == 1
        _shown_and_found(store, arxivs=False)
        assert store.count('"drives language models"') == 1


def test_cli_search_and_watch_find_arxivs_words_across_imports(tmp_path: Path) -> None:
    db, config = tmp_path / "cache.db", tmp_path / "config.toml"
    day1, day2 = tmp_path / "cs.CL-2024-03-18.md", tmp_path / "cs.LG-2024-03-19.md"
    day1.write_text(write_digest([_paper(title_zh="调优", summary_zh="摘要。")]), "utf-8")
    day2.write_text(write_digest([_paper(title_zh="调优", summary_zh="另一摘要。")]), "utf-8")

    def cli(*args: str) -> str:
        done = run_cli(*args, db=db, env={"TUI_DIGEST_TODAY": "2024-03-19"})
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def found(query: str) -> list[str]:
        return [p["id"] for p in json.loads(cli("search", query, "--json"))]

    cli("import", str(day1))
    assert found("zymurgical") == []
    with ArxivStandIn({PID: ARXIV}) as api:
        config.write_text(
            f'[enrich]\napi_url = "{api.url}"\n\n'
            '[[watches]]\nname = "brewing"\nquery = "fermentation kinetics"\n',
            "utf-8",
        )
        assert "1 found" in cli("enrich", "--config", str(config))
    for _ in range(2):  # then again after re-importing the same digest and the next day's
        for query in [*ARXIV_WORDS, "au:lovelace"]:
            assert found(query) == [PID], query
        (shown,) = json.loads(cli("search", "zymurgical", "--json"))
        assert TAIL in shown["abstract_en"]
        watched = json.loads(cli("watch", "brewing", "--json", "--config", str(config)))
        assert [p["id"] for p in watched] == [PID]
        cli("import", str(day1), str(day2))
    assert "search_index: current" in cli("stats")


@pytest.mark.parametrize("layout", [1, 2])
async def test_a_cache_enriched_before_finds_arxivs_words_after_its_upgrade(
    tmp_path: Path, layout: int
) -> None:
    """Schema 20 (`_index_arxiv_abstracts`) gives the papers enriched before
    arXiv's abstract and writes their search rows again, in the cache's layout."""
    db = tmp_path / "cache.db"
    other = Paper(id="2403.00001", title_en="Brewing", abstract_en="Yeast and malt.")
    with Store.open(db) as store:
        store.import_digest(Digest(name="cs.CL", date="2024-03-18", papers=[_paper(), other]))
        await _enrich(store)
    with sqlite3.connect(db, isolation_level=None) as conn:  # as version 19 left it
        conn.execute("UPDATE papers SET arxiv_abstract = ''")
        search_index.rebuild_search_index(conn, layout=layout)  # the digest's abstract
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")
        conn.execute("PRAGMA user_version = 19")
    with Store.open(db) as store:
        assert store.stats()["schema"] == schema.SCHEMA_VERSION
        assert search_index.row_layout(store._conn()) == layout  # no reindex needed
        _shown_and_found(store, arxivs=True)
        assert store.count("yeast") == 1 and store.count("tuning") == 1
    with Store.open(db) as store:  # a restart, then a later import of both papers
        store.import_digest(Digest(name="cs.LG", date="2024-03-19", papers=[_paper(), other]))
        _shown_and_found(store, arxivs=True)
        assert store.count("yeast") == 1


async def test_an_open_reader_notices_another_process_enriching(tmp_path: Path) -> None:
    """A cron `fetch` imports (the reader re-lists), then asks arXiv in later
    transactions: the reader's watch lists and listing must see those too."""
    db = tmp_path / "cache.db"
    with Store.open(db) as reader:
        reader.import_digest(_digest())
        watch = reader.watch()
        try:
            assert watch.what_changed() == (False, False, False)  # the baseline
            brewing = [("brewing", "fermentation")]
            assert [w.hits for w in reader.watch_hits(brewing).watches] == [[]]
            with Store.open(db) as other:  # `tui-digest enrich` in another process
                await _enrich(other)
            assert watch.what_changed()[0] is True  # the reader re-lists, re-finds watches
            assert [w.hits for w in reader.watch_hits(brewing).watches] == [[1]]
            assert watch.what_changed() == (False, False, False)  # told once
        finally:
            watch.close()
