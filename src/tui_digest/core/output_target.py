"""What a path given to `-o` (or `backup FILE`, `sources export FILE`) is.

A symlink is followed, never replaced itself: `-o /dev/stdout` as root had
turned the machine's `/dev/stdout` link into a regular file (found by a bug
hunt). What the path ends at decides how it is written (`atomic_file`):

- one of this process's own descriptors (`/dev/stdout`, `/dev/stderr`,
  `/dev/fd/N`, `/proc/self/fd/N`, or a link to one): written through the
  descriptor, as `-` writes standard output (a `>> log` is appended to, not
  replaced);
- a character device or a FIFO (`/dev/null`, a named pipe): opened and written
  directly, nothing replaced;
- a regular file, or nothing yet: replaced (created) atomically; through a
  symlink that is the file the link points to, and the link stays;
- anything else (a block device, a socket, a folder): refused.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_MAX_LINKS = 40  # as the kernel's own limit on a chain of symlinks


@dataclass(frozen=True)
class Target:
    given: Path
    linked: bool  # `given` is a symlink (followed)
    mode: int | None  # what the path ends at (None: nothing there, or a dangling link)
    descriptor: int | None  # one of this process's descriptors the path names

    @property
    def streamed(self) -> bool:
        """Written directly, not replaced: a descriptor, a character device or a FIFO."""
        if self.descriptor is not None:
            return True
        return self.mode is not None and (stat.S_ISCHR(self.mode) or stat.S_ISFIFO(self.mode))

    @property
    def refused_kind(self) -> str | None:
        """What makes the path unwritable (a block device, ...), None when it is not."""
        if self.descriptor is not None or self.mode is None or self.streamed:
            return None
        return None if stat.S_ISREG(self.mode) else kind_of(self.mode)

    def file(self) -> Path:
        """The regular file to replace (or create): `given`, or where its link points."""
        return Path(os.path.realpath(self.given)) if self.linked else self.given


def examine(path: Path) -> Target:
    try:
        linked = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        linked = False
    try:
        mode: int | None = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    return Target(path, linked, mode, own_descriptor(path))


def kind_of(mode: int) -> str:
    return (
        "a character device" if stat.S_ISCHR(mode)
        else "a block device" if stat.S_ISBLK(mode)
        else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "a folder" if stat.S_ISDIR(mode)
        else "not a regular file"
    )  # fmt: skip


def own_descriptor(path: Path) -> int | None:
    """The descriptor N when `path` (or a symlink in its chain) is `/dev/fd/N`,
    `/proc/self/fd/N` or `/proc/<this pid>/fd/N` (`/dev/stdout` links to one)."""
    names = re.compile(
        rf"/(?:dev/fd|proc/(?:self|thread-self|{os.getpid()})/fd)/(\d+)",
    )
    current = os.fspath(path)
    for _ in range(_MAX_LINKS):
        m = names.fullmatch(os.path.normpath(current)) if current.startswith("/") else None
        if m is not None:
            return int(m[1])
        try:
            link = os.readlink(current)
        except OSError:  # not a link (or gone): the chain ends here
            return None
        current = os.path.join(os.path.dirname(current), link)
    return None


def planted(path: Path) -> bool:
    """Whether `path` is a symlink another user made in a sticky, world-writable
    folder (`/tmp`): not followed, as the kernel's `fs.protected_symlinks` refuses
    to, so a link planted there cannot turn `-o /tmp/x --force` into a write
    over the planter's choice of the user's files. (`realpath` resolves links
    without the kernel's check: it is made here.)"""
    if not hasattr(os, "geteuid"):
        return False
    try:
        link = os.lstat(path)
        folder = os.stat(path.parent)
    except OSError:
        return False
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    return bool(shared) and link.st_uid not in (os.geteuid(), folder.st_uid)


def open_streamed(target: Target) -> int:
    """A descriptor to write `target` (`streamed`) through; the caller closes it."""
    if target.descriptor is not None:
        return os.dup(target.descriptor)
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target.given, flags)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # replaced meanwhile: not written
        os.close(fd)
        raise FileExistsError(f"{target.given} changed while it was being opened")
    return fd
