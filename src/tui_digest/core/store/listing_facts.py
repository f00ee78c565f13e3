"""What the digests listing a paper say of it: their kinds and categories.

Apart from `enrichment` so that the importer can ask without importing it
(`enrichment` -> `papers` -> `queries` -> `days` -> `importer` was a cycle).
"""

from __future__ import annotations

import sqlite3

# The kinds (comma-separated) of the documents listing a paper at a version (a
# listing that gave no version counts as of the paper's at the time).
KINDS_AT_VERSION = (
    "SELECT group_concat(DISTINCT d.kind) FROM membership m JOIN digests d ON d.pk = m.digest "
    "WHERE m.paper = {paper} AND (m.version = {version} OR m.version = '')"
)


def listing_kinds(
    conn: sqlite3.Connection, pk: int, version: str, *, besides: int | None = None
) -> set[str]:
    """The kinds of the documents listing the paper at `pk` at `version` (but for
    the digest row `besides`, one being imported again)."""
    sql = KINDS_AT_VERSION.format(paper="?", version="?")
    args: tuple[object, ...] = (pk, version)
    if besides is not None:
        sql += " AND m.digest != ?"
        args = (*args, besides)
    (kinds,) = conn.execute(sql, args).fetchone()
    return {k for k in (kinds or "").split(",") if k}


def listing_categories(conn: sqlite3.Connection, pk: int) -> list[str]:
    """The categories of the digests listing the paper at `pk` (their sources')."""
    return [
        c
        for (c,) in conn.execute(
            "SELECT DISTINCT d.category FROM membership m JOIN digests d ON d.pk = m.digest "
            "WHERE m.paper = ? AND d.category != '' ORDER BY d.date, d.pk",
            (pk,),
        )
    ]
