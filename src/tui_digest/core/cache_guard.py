"""Storage faults met when the cache is opened: damage, read-only places, locks.

`check_cache` runs before the store opens a connection. It never deletes
anything: a damaged cache (one with SQLite's header that SQLite cannot open
or that fails `PRAGMA quick_check`; an empty file is a new cache) is renamed
aside with its `-wal`/`-shm` companions under a dated name, so the store can
start a fresh cache and the user can still recover or report the old one. A
file that does not even start with SQLite's header is no cache at all (a
`--db` typo): it is refused, untouched. A cache the user cannot write is
opened read-only instead of failing on the first write.

`retry_locked` wraps one write so that a cache busy with another tui-digest
process is retried with backoff and then refused with a sentence, not a
traceback.

`CacheError` comes from `core.errors`, below both this module and the store.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tui_digest.core.cache_access import readonly_reason, readonly_uri
from tui_digest.core.errors import CacheError

T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")
# sqlite3's primary result codes for "another connection holds the lock".
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_NOTADB = 26  # "file is not a database"
_SQLITE_READONLY, _SQLITE_CANTOPEN = 8, 14
# Failures of the machine, not of the file: out of memory, I/O error, disk full,
# cannot open (SQLite's primary result codes, https://www.sqlite.org/rescode.html).
_NOT_THE_FILE = frozenset({7, 10, 13, 14})


# repr=False: nothing prints these; each method a dataclass generates costs
# the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, repr=False)
class GuardResult:
    """What the store must do: open read-only or not; `messages` are for the user."""

    readonly: bool = False
    messages: list[str] = field(default_factory=list)
    moved_to: Path | None = None  # where a damaged cache went, when one was moved
    why_readonly: str = ""  # why the cache cannot be written, when that made it read-only


# --- Damage -------------------------------------------------------------------------


def damage(path: Path, *, timeout: float = 5.0, thorough: bool = True, header: bool = True) -> str:
    """Why the existing file at `path` is not a usable SQLite database, or "" if it is.

    Reads only (`mode=ro`), so a healthy cache is never modified here. A lock
    held by another process is not damage: that is reported as "" and left to
    the store's busy timeout and `retry_locked`.

    `header`: read the file's first bytes first, so that a file that is not
    SQLite's is told before SQLite touches its `-wal`/`-shm` companions. Only
    where this process holds no connection to the file (`check_cache`, before
    the store opens it): closing any descriptor of a file drops every POSIX
    lock the process holds on it, SQLite's included ("Posix advisory locks
    canceled by a separate thread doing close()",
    https://www.sqlite.org/howtocorrupt.html). `Store.verify`, which the
    reader runs with its connections open, reads it through SQLite instead:
    the header read there let the next `tui-digest fetch` take itself for the
    cache's last user and delete the write-ahead log under the reader, whose
    marks then failed ("disk I/O error") or were lost.
    """
    try:
        size = path.stat().st_size
        if not (header and size) and not os.access(path, os.R_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise CacheError(f"{path}: cannot read the cache: {exc.strerror or exc}") from exc
    if header and size and not has_sqlite_header(path):
        return "the file is not an SQLite database"
    if not size:
        return "the file is empty"
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        _refuse_if_not_here(path, exc)
        _refuse_if_not_the_file(path, exc)
        return f"cannot be opened ({exc})"
    try:
        # quick_check reads every page (~0.3 s per 700 MB cache); the light
        # check reads the schema only, for a start that does not grow with it.
        if not thorough:
            conn.execute("PRAGMA schema_version").fetchall()
            return ""
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        if is_locked_error(exc):
            return ""
        _refuse_if_not_here(path, exc)
        _refuse_if_not_the_file(path, exc)
        return f"the database is damaged ({exc})"
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode == _SQLITE_NOTADB:  # its header is not SQLite's
            return "the file is not an SQLite database"
        return f"the database is damaged ({exc})"
    finally:
        conn.close()
    verdict = "; ".join(str(r[0]) for r in rows[:3])
    if verdict != "ok":
        return f"the database failed its integrity check ({verdict[:300]})"
    return ""


def _refuse_if_not_the_file(path: Path, exc: sqlite3.Error) -> None:
    """A failure of the disk, not of the cache, is a CacheError, never damage.

    A full disk fails making the -shm file of a WAL cache ("disk I/O error").
    Taken for damage, an intact cache was moved aside and the reader started
    empty, every paper and star seemingly gone (found by a bug hunt).
    """
    if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in _NOT_THE_FILE:
        raise CacheError(
            f"{path}: cannot read the cache ({exc}): is the disk full or failing? "
            "The cache was left as it is"
        ) from exc


def _refuse_if_not_here(path: Path, exc: sqlite3.Error) -> None:
    """A cache SQLite cannot read where it lies is a CacheError, never damage.

    A WAL cache is read through its `-shm` file, which SQLite makes beside it
    (SQLITE_READONLY_DIRECTORY where it cannot, CANTOPEN where it cannot open
    one). Taken for damage, a healthy cache in a folder the user cannot write
    refused even `stats`, and the message told them to move it aside (found by
    a bug hunt).
    """
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    why = readonly_reason(path) if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN) else ""
    if not why:
        return
    shm = f"{path.name}-shm"
    if os.path.lexists(str(path) + "-wal"):
        need = f"to read its write-ahead log {path.name}-wal SQLite must make {shm} beside it"
    else:
        need = f"to read a cache that others may still change SQLite must make {shm} beside it"
    raise CacheError(
        f"{path}: cannot read the cache here: {why}, and {need} ({exc}); read it where "
        "its folder can be written, or a copy of it. The cache was left as it is"
    ) from exc


def has_sqlite_header(path: Path) -> bool:
    """True when the file at `path` starts with SQLite's 16-byte header."""
    return _first_bytes(path) == SQLITE_HEADER


def _first_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CacheError(f"{path}: cannot read the cache: {exc.strerror or exc}") from exc


def _forming(start: bytes) -> bool:
    """True for a first 16 bytes that may be SQLite's header still being written:
    fewer bytes than the header holds that begin it, or zeros only."""
    if len(start) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(start):
        return True
    return not start.strip(b"\x00")


# How long a header still being written is waited for: another tui-digest making
# the cache writes its first page in one go, so a few milliseconds, even loaded.
HEADER_WAIT = 2.0


def _settled_header(path: Path) -> bool:
    """`has_sqlite_header`, after waiting up to HEADER_WAIT for a header being written.

    Six `tui-digest import` started at once on a cache that did not exist yet:
    one of them now and then read the first bytes while another was making the
    file, found them not (yet) SQLite's, and refused the cache as "not a
    tui-digest cache" (a flaky test of the last sessions). Zeros or a part of the
    header are what a file being made shows, never a text file someone owns.
    """
    deadline = time.monotonic() + HEADER_WAIT
    start = _first_bytes(path)
    while start != SQLITE_HEADER and _forming(start) and time.monotonic() < deadline:
        time.sleep(0.01)
        start = _first_bytes(path)
    return start == SQLITE_HEADER


def aside_name(path: Path, now: _dt.datetime | None = None) -> Path:
    """`cache.db.corrupt-YYYYMMDD-HHMMSS` next to `path`; `-2`, `-3`… if that is taken."""
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    candidate, n = base, 1
    while any(os.path.lexists(str(candidate) + s) for s in ("", *COMPANIONS)):
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _copied_over_a_log(path: Path, *, moving: bool) -> str:
    """A hint when a write-ahead log lies beside a damaged cache.

    A process that did not quit cleanly (killed, a crash) leaves `cache.db-wal`
    holding its last commits; SQLite applies that log to whatever file is named
    `cache.db` next. A backup copied over the cache then (the README's restore)
    read as damaged, and the next command moved it aside and started empty
    (found by a bug hunt): the backup itself is intact."""
    log = Path(str(path) + "-wal")
    if not log.exists() or log.stat().st_size == 0:
        return ""
    if moving:  # (the log goes aside with it)
        return (
            f". A write-ahead log ({log.name}) lay beside it: if you had copied a backup "
            "over the cache, copy the backup again"
        )
    return (
        f". A write-ahead log ({log.name}) lies beside it: if you copied a backup over "
        f"the cache, delete {log.name} and {path.name}-shm and copy the backup again"
    )


def move_aside(path: Path, now: _dt.datetime | None = None) -> Path:
    """Rename `path` and its companions to a fresh dated name; never overwrites."""
    target = aside_name(path, now)
    _rename_no_clobber(path, target)
    for suffix in COMPANIONS:
        part = Path(str(path) + suffix)
        if os.path.lexists(part):
            _rename_no_clobber(part, Path(str(target) + suffix))
    return target


def _rename_no_clobber(src: Path, dst: Path) -> None:
    # link + unlink fails if `dst` appeared meanwhile, where rename would replace it.
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise CacheError(f"cannot move {src} aside: {dst} already exists") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(dst):
            raise CacheError(f"cannot move {src} aside: {dst} already exists") from None
        os.rename(src, dst)
    else:
        os.unlink(src)


# --- The check ----------------------------------------------------------------------


def check_cache(
    path: Path,
    *,
    want_readonly: bool = False,
    now: _dt.datetime | None = None,
    thorough: bool | None = True,
) -> GuardResult:
    """Look at the cache before the store opens it; see the module docstring.

    Raises CacheError when the cache can be neither used nor replaced (damaged
    and read-only, or damaged and a read-only open was asked for: that must
    not write a byte, so it does not move anything either).
    """
    path = Path(path)
    result = GuardResult(readonly=want_readonly)
    exists = path.is_file()
    if path.exists() and not exists:
        raise CacheError(f"{path}: the cache path is not a file")
    why_ro = readonly_reason(path)
    if thorough is None:
        # A WAL file left behind means the last session did not close cleanly
        # (killed, crashed, power cut): that is when a full check is worth it.
        wal = path.with_name(path.name + "-wal")
        thorough = wal.is_file() and wal.stat().st_size > 0
    # An empty file holds nothing to recover, and is no damage: SQLite makes a new
    # database of it. It is also what another tui-digest creating the cache at this
    # moment has made before its first page: moving it aside then cost that
    # process's import, reported as done, to a file nobody reads.
    empty = exists and path.stat().st_size == 0
    if exists and not empty and not _settled_header(path):
        # Not a cache that was damaged but some other file (`--db notes.md`):
        # moving it aside and writing a new cache in its place surprised its
        # owner. A damaged cache keeps its header and is still moved aside.
        raise CacheError(f"{path}: not a tui-digest cache (not an SQLite file); not modified")
    problem = damage(path, thorough=thorough, header=False) if exists and not empty else ""
    if problem:
        moving = not (want_readonly or why_ro)
        hint = _copied_over_a_log(path, moving=moving)
        if not moving:
            because = "a read-only open" if want_readonly else why_ro
            raise CacheError(
                f"{path}: the cache is unusable ({problem}) and cannot be replaced "
                f"({because}); open it once with write access to move it aside{hint}"
            )
        moved = move_aside(path, now)
        result.moved_to = moved
        result.messages.append(
            f"{path}: the cache was unusable ({problem}); moved it to {moved} "
            f"and started a fresh cache{hint}"
        )
        return result

    if why_ro and not want_readonly:
        if not exists:
            raise CacheError(f"{path}: cannot create a cache there: {why_ro}")
        result.readonly = True
        result.why_readonly = why_ro
        result.messages.append(
            f"{path} is read-only ({why_ro}); opened read-only, changes will not be saved"
        )
    return result


# --- Locks --------------------------------------------------------------------------


def is_locked_error(exc: BaseException) -> bool:
    """True for SQLITE_BUSY / SQLITE_LOCKED ("database is locked", "... is busy")."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "table is locked" in text


# SQLITE_FULL: https://www.sqlite.org/rescode.html
_SQLITE_FULL = 13


def is_disk_full(exc: BaseException) -> bool:
    """True for SQLITE_FULL ("database or disk is full")."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    return code & 0xFF == _SQLITE_FULL or "disk is full" in str(exc)


def retry_locked(
    fn: Callable[[], T],
    *,
    attempts: int = 5,
    delay: float = 0.1,
    sleep: Callable[[float], object] = time.sleep,
    path: Path | str = "",
) -> T:
    """Call `fn`; while another writer holds the cache, wait and call it again.

    Waits `delay`, then twice that, and so on, between `attempts` calls. Any
    other error passes through untouched. When the lock outlasts every
    attempt, raises CacheError saying so (the original error is its cause).
    `fn` must be a whole transaction: the store rolls back a failed one, so
    calling it again is safe.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    wait = delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_locked_error(exc):
                raise
            if attempt == attempts:
                where = f"cache {path}" if path else "the cache"
                raise CacheError(
                    f"{where} is locked by another tui-digest process; try again "
                    f"(still locked after {attempts} attempts)"
                ) from exc
        sleep(wait)
        wait *= 2
    raise AssertionError("unreachable")  # the loop returns or raises
