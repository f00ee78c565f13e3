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
reader keeps the newest `DEPTH` of what it may take back.

A mark kept waiting for a paper removed meanwhile (`marking`: by arXiv id)
is part of its entry too, with the flag's row before it: ctrl+z drops it (it
once took back the change before it instead, while the waiting star stayed;
found by a bug hunt), or, the paper being back, clears the flag it got.

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
    waiting: int = 0  # of the papers removed meanwhile, those whose waiting mark was dropped


def this_reader() -> str:
    """The owner this process writes: its host and process id."""
    return f"{this_host()}\t{os.getpid()}"


def _ours(owner: str, me: str) -> bool:
    """Whether `me` may take back an entry of `owner`: its own, one from before
    owners were kept (""), or one a reader that has quit left. A reader of
    another host cannot be asked whether it still runs: its entries are taken
    back as all were before."""
    return owner == me or _left_here(owner) or _elsewhere(owner)


def push(
    conn: sqlite3.Connection,
    flag: str,
    value: bool,
    rowids: Sequence[int],
    asked: int,
    owner: str | None = None,
    awaited: Sequence[tuple[str, user_state.FlagRow]] = (),
) -> None:
    """Remember a change (inside the caller's write transaction). `awaited`:
    marks kept waiting for removed papers, by id, with the flag's row before."""
    if not rowids and not awaited:
        return
    owner = this_reader() if owner is None else owner
    blob = _pack(rowids, awaited)
    conn.execute(
        "INSERT INTO undo_log(flag, value, asked, rowids, owner) VALUES (?, ?, ?, ?, ?)",
        (flag, int(value), asked, blob, owner),
    )
    _trim(conn, owner)
    conn.execute(
        "DELETE FROM undo_log WHERE pk NOT IN (SELECT pk FROM undo_log ORDER BY pk DESC LIMIT ?)",
        (KEPT,),
    )


def _left_here(owner: str) -> bool:
    """Whether an entry's reader is known to be gone: one from before owners
    were kept (""), or a reader of this host that no longer runs."""
    if owner == "":
        return True
    host, _, pid = owner.partition("\t")
    return host == this_host() and pid.isdigit() and not process_alive(int(pid))


def _elsewhere(owner: str) -> bool:
    """Whether an entry's reader cannot be asked whether it runs (another host's)."""
    host, _, pid = owner.partition("\t")
    return owner != "" and (host != this_host() or not pid.isdigit())


def _trim(conn: sqlite3.Connection, owner: str) -> None:
    """Keep what this reader may take back `DEPTH` deep: its own, then what
    readers known to be gone left. After a restart ctrl+z went on into the last
    sessions' changes, eleven levels and more (found by a bug hunt). A reader of
    another host may still run: its entries are never trimmed here (a regression
    hunt saw them go, from a reader still open on a shared cache)."""
    rows = conn.execute("SELECT pk, owner FROM undo_log ORDER BY pk DESC").fetchall()
    own = [pk for pk, who in rows if who == owner]
    left = [pk for pk, who in rows if who != owner and _left_here(who)]
    beyond = (own + left)[DEPTH:]
    conn.executemany("DELETE FROM undo_log WHERE pk = ?", [(pk,) for pk in beyond])


def _undoable(conn: sqlite3.Connection, owner: str) -> list[int]:
    """The entries `owner` may take back, newest first: its own, then the others."""
    rows = conn.execute("SELECT pk, owner FROM undo_log ORDER BY pk DESC").fetchall()
    own = [pk for pk, who in rows if who == owner]
    return own + [pk for pk, who in rows if who != owner and _ours(who, owner)]


def undo_last(conn: sqlite3.Connection, owner: str | None = None) -> Undone | None:
    """Take back the newest change this reader may (inside the caller's write
    transaction): its own, else one a reader that quit left."""
    owner = this_reader() if owner is None else owner
    _trim(conn, owner)  # (two readers that quit left 20: ten levels still)
    undoable = _undoable(conn, owner)
    if not undoable:
        return None
    pk, flag, value, asked, blob = conn.execute(
        "SELECT pk, flag, value, asked, rowids FROM undo_log WHERE pk = ?", (undoable[0],)
    ).fetchone()
    conn.execute("DELETE FROM undo_log WHERE pk = ?", (pk,))
    rowids, awaited = _unpack(blob)
    # A paper the mark waited for that is back (its mark applied): by its row now.
    back: list[int] = []
    still: list[tuple[str, user_state.FlagRow]] = []
    for pid, row in awaited:
        found = conn.execute("SELECT pk FROM papers WHERE id = ?", (pid,)).fetchone()
        if found is None:
            still.append((pid, row))
        else:
            back.append(int(found[0]))
    changed = user_state.change_flag(conn, flag, [*rowids, *back], not value)
    dropped = 0
    if still:
        from tui_digest.core.store import user_log  # (not loaded at the reader's start)

        dropped = user_log.drop_awaited(conn, flag, bool(value), still)
    recorded = len(rowids) + len(back)
    return Undone(flag, bool(value), changed, int(asked), recorded + len(still), dropped)


def _pack(rowids: Sequence[int], awaited: Sequence[tuple[str, user_state.FlagRow]] = ()) -> bytes:
    """Sorted, as gaps (mostly 1 in a bulk mark), JSON, zlib: 500k papers in a few KB.
    With marks kept waiting, an object: {"gaps": [...], "awaited": [[id, row], ...]}."""
    ordered = sorted(set(rowids))
    gaps = [b - a for a, b in zip([0, *ordered], ordered, strict=False)]
    data: object = gaps
    if awaited:
        data = {"gaps": gaps, "awaited": [[pid, row] for pid, row in awaited]}
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode("ascii"))


def _unpack(blob: bytes) -> tuple[list[int], list[tuple[str, user_state.FlagRow]]]:
    data = json.loads(zlib.decompress(blob))
    gaps, awaited = (data, []) if isinstance(data, list) else (data["gaps"], data["awaited"])
    rowids, at = [], 0
    for gap in gaps:
        at += int(gap)
        rowids.append(at)
    kept = [
        (str(pid), None if row is None else (row[0], row[1], int(row[2]))) for pid, row in awaited
    ]
    return rowids, kept


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
