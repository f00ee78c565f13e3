"""A copy of the cache is no more readable than the cache.

Backups and state files hold the user's notes, tags and stars. Made from the
umask alone, the copy of a 0600 cache was 0644, readable by every local user
(found by a bug hunt). `cp` gives a copy its source's bits less the umask's:
a file created under the umask and then narrowed to the source's bits is that.

A file another writer fills by name (SQLite's `VACUUM INTO`) must keep its
owner's write bit until it is written: narrowed to a 0444 cache's bits first,
the backup of a read-only cache always failed ("attempt to write a readonly
database", found by a bug hunt). `keep` leaves such bits for the while.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def no_wider_than(target: int | Path, source: Path, *, keep: int = 0) -> None:
    """Take from `target` (a path, or an open descriptor) every permission bit
    `source` lacks, except those in `keep`; nothing when `source` cannot be looked
    at, or `target` is no regular file."""
    try:
        allowed = stat.S_IMODE(os.stat(source).st_mode) | keep
        st = os.stat(target)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        return  # a pipe or a device written through (`-o /dev/stdout`): not ours to narrow
    mode = stat.S_IMODE(st.st_mode)
    if mode & ~allowed:
        os.chmod(target, mode & allowed)
