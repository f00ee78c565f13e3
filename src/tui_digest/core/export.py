"""Export of papers as JSON and BibTeX, and a safe way to write the result to disk.

The Markdown digest writer lives in `digest_format` (it mirrors the reader);
this module holds the other formats and the file-writing rules every export
shares: never clobber by accident, never leave a half-written file.
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

from tui_digest.core.model import PaperRecord
from tui_digest.core.sanitize import clean_line, is_safe_url

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


# --- BibTeX ---------------------------------------------------------------------

# BibTeX counts every brace when it checks a field, escaped or not, so `\{` alone
# would unbalance the entry. Braces and the characters that have no `\x` form are
# therefore written as text commands whose own braces come in pairs.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIBTEX_SPECIALS_RE = re.compile(r"[\\{}~^&%$#_]")

# Words skipped when choosing the key's title word, as reference managers do.
_KEY_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "towards", "is"}
)
_NEW_ID_RE = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")  # 2403.10056: YYMM.NNNNN
_OLD_ID_RE = re.compile(r"^[A-Za-z][A-Za-z.-]*/(\d{2})(\d{2})\d{3}$")  # hep-th/9901001
_URL_UNSAFE_RE = re.compile(r"[\s{}\\%#\"]")


def bibtex_escape(text: str) -> str:
    """`text` on one line with every BibTeX/LaTeX special character neutralised.

    The result contains no brace except the balanced `{}` of the commands above,
    whatever the input, so it can sit inside a brace-delimited field value.
    """
    return _BIBTEX_SPECIALS_RE.sub(lambda m: _BIBTEX_ESCAPES[m.group()], clean_line(text))


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _surname(name: str) -> str:
    name = clean_line(name)
    if "," in name:  # "Vaswani, Ashish"
        return name.split(",", 1)[0]
    parts = name.split()
    return parts[-1] if parts else ""


def paper_year(published: str, arxiv_id: str) -> str:
    """The year from `published` (ISO date), else from the arXiv id, else ""."""
    if re.match(r"^\d{4}(-|$)", published or ""):
        return published[:4]
    arxiv_id = (arxiv_id or "").strip()
    m = _NEW_ID_RE.match(arxiv_id) or _OLD_ID_RE.match(arxiv_id)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return ""
    yy = int(m.group(1))
    # Old-style ids started in 1991; new-style ids in April 2007 (0704.*).
    return str(1900 + yy if yy >= 91 else 2000 + yy)


def _key_base(rec: PaperRecord) -> str:
    p = rec.paper
    author = _ascii_word(_surname(p.authors[0])) if p.authors else ""
    words = [_ascii_word(w) for w in clean_line(p.title_en).split()]
    word = next((w for w in words if w and w not in _KEY_STOPWORDS), "")
    year = paper_year(p.published, p.id)
    base = (author or "arxiv") + year + word
    # A key made only of the fallback would hide which paper it is.
    if base == "arxiv":
        base += _ascii_word(p.id)
    return base[:60]


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _unique_keys(bases: list[str]) -> list[str]:
    used: set[str] = set()
    keys = []
    for base in bases:
        key, n = base, 0
        while key in used:  # the first keeps the plain key; later ones get a, b, ...
            n += 1
            key = base + _suffix(n)
        used.add(key)
        keys.append(key)
    return keys


def _bibtex_url(rec: PaperRecord) -> str:
    url = rec.paper.url.strip()
    if url and is_safe_url(url) and not _URL_UNSAFE_RE.search(url):
        return url
    # url fields are verbatim in biblatex, so escaping would corrupt them: fall
    # back to the canonical link when the stored one is unusual.
    arxiv_id = rec.paper.id.strip()
    if re.fullmatch(r"[A-Za-z0-9./-]+", arxiv_id):
        return f"https://arxiv.org/abs/{arxiv_id}"
    return ""


def _bibtex_author(name: str) -> str:
    name = bibtex_escape(name)
    # BibTeX splits author lists on the word "and" and mis-parses names with
    # more than two commas; bracing the name makes it one literal unit.
    if re.search(r"(?i)(^|\s)and(\s|$)", name) or name.count(",") > 2:
        return "{" + name + "}"
    return name


def _bibtex_entry(rec: PaperRecord, key: str) -> str:
    p = rec.paper
    title = p.title_en or p.title_zh or p.id
    fields: list[tuple[str, str]] = [
        # Double braces keep the title's capitalisation (BERT, GPT-3) intact.
        ("title", "{" + bibtex_escape(title) + "}"),
    ]
    if p.title_zh and p.title_en:
        # Not `note`: styles print notes, and CJK there breaks pdflatex builds.
        # An unknown field is ignored by styles and kept by reference managers.
        fields.append(("titlezh", bibtex_escape(p.title_zh)))
    authors = [a for a in (_bibtex_author(a) for a in p.authors) if a]
    if authors:
        fields.append(("author", " and ".join(authors)))
    year = paper_year(p.published, p.id)
    if year:
        fields.append(("year", year))
    if p.id:
        fields.append(("eprint", bibtex_escape(p.id)))
        fields.append(("archivePrefix", "arXiv"))
    if p.primary_category:
        fields.append(("primaryClass", bibtex_escape(p.primary_category)))
    url = _bibtex_url(rec)
    if url:
        fields.append(("url", url))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{key},\n{body}}}\n"


def to_bibtex(records: Iterable[PaperRecord]) -> str:
    """One `@misc` entry per paper, keys like `vaswani2017attention`, unique."""
    recs = list(records)
    keys = _unique_keys([_key_base(r) for r in recs])
    return "\n".join(_bibtex_entry(r, k) for r, k in zip(recs, keys, strict=True))


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
