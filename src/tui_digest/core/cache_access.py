"""Where the cache can be read and written: read-only media, permission bits.

`readonly_reason` says why a cache cannot be written; `readonly_uri` is the SQLite
URI that reads it, without locks or `-shm` where nothing can change it. Below
`cache_guard`, which checks a cache before the store opens it.
"""

from __future__ import annotations

import os
from pathlib import Path


def _existing_ancestor(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _writable(path: Path) -> bool:
    # os.access, not a trial write: a check at start must not leave files behind.
    return os.access(path, os.W_OK)


def on_readonly_media(path: Path) -> bool:
    """True when the file system holding `path` is mounted read-only (a DVD, a
    read-only bind mount, a snapshot)."""
    try:
        flags = os.statvfs(_existing_ancestor(path.parent)).f_flag
    except OSError:
        return False
    return bool(flags & os.ST_RDONLY)


def readonly_uri(path: Path) -> str:
    """The SQLite URI that opens `path` for reading only.

    A WAL cache needs its `-shm` file even to be read, and where that file
    cannot be created (read-only media, a folder the user cannot write)
    `immutable=1` tells SQLite that nothing can change the file, so it reads
    without locks or `-shm`. It is used only where that is so (`_unchanging`):
    where another process may still write, reading without locks gives wrong
    answers or "database disk image is malformed".
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if _unchanging(path) else uri


def _unchanging(path: Path) -> bool:
    """True when no process can change the cache at `path` while it is read.

    On read-only media; or when no session has it open (no `-wal` beside it:
    WAL mode keeps one while a connection is open, and one a crash left holds
    commits not yet in the file) and neither this process nor anyone else, by
    the permission bits, can write the file or its folder (a write needs both:
    the file, and the folder to make `-wal` in).
    """
    if on_readonly_media(path):
        return True
    real = path.resolve()
    if os.path.lexists(str(real) + "-wal"):
        return False
    return _nobody_writes(real.parent) or _nobody_writes(real)


def _nobody_writes(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & 0o222 and not _writable(path)


def readonly_reason(path: Path) -> str:
    """Why a cache at `path` cannot be written ("" when it can).

    WAL mode creates `-wal` and `-shm` next to the cache, so the folder must be
    writable as well as the file, and so must those two when they are there.
    """
    folder = _existing_ancestor(path.parent)
    if on_readonly_media(path):
        return f"{folder} is on a read-only file system"
    if not _writable(folder):
        return f"its folder {folder} is read-only"
    if path.exists() and not _writable(path):
        return "the file is read-only"
    # A read-only session leaves -wal and -shm with the cache's mode (444 when
    # the cache was made read-only): made writable again, the cache then failed
    # every write with a traceback "attempt to write a readonly database".
    stuck = [p for s in ("-wal", "-shm") if (p := Path(f"{path}{s}")).exists() and not _writable(p)]
    if len(stuck) == 2:
        return f"{stuck[0]} and {stuck[1]} are read-only; make them writable as the cache is"
    return f"{stuck[0]} is read-only; make it writable as the cache is" if stuck else ""
