"""Writing a file so that it is either complete or absent: the one atomic writer.

Used by export (`export -o`, the reader's export screen), the config editor and
the reader's settings. The temporary file lives in the target's folder (a
rename is atomic only within one filesystem) and is fsynced before the rename;
the folder is fsynced after it.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

from tui_digest.core.output_target import Target, examine, kind_of, open_streamed, planted
from tui_digest.core.polled_write import PolledWriter
from tui_digest.core.processes import process_alive


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write `data` (text as UTF-8, or bytes) to `path` so that it is either complete or absent.

    The text goes to a temporary file in the same folder, is flushed and
    fsynced, then moved into place and the folder is fsynced. Without
    `overwrite`, anything already at `path` (a file, or a symlink, even a
    dangling one) makes this raise FileExistsError and nothing is written; the
    final step uses a hard link so a file that appears meanwhile is not
    clobbered either. A symlink is followed, never replaced: with `overwrite`
    the file it points to is replaced and the link stays. A character device,
    a FIFO or one of this process's descriptors (`/dev/stdout`, also through a
    link) is written directly, as it goes (see `output_target`). On any error
    the temporary file is removed. Returns `path` as given.
    """
    target = Path(path)
    where = _check_target(target, overwrite)

    # Encoded before any file exists, so a bad string leaves nothing behind.
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def fill(f: BinaryIO, _tmp: Path) -> None:
        f.write(payload)

    return _put(where, fill, overwrite)


def fill_atomic(
    path: str | Path, fill: Callable[[Path], object], *, overwrite: bool = False
) -> Path:
    """Like `write_atomic`, for content another writer puts into a file by name.

    `fill(tmp)` writes the (empty, already created) temporary file `tmp`, e.g.
    SQLite's `VACUUM INTO`; it is then fsynced and moved into place with the
    same checks and no-clobber rule as `write_atomic`. Such a file cannot be
    written into a device or a pipe: those are refused.
    """
    target = Path(path)
    where = _check_target(target, overwrite)
    if where.streamed:
        what = (
            "standard output or another open descriptor"
            if where.descriptor is not None
            else kind_of(where.mode or 0)
        )
        raise write_error(
            errno.EINVAL,
            f"cannot write {target}: it is {what}; this file is written by name, "
            "so it must go to a regular file",
        )
    return _place(where.file(), lambda _f, tmp: fill(tmp), overwrite)


def stream_atomic(
    path: str | Path,
    fill: Callable[[BinaryIO], object],
    *,
    overwrite: bool = False,
    reader_needed: bool = False,
    stop: threading.Event | None = None,
) -> Path:
    """Like `write_atomic`, for content written piece by piece: `fill(f)` writes
    the (empty) temporary file's binary stream `f` as it goes, so a large export
    is never held whole in memory. The target is checked before `fill` runs (a
    missing folder is said at once, not after the work); an error in `fill`
    leaves no file (a device or pipe gets what was written before it).
    `reader_needed`: a FIFO with no reader is refused, not waited for
    (`output_target.open_streamed`). `stop`: a pipe or device is written in
    short waits, and `StreamStopped` ends the write once `stop` is set
    (`polled_write`: a consumer that stopped reading held it for good)."""
    target = Path(path)
    where = _check_target(target, overwrite)
    return _put(where, lambda f, _tmp: fill(f), overwrite, reader_needed=reader_needed, stop=stop)


def _put(
    where: Target,
    fill: Callable[[BinaryIO, Path], object],
    overwrite: bool,
    *,
    reader_needed: bool = False,
    stop: threading.Event | None = None,
) -> Path:
    if where.streamed:
        _write_streamed(where, fill, reader_needed=reader_needed, stop=stop)
        return where.given
    _place(where.file(), fill, overwrite)
    return where.given


def _write_streamed(
    where: Target,
    fill: Callable[[BinaryIO, Path], object],
    *,
    reader_needed: bool = False,
    stop: threading.Event | None = None,
) -> None:
    """Write a device, a pipe or a descriptor directly: nothing there is replaced.
    `stop`: each wait for room in the pipe is short, and once `stop` is set the
    write ends with `StreamStopped` (`polled_write`)."""
    try:
        fd = open_streamed(where, reader_needed=reader_needed)
        if stop is not None:
            with PolledWriter(fd, stop) as polled:
                fill(cast("BinaryIO", polled), where.given)
            return
        with os.fdopen(fd, "wb") as f:
            fill(f, where.given)
    except OSError as exc:
        raise _about_target(exc, where.given) from exc


class _Named:
    """An OSError whose text is its message alone, which names the target once.

    Raised with no `filename`: `str()` of a plain OSError would add
    "[Errno 2]" and repeat the path, and `file: reason` printers the path again;
    and the path is the target the user asked for, never the temporary file.
    """

    strerror: str | None

    def __str__(self) -> str:
        return self.strerror or ""


_NAMED: dict[type[OSError], type[OSError]] = {}


def write_error(err: int | None, message: str) -> OSError:
    """An OSError of the class Python gives `err` (FileExistsError for EEXIST, ...),
    whose str() is `message`."""
    base = type(OSError(err, message)) if err is not None else OSError
    named = _NAMED.get(base)
    if named is None:
        named = _NAMED[base] = type(base.__name__, (_Named, base), {"__module__": __name__})
    return named(err or errno.EIO, message)


def _about_target(exc: OSError, target: Path) -> OSError:
    """`exc` as an error about `target` (it may name the temporary file)."""
    if isinstance(exc, _Named):
        return exc
    reason = exc.strerror or str(exc) or type(exc).__name__
    return write_error(exc.errno, f"cannot write {target}: {reason}")


def _place(target: Path, fill: Callable[[BinaryIO, Path], object], overwrite: bool) -> Path:
    """Create a temporary file beside `target`, `fill` it, fsync it, move it into place."""
    folder = target.parent
    tmp, fd = _create_temp(folder, target)
    try:
        with os.fdopen(fd, "r+b") as f:
            kept = _keep_mode_of(target, f.fileno(), overwrite)
            f.flush()
            fill(f, tmp)
            f.flush()
            if kept is not None and not kept & stat.S_IWUSR:
                _drop_owner_write(f.fileno())
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            _move_no_clobber(tmp, target)
    except OSError as exc:
        _remove_quietly(tmp)
        raise _about_target(exc, target) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    try:
        _fsync_dir(folder)
    except OSError as exc:
        raise _about_target(exc, target) from exc
    return target


def _check_target(target: Path, overwrite: bool) -> Target:
    folder = target.parent
    if not target.name or target.name in (".", ".."):
        raise write_error(errno.EISDIR, f"cannot write {target}: not a file name")
    if not folder.exists():
        raise write_error(errno.ENOENT, f"cannot write {target}: folder {folder} does not exist")
    if not folder.is_dir():
        raise write_error(errno.ENOTDIR, f"cannot write {target}: {folder} is not a folder")
    where = examine(target)
    if where.linked and planted(target):
        raise write_error(
            errno.EACCES,
            f"refusing to write {target}: it is another user's symlink in a shared "
            "folder (sticky and writable by all, as /tmp); it is not followed",
        )
    if where.stray:
        raise write_error(
            errno.EBADF,
            f"cannot write {target}: Bad file descriptor (descriptor {where.descriptor} "
            "is not one this program was started with)",
        )
    if where.streamed:
        return where  # written as it is, nothing replaced: no --force needed
    kind = where.refused_kind
    if kind == "a folder" and not where.linked:
        raise write_error(errno.EISDIR, f"cannot write {target}: it is a folder")
    if kind is not None:
        # `--force` onto a socket or a block device would otherwise swap it
        # for a regular file: refused, whatever `overwrite` says.
        through = " (through a symlink)" if where.linked else ""
        raise write_error(
            errno.EINVAL,
            f"refusing to replace {target}: it is {kind}{through}, not a regular file "
            "(write to standard output and redirect instead)",
        )
    if not overwrite and os.path.lexists(target):
        raise _exists_error(target)
    if where.linked and not where.file().parent.is_dir():
        raise write_error(
            errno.ENOENT,
            f"cannot write {target}: it is a symlink to {where.file()}, "
            "whose folder does not exist",
        )
    return where


def _exists_error(target: Path) -> OSError:  # a FileExistsError
    # (overwriting a symlink writes the file it points to: the link stays)
    what = f"a symlink to {os.path.realpath(target)}" if target.is_symlink() else "a file"
    return write_error(errno.EEXIST, f"refusing to overwrite {target}: {what} already exists there")


# A temporary file names the process that writes it (`.tui-digest-<pid>-<hex>.tmp`),
# so that one left by a killed process (a cron `backup` ended by a timeout left
# 216 MB each time) can be told from one being written, and removed.
_TEMP_RE = re.compile(r"\.tui-digest-(\d+)-[0-9a-f]{12}\.tmp(-journal|-wal|-shm)?")
LEFTOVER_AGE = 3600.0  # seconds: only an hour-old file of a gone process is removed


def _remove_leftovers(folder: Path, now: float | None = None) -> None:
    """Remove the temporary files (and SQLite's files beside them) that processes
    now gone left in `folder` over an hour ago."""
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # (the write itself will say what is wrong with the folder)
    for entry in entries:
        m = _TEMP_RE.fullmatch(entry.name)
        if m is None or process_alive(int(m[1])):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime >= LEFTOVER_AGE:
                os.unlink(entry.path)
        except OSError:
            continue  # (someone else's, or gone already: not ours to insist)


def temp_name(folder: Path) -> Path:
    """A temporary file's name in `folder`, as `_TEMP_RE` knows it, so that one
    a killed process left is removed by a later write (`_remove_leftovers`)."""
    return folder / f".tui-digest-{os.getpid()}-{secrets.token_hex(6)}.tmp"


def _create_temp(folder: Path, target: Path) -> tuple[Path, int]:
    # os.open with 0o666 (not mkstemp's 0o600) so the umask decides the final
    # mode, like any file the user creates.
    _remove_leftovers(folder)
    for _ in range(100):
        tmp = temp_name(folder)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue
        except PermissionError as e:
            raise write_error(
                e.errno, f"cannot write {target}: no permission to create files in {folder}"
            ) from e
        except OSError as e:  # /proc: ENOENT; a read-only file system: EROFS; ...
            raise _about_target(e, target) from e
        return tmp, fd
    raise write_error(errno.EEXIST, f"cannot write {target}: no temporary file could be created")


_O_BINARY = getattr(os, "O_BINARY", 0)


def _keep_mode_of(target: Path, fd: int, overwrite: bool) -> int | None:
    """When replacing a regular file, the new one keeps its permission bits: the
    bits kept (None: none), less the owner's write bit, which stays until the
    file is written (`_drop_owner_write`): a `fill` writing the file by name
    (SQLite) could not write into a copy of a 0444 file."""
    if not overwrite or not hasattr(os, "fchmod"):
        return None
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    mode = stat.S_IMODE(st.st_mode)
    os.fchmod(fd, mode | stat.S_IWUSR)
    return mode


def _drop_owner_write(fd: int) -> None:
    os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & ~stat.S_IWUSR)


_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}
)


def _move_no_clobber(tmp: Path, target: Path) -> None:
    """Move `tmp` to `target` unless something is there; link(2) checks atomically."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError as e:
        # Some filesystems (FAT, several network mounts) have no hard links;
        # there the check-then-replace below is the best available.
        if e.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(target):
            raise _exists_error(target) from None
        os.replace(tmp, target)
    else:
        os.unlink(tmp)


def _remove_quietly(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)  # missing: already moved into place


def move_into_place(staged: Path, target: Path) -> None:
    """Rename a file written whole beside `target` (by `write_atomic`, under a
    temporary name) over it: what a writer that places several files together
    does once every one is written (`publish.staging`). Here, so that renames
    stay with the one atomic writer (`test_layers`)."""
    os.replace(staged, target)


def sync_folder(folder: Path) -> None:
    """fsync `folder` (best effort, as after each write here), for a caller that
    moved files into it itself (`publish.staging`)."""
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # directories cannot be opened for fsync on Windows
    # Best effort: the file is already complete and in place. A folder that
    # cannot be opened for reading (mode -wx) or a filesystem that refuses
    # fsync on folders only loses the durability of the rename.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except PermissionError:
        return
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
