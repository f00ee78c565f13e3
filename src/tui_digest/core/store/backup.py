"""A consistent copy of the cache in one file (`tui-digest backup FILE`).

The cache is the only copy of past days (feeds only carry today), so a backup
must be a snapshot, not a file copy taken while a fetch writes: SQLite's
`VACUUM INTO` writes the database as one read transaction sees it, compacted,
as a single file without `-wal`/`-shm` companions
(https://www.sqlite.org/lang_vacuum.html#vacuuminto). It works on a read-only
connection too. The file named by `VACUUM INTO` must not exist or be empty: it
is an empty temporary file beside the target, moved into place when complete
(`core.atomic_file.fill_atomic`), so an interrupted backup leaves no half file.
The temporary file is as private as the cache while SQLite writes it, but keeps
its owner's write bit until then: a 0444 cache's copy is made 0444 only once
written (narrowed first, SQLite could not write into it).

A FILE in use as a cache is refused (`_refuse_file_in_use`): a process holds
its `-shm`, or its `-wal` is not empty; whoever opens that name next applies the
old log to the new copy. The empty pair a read-only command or a reader that
quit cleanly leaves is no such use: refusing it failed every `backup --force`
over a backup once opened (a nightly cron job, found by a regression hunt).
`backup --force b.db` over a backup a reader had open made a copy that read
as damaged, or silently mixed both, and a "restore" by `--db backup.db backup
--force cache.db` under a running reader damaged the cache (found by a bug
hunt). That log is another process's: never deleted here.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

from tui_digest.core.atomic_file import fill_atomic, write_error
from tui_digest.core.copy_mode import no_wider_than
from tui_digest.core.errors import CacheError
from tui_digest.core.paths import is_own_file

try:
    import fcntl
except ImportError:  # (Windows)
    fcntl = None  # type: ignore[assignment]


def backup(conn: sqlite3.Connection, cache: Path, target: str | Path, *, overwrite: bool) -> Path:
    """Write a consistent copy of the cache open on `conn` (file `cache`) to `target`.

    Refuses to write over an existing file unless `overwrite` (FileExistsError),
    and refuses the cache itself or its companions whatever `overwrite` says, and
    a file in use as a cache (a `-wal` or `-shm` beside it) likewise.
    """
    path = Path(target).expanduser()
    _refuse_cache_files(cache, path)
    _refuse_file_in_use(path)

    def fill(tmp: Path) -> None:
        # (it holds the notes: as private as the cache, yet writable until written)
        no_wider_than(tmp, cache, keep=stat.S_IWUSR)
        try:
            conn.execute("VACUUM INTO ?", (str(tmp),))
        except sqlite3.OperationalError as exc:
            raise CacheError(f"{path}: the backup failed: {exc}") from exc
        no_wider_than(tmp, cache)  # (before it takes its name: a 0444 cache, a 0444 copy)

    return fill_atomic(path, fill, overwrite=overwrite)


def backup_as_is(cache: Path, target: str | Path, *, overwrite: bool) -> tuple[Path, int, int]:
    """Copy a cache an older release made, as it is, without opening it as a `Store`
    (which would need it upgraded first): (the copy, its papers, its digests).

    A careful user backs the cache up before the new release upgrades it; the
    copy is then a cache that release can open (and upgrade) again.
    """
    from tui_digest.core.cache_access import readonly_uri

    conn = sqlite3.connect(readonly_uri(cache), uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        papers, digests = (
            int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) if t in tables else 0
            for t in ("papers", "digests")
        )
        return backup(conn, cache, target, overwrite=overwrite), papers, digests
    finally:
        conn.close()


def _refuse_cache_files(cache: Path, path: Path) -> None:
    if is_own_file(path, cache):
        raise OSError(errno.EINVAL, f"refusing to back up the cache onto itself ({path})")


def _refuse_file_in_use(path: Path) -> None:
    """An OSError (EBUSY) when `path` (or the file it links to: the one written)
    is in use as a cache: its `-shm` is held by a process that has it open, or
    its `-wal` is not empty (whoever opens the name next would apply those old
    frames to the new copy), whether `path` exists or not.

    An empty `-wal` and a `-shm` nobody holds are what a read-only command, or a
    reader that quit cleanly, leaves beside a cache: harmless, since the next
    opener rebuilds the index from an empty log. They are left where they are
    (deleting them here could race a process opening the file meanwhile)."""
    real = os.path.realpath(path)
    linked = real != os.path.abspath(path)
    base = real if linked else str(path)
    wal, shm = f"{base}-wal", f"{base}-shm"
    held = os.path.lexists(shm) and _shm_held(shm)
    frames = _size(wal) > 0
    if not held and not frames:
        return
    found = [f for f in (wal, shm) if os.path.lexists(f)]
    files = " and ".join(found)
    beside = "the file it links to" if linked else "it"
    if held:
        lie = "lies" if len(found) == 1 else "lie"
        why = (
            f"{files} {lie} beside {beside} and a process holds {os.path.basename(shm)}, "
            "so it is in use as a cache (a reader or a fetch has it open)"
        )
        todo = "quit what has it open, or choose another name; nothing was written"
    else:
        why = (
            f"{wal} beside {beside} holds changes not yet written into it, so it looks in use "
            "as a cache (one that had it open did not quit cleanly)"
        )
        todo = (
            f"to replace it anyway (those changes go with the old copy), delete {files} "
            "first, or choose another name; nothing was written"
        )
    raise write_error(
        errno.EBUSY,
        f"refusing to write {path}: {why}, and whoever opens it next would apply that "
        f"log to the new copy, which would then read as damaged or mixed: {todo}",
    )


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except FileNotFoundError:
        return 0


# SQLite's unix VFS: each connection holds a shared POSIX lock on the "DMS"
# (deadman switch) byte of the `-shm` file for as long as it has the database
# open in WAL mode; the first opener takes it exclusive to rebuild the index.
# The byte is 128: SQLite's src/os_unix.c defines UNIX_SHM_BASE as
# (22 + SQLITE_SHM_NLOCK) * 4 = 120 and UNIX_SHM_DMS as UNIX_SHM_BASE +
# SQLITE_SHM_NLOCK = 128 (SQLITE_SHM_NLOCK is 8: sqlite.org/c3ref/c_shm_nlock.html);
# https://www.sqlite.org/walformat.html describes the lock.
_DMS_BYTE = 128


def _shm_held(shm: str) -> bool:
    """Whether another process holds `shm` (its DMS byte cannot be locked
    exclusively). A file that cannot be probed counts as held."""
    if fcntl is None:  # (no POSIX locks: cannot tell, so be careful)
        return True
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _DMS_BYTE)
        return False
    finally:
        os.close(fd)
