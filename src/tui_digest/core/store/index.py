"""Keeping the search index and the listing order in step with the papers.

The FTS5 index is contentless and its rowid is the paper's listing key
(`schema.sort_key`), so a paper that moves in the listing must have its old
index row deleted (with exactly the values it was inserted with) and a new
one inserted at the new key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core import schema
from tui_digest.core.model import Paper
from tui_digest.core.store.rows import search_values


def index_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int | None, Paper]]) -> None:
    """Insert the search rows of papers at their keys, and their long words into `terms`."""
    terms: set[str] = set()
    values = []
    for key, p in rows:
        v = search_values(p)
        terms.update(schema.row_terms(v))
        values.append((key, *v))
    conn.executemany(schema.FTS_INSERT, values)
    conn.executemany(schema.TERMS_INSERT, ((t,) for t in terms))


def unindex_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, Paper]]) -> None:
    """Delete the search rows of papers that were indexed at these keys."""
    conn.executemany(schema.FTS_DELETE, [(key, *search_values(p)) for key, p in rows])


def placement(conn: sqlite3.Connection, pk: int, published: str) -> tuple[int, str, int]:
    """(sort_key, list_date, list_ref) from the paper's newest appearance.

    Newest means the latest date; among digests of that date the paper stays
    where it was first listed. The same papers arrive the same day from the
    digest and from arXiv's feed (and as cross-lists in several categories),
    and moving them would re-key, so re-tokenise, every one of them.
    """
    best: tuple[tuple[int, int], int, str, int] | None = None
    for date, dpk, ref in conn.execute(
        "SELECT d.date, d.pk, m.ref FROM membership m JOIN digests d ON d.pk = m.digest "
        "WHERE m.paper = ?",
        (pk,),
    ):
        when = date or published
        rank = (schema.date_days(when), -dpk)
        if best is None or rank > best[0]:
            best = (rank, schema.sort_key(when, dpk, ref), when, ref)
    if best is None:
        return schema.orphan_key(published, pk), published, 0
    return best[1], best[2], best[3]
