"""The papers the user picked in the reader, found again as they are when acted on.

The reader lists papers by row number (`papers.pk`). SQLite gives the row
numbers of removed papers to the next ones added, so after another process's
`digests rm` + `import` a selection's numbers named papers never selected, and
`e`, `s`, `m` and `#` acted on those (bug hunt `selection` #1, #2). A `Picked`
carries, with each row number, the arXiv id the reader showed for it; for rows
never drawn (`A` selects a listing's every paper) it carries the cache's count
of removals (`undo_log.removals`) when their listing was read: while no paper
was removed since, no row number can have been given to another paper.
`resolve`, inside the caller's transaction, finds each paper again by its id.
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
    # `undo_log.removals` when the rows without an id were listed; None: unknown,
    # so those rows are not trusted (counted as removed).
    listed_at: int | None = None

    @classmethod
    def fresh(cls, rowids: Sequence[int]) -> Picked:
        """Row numbers read just now, in the caller's transaction: all trusted."""
        return cls(tuple(rowids), {}, None)


class Found(NamedTuple):
    """What became of a `Picked`."""

    present: list[int]  # the papers here, by their row numbers now (in the order picked)
    away: list[str]  # ids of papers removed meanwhile (they may come back)
    gone: int  # papers removed meanwhile of no known id (rows listed before a removal)
    names: Mapping[int, str] = {}  # the arXiv id of each of `present`, as found

    @property
    def removed(self) -> int:
        return len(self.away) + self.gone


def resolve(conn: sqlite3.Connection, picked: Picked, *, trust_unnamed: bool = False) -> Found:
    """Each picked paper as it is now: a row number whose paper is not the one
    shown is that paper by its id (here again, or `away`); a row without an id
    is trusted only when no paper was removed since it was listed
    (`trust_unnamed`: the caller read the row numbers in this transaction)."""
    unique = list(dict.fromkeys(picked.rowids))
    here = user_state.present(conn, unique)
    trusted = trust_unnamed or (
        picked.listed_at is not None and picked.listed_at == undo_log.removals(conn)
    )
    names: dict[int, str] = {}
    away: list[str] = []
    gone = 0
    for rowid in unique:
        pid = picked.ids.get(rowid)
        if pid is None:
            if trusted and rowid in here:
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
