"""`Store.compact`: VACUUM, and what it says when the disk has too little room.

VACUUM writes the whole cache again: a copy in SQLite's temporary folder, and
every page through the write-ahead log beside the cache. On a disk without
that room it failed after `reindex` had rebuilt and saved the index, said
"nothing of this change was saved" (false), and left the log as large as it
had grown, the disk 100 % full (found by a bug hunt). So the log is folded in
first, the free space is looked at before starting, and a VACUUM that fails
all the same has its log emptied again; the error says what it needs.

Another process in the middle of a read (`export | less` paused, a backup)
keeps the log from being folded in: that is no lack of room, and VACUUM works
beside readers, so it runs all the same (it said "needs about 67 MB free" on a
disk with 57 GB free after waiting out the busy timeout; found by a bug hunt).
The fold does not wait for readers. Another process writing when VACUUM
starts: `CompactionSkipped`, nothing said of free space.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tui_digest.core.cache_guard import is_disk_full, is_locked_error
from tui_digest.core.errors import CompactionSkipped, NoRoomToCompact, NoRoomToReindex

# Below this much free space (a few pages) the disk is full for later writes.
_FULL_BELOW = 64 * 1024
FOLDED, READING, FULL = "folded", "reading", "full"


def vacuum(
    conn: sqlite3.Connection,
    path: Path,
    as_cache_error: Callable[[sqlite3.OperationalError], Exception],
) -> tuple[int, int]:
    """VACUUM the cache at `path` through `conn`: (bytes before, after).

    Raises `NoRoomToCompact` (the cache as it was) when its disk has too little
    free space, `CompactionSkipped` when another process holds the cache, else
    what `as_cache_error` makes of SQLite's error.
    """
    before = _size(conn)
    used = before - _pages(conn, "freelist_count")
    # Twice what it keeps: the temporary copy may be on the same disk.
    needed = 2 * used
    # Folded in first (reindex's rebuilt index waits in the log), so VACUUM's
    # own log does not pile up behind it. No room even for that: VACUUM
    # would only fill the disk. (A reader keeping it: VACUUM's log goes after it.)
    if _fold_log(conn) == FULL or _free(path) < used:
        raise NoRoomToCompact(path, needed, _log_size(path), _free(path) < _FULL_BELOW)
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        if is_locked_error(exc):
            raise CompactionSkipped(path) from exc
        if not is_disk_full(exc):
            raise as_cache_error(exc) from exc
        _fold_log(conn)  # (VACUUM rolled back; its log stayed as large as it grew)
        raise NoRoomToCompact(path, needed, _log_size(path)) from exc
    return before, _size(conn)


def check_room_to_rebuild(conn: sqlite3.Connection, path: Path) -> None:
    """Raise `NoRoomToReindex` when the disk has too little room to rebuild the
    search index of the cache at `path` and fold it in, before anything is written.

    The rebuild writes about the whole cache again into the log, and folding
    that in grows the file by about the new index (the old one's pages are freed
    only as it commits). With about the cache's size free, that fold filled
    the disk to 100 % (found by a bug hunt)."""
    size = _size(conn) + _log_size(path)
    needed = size + max(0, _index_size(conn, size) - _pages(conn, "freelist_count"))
    # A margin: the estimate passed ~3 % short of what an 11 MB cache took, and
    # the disk ended 100 % full (regression hunt `reg2b`).
    needed += needed // 20 + (1 << 20)
    free = _free(path)
    if free < needed:
        raise NoRoomToReindex(path, needed, free)


def _index_size(conn: sqlite3.Connection, size: int) -> int:
    try:
        found = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN "
            "('search_data', 'search_idx', 'search_docsize')"
        ).fetchone()[0]
    except sqlite3.OperationalError:  # (an SQLite built without dbstat: about half)
        return size // 2
    return int(found or 0)


def _pages(conn: sqlite3.Connection, pragma: str) -> int:
    count = int(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
    return count * int(conn.execute("PRAGMA page_size").fetchone()[0])


def _size(conn: sqlite3.Connection) -> int:
    return _pages(conn, "page_count")


def _free(path: Path) -> int:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return 1 << 62  # (unknown: VACUUM says)


def _log_size(path: Path) -> int:
    try:
        return path.with_name(path.name + "-wal").stat().st_size
    except OSError:
        return 0


def _fold_log(conn: sqlite3.Connection) -> str:
    """Fold the write-ahead log into the cache and empty it, without waiting:
    FOLDED; READING when another process's read keeps (part of) it, FULL when
    there is no room for the cache to grow (it stays, and a later command folds
    it in: nothing is lost)."""
    wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as exc:
        if is_locked_error(exc):
            return READING
        return FULL
    finally:
        conn.execute(f"PRAGMA busy_timeout = {wait}")
    return READING if busy else FOLDED
