"""Listing order as one integer per paper, and where a paper is placed in it.

The key is also the FTS5 rowid (see `schema`), so search matches come back in
listing order and a date range is a key range.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Mapping, Sequence

# bits 46..62  listing date as days since 1970-01-01 (0 when unknown)
# bit  45      1 = placed by a digest appearance, 0 = in no digest (orphan)
# bits 20..44  digest sequence (import order, the digest's primary key)
# bits  0..19  2**20 - 1 - ref, so that a higher key means an earlier ref
# Orphans use bits 0..44 for their own primary key instead.
# Listing order is `sort_key DESC`.

DAY_SHIFT = 46
PLACED_BIT = 1 << 45
SEQ_SHIFT = 20
REF_MASK = (1 << 20) - 1
_EPOCH = _dt.date(1970, 1, 1)
DAY_LIMIT = 1 << 17
# The first and last day a key holds (day 0 is "unknown"): 1970-01-02, 2328-11-11.
FIRST_DAY = _EPOCH + _dt.timedelta(days=1)
LAST_DAY = _EPOCH + _dt.timedelta(days=DAY_LIMIT - 1)


def date_days(date: str) -> int:
    """Days since 1970 of an ISO date ("YYYY-MM-DD"); 0 when missing or invalid."""
    if len(date) < 10:
        return 0
    try:
        days = (_dt.date.fromisoformat(date[:10]) - _EPOCH).days
    except ValueError:
        return 0
    return days if 0 < days < DAY_LIMIT else 0


def sort_key(date: str, seq: int, ref: int) -> int:
    """Key of a paper whose newest appearance is `ref` in digest `seq` dated `date`."""
    ref = min(max(ref, 0), REF_MASK)
    return (date_days(date) << DAY_SHIFT) | PLACED_BIT | (seq << SEQ_SHIFT) | (REF_MASK - ref)


def orphan_key(published: str, pk: int) -> int:
    """Key of a paper that is in no digest: dated by `published`, after placed ones."""
    return (date_days(published) << DAY_SHIFT) | pk


def day_range_keys(first_day: int, last_day: int) -> tuple[int, int]:
    """Inclusive sort-key bounds of the papers listed between two day numbers."""
    return first_day << DAY_SHIFT, ((last_day + 1) << DAY_SHIFT) - 1


_APPEARANCES = (
    "SELECT m.paper, d.date, d.pk, m.ref FROM membership m JOIN digests d ON d.pk = m.digest "
    "WHERE m.paper"
)


def placement(conn: sqlite3.Connection, pk: int, published: str) -> tuple[int, str, int]:
    """(sort_key, list_date, list_ref) of a paper from its newest appearance.

    Newest means the latest date; among digests of that date the paper stays
    where it was first listed. The same papers arrive the same day from the
    digest and from arXiv's feed (and as cross-lists in several categories),
    and moving them would re-key, so re-tokenise, every one of them.
    """
    return placements(conn, {pk: published})[pk]


def placements(
    conn: sqlite3.Connection, published: Mapping[int, str]
) -> dict[int, tuple[int, str, int]]:
    """`placement` of each paper of `published` (pk -> its published date), in one
    query: at most a few hundred papers at a time (`store.rows.CHUNK` bound
    parameters)."""
    pks = list(published)
    best: dict[int, tuple[tuple[int, int], int, str, int]] = {}
    rows = conn.execute(f"{_APPEARANCES} IN ({','.join('?' * len(pks))})", pks)
    for pk, date, dpk, ref in rows:
        when = date or published[pk]
        rank = (date_days(when), -dpk)
        if pk not in best or rank > best[pk][0]:
            best[pk] = (rank, sort_key(when, dpk, ref), when, ref)
    out: dict[int, tuple[int, str, int]] = {}
    for pk in pks:
        found = best.get(pk)
        out[pk] = (
            (found[1], found[2], found[3])
            if found is not None
            else (orphan_key(published[pk], pk), published[pk], 0)
        )
    return out


def replace_members(conn: sqlite3.Connection, digests: Sequence[int]) -> None:
    """Recompute the listing place of every paper of `digests` (the index is the caller's)."""
    marks = ",".join("?" * len(digests))
    pks = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT paper FROM membership WHERE digest IN ({marks})", tuple(digests)
        )
    ]
    for pk in pks:
        published = conn.execute("SELECT published FROM papers WHERE pk = ?", (pk,)).fetchone()[0]
        conn.execute(
            "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
            (*placement(conn, pk, published), pk),
        )
