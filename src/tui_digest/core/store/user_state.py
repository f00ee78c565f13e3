"""The user's own marks on papers: read and starred, and the counts of unread ones.

`change_flag` and `toggle_flag` report which papers really changed: that is
what undoing a change needs (those papers held the opposite value before).
The reader's keys go through `marking`, which also keeps a mark on a paper
removed meanwhile.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core.store.rows import in_chunks

# The `meta` counter of state imports that changed something (`user_log.merge`
# moves it; `watch` reads it): here, where both may import it without a cycle.
MERGES = "state_merged"

FLAGS = ("read", "starred")
# A flag's row in `user_state` as it was (value JSON, changed_at, pending), None: none
# (what undo puts back for a mark kept waiting: `user_log.flag_rows`).
FlagRow = tuple[str, str, int] | None


def set_flag(conn: sqlite3.Connection, column: str, rowids: Sequence[int], value: bool) -> None:
    """Set `column` (one of FLAGS) on the papers `rowids`; rows already set are not written."""
    if column not in FLAGS:
        raise ValueError(f"unknown flag {column!r}")
    for chunk, marks in in_chunks(rowids):
        conn.execute(
            f"UPDATE papers SET {column} = ? WHERE pk IN ({marks}) AND {column} != ?",
            (int(value), *chunk, int(value)),
        )


def changing(
    conn: sqlite3.Connection, column: str, rowids: Sequence[int], value: bool
) -> list[int]:
    """Of `rowids`, those whose `column` is not `value` yet (the ones a set would change)."""
    found: list[int] = []
    for chunk, marks in in_chunks(rowids):
        found += [
            r[0]
            for r in conn.execute(
                f"SELECT pk FROM papers WHERE pk IN ({marks}) AND {column} != ?",
                (*chunk, int(value)),
            )
        ]
    return found


def change_flag(
    conn: sqlite3.Connection, column: str, rowids: Sequence[int], value: bool
) -> list[int]:
    """Set `column` to `value` on `rowids`; returns the papers that changed (in rowid
    order), which is what undoing it needs: they held the opposite value before."""
    if column not in FLAGS:
        raise ValueError(f"unknown flag {column!r}")
    unique = list(dict.fromkeys(rowids))
    changed = sorted(changing(conn, column, unique, value))
    set_flag(conn, column, changed, value)
    return changed


def toggle_flag(
    conn: sqlite3.Connection, column: str, rowids: Sequence[int]
) -> tuple[bool, list[int]]:
    """The bulk toggle, decided in SQL over every paper (loaded on screen or not):
    set the flag on all of them unless all have it, then clear it.
    Returns (the value set, the papers that changed)."""
    if column not in FLAGS:
        raise ValueError(f"unknown flag {column!r}")
    unique = list(dict.fromkeys(rowids))
    # Some lack it: set it on all. None there (all removed meanwhile) is not
    # "all have it": it cleared the flag, and the reader said "Unstarred".
    value = bool(changing(conn, column, unique, True)) or not present(conn, unique)
    return value, change_flag(conn, column, unique, value)


def present(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, str]:
    """Of `rowids`, the papers in the cache, with their arXiv ids."""
    found: dict[int, str] = {}
    for chunk, marks in in_chunks(rowids):
        found.update(conn.execute(f"SELECT pk, id FROM papers WHERE pk IN ({marks})", chunk))
    return found


def unread_by_digest(conn: sqlite3.Connection) -> dict[str, int]:
    """Unread papers per digest name (a paper listed by two digests counts in each)."""
    # One pass over `membership` (small rows, in digest order, so no sort for the
    # GROUP BY) probing the set of unread papers, which comes from the covering
    # index on papers(sort_key, read, starred) without reading a papers row. `+`
    # keeps SQLite from looking each membership row up by paper instead.
    # (Joining papers row by row took ~3x as long at 100k papers: their rows are
    # ~3 KB, so the join read most of the file.)
    names = dict(conn.execute("SELECT pk, name FROM digests"))
    counts: dict[str, int] = {}
    for digest, unread in conn.execute(
        "SELECT digest, count(*) FROM membership "
        "WHERE +paper IN (SELECT pk FROM papers WHERE read = 0) GROUP BY digest"
    ):
        name = names.get(digest)
        if name is not None:
            counts[name] = counts.get(name, 0) + unread
    return counts


def count_unread(conn: sqlite3.Connection) -> int:
    """Unread papers in the cache, each counted once however many digests list it."""
    return int(conn.execute("SELECT count(*) FROM papers WHERE read = 0").fetchone()[0])
