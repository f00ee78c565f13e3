"""Search rows reach FTS5 in ascending rowid order (see `core.store.index`).

FTS5 writes its pending rows out as a new segment whenever a rowid comes below
the previous one, and an import meets its papers in descending key order: fed
as met, a digest was written one segment per paper (and merged again later).
"""

from __future__ import annotations

import sqlite3

from tui_digest.core import schema
from tui_digest.core.model import Paper
from tui_digest.core.store.index import index_rows, unindex_rows


class Recording:
    """A connection that remembers the rowids of each FTS5 insert and delete."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.keys: dict[str, list[int]] = {"insert": [], "delete": []}

    def executemany(self, sql: str, rows):  # type: ignore[no-untyped-def]
        rows = list(rows)
        if sql == schema.FTS_INSERT:
            self.keys["insert"] += [r[0] for r in rows]
        elif sql == schema.FTS_DELETE:
            self.keys["delete"] += [r[0] for r in rows]
        return self.conn.executemany(sql, rows)

    def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
        return self.conn.execute(sql, *args)  # (the cache's row layout is read)


def _paper(i: int) -> Paper:
    return Paper(id=f"2401.{i:05d}", title_en=f"Paper {i} on diffusion", title_zh="扩散模型")


def test_rows_go_to_fts5_lowest_key_first(tmp_path):
    conn = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    try:
        schema.migrate(conn)
        rec = Recording(conn)
        keys = [9, 3, 700, 5, 1, 64]  # as an import meets them: not in order
        rows = [(k, _paper(k)) for k in keys]
        conn.execute("BEGIN")
        index_rows(rec, rows)  # type: ignore[arg-type]
        conn.execute("COMMIT")
        assert rec.keys["insert"] == sorted(keys)
        found = conn.execute("SELECT rowid FROM search WHERE search MATCH '扩散' ORDER BY rowid")
        assert [r[0] for r in found] == sorted(keys)
        conn.execute("BEGIN")
        unindex_rows(rec, rows)  # type: ignore[arg-type]
        conn.execute("COMMIT")
        assert rec.keys["delete"] == sorted(keys)
        # What went in came out again.
        assert conn.execute("SELECT count(*) FROM search WHERE search MATCH 'diffusion'"
                            ).fetchone()[0] == 0  # fmt: skip
        conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")
    finally:
        conn.close()


def _hash_size(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT v FROM search_config WHERE k = 'hashsize'").fetchone()
    return None if row is None else int(row[0])


def test_imports_and_reindexing_give_fts5_a_larger_pending_batch(tmp_path):
    """FTS5's 'hashsize' is set by every import and by a rebuild of the index."""
    from tui_digest.core.model import Digest
    from tui_digest.core.search_index import FTS_HASH_SIZE, rebuild_search_index
    from tui_digest.core.store import Store

    path = tmp_path / "c.db"
    with Store.open(path) as store:
        store.import_digest(Digest(name="d", date="2024-05-01", papers=[_paper(1)]))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert _hash_size(conn) == FTS_HASH_SIZE
        conn.execute("DELETE FROM search_config WHERE k = 'hashsize'")  # as a cache from before
    finally:
        conn.close()
    with Store.open(path) as store:  # the next import, after a restart, sets it again
        store.import_digest(Digest(name="e", date="2024-05-02", papers=[_paper(2)]))
        assert store.search("diffusion")  # the index still answers
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert _hash_size(conn) == FTS_HASH_SIZE
        conn.execute("BEGIN")
        assert rebuild_search_index(conn) == 2
        conn.execute("COMMIT")
        assert _hash_size(conn) == FTS_HASH_SIZE
    finally:
        conn.close()
