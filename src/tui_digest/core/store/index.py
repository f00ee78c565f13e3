"""Keeping the search index and the listing order in step with the papers.

The FTS5 index is contentless and its rowid is the paper's listing key
(`schema.sort_key`), so a paper that moves in the listing must have its old
index row deleted (with exactly the values it was inserted with) and a new
one inserted at the new key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from tui_digest.core import schema
from tui_digest.core.model import Paper
from tui_digest.core.store.rows import search_values, search_values_terms

# Papers tokenised per `executemany`: a paper's index text is two to three
# times its own (CJK bigrams, prefix columns), so a 65k-paper document
# tokenised at once held ~0.5 GB of it; a chunk holds a few MB.
CHUNK = 500


def index_rows(
    conn: sqlite3.Connection,
    rows: Sequence[tuple[int | None, Paper]],
    progress: Callable[[int], object] | None = None,
) -> None:
    """Insert the search rows of papers at their keys, and their long words into `terms`.

    `progress(n)` is called after each chunk of `n` papers (the bulk of an import's time).
    """
    terms: set[str] = set()
    for start in range(0, len(rows), CHUNK):
        values = []
        for key, p in rows[start : start + CHUNK]:
            v, long_words = search_values_terms(p)
            terms.update(long_words)
            values.append((key, *v))
        conn.executemany(schema.FTS_INSERT, values)
        if progress is not None:
            progress(len(values))
    conn.executemany(schema.TERMS_INSERT, ((t,) for t in terms))


def unindex_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, Paper]]) -> None:
    """Delete the search rows of papers that were indexed at these keys."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        conn.executemany(schema.FTS_DELETE, [(key, *search_values(p)) for key, p in chunk])


placement = schema.placement  # the listing-key rule lives with the key layout
