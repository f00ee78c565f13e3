"""The reader's undo history (ctrl+z), kept in the cache so that it survives a restart.

Each entry is one undoable change of the read or starred flag: the flag, the
value set, how many papers the user acted on, and the papers that really
changed (the ones undo puts back), as compressed gaps (a mark of every paper
of a 500k cache is one entry). Only the newest `DEPTH` are kept.

Each entry names the reader that made it (`owner`: host and process). ctrl+z
takes back the newest change of its own reader, else the newest one a reader
that has quit left (the history survives a restart); never a change of another
reader still open on the cache: with two readers open, ctrl+z in one took back
the other's stars while its own change stayed (found by a bug hunt). Each
reader keeps its newest `DEPTH`.

Entries name papers by row number, and SQLite gives a removed paper's number
to the next one added (no AUTOINCREMENT): undoing after a removal could change
a paper the user never marked. So removing papers forgets the history
(`retention.remove` calls `forget`) and counts the removal in `meta`, where the
reader's cache watch sees it (and drops its selection, also row numbers).
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Sequence
from typing import NamedTuple

from tui_digest.core.processes import process_alive, this_host
from tui_digest.core.store import user_state

DEPTH = 10  # changes ctrl+z can take back
KEPT = 4 * DEPTH  # entries kept in all (readers that quit leave theirs)
REMOVALS = "papers_removed"  # the `meta` counter of removals


class Undone(NamedTuple):
    flag: str
    value: bool  # what the change had set (undo set the opposite)
    rowids: list[int]  # the papers undo changed back
    asked: int
    recorded: int = 0  # the papers the change had changed (some may be back already)


def this_reader() -> str:
    """The owner this process writes: its host and process id."""
    return f"{this_host()}\t{os.getpid()}"


def _ours(owner: str, me: str) -> bool:
    """Whether `me` may take back an entry of `owner`: its own, one from before
    owners were kept (""), or one a reader that has quit left. A reader of
    another host cannot be asked whether it still runs: its entries are taken
    back as all were before."""
    if owner in ("", me):
        return True
    host, _, pid = owner.partition("\t")
    if host != this_host() or not pid.isdigit():
        return True
    return not process_alive(int(pid))


def push(
    conn: sqlite3.Connection,
    flag: str,
    value: bool,
    rowids: Sequence[int],
    asked: int,
    owner: str | None = None,
) -> None:
    """Remember a change (inside the caller's write transaction)."""
    if not rowids:
        return
    owner = this_reader() if owner is None else owner
    blob = _pack(rowids)
    conn.execute(
        "INSERT INTO undo_log(flag, value, asked, rowids, owner) VALUES (?, ?, ?, ?, ?)",
        (flag, int(value), asked, blob, owner),
    )
    conn.execute(
        "DELETE FROM undo_log WHERE owner = ? AND pk NOT IN "
        "(SELECT pk FROM undo_log WHERE owner = ? ORDER BY pk DESC LIMIT ?)",
        (owner, owner, DEPTH),
    )
    conn.execute(
        "DELETE FROM undo_log WHERE pk NOT IN (SELECT pk FROM undo_log ORDER BY pk DESC LIMIT ?)",
        (KEPT,),
    )


def _undoable(conn: sqlite3.Connection, owner: str) -> list[int]:
    """The entries `owner` may take back, newest first: its own, then the others."""
    rows = conn.execute("SELECT pk, owner FROM undo_log ORDER BY pk DESC").fetchall()
    own = [pk for pk, who in rows if who == owner]
    return own + [pk for pk, who in rows if who != owner and _ours(who, owner)]


def undo_last(conn: sqlite3.Connection, owner: str | None = None) -> Undone | None:
    """Take back the newest change this reader may (inside the caller's write
    transaction): its own, else one a reader that quit left."""
    undoable = _undoable(conn, this_reader() if owner is None else owner)
    if not undoable:
        return None
    pk, flag, value, asked, blob = conn.execute(
        "SELECT pk, flag, value, asked, rowids FROM undo_log WHERE pk = ?", (undoable[0],)
    ).fetchone()
    conn.execute("DELETE FROM undo_log WHERE pk = ?", (pk,))
    rowids = _unpack(blob)
    changed = user_state.change_flag(conn, flag, rowids, not value)
    return Undone(flag, bool(value), changed, int(asked), len(rowids))


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


def depth(conn: sqlite3.Connection, owner: str | None = None) -> int:
    """How many changes this reader can take back."""
    return len(_undoable(conn, this_reader() if owner is None else owner))


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
