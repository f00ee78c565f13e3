"""A streamed import reads and tokenises ahead in a thread (issue 13 req 1).

`read_ahead.ReadAhead` runs the document's reading (and the new papers'
tokenising, `NewRows`) one batch ahead of the importing thread, which writes
with multi-row statements (`bulk`). The cache must come out as before (the
whole-import comparison of `test_store_stream_import` runs through it); these
tests hold the rest: errors cross over, a failure stops the thread, rows made
ahead are used only for the papers they were made from, and multi-row
statements write what `executemany` writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from tests.hostile.inputs import many_papers

from tui_digest.core import schema
from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_index import ROW_LAYOUT
from tui_digest.core.store import Store, importer
from tui_digest.core.store import index as store_index
from tui_digest.core.store.bulk import insert_rows, values_sql
from tui_digest.core.store.index import Ready, index_rows
from tui_digest.core.store.read_ahead import NewRows, ReadAhead, ready_rows
from tui_digest.core.store.rows import search_values, search_values_words


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "import-read-ahead"]


def test_rows_made_ahead_are_the_ones_indexed(tmp_path, monkeypatch):
    """A new digest's new papers are tokenised in the reading thread only."""
    made_in: list[str] = []
    real = search_values_words

    def spy(p: Paper, latin: set[str], layout: int = ROW_LAYOUT) -> tuple[str, ...]:
        made_in.append(threading.current_thread().name)
        return real(p, latin, layout)

    monkeypatch.setattr("tui_digest.core.store.read_ahead.search_values_words", spy)
    monkeypatch.setattr(store_index, "search_values_words", spy)
    monkeypatch.setattr(importer, "BATCH", 7)
    # (Not in a child process: `test_tokenise_child` holds that.)
    monkeypatch.setattr("tui_digest.core.store.tokenise_child.FROM_BATCH", None)
    with Store.open(tmp_path / "c.db") as store:
        # A later digest: the papers it holds stay listed there (none moves).
        store.import_digest(Digest("a", date="2024-03-20", papers=many_papers(5)))
        made_in.clear()
        # 5 papers already in the cache, 20 new, one new id twice.
        papers = [*many_papers(5), *many_papers(20, prefix="25")]
        papers.append(replace(papers[7]))
        stats = store.import_stream(Digest("b", date="2024-03-19"), iter(papers))
        assert (stats.new, stats.unchanged) == (20, 5)
        assert made_in == ["import-read-ahead"] * 20
        assert [r.rowid for r in store.search("number 7")]  # indexed and found
    assert not _threads()


def test_an_error_while_reading_is_raised_in_the_importing_thread():
    def batches() -> Iterator[list]:
        yield [(1, Paper(id="1"), b"")]
        raise ValueError("digest.md:12: a broken table row")

    with ReadAhead(batches()) as ahead, pytest.raises(ValueError, match=r"digest\.md:12"):
        for _ in ahead:
            pass
    assert not _threads()


def test_a_failure_while_writing_stops_the_reading_thread(tmp_path, monkeypatch):
    """The transaction is rolled back and the thread does not read on."""
    pulled: list[int] = []

    def papers() -> Iterator[Paper]:
        for i, p in enumerate(many_papers(200), 1):
            pulled.append(i)
            yield p

    def fail(self, batch, **kw):  # the second batch's writes fail
        if self.stats.new:
            raise sqlite3.OperationalError("disk I/O error")
        real_add(self, batch, **kw)

    real_add = importer.DigestImport.add
    monkeypatch.setattr(importer, "BATCH", 10)
    monkeypatch.setattr(importer.DigestImport, "add", fail)
    with Store.open(tmp_path / "c.db") as store:
        with pytest.raises(Exception, match="disk I/O error"):
            store.import_stream(Digest("b", date="2024-03-19"), papers())
        assert store.count() == 0 and store.digests() == []
    assert not _threads()
    assert len(pulled) <= 40  # two batches written or failed, at most two read ahead


def test_new_rows_are_those_of_papers_new_to_the_cache_and_the_stream(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        store.import_digest(Digest("a", date="2024-03-18", papers=many_papers(3)))
        rows = NewRows(store._snapshot)
        old, new = many_papers(3), many_papers(4, prefix="25")
        first = rows([(1, old[0], b""), (2, new[0], b""), (3, new[1], b""), (4, new[0], b"")])
        # (From the second batch on, maybe made in a child process: `tokenise_child`.)
        second = ready_rows(
            rows([(5, new[1], b""), (6, new[2], b""), (7, replace(new[3], id=""), b"")])
        )
        rows.close()
    assert isinstance(first, Ready) and isinstance(second, Ready)
    assert list(first.rows) == [new[0].id, new[1].id]
    assert first.rows[new[0].id] == (new[0], search_values(new[0]))
    assert list(second.rows) == [new[2].id]
    words: set[str] = set()
    search_values_words(new[0], words)
    search_values_words(new[1], words)
    assert first.words == words


def _terms(conn: sqlite3.Connection) -> set[str]:
    return {t for (t,) in conn.execute("SELECT term FROM terms")}


def test_a_row_made_ahead_but_not_used_brings_no_terms(tmp_path):
    """Only the words of the papers indexed reach `terms`, whichever way they were made."""
    a = Paper(id="2401.00001", title_en="Alphabetical ordering")
    b = Paper(id="2401.00002", title_en="Bathymetric surveys")
    c = Paper(id="2401.00003", title_en="Cartographic projections")
    made = Ready()
    for p in (a, b):
        made.rows[p.id] = (p, search_values_words(p, made.words))

    def terms_of(*papers: Paper) -> set[str]:
        return set().union(*(schema.row_terms(search_values(p)) for p in papers))

    with Store.open(tmp_path / "c.db") as store:
        conn = store._conn()
        # `b` is indexed from another object than the one its row was made from.
        index_rows(conn, [(1, a), (2, replace(b)), (3, c)], ready=made, bulk=True)
        assert _terms(conn) == terms_of(a, b, c)
    with Store.open(tmp_path / "d.db") as other:
        index_rows(other._conn(), [(1, a)], ready=made)  # `b`'s row unused
        assert _terms(other._conn()) == terms_of(a) == {"alphabetical", "ordering", "2401", "00001"}


def test_multi_row_statements_write_what_executemany_writes():
    rows = [(i, f"t{i}'\"，模型\n", None if i % 3 else i * 1.5, b"\x00\xff") for i in range(23)]
    conns = []
    for bulk, limit in ((False, None), (True, None), (True, 10), (True, 4)):
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t(a INTEGER, b TEXT, c, d BLOB)")
        if limit:
            conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        insert_rows(conn, "INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?)", rows, bulk=bulk)
        conns.append(conn)
    tables = [c.execute("SELECT rowid, a, b, c, typeof(c), d FROM t").fetchall() for c in conns]
    assert len(tables[0]) == 23
    assert all(t == tables[0] for t in tables[1:])
    assert values_sql("INSERT INTO t(a) VALUES (?)", 3) == (
        "INSERT INTO t(a) SELECT * FROM (VALUES (?),(?),(?)) WHERE column1 IS NOT NULL"
    )
    with pytest.raises(ValueError):
        values_sql("INSERT INTO t(a) SELECT 1", 2)
    assert schema.FTS_INSERT.count("?") == len(schema.SEARCH_COLUMNS) + 1


def test_multi_row_statements_come_in_few_shapes(monkeypatch):
    """Row counts are padded to the next power of two (or a full chunk): a
    compiled statement per shape, not per count (Python's sqlite3 keeps 128
    of them, each as big as its rows), and one statement per chunk."""
    from tui_digest.core.store import bulk

    monkeypatch.setattr(bulk, "ROWS", 20)
    monkeypatch.setattr(bulk, "SMALLEST", 4)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(a INTEGER, b TEXT)")
    statements: set[str] = set()
    sizes: list[int] = []

    def spy(sql: str, rows: int) -> str:
        statements.add(made := values_sql(sql, rows))
        sizes.append(rows)
        return made

    monkeypatch.setattr(bulk, "values_sql", spy)
    total = 0
    for n in range(1, 48):
        sizes.clear()
        rows = [(total + i, None) for i in range(n)]
        insert_rows(conn, "INSERT INTO t(a, b) VALUES (?, ?)", rows, bulk=True)
        total += n
        assert len(sizes) == -(-n // 20)  # one statement per chunk of 20
        last = n % 20 or 20
        assert sizes[-1] < 2 * last or sizes[-1] == 4  # at most half of it padding
    assert len(statements) == 4  # 4, 8, 16 and 20 rows
    # Every row once, in order (an FTS5 index wants rising rowids).
    assert [r[0] for r in conn.execute("SELECT a FROM t ORDER BY rowid")] == list(range(total))
    assert conn.execute("SELECT count(*), count(b) FROM t").fetchone() == (total, 0)


def test_statement_shapes_are_powers_of_two_up_to_a_full_chunk():
    from tui_digest.core.store.bulk import SMALLEST, shape

    assert shape(1, 2000) == SMALLEST == 16
    assert [shape(n, 2000) for n in (16, 17, 67, 437, 1000, 1024, 1025, 2000)] == [
        16, 32, 128, 512, 1024, 1024, 2000, 2000,
    ]  # fmt: skip
    assert shape(1000, 1092) == 1024 and shape(1050, 1092) == 1092
    assert shape(3, 1) == 1 and shape(5, 10) == 10


def _kept_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kept-bytes"]


def test_kept_bytes_are_compressed_in_a_thread_exactly(tmp_path, monkeypatch):
    """The original bytes, read in many chunks, come out whole (compressed elsewhere)."""
    import io
    import zlib

    from tui_digest.core import text_stream

    monkeypatch.setattr(text_stream, "CHUNK", 1000)  # many chunks, more than AHEAD
    data = ("模型 model\r\n" * 5000).encode()
    text, _, kept = text_stream.open_kept(io.BytesIO(data))
    with kept:
        assert "".join(text_stream.split_lines(text)).count("model") == 5000
        out, size = kept.compressed()
        assert zlib.decompress(out.read()) == data and size < len(data)
    assert not _kept_threads()


def test_an_error_while_compressing_is_raised_and_the_thread_ends(monkeypatch):
    """A full disk under the temporary file: `compressed()` raises it; reading never hangs."""
    import io

    from tui_digest.core import text_stream

    monkeypatch.setattr(text_stream, "CHUNK", 1000)
    text, _, kept = text_stream.open_kept(io.BytesIO(b"x" * 100_000))

    def full(data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kept._out, "write", full)
    with kept:
        text.read()  # 100 chunks: far more than wait for the thread
        with pytest.raises(OSError, match="No space left"):
            kept.compressed()
    assert not _kept_threads()


def test_closing_kept_bytes_unread_ends_its_thread():
    import io

    from tui_digest.core import text_stream

    text, _, kept = text_stream.open_kept(io.BytesIO(b"abc"))
    assert _kept_threads()
    kept.close()
    assert not _kept_threads()
    del text  # (dropping the text closes it, and `kept` with it, as well)
