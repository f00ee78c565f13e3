"""What a path given to `-o` (or `backup FILE`, `sources export FILE`) is.

A symlink is followed, never replaced itself: `-o /dev/stdout` as root had
turned the machine's `/dev/stdout` link into a regular file (found by a bug
hunt). What the path ends at decides how it is written (`atomic_file`):

- one of the descriptors this process was started with (`/dev/stdout`,
  `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, or a link to one): written
  through the descriptor, as `-` writes standard output (a `>> log` is appended
  to, not replaced). A number the process was not given is refused: by then it
  may be one of the program's own files (`/dev/fd/4` was the cache's `-wal`
  file, and the export destroyed the cache);
- a character device or a FIFO (`/dev/null`, a named pipe): opened and written
  directly, nothing replaced;
- a regular file, or nothing yet: replaced (created) atomically; through a
  symlink that is the file the link points to, and the link stays;
- anything else (a block device, a socket, a folder): refused.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_MAX_LINKS = 40  # as the kernel's own limit on a chain of symlinks

# The descriptors the process was started with, and what each was (device,
# inode), noted by `note_given_descriptors` at the program's start; None: not
# noted (then only standard input, output and error count as given).
_given: dict[int, tuple[int, int]] | None = None


def note_given_descriptors() -> None:
    """Note the descriptors open now, at the program's start (before it opens
    any file of its own): only those can be written as `/dev/fd/N`."""
    global _given
    try:
        numbers = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        try:
            numbers = [int(n) for n in os.listdir("/dev/fd")]
        except OSError:
            numbers = [0, 1, 2]
    noted: dict[int, tuple[int, int]] = {}
    for n in numbers:
        try:
            st = os.fstat(n)
        except OSError:  # (the listing's own descriptor, closed by now)
            continue
        noted[n] = (st.st_dev, st.st_ino)
    _given = noted


def given_descriptor(n: int) -> bool:
    """Whether descriptor `n` is one the process was started with, still the same."""
    try:
        st = os.fstat(n)
    except OSError:
        return n in (0, 1, 2)  # closed: writing it says "Bad file descriptor"
    if _given is None:
        return n in (0, 1, 2)
    return _given.get(n) == (st.st_dev, st.st_ino)


@dataclass(frozen=True)
class Target:
    given: Path
    linked: bool  # `given` is a symlink (followed)
    mode: int | None  # what the path ends at (None: nothing there, or a dangling link)
    descriptor: int | None  # one of this process's descriptors the path names
    stray: bool = False  # that descriptor is not one the process was given: refused

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
    number = own_descriptor(path)
    stray = number is not None and not given_descriptor(number)
    return Target(path, linked, mode, number, stray)


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


def open_streamed(target: Target, *, reader_needed: bool = False) -> int:
    """A descriptor to write `target` (`streamed`) through; the caller closes it.

    `reader_needed`: a FIFO nobody has open for reading is refused at once
    (BrokenPipeError, "nobody is reading the pipe") rather than waited for: the
    reader's export had sat in `open` for good, and neither `q` nor a signal
    ended it. (The CLI waits for a reader, as `cat > fifo` does.)"""
    if target.descriptor is not None:
        if target.stray:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return os.dup(target.descriptor)
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fifo = target.mode is not None and stat.S_ISFIFO(target.mode)
    if reader_needed and fifo:
        try:
            fd = os.open(target.given, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            raise BrokenPipeError(
                errno.EPIPE, "nobody is reading the pipe (start its reader first)"
            ) from exc
        os.set_blocking(fd, True)
    else:
        fd = os.open(target.given, flags)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # replaced meanwhile: not written
        os.close(fd)
        raise FileExistsError(f"{target.given} changed while it was being opened")
    return fd
