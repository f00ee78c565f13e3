"""One edit of a config file at a time: an exclusive lock around read-modify-write.

Two `sources add` at once (a script's `xargs -P`, a cron `sources import` while
a shell runs `sources add`) both said "added" and one source was lost: each
wrote the list it had read before the other's edit (found by a bug hunt).
Every edit (`config.editing`, and a command that reads the config, decides,
then saves) now runs inside

    with config_locked(path, waiting=say):   # `say(path)` once if another edit holds it
        ...load the config, edit, write...

The lock is `fcntl.flock` on `.NAME.lock` beside the real config file, its
symlinks resolved (a config linked into a dotfiles repository gets its lock
file in the repository: two names of one file, edited at once, had each
locked its own lock and edits were lost), an empty file
created once and left there (removing it would let a third edit
lock a new file while the second still holds the old one). The kernel
releases it when the process ends, however it ends. The same thread may take
it again inside (a command holding it calls `save_sources`, which takes it
too); another thread or process waits.

A config folder not there yet is made first (the edit makes it anyway): on a
fresh machine six `sources add` at once took no lock and kept one source.
No lock is taken where there is no `fcntl` (Windows), where the lock file
cannot be made (a read-only folder: the edit then fails with its own
message) or where the file
system cannot lock (NFS without its lock daemon, sshfs: flock's errors as in
`publish.folder_lock`): edits there are as before.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: see the module's docstring
    fcntl = None  # type: ignore[assignment]

from tui_digest.config.paths import config_path
from tui_digest.core.file_lock import lock_exclusive
from tui_digest.core.folder_links import broken_link

# A lock file that cannot be made or opened: no lock (the edit says what is wrong).
_CANNOT_OPEN = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EEXIST}
)

_held = threading.local()  # the lock files this thread holds (reentrant per thread)


def lock_path(path: str | Path | None) -> Path:
    """The lock file of the config at `path` (None: the default config)."""
    named = Path(os.path.realpath(config_path(path)))
    return named.with_name(f".{named.name}.lock")


@contextmanager
def config_locked(
    path: str | Path | None, *, waiting: Callable[[Path], None] | None = None
) -> Iterator[None]:
    """Hold the config's edit lock; `waiting(config)` is called once, before
    blocking, when another process or thread holds it."""
    lock = lock_path(path)
    held: set[Path] = _held.__dict__.setdefault("paths", set())
    if lock in held or fcntl is None:
        yield
        return
    if broken_link(config_path(path).parent):  # (not made at its target: the write says why)
        yield
        return
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if exc.errno not in _CANNOT_OPEN:
            raise
        yield
        return
    try:
        _lock(fd, config_path(path), waiting)
        held.add(lock)
        try:
            yield
        finally:
            held.discard(lock)
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int, config: Path, waiting: Callable[[Path], None] | None) -> None:
    # (a file system that cannot lock: the edit goes on unlocked, as before the lock)
    lock_exclusive(fd, None if waiting is None else lambda: waiting(config))
