"""Keeping the search index and the listing order in step with the papers.

The FTS5 index is contentless and its rowid is the paper's listing key
(`schema.sort_key`), so a paper that moves in the listing must have its old
index row deleted (with exactly the values it was inserted with) and a new
one inserted at the new key. Both are made by the row builder of the
cache's layout (`search_index.row_layout`), which every row of it was
inserted with.

Rows go to FTS5 in ascending rowid order. FTS5 gathers pending rows in memory
and writes them out as a new segment whenever a row's rowid is below the last
one's (or the pending data passes its hash size): see sqlite3Fts5IndexBeginWrite
in SQLite's ext/fts5/fts5_index.c. An import meets its papers in listing
order, which is descending key order, so unsorted it wrote a segment per paper
and merged them all again later: a 10k-paper digest's FTS5 inserts took 3.8 s
of CPU, sorted 2.3 s, for the same index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import field

from tui_digest.core.listing_key import placement
from tui_digest.core.model import Paper
from tui_digest.core.record import record
from tui_digest.core.search_index import (
    FTS_DELETE,
    FTS_INSERT,
    ROW_LAYOUT,
    TERMS_INSERT,
    long_terms,
    row_layout,
    row_terms,
)
from tui_digest.core.store.bulk import insert_rows
from tui_digest.core.store.rows import search_values, search_values_words

# Papers tokenised per `executemany`: a paper's index text is two to three
# times its own (CJK bigrams, prefix columns), so a 65k-paper document
# tokenised at once held ~0.5 GB of it; a chunk holds a few MB.
CHUNK = 500
# Papers per multi-row statement (`bulk`). FTS5 writes its pending rows out as
# a segment at the start of every statement that may need undoing part-way
# (its xSavepoint: `fts5SavepointMethod` in SQLite's ext/fts5/fts5_main.c),
# which a multi-row INSERT is: a statement per 500 papers made segments of
# 500, a quarter of what the 4 MB hash size gathers (`FTS_HASH_SIZE`).
BULK_CHUNK = 2000


def _ascending(rows: Sequence[tuple[int | None, Paper]]) -> list[tuple[int | None, Paper]]:
    """`rows` by key, lowest first (a row without a key last: FTS5 gives it the next rowid)."""
    return sorted(rows, key=lambda row: (row[0] is None, row[0] or 0))


@record()
class Ready:
    """Search rows made ahead of time (`read_ahead`): by id, the paper each was
    made from (a row is used only for that very object) and the row; and the
    Latin/digit words of all of them (one set: per paper, sets cost memory).

    `words_of`: each paper's words instead, for rows made before it is known
    which papers are new (a small document read while the previous one is
    written, `read_ahead.NewRows` without the store), as the tokeniser's dicts
    (`read_ahead.WordDicts`): then `terms` gets the words of the rows used,
    without tokenising them again.

    `values`: each paper's `rows.paper_values` (its `papers` row), also made
    ahead: the importing thread sets the pace of a large import once its rows
    are tokenised in a child process (`tokenise_child`), and that JSON encoding
    was most of its own Python (~0.12 s per 10k papers under cProfile).

    `layout`: the row layout the rows were made in; a cache of another
    layout (`search_index.row_layout`) makes its own instead."""

    rows: dict[str, tuple[Paper, tuple[str, ...]]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    words_of: dict[str, list[dict[str, None]]] | None = None
    values: dict[str, tuple[object, ...]] = field(default_factory=dict)
    layout: int = ROW_LAYOUT

    def values_of(self, paper: Paper) -> tuple[object, ...] | None:
        """`paper`'s values made ahead, if made from this very object."""
        row = self.rows.get(paper.id)
        return self.values.get(paper.id) if row is not None and row[0] is paper else None


def index_rows(
    conn: sqlite3.Connection,
    rows: Sequence[tuple[int | None, Paper]],
    progress: Callable[[int], object] | None = None,
    *,
    ready: Ready | None = None,
    bulk: bool = False,
) -> None:
    """Insert the search rows of papers at their keys, and their long words into `terms`.

    `progress(n)` is called after each chunk of `n` papers (the bulk of an import's time).
    `ready`: rows already made; `bulk`: multi-row statements (see `bulk`).
    """
    latin: set[str] = set()  # every paper's Latin/digit words, folded once at the end
    layout = row_layout(conn)
    if ready is not None and ready.layout != layout:
        ready = None  # (rows made for a cache of another layout: made again here)
    made: dict[str, tuple[Paper, tuple[str, ...]]] = ready.rows if ready else {}
    used: list[tuple[str, ...]] = []
    used_ids: list[str] = []
    rows = _ascending(rows)
    step = BULK_CHUNK if bulk else CHUNK
    for start in range(0, len(rows), step):
        values = []
        for key, p in rows[start : start + step]:
            row = made.get(p.id)
            if row is not None and row[0] is p:
                values.append((key, *row[1]))
                used.append(row[1])
                used_ids.append(p.id)
            else:
                values.append((key, *search_values_words(p, latin, layout)))
        insert_rows(conn, FTS_INSERT, values, bulk=bulk)
        if progress is not None:
            progress(len(values))
    words_of = ready.words_of if ready is not None else None
    if words_of is not None:  # rows made before it was known which are new: the used ones'
        for pid in used_ids:
            latin.update(*words_of[pid])  # (a paper's words: a dict per text)
    terms = long_terms(latin)
    if ready is not None and words_of is None:  # (with `words_of`, they are in `latin`)
        if len(used) == len(made):
            terms |= long_terms(ready.words)
        else:  # some rows made ahead were not used: only the words of those that were
            for values_made in used:
                terms |= row_terms(values_made)
    insert_rows(conn, TERMS_INSERT, [(t,) for t in terms], bulk=bulk)


def unindex_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, Paper]]) -> None:
    """Delete the search rows of papers that were indexed at these keys (as
    the papers were then: their values are made again, in the cache's layout)."""
    rows = sorted(rows, key=lambda row: row[0])  # ascending, as `index_rows`
    layout = row_layout(conn)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        deletes = [(key, *search_values(p, layout)) for key, p in chunk]
        conn.executemany(FTS_DELETE, deletes)


placement = placement  # the listing-key rule lives with the key layout
