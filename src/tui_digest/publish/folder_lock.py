"""One `publish` at a time per folder: an exclusive lock around reading and writing it.

`write_plan` reads `index.json`, adds the day and writes the files and the
index back. Two runs into one folder at once (a timer and a hand-run
`--date`) each read the index before the other wrote it: the second write
lost the first run's days and categories, and an older `--date` judged the
newest day from an index that did not list it yet and replaced `cs.AI.md`.

    with locked(folder, waiting=say):   # `say(path)` once if another run holds it
        ...read the index, write the files and the index...

The lock is `fcntl.flock` on `DIR/.tui-digest.lock` (an empty file,
created once and left there: removing it would let a third run lock a new
file while the second still holds the old one). The kernel releases it when
the run ends, however it ends, so a killed run never leaves the folder
locked. The second run waits for the first rather than failing: a timer's
run should still publish.

Where there is no `fcntl` (Windows) no lock is taken, as before: two runs
into one folder at the same time can still lose index entries there.

A lock file this user may not write (another member of a lab made it, 0644
under umask 022) or a folder mounted read-only is opened for reading: a
read-only descriptor takes an exclusive flock on a local file system. A
read-only folder without the file takes no lock: nothing can be written
there, and re-publishing an unchanged day writes nothing (found by a
regression hunt: both failed with "Permission denied" / "Read-only file
system" where publish worked before the lock).

A file system that cannot take the lock is published unlocked, as on
Windows, after `unlocked(path, error)` says so: on NFS Linux emulates flock
with fcntl byte-range locks, and an exclusive one needs a descriptor open for
writing, so the read-only fallback above fails with EBADF there (flock(2));
NFS without its lock daemon fails with ENOLCK, and file systems without
locks (FUSE ones such as sshfs, some SMB mounts) with EOPNOTSUPP, ENOSYS or
EINVAL. Each of these aborted a publish that worked before the lock existed.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tui_digest.core.file_lock import lock_exclusive

try:
    import fcntl
except ImportError:  # Windows: see the module's docstring
    fcntl = None  # type: ignore[assignment]

# Not ".tui-digest-…": that prefix is atomic_file's temporary files, which
# tests and clean-ups look for.
LOCK_NAME = ".tui-digest.lock"


@contextmanager
def locked(
    folder: Path,
    *,
    waiting: Callable[[Path], None] | None = None,
    unlocked: Callable[[Path, OSError], None] | None = None,
) -> Iterator[Path]:
    """Hold `folder`'s publish lock (the folder must exist); yields the lock file's path.

    `waiting(path)` is called once, before blocking, when another process holds it.
    `unlocked(path, error)` is called when the file system cannot lock (`file_lock.CANNOT_LOCK`):
    the body then runs without the lock. Other OSErrors (a folder that cannot be
    written) are the caller's to report.
    """
    path = Path(folder) / LOCK_NAME
    try:
        fd = _open(path)
    except PermissionError as exc:  # a lock file this user may not even read (0600)
        if unlocked is not None:
            unlocked(path, exc)
        fd = None
    if fd is None:
        yield path
        return
    try:
        if fcntl is not None:
            cannot = lock_exclusive(fd, None if waiting is None else lambda: waiting(path))
            if cannot is not None and unlocked is not None:
                unlocked(path, cannot)
        yield path
    finally:
        os.close(fd)  # releases the lock


def _open(path: Path) -> int | None:
    """A descriptor to lock `path` with; None for a read-only folder without it."""
    try:
        # O_RDWR first: on NFS Linux emulates flock with fcntl byte-range locks,
        # and an exclusive one needs a descriptor open for writing (flock(2)).
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
