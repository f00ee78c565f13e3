"""Which papers' read flag the user set by hand, so that the read timer leaves them alone.

README: "`m m` leaves it unread for good". The reader's timer marks a paper
read after a dwell; a paper the user marked read or unread by hand (`m`, `o`,
`tui-digest mark read|unread`; ctrl+z of an `m` leaves it so, an `M` is not
by hand, nor its undo) is never marked by it.
That used to be remembered in memory only, so after a restart the timer read
the paper again (found by a bug hunt).

Neither the user log nor the undo history can answer "was this set by hand":
the `papers_state_read` trigger stamps every change, the timer's too, and the
undo history keeps only the newest few changes. So `hand_read` (schema
`_remember_hand_read`) lists those papers by arXiv id (row numbers are reused
after a removal; an id is the same paper if it comes back).

Nothing is loaded at start-up: the timer's own write (`timer_read`) asks the
table for the one paper it is about to mark.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core.store.rows import in_chunks


def remember(conn: sqlite3.Connection, rowids: Sequence[int]) -> None:
    """The user set these papers' read flag by hand (inside the caller's transaction)."""
    for chunk, marks in in_chunks(rowids):
        conn.execute(
            f"INSERT OR IGNORE INTO hand_read(id) SELECT id FROM papers WHERE pk IN ({marks})",
            chunk,
        )


def remember_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """These arXiv ids' read flags were set by hand on another machine (a state
    file's `by_hand`, `user_log.merge`): held or not here yet, the timer leaves them."""
    conn.executemany("INSERT OR IGNORE INTO hand_read(id) VALUES (?)", ((i,) for i in ids))


def timer_read(conn: sqlite3.Connection, rowid: int) -> list[int]:
    """The read timer marks `rowid` read unless the user set its read flag by hand;
    returns [rowid] when it changed, else []."""
    changed = conn.execute(
        # (one lookup of the paper's id in hand_read's primary key, not the whole table)
        "UPDATE papers SET read = 1 WHERE pk = ? AND read = 0 "
        "AND NOT EXISTS (SELECT 1 FROM hand_read h WHERE h.id = papers.id)",
        (rowid,),
    ).rowcount
    return [rowid] if changed else []


def by_hand(conn: sqlite3.Connection, rowids: Sequence[int]) -> set[int]:
    """Of `rowids`, the papers whose read flag was set by hand."""
    found: set[int] = set()
    for chunk, marks in in_chunks(rowids):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT p.pk FROM papers p JOIN hand_read h ON h.id = p.id "
                f"WHERE p.pk IN ({marks})",
                chunk,
            )
        )
    return found
