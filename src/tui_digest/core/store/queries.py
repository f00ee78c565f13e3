"""Running compiled search queries (see `core.query`) against the cache.

Listing order everywhere: newest digest first (digest date, then import
order), then ref order; a paper in several digests sorts by its newest
appearance. Inside one digest (`digest=` argument) papers keep that digest's
ref order. The order is kept in `papers.sort_key` (see `schema.sort_key`).

Every function raises `QueryError` (a ValueError) for a malformed query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from functools import wraps
from typing import ParamSpec, TypeVar

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.model import ListRow
from tui_digest.core.query import QueryError, parse_query
from tui_digest.core.query_compile import Plan
from tui_digest.core.query_dates import day_iso
from tui_digest.core.query_fts import MAX_EXPANSION
from tui_digest.core.query_user import compile_any
from tui_digest.core.store import queries_window
from tui_digest.core.store.days import resolve
from tui_digest.core.store.queries_shared import PerConnection
from tui_digest.core.store.rows import in_chunks, list_rows

# Read at call time, so a test can lower it to exercise the fallback.
max_expansion = MAX_EXPANSION


_P = ParamSpec("_P")
_R = TypeVar("_R")
# SQLite's words when a statement exceeds one of its limits (expression depth,
# parameters, parser stack, FTS5's expression depth): the query is too long.
_TOO_LONG = ("too large", "too many", "stack overflow", "too big", "too complex")


def _limits_are_query_errors(run: Callable[_P, _R]) -> Callable[_P, _R]:
    """A query beyond SQLite's limits is the user's `QueryError` (the CLI's
    exit 2, the reader's message), not a traceback (found by a bug hunt)."""

    @wraps(run)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return run(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if not any(words in str(exc).lower() for words in _TOO_LONG):
                raise
            raise QueryError(f"the search is too long ({exc})") from exc

    return checked


def has_notes(conn: sqlite3.Connection) -> bool:
    """Whether any paper has a note (`user_log` writes them; here so that a listing
    does not load that module: not before the reader's first frame, issue 13 req 5)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM paper_notes)").fetchone()[0] == 1


def plan(
    conn: sqlite3.Connection, query: str, digest: str | None, *, today: str | None = None
) -> Plan:
    """`query` planned; `today` anchors date:today and date:-Nd (`parse_query`)."""
    if digest is not None:
        digest = canonical_name(conn, digest)
    return compile_any(
        parse_query(query, today=today),
        digest=digest,
        expand=lambda p: _expand(conn, p),
        relisted=lambda first, last, above: _relisted_cached(conn, first, last, above),
        notes=has_notes(conn),  # bare words then also search notes
    )


# The answers of `_relisted` while the cache does not change (see
# `queries_shared`): a date: query is planned for its page, its count and its
# id list, and again on every keystroke that follows, and reading the keys
# costs ~15 ms for a month at 65k papers.
_RELISTED = PerConnection(entries=64)
# The keys of selective queries (`_collect`), newest first; None: more than COLLECT.
_COLLECTED = PerConnection(entries=8)
# A selective query's page collects at most this many keys (the reader's count
# cap): beyond, its count is "more than COLLECT" and its page walks the listing.
COLLECT = 10_000


def forget_answers() -> None:
    """Drop every kept answer (`benchmarks/search.py` times first readings)."""
    _RELISTED.clear()
    _COLLECTED.clear()


def _relisted_cached(conn: sqlite3.Connection, first: int, last: int, above: int) -> list[int]:
    answers = _RELISTED.answers(conn)
    key = (first, last, above)
    if key not in answers:
        _RELISTED.put(answers, key, _relisted(conn, first, last, above))
    return answers[key]  # type: ignore[return-value]


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
        # Only the papers some later digest lists again can be above the range
        # (`above` is its last key, as `date_cond` asks), and that is read from
        # the small `membership_paper` index: a ~3 KB `papers` row is read for
        # those few only (500k papers, half a month: 11 -> 6.5 ms; a month
        # long ago 22-26 -> 13 ms). When the later digests are the ones from
        # some pk on (digests imported in date order), "listed later" is a
        # range of that index, with no `digests` row to read per paper
        # (500k papers, a month long ago: 11.4 -> 7.1 ms).
        first_later = _first_later_digest(conn, hi)
        later = (
            "JOIN digests d2 ON d2.pk = m2.digest WHERE m2.paper = m.paper AND d2.date > ?2"
            if first_later is None
            else f"WHERE m2.paper = m.paper AND m2.digest >= {int(first_later)}"
        )
        sql = (
            "SELECT DISTINCT p.sort_key FROM papers p WHERE p.pk IN ("
            "SELECT m.paper FROM digests d JOIN membership m ON m.digest = d.pk "
            f"WHERE d.date BETWEEN ?1 AND ?2 AND EXISTS (SELECT 1 FROM membership m2 {later})"
            ") AND p.sort_key > ?3"
        )
    else:
        span = _digest_span(conn, lo, hi)
        listed = (
            "JOIN digests d ON d.pk = m.digest WHERE d.date BETWEEN ?1 AND ?2"
            if span is None
            else f"WHERE m.digest BETWEEN {span[0]} AND {span[1]}"  # 6.4 -> 4.9 ms
        )
        sql = f"SELECT DISTINCT l.key FROM listing l JOIN membership m ON m.paper = l.pk {listed}"
        sql += " AND l.key > ?3"
    return [r[0] for r in conn.execute(sql, (lo, hi, above))]


def _first_later_digest(conn: sqlite3.Connection, last: str) -> int | None:
    """The lowest pk of the digests dated after `last`, if every digest from it on is."""
    first = conn.execute("SELECT min(pk) FROM digests WHERE date > ?", (last,)).fetchone()[0]
    if (
        first is None
        or conn.execute(
            "SELECT 1 FROM digests WHERE pk > ? AND NOT date > ? LIMIT 1", (first, last)
        ).fetchone()
    ):
        return None
    return int(first)


def _digest_span(conn: sqlite3.Connection, first: str, last: str) -> tuple[int, int] | None:
    """(lowest, highest pk) of the digests dated in [first, last], if no other lies between."""
    low, high = conn.execute(
        "SELECT min(pk), max(pk) FROM digests WHERE date BETWEEN ? AND ?", (first, last)
    ).fetchone()
    if (
        low is None
        or conn.execute(
            "SELECT 1 FROM digests WHERE pk BETWEEN ? AND ? AND NOT date BETWEEN ? AND ? LIMIT 1",
            (low, high, first, last),
        ).fetchone()
    ):
        return None
    return int(low), int(high)


def canonical_name(conn: sqlite3.Connection, name: str) -> str:
    """A digest's name from its name or an alias (the newest digest with that alias)."""
    pk = resolve(conn, name)
    if pk is None:
        return name
    return str(conn.execute("SELECT name FROM digests WHERE pk = ?", (pk,)).fetchone()[0])


def rows_in_digest(
    conn: sqlite3.Connection, rowids: Sequence[int], digest: str | None
) -> list[ListRow]:
    """List rows; inside a digest, each with THAT digest's ref, date, announce
    type and version (those its document gave, "" when it gave none: schema
    `_add_listing_types`; a row with a type made before versions were recorded
    has the paper's version, as `papers.record`'s listings)."""
    rows = list_rows(conn, rowids)
    if digest is None or not rows:
        return rows
    pk = resolve(conn, digest)
    if pk is None:
        return rows
    date = conn.execute("SELECT date FROM digests WHERE pk = ?", (pk,)).fetchone()[0]
    listed: dict[int, tuple[int, str, str]] = {}
    for chunk, marks in in_chunks([r.rowid for r in rows]):
        # (With min(), SQLite takes the bare column from the row of the minimum.)
        for paper, ref, kind, version in conn.execute(
            f"SELECT paper, min(ref), announce_type, version FROM membership "
            f"WHERE digest = ? AND paper IN ({marks}) GROUP BY paper",
            (pk, *chunk),
        ):
            listed[paper] = (ref, kind, version)
    for row in rows:
        if row.rowid in listed:
            row.ref, kind, version = listed[row.rowid]
            row.version = version or (_own_version(conn, row.rowid) if kind else "")
            row.date, row.announce_type = date, kind
    return rows


def _own_version(conn: sqlite3.Connection, pk: int) -> str:
    found = conn.execute("SELECT version FROM papers WHERE pk = ?", (pk,)).fetchone()
    return str(found[0]) if found is not None else ""


def _expand(conn: sqlite3.Connection, prefix: str) -> list[str] | None:
    """Indexed words starting with `prefix`; None when there are too many to list."""
    prefix = fts_fold(prefix)
    limit = max_expansion
    found = [
        r[0]
        for r in conn.execute(
            "SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit + 1),
        )
    ]
    return None if len(found) > limit else found


def _collect(conn: sqlite3.Connection, p: Plan) -> list[int] | None:
    """Every key a selective plan matches, newest first; None when more than COLLECT.

    Read in FTS5's own order (see `Plan`) and kept (`_COLLECTED`): the page,
    the count and the id list that follow share this one reading.
    """
    assert p.keys_sql is not None
    answers = _COLLECTED.answers(conn)
    key = (p.keys_sql, tuple(p.params))
    if key in answers:
        return answers[key]  # type: ignore[return-value]
    joined = conn.execute(
        f"SELECT group_concat(key) FROM ({p.keys_sql} LIMIT ?)", (*p.params, COLLECT + 1)
    ).fetchone()[0]
    keys = sorted(map(int, joined.split(",")), reverse=True) if joined else []
    found = keys if len(keys) <= COLLECT else None
    _COLLECTED.put(answers, key, found)
    return found


def _collected(conn: sqlite3.Connection, p: Plan) -> list[int] | bool | None:
    """What `_collect` kept for `p` (False: nothing kept, or no keys to keep)."""
    if p.keys_sql is None:
        return False
    answers = _COLLECTED.answers(conn)
    return answers.get((p.keys_sql, tuple(p.params)), False)  # type: ignore[return-value]


def _pks(conn: sqlite3.Connection, keys: Sequence[int]) -> list[int]:
    """The papers of listing keys, in their order."""
    if not keys:
        return []
    joined = conn.execute(
        "SELECT group_concat(pk) FROM (SELECT l.pk AS pk FROM json_each(?) j "
        "CROSS JOIN listing l ON l.key = j.value ORDER BY j.key)",
        ("[" + ",".join(map(str, keys)) + "]",),
    ).fetchone()[0]
    return list(map(int, joined.split(","))) if joined else []


def _count(conn: sqlite3.Connection, p: Plan, cap: int | None) -> int:
    kept = _collected(conn, p)
    if isinstance(kept, list):
        return len(kept) if cap is None else min(len(kept), cap + 1)
    if kept is None and cap is not None and cap <= COLLECT:
        return cap + 1  # more than COLLECT matched
    if cap is None:
        return int(conn.execute(p.count_sql, p.params).fetchone()[0])
    if p.selective and p.keys_sql is not None and cap <= COLLECT:
        # The same reading, kept, then gives the id list (the page did not
        # read every key: `page`).
        keys = _collect(conn, p)
        return cap + 1 if keys is None else min(len(keys), cap + 1)
    if p.keys_sql is not None:
        # FTS5's own order, and `listing` only when the query asks for its flags.
        capped = f"SELECT count(*) FROM ({p.keys_sql} LIMIT ?)"
    else:
        capped = f"SELECT count(*) FROM ({p.ids_sql} LIMIT ?)"
    return int(conn.execute(capped, (*p.params, cap + 1)).fetchone()[0])


@_limits_are_query_errors
def count(conn: sqlite3.Connection, query: str, digest: str | None, cap: int | None = None) -> int:
    """Papers matching; with `cap`, at most cap + 1 (more than `cap`: "10,000+").

    A capped count stops reading after cap + 1 matches: at 500k papers a
    count of a common word reads 10,001 matches instead of a few hundred
    thousand. What the page of the same query read is reused (`_collect`).
    """
    return _count(conn, plan(conn, query, digest), cap)


@_limits_are_query_errors
def list_ids(
    conn: sqlite3.Connection, query: str, digest: str | None, *, today: str | None = None
) -> list[int]:
    p = plan(conn, query, digest, today=today)
    kept = _collected(conn, p)
    if isinstance(kept, list):
        return _pks(conn, kept)
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
    _total, rows = page(conn, query, digest, limit, offset, count=False)
    return rows


@_limits_are_query_errors
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
    the count query (a second full evaluation) is skipped. A selective query
    (`Plan.selective`: phrases, exclusions, is:starred) reads its first page
    from the newest papers first (`queries_window`), and may then read every
    key it matches in FTS5's cheaper order: the total is their number, and the
    count and id list that follow reuse them (so do later pages, which
    collect them when the first did not). `count=False` skips the count when it
    is not known already (the total is then None): the reader draws the page
    first and counts after (ui/screens/listing.py).
    """
    total, ids = _page(conn, plan(conn, query, digest), limit, offset, count)
    return total, rows_in_digest(conn, ids, digest)


@_limits_are_query_errors
def page_ids(conn: sqlite3.Connection, query: str, digest: str | None, limit: int) -> list[int]:
    """The papers of `page`'s first page, in its order, without reading their rows
    (`search --json` reads the papers a chunk at a time: `export_stream`)."""
    return _page(conn, plan(conn, query, digest), limit, 0, False)[1]


def _page(
    conn: sqlite3.Connection, p: Plan, limit: int, offset: int, count: bool
) -> tuple[int | None, list[int]]:
    if p.selective and p.keys_sql is not None and not p.prefixed:
        kept = _collected(conn, p)
        if offset == 0 and kept is False and not p.negates:
            found = queries_window.first_keys(conn, p.keys_sql, p.params, limit, COLLECT)
            if found is not None:
                return _window_page(conn, p, limit, count, *found)
        elif kept is False:
            kept = _collect(conn, p)
        if isinstance(kept, list):
            return len(kept), _pks(conn, kept[offset : offset + limit])
    ids = _page_ids(conn, p, limit + 1, offset)
    if offset == 0 and len(ids) <= limit:
        total: int | None = len(ids)
    elif not count:
        total = None
    else:
        total = _count(conn, p, None)
    return total, ids[:limit]


def _window_page(
    conn: sqlite3.Connection,
    p: Plan,
    limit: int,
    count: bool,
    keys: list[int],
    every: bool,
) -> tuple[int | None, list[int]]:
    """A first page from `queries_window.first_keys`; every key found is kept."""
    total: int | None = None
    if every:
        total = len(keys)
        if total <= COLLECT:
            _COLLECTED.put(_COLLECTED.answers(conn), (p.keys_sql, tuple(p.params)), keys)
    elif count:
        total = _count(conn, p, None)
    return total, _pks(conn, keys[:limit])
