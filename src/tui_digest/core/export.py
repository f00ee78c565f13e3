"""Export of papers: the format list, JSON, and a safe way to write the result to disk.

The Markdown digest writer lives in `digest_format` (it mirrors the reader) and
the citation formats in `bibtex`, `ris` and `csl_json`; this module holds the
list of formats every front end offers, the JSON export, and the file-writing
rules every export shares: never clobber by accident, never leave a half-written
file.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.citation import paper_year
from tui_digest.core.model import PaperRecord

__all__ = ["FORMATS", "JSON_KEYS", "paper_year", "render", "to_bibtex", "to_json"]

# format key -> (label, file extension), in the order the export dialog lists them.
# CSL-JSON ends in .json so that pandoc's --bibliography recognises it.
FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("Markdown digest", ".md"),
    "bibtex": ("BibTeX", ".bib"),
    "ris": ("RIS (Zotero, Mendeley, EndNote)", ".ris"),
    "csl-json": ("CSL-JSON (pandoc, Zotero)", ".csl.json"),
    "json": ("JSON", ".json"),
}

JSON_KEYS = (
    "id",
    "version",
    "url",
    "title_en",
    "title_zh",
    "summary_zh",
    "abstract_en",
    "abstract_zh",
    "authors",
    "categories",
    "announce_type",
    "published",
    "digests",
    "read",
    "starred",
)


def render(records: Iterable[PaperRecord], fmt: str) -> str:
    """`records` as the text of format `fmt` (a key of FORMATS)."""
    recs = list(records)
    if fmt == "markdown":
        from tui_digest.core.digest_format import write_digest

        return write_digest(r.paper for r in recs)
    if fmt == "bibtex":
        return to_bibtex(recs)
    if fmt == "ris":
        from tui_digest.core.ris import to_ris

        return to_ris(recs)
    if fmt == "csl-json":
        from tui_digest.core.csl_json import to_csl_json

        return to_csl_json(recs)
    if fmt == "json":
        return to_json(recs)
    raise ValueError(f"unknown export format {fmt!r}")


# --- JSON -----------------------------------------------------------------------


def record_to_json_obj(rec: PaperRecord) -> dict:
    """One paper as a plain dict with exactly `JSON_KEYS`, in that order."""
    p = rec.paper
    return {
        "id": p.id,
        "version": p.version,
        "url": p.url,
        "title_en": p.title_en,
        "title_zh": p.title_zh,
        "summary_zh": p.summary_zh,
        "abstract_en": p.abstract_en,
        "abstract_zh": p.abstract_zh,
        "authors": list(p.authors),
        "categories": list(p.categories),
        "announce_type": p.announce_type,
        "published": p.published,
        "digests": list(rec.digests),
        "read": bool(rec.read),
        "starred": bool(rec.starred),
    }


def to_json(records: Iterable[PaperRecord]) -> str:
    """A JSON array of `record_to_json_obj` objects; Chinese kept readable."""
    objs = [record_to_json_obj(r) for r in records]
    return json.dumps(objs, ensure_ascii=False, indent=2) + "\n"


# --- Files ----------------------------------------------------------------------

_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_UNSAFE_FILENAME_CHARS_RE = re.compile(r'[/\\<>:"|?*\s]+')


def safe_filename(text: str, default: str = "digest", *, max_bytes: int = 120) -> str:
    """A single file-name component derived from untrusted `text`.

    No path separators, no `..`, no control or format characters, no leading
    dots or dashes (hidden files, options), no Windows-reserved names, and at
    most `max_bytes` bytes of UTF-8. Chinese and other letters are kept.
    Returns `default` (itself made safe) when nothing usable remains.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = _UNSAFE_FILENAME_CHARS_RE.sub("-", text)  # first, so a newline still separates words
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text)
    name = _cap_utf8(text.lstrip(".-"), max_bytes).rstrip(". -")
    if not name:
        return default if default and safe_filename(default, "") == default else "digest"
    stem, dot, rest = name.partition(".")
    if stem.upper() in _RESERVED_NAMES:
        name = _cap_utf8(f"{stem}_{dot}{rest}", max_bytes).rstrip(". -")
    return name


def _cap_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def write_atomic(path: str | Path, data: str, *, overwrite: bool = False) -> Path:
    """Write `data` (UTF-8) to `path` so that it is either complete or absent.

    The text goes to a temporary file in the same folder, is flushed and
    fsynced, then moved into place and the folder is fsynced. Without
    `overwrite`, anything already at `path` (a file, or a symlink, even a
    dangling one) makes this raise FileExistsError and nothing is written; the
    final step uses a hard link so a file that appears meanwhile is not
    clobbered either. With `overwrite`, a symlink at `path` is replaced itself,
    never written through. On any error the temporary file is removed.
    """
    target = Path(path)
    folder = target.parent
    if not target.name or target.name in (".", ".."):
        raise IsADirectoryError(errno.EISDIR, "not a file name", str(target))
    if not folder.exists():
        raise FileNotFoundError(
            errno.ENOENT, f"cannot write {target}: folder {folder} does not exist", str(folder)
        )
    if not folder.is_dir():
        raise NotADirectoryError(
            errno.ENOTDIR, f"cannot write {target}: {folder} is not a folder", str(folder)
        )
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(errno.EISDIR, f"{target} is a folder", str(target))
    if not overwrite and os.path.lexists(target):
        raise _exists_error(target)

    payload = data.encode("utf-8")  # before any file exists, so a bad string leaves nothing
    tmp, fd = _create_temp(folder, target)
    try:
        with os.fdopen(fd, "wb") as f:
            _keep_mode_of(target, f.fileno(), overwrite)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            _move_no_clobber(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)
    return target


def _exists_error(target: Path) -> FileExistsError:
    what = "a symlink" if target.is_symlink() else "a file"
    return FileExistsError(
        errno.EEXIST,
        f"refusing to overwrite {target}: {what} already exists there (use overwrite/--force)",
        str(target),
    )


def _create_temp(folder: Path, target: Path) -> tuple[Path, int]:
    # os.open with 0o666 (not mkstemp's 0o600) so the umask decides the final
    # mode, like any file the user creates.
    for _ in range(100):
        tmp = folder / f".tui-digest-{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue
        except PermissionError as e:
            raise PermissionError(
                e.errno,
                f"cannot write {target}: no permission to create files in {folder}",
                str(folder),
            ) from e
        return tmp, fd
    raise FileExistsError(errno.EEXIST, f"cannot create a temporary file in {folder}")


_O_BINARY = getattr(os, "O_BINARY", 0)


def _keep_mode_of(target: Path, fd: int, overwrite: bool) -> None:
    """When replacing a regular file, the new one keeps its permission bits."""
    if not overwrite or not hasattr(os, "fchmod"):
        return
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        os.fchmod(fd, stat.S_IMODE(st.st_mode))


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
