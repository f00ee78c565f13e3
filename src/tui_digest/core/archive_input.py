"""Where archive records come from: one file, a folder tree, a `.zip` or a `.tar.gz`.

A user back-fills years of papers by pointing `tui-digest import` at a clone of
the generator's repository, its `papers/` folder, or a `.zip`/`.tar.gz` of it
(GitHub's "Download ZIP" has a top folder such as `cn-chat-arxiv-master/`).

Members are only ever read into memory (nothing is extracted to disk, so member
names cannot write anywhere); names are used in messages only. Archives are
capped on member count, on each record's size and on the total decompressed
size, since a small `.tar.gz` can inflate to anything. A member that cannot be
read is reported on its own and never stops its neighbours; a broken or
over-cap archive raises ArchiveError (an InputError) after the members read so
far were yielded.

Members come back in path order (zip, folders) or archive order (tar, read as a
stream in one pass), so the records of one month arrive together.
"""

from __future__ import annotations

import gzip
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .archive_json import MAX_RECORD_BYTES, ArchiveError
from .publish_index import is_index_file
from .sanitize import clean_line

GiB = 1024**3
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
RECORD_SUFFIX = ".json"
# Inside an archive only the generator's records are read: `papers/YY/MM/<id>.json`
# (the repository's top-level Markdown and XML are today's digests, fetched as such).
_RECORD_PATH_RE = re.compile(r"(?:^|/)papers/(\d{2})/(\d{2})/[^/]+\.json$")

# A macOS zip's resource forks (`__MACOSX/…/._x.json`): no records.
_MACOS_FORKS = "__MACOSX"


def is_record_member(name: str) -> bool:
    """Whether an archive's member called `name` is read as a record: a
    `papers/YY/MM/*.json` path, not under `__MACOSX/` and not named `._*`. (A
    Finder zip's AppleDouble `._*.json` were each "not valid JSON", exit 1:
    regression hunt `regarchive` #2.) Only the path from `papers/` on is judged:
    an archive of a hidden folder (`tar czf x.tgz .data/clone`, `~/.local/…`)
    imported nothing and exited 1 when a hidden folder anywhere left a member out
    (regression hunt `regmend` #2); a clone's `.git/` holds no `papers/YY/MM`."""
    if not _RECORD_PATH_RE.search(name):
        return False
    parts = name.split("/")
    return _MACOS_FORKS not in parts and not parts[-1].startswith(".")


# progress(done, total): units are files for folders and zips, bytes read for tars.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Limits:
    # The real repository holds ~65,000 records of 3-6 KB (~400 MB).
    max_members: int = 1_000_000
    max_total_bytes: int = 4 * GiB  # decompressed, all members together
    max_record_bytes: int = MAX_RECORD_BYTES


@dataclass(frozen=True, slots=True)
class Member:
    """One record: its bytes, or why they could not be read."""

    name: str  # for messages: `path` or `archive.zip!papers/24/03/2403.1.json`
    data: bytes | None
    error: str = ""
    warning: str = ""  # no record, only a word about this name (`data` is None)


def is_archive(path: Path) -> bool:
    """A `.zip`/`.tar.gz`/`.tgz`/`.tar` by name, or a zip or gzip file by its first
    bytes; or an archive of a kind not read (`unread_kind`), to be refused as one."""
    name = path.name.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        return True
    head = _head(path)
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b")) or bool(
        unread_kind(path, head)
    )


# Archives and compressed files that are not read, by name and by their first bytes.
_UNREAD_SUFFIXES = (
    ".tar.xz",
    ".txz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.zst",
    ".tzst",
    ".7z",
    ".rar",
)
_UNREAD_MAGIC = (
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)
_BZIP2_RE = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(10)
    except OSError:
        return b""


def unread_kind(path: Path, head: bytes | None = None) -> str:
    """ "a .tar.xz archive", "bzip2-compressed data", …: what `path` is when it is an
    archive of a kind not read; "" otherwise. (`import x.tar.xz` said "binary
    data, not a digest or feed": bug hunt `archive` #9.)"""
    name = path.name.lower()
    for suffix in _UNREAD_SUFFIXES:
        if name.endswith(suffix):
            return f"a {suffix} archive"
    head = _head(path) if head is None else head
    if _BZIP2_RE.match(head):
        return "bzip2-compressed data"
    return next((what for magic, what in _UNREAD_MAGIC if head.startswith(magic)), "")


def folder_month(name: str) -> str | None:
    """The month of the folder a record is in (`…/papers/24/03/x.json` -> `2024-03`), or None."""
    m = _RECORD_PATH_RE.search(name.replace("\\", "/").replace("!", "/"))  # (`a.zip!papers/…`)
    if m is None:
        return None
    yy = int(m[1])
    return f"{(1900 if yy >= 91 else 2000) + yy:04d}-{m[2]}"  # (as `archive_month`)


def is_record_file(path: Path) -> bool:
    return path.name.lower().endswith(RECORD_SUFFIX)


def iter_records(
    path: Path, *, limits: Limits | None = None, progress: Progress | None = None
) -> Iterator[Member]:
    """The records of one file, folder or archive (see the module docstring)."""
    limits = limits or Limits()
    kind = "" if path.is_dir() else unread_kind(path)
    if kind:
        raise ArchiveError(
            str(path),
            f"{kind}: only .zip, .tar.gz (.tgz) and .tar archives are read; "
            "unpack it and import the folder",
        )
    if path.is_dir():
        yield from _folder(path, limits, progress)
    elif is_archive(path):
        if zipfile.is_zipfile(path):
            yield from _zip(path, limits, progress)
        else:
            yield from _tar(path, limits, progress)
    else:
        yield _one_file(path, str(path), limits)
        if progress is not None:
            progress(1, 1)


def _one_file(path: Path, name: str, limits: Limits) -> Member:
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_record_bytes + 1)
    except OSError as exc:
        return Member(name, None, f"cannot read: {exc.strerror or exc}")
    if len(data) > limits.max_record_bytes:
        return Member(name, None, f"larger than {limits.max_record_bytes} bytes")
    return Member(name, data)


# A folder that holds records, or folders of them: `papers`, `papers/24`, `papers/24/03`.
_RECORD_FOLDER_RE = re.compile(r"(?:^|/)papers(?:/\d{2}){0,2}$")


def record_files(root: Path, links: list[Path] | None = None) -> list[Path]:
    """The records of a folder tree, sorted: as in an archive, only `papers/YY/MM/*.json`
    (the path from `/` decides, so the month folder itself may be named), and not in
    hidden folders (`.git`, `.vscode`) below `root`, as the digest walk skips them
    (`folder_walk`). Every *.json was read before: an editor's settings or a tool's
    config made a clone's import fail (bug hunt `archive` #4).

    Symbolic links to folders are not followed (as by the digest walk); those
    that stand for a folder of records (`papers/24/04`) are added to `links`, to
    be named (skipped without a word before: regression hunt `regarchive` #5)."""
    found: list[Path] = []
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if links is not None:
            links.extend(
                Path(top, d)
                for d in dirs
                if Path(top, d).is_symlink() and _RECORD_FOLDER_RE.search(Path(top, d).as_posix())
            )
        for name in files:
            path = Path(top, name)
            if (
                not name.startswith(".")
                and _RECORD_PATH_RE.search(path.as_posix())
                and path.is_file()
                and not is_index_file(path)
            ):
                found.append(path)
    return sorted(found)


def _folder(root: Path, limits: Limits, progress: Progress | None) -> Iterator[Member]:
    # (A published folder's index.json is no record: `import` reads the folder through it.)
    links: list[Path] = []
    files = record_files(root, links)
    for link in sorted(links):
        yield Member(str(link), None, warning=_folder_link(link))
    for done, p in enumerate(files, 1):
        yield _one_file(p, str(p), limits)
        if progress is not None:
            progress(done, len(files))


def _folder_link(link: Path) -> str:
    try:
        target = os.readlink(link)
    except OSError as exc:
        target = exc.strerror or str(exc)
    return (
        f"a symbolic link to a folder (to {clean_line(target, 200)!r}), not followed: "
        "import that folder itself"
    )


def _member_name(archive: Path, inner: str) -> str:
    return f"{archive}!{clean_line(inner, 500)}"


def _zip(path: Path, limits: Limits, progress: Progress | None) -> Iterator[Member]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(str(path), f"not a readable zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise ArchiveError(
                str(path), f"{len(infos)} members is more than the limit of {limits.max_members}"
            )
        records = sorted(
            (i for i in infos if not i.is_dir() and is_record_member(i.filename)),
            key=lambda i: i.filename,
        )
        total = 0
        for done, info in enumerate(records, 1):
            name = _member_name(path, info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                # (Read as a record, it was "not valid JSON": bug hunt `archive` #9.)
                with zf.open(info) as fh:
                    target = fh.read(200).decode("utf-8", "replace")
                yield Member(name, None, _symlink(target))
            elif info.file_size > limits.max_record_bytes:
                yield Member(name, None, f"larger than {limits.max_record_bytes} bytes")
            else:
                try:
                    with zf.open(info) as fh:
                        # Read one byte past the cap: the declared size may lie.
                        data = fh.read(limits.max_record_bytes + 1)
                except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
                    yield Member(name, None, f"cannot read this member ({exc})")
                    data = None
                except OSError as exc:
                    raise ArchiveError(str(path), f"cannot read: {exc.strerror or exc}") from None
                if data is not None:
                    total += len(data)
                    if total > limits.max_total_bytes:
                        raise ArchiveError(
                            str(path),
                            f"more than {limits.max_total_bytes} bytes decompressed; "
                            "stopped (the records before were read)",
                        )
                    if len(data) > limits.max_record_bytes:
                        yield Member(name, None, f"larger than {limits.max_record_bytes} bytes")
                    else:
                        yield Member(name, data)
            if progress is not None:
                progress(done, len(records))


def _symlink(target: str) -> str:
    return f"a symbolic link (to {clean_line(target, 200)!r}), not a record: not followed"


def _not_a_file(info: tarfile.TarInfo) -> str:
    if info.issym():
        return _symlink(info.linkname)
    if info.islnk():
        # (A tar read in one pass cannot go back to the member it links to.)
        return (
            f"a hard link (to {clean_line(info.linkname, 200)!r}), not read: "
            "extract the archive and import its folder"
        )
    return "not a regular file; not read"


class _CountingReader:
    """A file wrapper that counts the compressed bytes read (the tar's progress)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.count += len(data)
        return data


_GZIP_OF_NO_TAR = (
    "gzip-compressed, but no tar archive inside: "
    "decompress it (gunzip) and import the file it holds"
)


def _gzip_of_no_tar(path: Path) -> bool:
    """Whether `path` is gzip data whose start is no (POSIX) tar header: a
    gzipped record or digest (`x.json.gz`), not a damaged archive (it was "not a
    readable zip or tar archive (truncated header)": regression hunt `regarchive` #5)."""
    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(512)
    except (OSError, EOFError, zlib.error):
        return False  # (damaged: said as such)
    return head[257:262] != b"ustar"


def _open_tar(path: Path, fh: IO[bytes], counting: _CountingReader) -> tarfile.TarFile:
    """The tar in `fh` (gzipped or not), read through `counting` as a stream."""
    try:
        # gzip is undone here rather than by tarfile: GzipFile raises on a
        # truncated stream, where tarfile's own stream reader sees a clean end.
        stream: IO[bytes] = counting  # type: ignore[assignment]
        if fh.read(2) == b"\x1f\x8b":
            # typeshed wants a read-only file object; the counting reader is one in practice.
            stream = gzip.GzipFile(fileobj=counting, mode="rb")  # type: ignore[call-overload]
        fh.seek(0)
        # Stream mode ("r|"): one pass over the file, no seeking back.
        return tarfile.open(fileobj=stream, mode="r|")
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        if isinstance(exc, tarfile.ReadError) and _gzip_of_no_tar(path):
            raise ArchiveError(str(path), _GZIP_OF_NO_TAR) from None
        raise ArchiveError(str(path), f"not a readable zip or tar archive ({exc})") from None


def _tar(path: Path, limits: Limits, progress: Progress | None) -> Iterator[Member]:
    try:
        size = os.path.getsize(path)
        fh = path.open("rb")
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot read: {exc.strerror or exc}") from None
    counting = _CountingReader(fh)
    members = 0
    total = 0
    try:
        tf = _open_tar(path, fh, counting)
        with tf:
            while True:
                try:
                    info = tf.next()
                except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
                    raise ArchiveError(
                        str(path),
                        f"the archive is damaged after {members} members ({exc}); "
                        "stopped (the records before were read)",
                    ) from None
                if info is None:
                    break
                members += 1
                if members > limits.max_members:
                    raise ArchiveError(
                        str(path),
                        f"more than {limits.max_members} members; "
                        "stopped (the records before were read)",
                    )
                # Every member's data is inflated to be skipped, so all count.
                total += max(0, info.size)
                if total > limits.max_total_bytes:
                    raise ArchiveError(
                        str(path),
                        f"more than {limits.max_total_bytes} bytes decompressed; "
                        "stopped (the records before were read)",
                    )
                if info.isdir() or not is_record_member(info.name):
                    continue
                name = _member_name(path, info.name)
                if not info.isfile():  # (skipped silently before: bug hunt `archive` #9)
                    yield Member(name, None, _not_a_file(info))
                    continue
                if info.size > limits.max_record_bytes:
                    yield Member(name, None, f"larger than {limits.max_record_bytes} bytes")
                    continue
                try:
                    extracted = tf.extractfile(info)
                    data = extracted.read() if extracted is not None else b""
                except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
                    raise ArchiveError(
                        str(path),
                        f"the archive is damaged at {clean_line(info.name, 200)} ({exc}); "
                        "stopped (the records before were read)",
                    ) from None
                yield Member(name, data)
                if progress is not None:
                    progress(min(counting.count, size), size)
    finally:
        fh.close()
    if progress is not None:
        progress(size, size)
