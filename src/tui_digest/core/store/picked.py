"""The papers the user picked in the reader, found again as they are when acted on.

The reader lists papers by row number (`papers.pk`). SQLite gives the row
numbers of removed papers to the next ones added, so after another process's
`digests rm` + `import` a selection's numbers named papers never selected, and
`e`, `s`, `m` and `#` acted on those (bug hunt `selection` #1, #2). A `Picked`
carries, with each row number, the arXiv id the reader showed for it. Rows
selected without being drawn (`A` selects a listing's every paper) are named
at once by `names_at`, in one query, as their listing read them. Trusting
such rows instead while no paper was removed since their listing acted on
the ~120 drawn rows only after any removal at all, an unrelated digest's
included (bug hunt `regselect` #1, #2). `resolve`, inside the caller's
transaction, finds each paper again by its id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tui_digest.core.store import undo_log, user_state


class Picked(NamedTuple):
    """Row numbers as the reader showed them."""

    rowids: tuple[int, ...]
    ids: Mapping[int, str]  # the arXiv id shown for (some of) `rowids`


class Found(NamedTuple):
    """What became of a `Picked`."""

    present: list[int]  # the papers here, by their row numbers now (in the order picked)
    away: list[str]  # ids of papers removed meanwhile (they may come back)
    gone: int  # rows of no known id (never trusted: what they held is not known)
    names: Mapping[int, str] = {}  # the arXiv id of each of `present`, as found

    @property
    def removed(self) -> int:
        return len(self.away) + self.gone


def resolve(conn: sqlite3.Connection, picked: Picked, *, trust_unnamed: bool = False) -> Found:
    """Each picked paper as it is now: a row number whose paper is not the one
    shown is that paper by its id (here again, or `away`); a row without an id
    is trusted only with `trust_unnamed` (the caller read the row numbers in
    this transaction), else counted as `gone`."""
    unique = list(dict.fromkeys(picked.rowids))
    here = _present(conn, unique)
    names: dict[int, str] = {}
    away: list[str] = []
    gone = 0
    for rowid in unique:
        pid = picked.ids.get(rowid)
        if pid is None:
            if trust_unnamed and rowid in here:
                names.setdefault(rowid, here[rowid])
            else:
                gone += 1
        elif here.get(rowid) == pid:
            names.setdefault(rowid, pid)
        else:
            row = conn.execute("SELECT pk FROM papers WHERE id = ?", (pid,)).fetchone()
            if row is None:
                away.append(pid)
            else:
                names.setdefault(int(row[0]), pid)
    return Found(list(names), away, gone, names)


# Above this many rows one scan of the ids' index (pk, id of every paper) is
# quicker than looking the rows up by number (50,000 rows: ~60 ms against ~200).
_SCAN_FROM = 4000


def names_at(
    conn: sqlite3.Connection, rowids: Sequence[int], listed_at: int | None
) -> dict[int, str] | None:
    """The arXiv id of each of `rowids` (a listing's row numbers, read when the
    cache's removal count was `listed_at`), in the caller's transaction; None
    when a paper was removed since (or `listed_at` is None): a number may then
    hold a paper added after the listing, which the user never saw. A row
    missing from the answer was removed."""
    if listed_at is None or listed_at != undo_log.removals(conn):
        return None
    return _present(conn, rowids)


def _present(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, str]:
    """Of `rowids`, the papers in the cache, with their arXiv ids. Looked up by
    number, 50,000 rows read the papers' whole rows (~3 KB each: 0.18 s, and
    SQLite's page cache filled, ~38 MB, for `#` on a selection that then read
    only tags); one scan of the ids' index reads ~2 MB."""
    if len(rowids) < _SCAN_FROM:
        return user_state.present(conn, rowids)
    wanted = set(rowids)
    rows = conn.execute("SELECT pk, id FROM papers")  # (its UNIQUE index on id covers it)
    return {pk: pid for pk, pid in rows if pk in wanted}
