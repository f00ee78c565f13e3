"""Rows whose prefix columns an older version wrote sorted are deleted and replaced alike.

`search_tokens.index_pair` writes the prefix columns in first-appearance order
since issue 13 req 1, where it sorted them before; a cache indexed then keeps
those rows, and a contentless FTS5 delete of one is written from the paper
again with today's order. FTS5 marks each of the row's terms deleted whatever
its position, so the index must end up as if the old row had never been there.
"""

from __future__ import annotations

import sqlite3

from tests.test_fts_fold import UNICODE61_SEARCH

import tokens_reference as ref
from tui_digest.core import schema, search_index
from tui_digest.core.model import Paper
from tui_digest.core.store.index import index_rows, unindex_rows

OLD = Paper(
    id="2401.00001",
    title_en="Diffusion models for machine unlearning",
    title_zh="扩散模型的机器遗忘",
    abstract_en="We study catastrophic forgetting in large language models (LLMs).",
    abstract_zh="我们研究大型语言模型中的灾难性遗忘。",
    authors=["Ada Lovelace", "Jörg Ölz"],
    categories=["cs.LG", "cs.AI"],
)
KEPT = Paper(
    id="2401.00002",
    title_en="Graph neural networks",
    title_zh="图神经网络",
    abstract_en="Message passing on graphs; diffusion on manifolds.",
    authors=["Alan Turing"],
    categories=["cs.LG"],
)
NEW = Paper(
    id="2401.00001",
    title_en="Diffusion models for machine unlearning (v2)",
    title_zh="扩散模型的选择性遗忘",
    abstract_en="We study forgetting in small models.",
    authors=["Ada Lovelace"],
    categories=["cs.LG"],
)


def _open(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn)
    # Caches indexed with sorted prefix columns were made with FTS5's unicode61
    # tokenizer (before `fts_fold`), which folded the rows' text itself.
    conn.execute("DROP TABLE search")
    conn.execute(UNICODE61_SEARCH)
    # And their rows were of layout 1 (`search_index.row_layout`: no `meta` row).
    conn.execute("DELETE FROM meta WHERE key = ?", (search_index.LAYOUT_KEY,))
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search, 'instance')")
    return conn


def _instances(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT term, doc, col, offset FROM vocab ORDER BY 1, 2, 3, 4").fetchall()


def test_a_row_written_sorted_is_deleted_and_replaced_as_if_never_there(tmp_path, monkeypatch):
    conn = _open(tmp_path / "old.db")
    with monkeypatch.context() as m:  # as a cache indexed before: prefix columns sorted
        m.setattr(search_index, "index_pair", ref.index_pair)
        index_rows(conn, [(10, OLD), (20, KEPT)])
    pabs = conn.execute("SELECT pabs FROM search WHERE rowid = 10").fetchone()
    assert pabs == (None,)  # contentless: the values are not kept (hence deletes repeat them)
    unindex_rows(conn, [(10, OLD)])  # today's order
    index_rows(conn, [(30, NEW)])

    fresh = _open(tmp_path / "fresh.db")
    with monkeypatch.context() as m:
        m.setattr(search_index, "index_pair", ref.index_pair)
        index_rows(fresh, [(20, KEPT)])  # kept as it was written
    index_rows(fresh, [(30, NEW)])
    # Not a trace of the old row: every term, paper, column and position alike.
    assert _instances(conn) == _instances(fresh)
    match = "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid"
    for token in ("cat", "ca", "c", "大", "ll", "lov", "j"):
        q = (f"pabs : {token} OR pti : {token} OR pau : {token}",)
        assert conn.execute(match, q).fetchall() == fresh.execute(match, q).fetchall()
    assert conn.execute("SELECT rowid FROM search WHERE search MATCH 'pabs : cat'").fetchall() == []
    assert conn.execute("SELECT rowid FROM search WHERE search MATCH 'pabs : sma'").fetchall() == [
        (30,)
    ]
    conn.execute("INSERT INTO search(search) VALUES ('optimize')")
    conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")
    assert _instances(conn) == _instances(fresh)
    conn.close()
    fresh.close()


def test_relevance_ignores_the_prefix_columns_order(tmp_path, monkeypatch):
    """bm25 counts a term's occurrences and the column's length, not positions."""
    papers = [(10, OLD), (20, KEPT), (30, NEW)]
    ranks = []
    for name, pair in (("sorted", ref.index_pair), ("now", search_index.index_pair)):
        conn = _open(tmp_path / f"{name}.db")
        with monkeypatch.context() as m:
            m.setattr(search_index, "index_pair", pair)
            index_rows(conn, papers)
        ranks.append(
            conn.execute(
                "SELECT rowid, bm25(search) FROM search WHERE search MATCH "
                "'pabs : d OR pti : d OR pabs : 遗 OR pti : mo OR pau : a' ORDER BY rank"
            ).fetchall()
        )
        conn.close()
    assert ranks[0] == ranks[1]
    assert len(ranks[0]) == 3
