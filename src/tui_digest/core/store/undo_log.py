"""The reader's undo history (ctrl+z), kept in the cache so that it survives a restart.

Each entry is one undoable change of the read or starred flag: the flag, the
value set, how many papers the user acted on, and the papers that really
changed (the ones undo puts back), as compressed gaps (a mark of every paper
of a 500k cache is one entry). Only the newest `DEPTH` are kept.

Entries name papers by row number, and SQLite gives a removed paper's number
to the next one added (no AUTOINCREMENT): undoing after a removal could change
a paper the user never marked. So removing papers forgets the history
(`retention.remove` calls `forget`) and counts the removal in `meta`, where the
reader's cache watch sees it (and drops its selection, also row numbers).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Sequence
from typing import NamedTuple

from tui_digest.core.store import user_state

DEPTH = 10  # changes ctrl+z can take back
REMOVALS = "papers_removed"  # the `meta` counter of removals


class Undone(NamedTuple):
    flag: str
    value: bool  # what the change had set (undo set the opposite)
    rowids: list[int]  # the papers undo changed back
    asked: int


def push(
    conn: sqlite3.Connection, flag: str, value: bool, rowids: Sequence[int], asked: int
) -> None:
    """Remember a change (inside the caller's write transaction)."""
    if not rowids:
        return
    blob = _pack(rowids)
    conn.execute(
        "INSERT INTO undo_log(flag, value, asked, rowids) VALUES (?, ?, ?, ?)",
        (flag, int(value), asked, blob),
    )
    conn.execute(
        "DELETE FROM undo_log WHERE pk NOT IN (SELECT pk FROM undo_log ORDER BY pk DESC LIMIT ?)",
        (DEPTH,),
    )


def undo_last(conn: sqlite3.Connection) -> Undone | None:
    """Take back the newest change (inside the caller's write transaction)."""
    row = conn.execute(
        "SELECT pk, flag, value, asked, rowids FROM undo_log ORDER BY pk DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    pk, flag, value, asked, blob = row
    conn.execute("DELETE FROM undo_log WHERE pk = ?", (pk,))
    rowids = _unpack(blob)
    changed = user_state.change_flag(conn, flag, rowids, not value)
    return Undone(flag, bool(value), changed, int(asked))


def _pack(rowids: Sequence[int]) -> bytes:
    """Sorted, as gaps (mostly 1 in a bulk mark), JSON, zlib: 500k papers in a few KB."""
    ordered = sorted(set(rowids))
    gaps = [b - a for a, b in zip([0, *ordered], ordered, strict=False)]
    return zlib.compress(json.dumps(gaps, separators=(",", ":")).encode("ascii"))


def _unpack(blob: bytes) -> list[int]:
    rowids, at = [], 0
    for gap in json.loads(zlib.decompress(blob)):
        at += int(gap)
        rowids.append(at)
    return rowids


def depth(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM undo_log").fetchone()[0])


def forget(conn: sqlite3.Connection) -> None:
    """Papers were removed: their row numbers may be reused, so no entry may be undone."""
    conn.execute("DELETE FROM undo_log")
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1",
        (REMOVALS,),
    )


def removals(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (REMOVALS,)).fetchone()
    return int(row[0]) if row else 0
