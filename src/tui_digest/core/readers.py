"""One entry point for every input: detect the format from content, then read it.

Formats:
  digest       the bilingual Markdown digest (`digest_format`)
  digest-feed  the same digest published as RSS (`digest_feed`)
  arxiv        arXiv's own RSS/Atom listings (`arxiv_feed`)
  feed         any other RSS/Atom feed (`generic_feed`)

Detection looks at content only, never at a file name: a `.xml` digest
export and a feed saved as `.md` are both common. An explicit `format`
overrides detection.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from .feed_common import decode_document, find_root, local_name, parse_feed
from .model import Digest, InputError, ReadResult
from .sanitize import clean_line
from .text_stream import TempSpaceError, temp_space_error
from .utf16_sniff import ADVICE as UTF16_ADVICE
from .utf16_sniff import looks_utf16

FORMATS = ("digest", "digest-feed", "arxiv", "feed")
FEED_FORMATS = ("digest-feed", "arxiv", "feed")

# The largest real digest is 1.9 MB; this only guards against reading a disk image.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# How much of a feed's body the sniffers look at.
_SNIFF_CHARS = 256 * 1024

_DIGEST_FEED_URL_P_RE = re.compile(
    r"(?:&lt;|<)p(?:&gt;|>)\s*https?://(?:[\w-]+\.)?arxiv\.org/abs/[^\s<&]+\s*(?:&lt;|<)/p(?:&gt;|>)",
    re.IGNORECASE,
)
_CJK_RE = re.compile("[\u3400-\u9fff]|&#(?:1[3-9]\\d{3}|[2-3]\\d{4}|40\\d{3});")
_ARXIV_NS_RE = re.compile(r"xmlns:\w+\s*=\s*[\"']http://arxiv\.org/schemas/atom[\"']")
_ARXIV_CHANNEL_RE = re.compile(
    r"<link>\s*https?://(?:rss\.|export\.)?arxiv\.org/|rdf:about=[\"']https?://arxiv\.org/|"
    r"<id>\s*https?://(?:rss\.|export\.)?arxiv\.org/|updates on arXiv\.org",
    re.IGNORECASE,
)
# Our own published feed (core/digest_feed_writer): a digest feed even when no
# paper has Chinese text yet (published untranslated), and although its channel
# <link> is arXiv's category feed.
_OUR_GENERATOR_RE = re.compile(r"<generator>\s*tui-digest\s*</generator>")
_FIRST_ENTRY_RE = re.compile(r"<(?:[\w-]+:)?(?:item|entry)[\s>/]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    bad = sample.count("\ufffd") + sum(1 for c in sample if c < " " and c not in "\n\r\t\f")
    return bad > max(8, len(sample) // 20)


def _looks_like_digest(text: str) -> bool:
    from .digest_format import looks_like_digest  # lazily: only Markdown needs it

    return looks_like_digest(text)


def _sniff(text: str, source: str) -> str | None:
    """Format name of decoded `text`; raises InputError for unsafe XML."""
    if text.lstrip().startswith("<"):
        root, offset = find_root(text, source)
        kind = local_name(root)
        if kind == "html":
            return None
        if kind in ("rss", "feed", "rdf"):
            body = text[offset : offset + _SNIFF_CHARS]
            first = _FIRST_ENTRY_RE.search(body)
            channel = body[: first.start()] if first else body
            if _DIGEST_FEED_URL_P_RE.search(body) and (
                _CJK_RE.search(body) or _OUR_GENERATOR_RE.search(channel)
            ):
                return "digest-feed"
            if (
                _ARXIV_NS_RE.search(channel)
                or "oai:arXiv.org:" in body
                or _ARXIV_CHANNEL_RE.search(channel)
            ):
                return "arxiv"
            return "feed"
        if root:
            return None  # some other XML document
    # No binary pre-check here: one NUL in one title must not refuse a whole
    # digest. The digest check decides; _looks_binary only words the error.
    return "digest" if _looks_like_digest(text) else None


def detect_format(data: bytes) -> str | None:
    """The format of `data` from its content alone, or None if it is none of FORMATS."""
    if not data or not data.strip():
        return None
    try:
        return _sniff(decode_document(data).text, "")
    except InputError:
        return None  # unsafe XML is not any format we read


def _why_not(text: str, where: str, head: bytes = b"") -> str:
    stripped = text.lstrip()[:2048].lower()
    if "<html" in stripped or stripped.startswith("<!doctype html"):
        return f"{where}: an HTML page, not a digest or feed"
    if looks_utf16(head):
        return f"{where}: not a digest or feed as it stands: it {UTF16_ADVICE}"
    if _looks_binary(text):
        return f"{where}: binary data, not a digest or feed"
    return f"{where}: not a digest or feed (expected a Markdown digest, RSS or Atom)"


def read_document(
    data: bytes,
    *,
    source: str = "",
    format: str | None = None,
    name: str | None = None,
    charset: str = "",
) -> ReadResult:
    """Read a digest or feed. Raises InputError when the input is none of FORMATS.

    Per-entry trouble does not raise: it comes back as `ReadResult.problems`.
    `charset`: the one a server declared for it, used for a digest whose bytes
    are not UTF-8, and for a feed without a BOM or an XML declaration that says
    otherwise (`xml_decode.decode_document`).
    """
    where = source or "<input>"
    if format is not None and format not in FORMATS:
        expected = ", ".join(FORMATS)
        raise InputError(f"{where}: unknown format {format!r} (expected one of {expected})")
    if not data or not data.strip():
        raise InputError(f"{where}: empty document")
    fmt = format
    if fmt is None:
        text = decode_document(data, charset).text
        fmt = _sniff(text, source)
        if fmt is None:
            raise InputError(_why_not(text, where, data[:1024]))

    if fmt == "digest":
        from .digest_format import read_digest

        result = read_digest(data, source=source, name=name, charset=charset)
        result.format = "digest"
        return _storable_names(result)

    parsed = parse_feed(data, source, charset)
    if fmt == "digest-feed":
        from .digest_feed import read_parsed
    elif fmt == "arxiv":
        from .arxiv_feed import read_parsed
    else:
        from .generic_feed import read_parsed
    return _storable_names(read_parsed(parsed, source=source, name=name))


def _storable_names(result: ReadResult) -> ReadResult:
    """The digest's source and name come from a path or URL: clean them like text.

    A file name that is not UTF-8 reaches Python as lone surrogates
    (`surrogateescape`), which no cache can store.
    """
    storable_digest(result.digest)
    return result


_CHUNK = 1024 * 1024


def read_capped(source: str, *, cap: int, stream: BinaryIO | None = None, hint: str = "") -> bytes:
    """The bytes of file `source` (or of `stream`), refused when more than `cap`.

    A regular file is refused by its size before anything is read. A pipe or
    standard input is read in chunks and refused as soon as it passes `cap`,
    so an endless stream (`/dev/zero` behind a pipe) costs `cap` at most. A
    device or socket named as a file is refused outright: nothing readable
    ends there.
    """
    too_big = f"{source}: larger than {cap} bytes; refused{hint}"
    if stream is not None:
        return _read_stream(stream, cap, too_big)
    try:
        st = os.stat(source)
        if stat.S_ISREG(st.st_mode):
            if st.st_size > cap:
                raise InputError(too_big)
        elif not stat.S_ISFIFO(st.st_mode):
            raise InputError(f"{source}: not a regular file, folder or pipe")
        with open(source, "rb") as f:
            return _read_stream(f, cap, too_big)  # the file may grow meanwhile
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from exc


def open_capped(
    source: str, *, cap: int, stream: BinaryIO | None = None, hint: str = ""
) -> BinaryIO:
    """File `source` (or `stream`) opened for reading from its start, seekable.

    The same refusals as `read_capped`; a pipe or standard input is copied to
    a temporary file as it is read (refused as soon as it passes `cap`), so
    that the digest reader can read it twice (the encoding, then the text)
    without holding it in memory.
    """
    too_big = f"{source}: larger than {cap} bytes; refused{hint}"
    if stream is not None:
        return _spool(stream, cap, too_big)
    try:
        st = os.stat(source)
        if stat.S_ISREG(st.st_mode):
            if st.st_size > cap:
                raise InputError(too_big)
            return open(source, "rb")
        if not stat.S_ISFIFO(st.st_mode):
            raise InputError(f"{source}: not a regular file, folder or pipe")
        with open(source, "rb") as f:
            return _spool(f, cap, too_big)
    except TempSpaceError:
        raise  # (not the source's: the temporary folder's)
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from exc


def _spool(stream: BinaryIO, cap: int, too_big: str) -> BinaryIO:
    """`stream` copied into a temporary file; a failure to write it is said as the
    temporary folder's (`TempSpaceError`), a failure to read as the stream's."""
    try:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (returned; the caller closes it)
    except OSError as exc:
        raise temp_space_error(exc) from exc
    size = 0
    try:
        while chunk := stream.read(min(_CHUNK, cap + 1 - size) or 1):
            size += len(chunk)
            if size > cap:
                raise InputError(too_big)
            try:
                out.write(chunk)
            except OSError as exc:
                raise temp_space_error(exc) from exc
    except BaseException:
        out.close()
        raise
    try:
        out.seek(0)  # (what was left in its buffer is written here)
    except OSError as exc:
        out.close()
        raise temp_space_error(exc) from exc
    return out


def storable_digest(digest: Digest) -> Digest:
    """The digest's source and name cleaned like text (see `_storable_names`)."""
    digest.source = clean_line(digest.source, 4_000)
    digest.name = clean_line(digest.name, 200)
    return digest


def _read_stream(stream: BinaryIO, cap: int, too_big: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(_CHUNK, cap + 1 - size) or 1):
        size += len(chunk)
        if size > cap:
            raise InputError(too_big)
        chunks.append(chunk)
    return b"".join(chunks)


def read_path(path: str | Path, *, format: str | None = None) -> ReadResult:
    """Read a file; the digest name defaults to what its content says, else the file stem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{path}: {size} bytes is larger than {MAX_DOCUMENT_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return read_document(data, source=str(path), format=format)
