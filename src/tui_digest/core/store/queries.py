"""Running compiled search queries (see `core.query`) against the cache.

Listing order everywhere: newest digest first (digest date, then import
order), then ref order; a paper in several digests sorts by its newest
appearance. Inside one digest (`digest=` argument) papers keep that digest's
ref order. The order is kept in `papers.sort_key` (see `schema.sort_key`).

Every function raises `QueryError` (a ValueError) for a malformed query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core.model import ListRow
from tui_digest.core.query import parse_query
from tui_digest.core.query_compile import Plan
from tui_digest.core.query_dates import day_iso
from tui_digest.core.query_fts import MAX_EXPANSION
from tui_digest.core.query_user import compile_any
from tui_digest.core.search_tokens import fold
from tui_digest.core.store.days import resolve
from tui_digest.core.store.rows import CHUNK, list_rows
from tui_digest.core.store.user_log import has_notes

# Read at call time, so a test can lower it to exercise the fallback.
max_expansion = MAX_EXPANSION


def plan(conn: sqlite3.Connection, query: str, digest: str | None) -> Plan:
    if digest is not None:
        digest = canonical_name(conn, digest)
    return compile_any(
        parse_query(query),
        digest=digest,
        expand=lambda p: _expand(conn, p),
        relisted=lambda first, last, above: _relisted_cached(conn, first, last, above),
        notes=has_notes(conn),  # bare words then also search notes
    )


# The answers of `_relisted` per connection while the cache does not change:
# {id(conn): (conn, (data_version, total_changes), {(first, last, above): keys})}.
# A date: query is planned for its page, its count and its id list, and again
# on every keystroke that follows, and reading the keys costs ~15 ms for a
# month at 65k papers. The connection is held so that its id is not reused.
_RELISTED: dict[
    int, tuple[sqlite3.Connection, tuple[int, int], dict[tuple[int, int, int], list[int]]]
] = {}
_RELISTED_CONNECTIONS = 8


def _relisted_cached(conn: sqlite3.Connection, first: int, last: int, above: int) -> list[int]:
    # data_version changes when another connection commits; total_changes when this one writes.
    stamp = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes)
    entry = _RELISTED.get(id(conn))
    if entry is None or entry[0] is not conn or entry[1] != stamp:
        if entry is None and len(_RELISTED) >= _RELISTED_CONNECTIONS:
            _RELISTED.pop(next(iter(_RELISTED)))
        entry = _RELISTED[id(conn)] = (conn, stamp, {})
    answers = entry[2]
    key = (first, last, above)
    if key not in answers:
        answers[key] = _relisted(conn, first, last, above)
    return answers[key]


def _relisted(conn: sqlite3.Connection, first: int, last: int, above: int) -> list[int]:
    """Listing keys above `above` of papers listed in a digest dated in [first, last].

    Two ways to the same answer; the one with fewer membership rows to read is
    taken, judged from the digests' counts: from the range's digests (a day
    or a week long ago), or from the papers placed after the range (a month
    or a year that reaches today, where few papers come later).
    """
    lo, hi = day_iso(first), day_iso(last)
    inside, after = conn.execute(
        "SELECT coalesce(sum(CASE WHEN date BETWEEN ?1 AND ?2 THEN count END), 0), "
        "coalesce(sum(CASE WHEN date > ?2 THEN count END), 0) FROM digests",
        (lo, hi),
    ).fetchone()
    if not inside or not after:
        return []
    if inside <= after:
        sql = (
            "SELECT DISTINCT p.sort_key FROM digests d JOIN membership m ON m.digest = d.pk "
            "JOIN papers p ON p.pk = m.paper WHERE d.date BETWEEN ? AND ? AND p.sort_key > ?"
        )
    else:
        sql = (
            "SELECT DISTINCT l.key FROM listing l JOIN membership m ON m.paper = l.pk "
            "JOIN digests d ON d.pk = m.digest WHERE d.date BETWEEN ? AND ? AND l.key > ?"
        )
    return [r[0] for r in conn.execute(sql, (lo, hi, above))]


def canonical_name(conn: sqlite3.Connection, name: str) -> str:
    """A digest's name from its name or an alias (the newest digest with that alias)."""
    pk = resolve(conn, name)
    if pk is None:
        return name
    return str(conn.execute("SELECT name FROM digests WHERE pk = ?", (pk,)).fetchone()[0])


def rows_in_digest(
    conn: sqlite3.Connection, rowids: Sequence[int], digest: str | None
) -> list[ListRow]:
    """List rows; inside a digest, each with THAT digest's ref and date."""
    rows = list_rows(conn, rowids)
    if digest is None or not rows:
        return rows
    pk = resolve(conn, digest)
    if pk is None:
        return rows
    date = conn.execute("SELECT date FROM digests WHERE pk = ?", (pk,)).fetchone()[0]
    refs: dict[int, int] = {}
    for i in range(0, len(rows), CHUNK):
        chunk = [r.rowid for r in rows[i : i + CHUNK]]
        marks = ",".join("?" * len(chunk))
        refs.update(
            conn.execute(
                f"SELECT paper, min(ref) FROM membership WHERE digest = ? AND paper IN ({marks}) "
                "GROUP BY paper",
                (pk, *chunk),
            ).fetchall()
        )
    for row in rows:
        if row.rowid in refs:
            row.ref, row.date = refs[row.rowid], date
    return rows


def _expand(conn: sqlite3.Connection, prefix: str) -> list[str] | None:
    """Indexed words starting with `prefix`; None when there are too many to list."""
    prefix = fold(prefix)
    limit = max_expansion
    found = [
        r[0]
        for r in conn.execute(
            "SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit + 1),
        )
    ]
    return None if len(found) > limit else found


def count(conn: sqlite3.Connection, query: str, digest: str | None, cap: int | None = None) -> int:
    """Papers matching; with `cap`, at most cap + 1 (more than `cap`: "10,000+").

    Matches come in listing order and a capped count stops reading after
    cap + 1 of them: at 500k papers a count of a common word reads 10,001
    matches instead of a few hundred thousand.
    """
    p = plan(conn, query, digest)
    if cap is None:
        return int(conn.execute(p.count_sql, p.params).fetchone()[0])
    capped = f"SELECT count(*) FROM ({p.ids_sql} LIMIT ?)"
    return int(conn.execute(capped, (*p.params, cap + 1)).fetchone()[0])


def list_ids(conn: sqlite3.Connection, query: str, digest: str | None) -> list[int]:
    p = plan(conn, query, digest)
    # One string instead of a Python row per match: several times faster for
    # tens of thousands of ids. The subquery keeps its ORDER BY (SQLite does
    # not flatten an ordered subquery into an aggregate).
    joined = conn.execute(f"SELECT group_concat(pk) FROM ({p.ids_sql})", p.params).fetchone()[0]
    return list(map(int, joined.split(","))) if joined else []


def _page_ids(conn: sqlite3.Connection, p: Plan, limit: int, offset: int) -> list[int]:
    return [r[0] for r in conn.execute(p.ids_sql + " LIMIT ? OFFSET ?", (*p.params, limit, offset))]


def search(
    conn: sqlite3.Connection, query: str, digest: str | None, limit: int, offset: int
) -> list[ListRow]:
    return rows_in_digest(conn, _page_ids(conn, plan(conn, query, digest), limit, offset), digest)


def page(
    conn: sqlite3.Connection,
    query: str,
    digest: str | None,
    limit: int,
    offset: int,
    *,
    count: bool = True,
) -> tuple[int | None, list[ListRow]]:
    """(total matches, one page of rows): what a listing shows, from one plan.

    When the whole result fits in the first page, its length is the total and
    the count query (a second full evaluation) is skipped; narrow and
    excluding queries, the slowest to evaluate, are usually in that case.
    `count=False` skips the count for a full page too (the total is then None):
    the reader draws the page first and counts after (ui/screens/listing.py).
    """
    p = plan(conn, query, digest)
    ids = _page_ids(conn, p, limit + 1, offset)
    total: int | None
    if offset == 0 and len(ids) <= limit:
        total = len(ids)
    elif not count:
        total = None
    else:
        total = int(conn.execute(p.count_sql, p.params).fetchone()[0])
    return total, rows_in_digest(conn, ids[:limit], digest)
