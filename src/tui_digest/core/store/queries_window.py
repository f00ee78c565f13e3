"""The first page of a selective query, read from the newest papers first.

A selective query (`Plan.selective`: a phrase, a Chinese word of three or
more characters, an exclusion, is:starred) may match nine papers or a
hundred thousand, and its tokens' doclists are long either way. FTS5 reads
them about a quarter faster in its own (ascending) order than in the
descending order a page needs, but reading every match ascending to cut the
newest 200 from them is a waste when there are thousands: at 500k papers
`"language models"` (3,092 matches) took 17 ms that way and 1.7 ms walking
the listing order; `"chain of thought"` (9 matches) 9 ms that way and 12 ms
walking.

So the newest papers (a window of 1/16 of them) are read first, ascending,
which costs about a sixteenth of the whole: the page may be in them; if not,
their number says which way reads the rest more cheaply: descending for
the rest of the page when the query looks common, ascending to the end
(which also gives the count and the id list, kept by `store.queries`) when
it looks rare.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core.store.queries_shared import PerConnection

# Read at call time, so that tests can shrink them to reach every branch.
WINDOW_SHARE = 16  # the window holds the newest 1/WINDOW_SHARE of the papers,
WINDOW_MIN = 2_000  # but at least this many (a small cache is one window)
WINDOW_KEYS = 2_000  # more matches than this in the window: walk the listing order
# Estimated matches (the window's times the papers per window paper) at most
# this: the rest is read ascending, to the end. Reading it descending costs
# about (page - found) / estimate of the whole, ascending about 3/4 of it.
SPARSE = 300

# Per connection while the data is unchanged: (papers, window papers, lowest
# window key). Not an answer of one query: `benchmarks/search.py` keeps it.
_BOUNDARY = PerConnection(entries=2)


def _boundary(conn: sqlite3.Connection) -> tuple[int, int, int | None]:
    answers = _BOUNDARY.answers(conn)
    key = (WINDOW_SHARE, WINDOW_MIN)
    if key not in answers:
        papers = int(conn.execute("SELECT count(*) FROM listing").fetchone()[0])
        window = max(WINDOW_MIN, papers // WINDOW_SHARE)
        lowest = None
        if window < papers:
            lowest = conn.execute(
                "SELECT key FROM listing ORDER BY key DESC LIMIT 1 OFFSET ?", (window - 1,)
            ).fetchone()[0]
        _BOUNDARY.put(answers, key, (papers, window, lowest))
    return answers[key]  # type: ignore[return-value]


def _ascending(
    conn: sqlite3.Connection, keys_sql: str, params: Sequence[object], cond: str, limit: int
) -> list[int]:
    """Up to `limit` keys of `keys_sql` meeting `cond` (its last parameter in `params`)."""
    joined = conn.execute(
        f"SELECT group_concat(key) FROM (SELECT key FROM ({keys_sql}) WHERE {cond} LIMIT ?)",
        (*params, limit),
    ).fetchone()[0]
    return list(map(int, joined.split(","))) if joined else []


def first_keys(
    conn: sqlite3.Connection, keys_sql: str, params: Sequence[object], limit: int, collect: int
) -> tuple[list[int], bool] | None:
    """(keys newest first, whether they are every match) for a first page of `limit`.

    Not every match: at least limit + 1 keys, the newest. None: the query is
    common (more than WINDOW_KEYS matches among the newest papers, or more
    than `collect` in all): walk the listing order instead.
    """
    papers, window, lowest = _boundary(conn)
    if lowest is None:  # the window is the whole cache
        keys = _ascending(conn, keys_sql, params, "1", WINDOW_KEYS + 1)
        if len(keys) > WINDOW_KEYS:
            return None
        return sorted(keys, reverse=True), True
    newest = _ascending(conn, keys_sql, (*params, lowest), "key >= ?", WINDOW_KEYS + 1)
    if len(newest) > WINDOW_KEYS:
        return None
    newest.sort(reverse=True)
    if len(newest) > limit:
        return newest, False
    if len(newest) * papers > SPARSE * window:
        # Common enough that the rest of the page is near: walk down to it.
        rest = [
            r[0]
            for r in conn.execute(
                f"SELECT key FROM ({keys_sql}) WHERE key < ? ORDER BY key DESC LIMIT ?",
                (*params, lowest, limit + 1 - len(newest)),
            )
        ]
        keys = newest + rest
        return keys, len(keys) <= limit
    room = collect + 1 - len(newest)
    if room <= 0:
        return None
    older = _ascending(conn, keys_sql, (*params, lowest), "key < ?", room)
    if len(older) >= room:
        return None
    return newest + sorted(older, reverse=True), True
