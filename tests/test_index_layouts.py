"""The search index's row layouts (`search_index.ROW_LAYOUT`, `row_layout`).

Layout 2 keeps the texts of a column apart (each author's name above all), so
a quoted phrase matches inside one of them. A cache whose rows layout 1 wrote
keeps them, and keeps answering as it did, through imports that replace
papers (each old row is deleted by repeating what layout 1 made of it), and
across a restart, until `reindex` rewrites it in layout 2.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cli_support import run_cli
from tui_digest.core import schema, search_index
from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_tokens import APART, index_pair, query_tokens, tokens
from tui_digest.core.store import Store, importer, tokenise_child

WEI_LI_NA_ZHANG = Paper(
    id="2401.00001",
    title_en="Sparse attention for long documents",
    abstract_en="We study sparse attention.",
    summary_en="Attention that skips tokens.",  # the archive's (`papers.summary_en`)
    authors=["Wei Li", "Na Zhang"],
    categories=["cs.CL"],
)
LI_NA = Paper(
    id="2401.00002",
    title_en="Graph diffusion",
    abstract_en="Diffusion on graphs.",
    extras={"summary_en": "Heat kernels on graphs."},  # a digest's summary slot
    authors=["Li Na"],
    categories=["cs.LG"],
)
ZHANG_WEI = Paper(
    id="2401.00003",
    title_en="Point clouds",
    abstract_en="Point clouds and their attention.",
    authors=["Zhang Wei", "Olga Ivanova"],
    categories=["cs.CV"],
)
PAPERS = [WEI_LI_NA_ZHANG, LI_NA, ZHANG_WEI]
# A new version: "Na Zhang" is now "Na Zhao", the abstract changed.
REVISED = replace(
    WEI_LI_NA_ZHANG, version="v2", authors=["Wei Li", "Na Zhao"], abstract_en="Dense attention."
)

QUERIES = [
    'au:"li na"', '"li na"', 'au:"wei li"', 'au:"na zhang"', 'au:"zhang wei"', "au:zhang",
    "au:zha", "au:zhao", "zhang", "na", "sparse", "study", '"sparse attention"', "dense",
    'au:"li na" sort:relevance', "zhang sort:relevance", "skips", "abs:skips", "kernels",
    '"heat kernels"', '"kernels diffusion"',
]  # fmt: skip


def _answers(store: Store) -> dict[str, list[str]]:
    return {q: sorted(r.id for r in store.search(q, limit=50)) for q in QUERIES}


def _ids(*papers: Paper) -> list[str]:
    return sorted(p.id for p in papers)


def _vocab(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    conn.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, instance)")
    rows = conn.execute(f"SELECT term, doc, col, offset FROM temp.v_{table} ORDER BY 1, 2, 3, 4")
    found = rows.fetchall()
    conn.execute(f"DROP TABLE temp.v_{table}")
    return found


def _index_is_its_papers(store: Store, layout: int) -> None:
    """The index holds exactly the rows `layout` makes of the papers now in
    the cache: no trace of a row deleted with other values than it was
    inserted with. (FTS5's integrity-check cannot see that in a contentless
    table: it has nothing to compare with.)"""
    conn = store._conn()
    assert search_index.row_layout(conn) == layout
    declared = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()[0]
    conn.execute(declared.replace("TABLE search", "TABLE expected", 1))
    try:
        rows = conn.execute(f"SELECT sort_key, {schema.SEARCH_SOURCE} FROM papers").fetchall()
        conn.executemany(
            schema.FTS_INSERT.replace("INTO search", "INTO expected"),
            [(r[0], *schema.search_row(*r[1:], layout=layout)) for r in rows],
        )
        assert _vocab(conn, "search") == _vocab(conn, "expected")
        conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")
    finally:
        conn.execute("DROP TABLE expected")


def _layout_1_cache(path: Path) -> None:
    """A cache as one made before layouts were counted: schema 9, its rows in layout 1."""
    with Store.open(path) as store:
        store.import_digest(Digest("d1", date="2024-01-01", papers=PAPERS))
        conn = store._conn()
        search_index.rebuild_search_index(conn, layout=1)
        assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
        conn.execute("DROP TABLE removed_lists")  # (schema 12)
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 9")


NEW_ANSWERS = {
    'au:"li na"': _ids(LI_NA),
    '"li na"': _ids(LI_NA),
    'au:"wei li"': _ids(WEI_LI_NA_ZHANG),
    'au:"na zhang"': _ids(WEI_LI_NA_ZHANG),
    'au:"zhang wei"': _ids(ZHANG_WEI),
    "au:zhang": _ids(WEI_LI_NA_ZHANG, ZHANG_WEI),
    "au:zha": _ids(WEI_LI_NA_ZHANG, ZHANG_WEI),
    "au:zhao": [],
    "zhang": _ids(WEI_LI_NA_ZHANG, ZHANG_WEI),
    "na": _ids(WEI_LI_NA_ZHANG, LI_NA),
    "sparse": _ids(WEI_LI_NA_ZHANG),
    "study": _ids(WEI_LI_NA_ZHANG),
    '"sparse attention"': _ids(WEI_LI_NA_ZHANG),
    "dense": [],
    'au:"li na" sort:relevance': _ids(LI_NA),
    "zhang sort:relevance": _ids(WEI_LI_NA_ZHANG, ZHANG_WEI),
    # The English one-line summary, from either place (`rows.search_fields`).
    "skips": _ids(WEI_LI_NA_ZHANG),
    "abs:skips": _ids(WEI_LI_NA_ZHANG),
    "kernels": _ids(LI_NA),
    '"heat kernels"': _ids(LI_NA),
    '"kernels diffusion"': [],  # (the summary and the abstract are apart)
}
# What layout 1 answered differently: phrases across two names, no English summary.
LAYOUT_1 = {
    'au:"li na"': _ids(WEI_LI_NA_ZHANG, LI_NA),
    '"li na"': _ids(WEI_LI_NA_ZHANG, LI_NA),
    'au:"li na" sort:relevance': _ids(WEI_LI_NA_ZHANG, LI_NA),
    "skips": [],
    "abs:skips": [],
    "kernels": [],
    '"heat kernels"': [],
}


def test_a_phrase_of_author_words_matches_inside_one_name(tmp_path):
    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(Digest("d1", date="2024-01-01", papers=PAPERS))
        assert search_index.row_layout(store._conn()) == search_index.ROW_LAYOUT == 2
        assert store.stats()["search_index"] == "current"
        assert _answers(store) == NEW_ANSWERS
        _index_is_its_papers(store, 2)


def test_a_cache_of_layout_1_answers_as_before_until_reindexed(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    _layout_1_cache(db)
    with Store.open(db) as store:  # migrated: nothing rebuilt, still layout 1
        assert "`tui-digest reindex` rebuilds it" in str(store.stats()["search_index"])
        first = _answers(store)
        # As layout 1 always answered: the phrase spans "Wei Li" and "Na Zhang".
        assert first == {**NEW_ANSWERS, **LAYOUT_1}
        _index_is_its_papers(store, 1)
        # A new version replaces the paper: its layout-1 row is deleted as it
        # was written. Streamed in batches of one, from the second in the
        # child process (rows made there in the cache's layout).
        monkeypatch.setattr(importer, "BATCH", 1)
        monkeypatch.setattr(tokenise_child, "MIN_CORES", 1)
        more = [replace(p, id=f"2402.{i:05d}") for i, p in enumerate(PAPERS)]
        store.import_stream(Digest("d2", date="2024-01-02"), iter([REVISED, *more]))
        _index_is_its_papers(store, 1)
        second = _answers(store)
    for q, want in {
        'au:"na zhang"': [],  # no stale match
        "au:zhao": _ids(REVISED),
        "dense": _ids(REVISED),
        "study": [],  # (the old abstract's)
        'au:"li na"': _ids(REVISED, LI_NA),  # layout 1 still
    }.items():
        assert [i for i in second[q] if i.startswith("2401.")] == want, q
    with Store.open(db) as store:  # a later session: the same answers
        assert _answers(store) == second
        _index_is_its_papers(store, 1)
    done = run_cli("reindex", db=db)
    assert done.returncode == 0, done.stderr
    with Store.open(db) as store:
        assert store.stats()["search_index"] == "current"
        _index_is_its_papers(store, 2)
        third = _answers(store)
        twin = {p.id: m.id for p, m in zip(PAPERS, more, strict=True)}  # (the copies)
        new = {q: sorted({*want, *(twin[i] for i in want)}) for q, want in NEW_ANSWERS.items()}
        assert third == {**second, **{q: new[q] for q in LAYOUT_1}}
        assert third["skips"] == _ids(REVISED, more[0])
        # And rows are now written and deleted in layout 2.
        back = replace(WEI_LI_NA_ZHANG, version="v3")  # "Na Zhang" again
        store.import_digest(Digest("d3", date="2024-01-03", papers=[back]))
        _index_is_its_papers(store, 2)
    with Store.open(db) as store:
        _index_is_its_papers(store, 2)
        assert _answers(store)['au:"na zhang"'] == _ids(WEI_LI_NA_ZHANG, more[0])


def test_an_empty_cache_of_schema_9_takes_the_current_layout(tmp_path):
    db = tmp_path / "empty.db"
    with Store.open(db) as store:
        search_index.rebuild_search_index(store._conn(), layout=1)
        store._conn().execute("DROP TABLE removed_lists")  # (schema 12)
        store._conn().execute("DROP TABLE claims")  # (schema 17)
        store._conn().execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        store._conn().execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        store._conn().execute("DROP TABLE hand_read")  # (schema 14)
        store._conn().execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        store._conn().execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        store._conn().execute("PRAGMA user_version = 9")
    with Store.open(db) as store:
        assert search_index.row_layout(store._conn()) == 2
        assert store.stats()["search_index"] == "current"


TEXT = st.text(st.sampled_from("ab 李娜-é." + APART + "\u3000Ａ"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=4))
def test_no_query_and_no_word_of_a_text_holds_the_separator(texts):
    """`APART` is never a token of a query or of a text: only `apart` writes it."""
    for text in texts:
        assert not any(APART in t for t, _ in query_tokens(text))
        assert not any(APART in t for t in tokens(text))
    latin: set[str] = set()
    column, prefixes = index_pair(*texts, latin=latin, apart=True)
    assert APART not in prefixes and not any(APART in w for w in latin)
    pieces = [index_pair(t)[0] for t in texts]
    assert column == f" {APART} ".join(p for p in pieces if p)
