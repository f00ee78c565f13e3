"""Whole rows of the `papers` table as `PaperRow`s (see `rows` for writing them).

A row read with `PAPER_COLS` becomes a `PaperRow` (a named tuple: as fast as
the plain tuple, but read by name, so adding a column cannot silently shift
which value a field gets). A module of its own, loaded when a paper is first
read whole: the reader's first frame reads list rows only (issue 13 req 5).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from tui_digest.core.store.rows import in_chunks

if TYPE_CHECKING:
    from tui_digest.core.paper import Paper


class PaperRow(NamedTuple):
    """One `papers` row as `SELECT {PAPER_COLS}` returns it."""

    pk: int
    id: str
    version: str
    url: str
    title_en: str
    title_zh: str
    summary_zh: str
    abstract_en: str
    abstract_zh: str
    authors: str  # JSON list
    categories: str  # JSON list
    announce_type: str
    published: str
    extras: str  # JSON object
    read: int
    starred: int
    sort_key: int
    summary_en: str
    arxiv_abstract: str

    def paper(self) -> Paper:
        from tui_digest.core.paper import Paper  # (not for the first frame's rows)

        return Paper(
            id=self.id,
            version=self.version,
            url=self.url,
            title_en=self.title_en,
            title_zh=self.title_zh,
            summary_zh=self.summary_zh,
            abstract_en=self.abstract_en,
            abstract_zh=self.abstract_zh,
            authors=json.loads(self.authors),
            categories=json.loads(self.categories),
            announce_type=self.announce_type,
            published=self.published,
            extras=json.loads(self.extras),
            summary_en=self.summary_en,
            arxiv_abstract=self.arxiv_abstract,
        )


PAPER_COLS = ", ".join(PaperRow._fields)


def paper_rows(
    conn: sqlite3.Connection, where: str, params: Sequence[object] = ()
) -> Iterator[PaperRow]:
    """`PaperRow`s of `SELECT … FROM papers WHERE {where}`."""
    cursor = conn.execute(f"SELECT {PAPER_COLS} FROM papers WHERE {where}", tuple(params))
    return map(PaperRow._make, cursor)


def paper_rows_in(
    conn: sqlite3.Connection, column: str, keys: Sequence[object]
) -> Iterator[PaperRow]:
    """`PaperRow`s whose `column` (pk or id) is one of `keys`, in chunks; any order."""
    for chunk, marks in in_chunks(keys):
        yield from paper_rows(conn, f"{column} IN ({marks})", chunk)
