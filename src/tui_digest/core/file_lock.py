"""An exclusive `flock` on an open lock file, saying so before it waits.

Shared by the config's edit lock (`config/config_lock.py`) and the publish
folder's lock (`publish/folder_lock.py`), which differ in where their lock
files live and what they do when none can be taken, not in how one is taken.
"""

from __future__ import annotations

import errno
from collections.abc import Callable

try:
    import fcntl
except ImportError:  # (Windows: the callers take no lock there)
    fcntl = None  # type: ignore[assignment]

# flock's errors that mean "this file system cannot lock this descriptor", not
# "someone holds it" (flock(2): EBADF, ENOLCK, EINVAL; ENOSYS/EOPNOTSUPP from
# file systems without lock support, such as some NFS, sshfs or SMB mounts).
CANNOT_LOCK = frozenset(
    {errno.EBADF, errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}
)


def lock_exclusive(fd: int, waiting: Callable[[], None] | None = None) -> OSError | None:
    """Hold an exclusive lock on `fd` (until it is closed). `waiting()` is called
    once, before blocking, when another process (or descriptor) holds it.
    Returns the error when the file system cannot lock (`CANNOT_LOCK`), else None."""
    assert fcntl is not None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another holds it: say so, then wait
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        if exc.errno not in CANNOT_LOCK:
            raise
        return exc
    return None
