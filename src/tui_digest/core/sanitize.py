"""Cleaning of untrusted text, done once at ingest.

Removes what could act on a terminal or reorder what the user sees: C0 controls
except newline and tab, DEL, C1 controls, bidi embeddings, overrides and
isolates, Unicode tag characters (U+E0000-U+E007F: invisible, they smuggle
hidden text into search and exports), and the noncharacters U+FFFE and U+FFFF
(with the controls, what XML 1.0's production [2] Char forbids: a published
day's feed holding one was not well-formed XML, bug hunt s41 auditpub #6).
Invalid UTF-8 and lone surrogates (from a character reference such as
`&#xD800;`, or a file name Python decoded with `surrogateescape`) become U+FFFD,
so that every string a reader produces can be encoded as UTF-8 and stored.
Over-long fields are cut with a marker so that one hostile entry cannot make the
UI or the cache balloon.
"""

from __future__ import annotations

import codecs
import re

from tui_digest.core.gb_rescue import plausibly_chinese

# Field caps in characters. Real abstracts are ~1,000 characters (English) and
# ~300-600 (Chinese); titles rarely exceed 300.
MAX_TITLE = 2_000
MAX_TEXT = 20_000
TRUNCATION_MARKER = " […truncated]"

# One pass finds everything to drop or replace; matches are rare, so the
# callback costs nothing on clean text.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c"
    "\ud800-\udfff\U000e0000-\U000e007f\u2028\u2029\ufffe\uffff]"
)
REPLACEMENT = "\ufffd"
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _drop_or_replace(m: re.Match[str]) -> str:
    # A lone surrogate stands for text that was there but cannot be encoded:
    # it becomes U+FFFD. Controls, bidi and tag characters just go. The other
    # line breaks of Unicode and `str.splitlines` (U+2028/2029, NEL, VT, FF,
    # \x1c-\x1e) end a line, as "\n" does (a one-line field makes it a space):
    # kept, the reader drew the words on both sides run together, dropped, they
    # were saved run together, "Instructiontuning" (bug hunt `enc`, regmove).
    if m[0] in _LINE_BREAKS:
        return "\n"
    return REPLACEMENT if "\ud800" <= m[0] <= "\udfff" else ""


_CRLF_RE = re.compile(r"\r\n?")


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Return `text` without control characters, newlines normalised, capped at `limit`."""
    if not text:
        return ""
    if "\r" in text:
        text = _CRLF_RE.sub("\n", text)
    # Every character `_CONTROL_RE` finds is one `isprintable` refuses (tested
    # over all of Unicode), which tests a line in a third of the regex's time:
    # 100k fields per 10k papers imported (issue 13 req 1).
    if not text.isprintable():
        text = _CONTROL_RE.sub(_drop_or_replace, text)
    if len(text) > limit:
        text = text[: max(0, limit - len(TRUNCATION_MARKER))] + TRUNCATION_MARKER
    return text


def clean_line(text: str, limit: int = MAX_TITLE) -> str:
    """Like `clean_text`, for one-line fields: any run of whitespace becomes one space."""
    if not text:
        return ""
    line = " ".join(clean_text(text, limit * 2).split())
    if len(line) > limit:
        line = line[: max(0, limit - len(TRUNCATION_MARKER))] + TRUNCATION_MARKER
    return line


# Byte order marks and their codecs. UTF-32 LE before UTF-16 LE: its BOM is
# a prefix of UTF-32 LE's.
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def bom_of(head: bytes) -> tuple[str, int]:
    """(codec, length) of the byte order mark `head` starts with; ("", 0) if none."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    return "", 0


def bom_note(codec: str) -> str:
    """The note on a document its BOM says is `codec` (not UTF-8) that is not valid `codec`."""
    return f"bytes are not valid {codec.upper()}; invalid sequences replaced with U+FFFD"


# Labels of the GB family: GB18030 is a superset, and GBK/GB2312 labels are
# routinely given to GB18030 text.
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk"})
# Single-byte charsets (nearly) every byte is valid in, and servers' usual
# defaults for text/*: declared, they are used only when the GB18030 rescue
# does not read as Chinese (`gb_rescue`), since GB text often goes out under a
# server's default label.
ANY_BYTES = frozenset({"cp1252", "iso8859-15"})
# UTF-16/32 labels that name a byte order: text labelled "UTF-16BE" or
# "UTF-16LE" carries no BOM (RFC 2781, UTF-16), so the label alone says it.
ORDERED_WIDE = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})


def declared_codec(label: str) -> str:
    """The codec a charset label (a Content-Type's `charset=`) names, for bytes
    without a BOM; "" when Python does not know it, or for UTF-8 (tried first
    anyway) and plain UTF-16/32 (a label without a BOM is not trusted for
    those; UTF-16LE/BE and UTF-32LE/BE name their byte order and are).

    ISO-8859-1 is read as windows-1252, as the WHATWG Encoding Standard has
    browsers do for its labels (https://encoding.spec.whatwg.org/#names-and-labels):
    servers send cp1252 text (curly quotes, dashes) under that label.
    """
    label = label.strip().strip("\"'").lower()
    if label in GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name if label else ""
    except LookupError:
        return ""
    if name in ORDERED_WIDE:
        return name
    if name == "iso8859-1":
        return "cp1252"
    return "" if name.startswith(("utf-8", "utf-16", "utf-32")) else name


def invalid_note(codec: str) -> str:
    """The note on bytes that are not all valid in the `codec` they were read as."""
    if codec == "utf-8":
        return "bytes are not valid UTF-8; invalid sequences replaced with U+FFFD"
    return bom_note(codec)


def decode_text(data: bytes, declared: str = "") -> tuple[str, str, str]:
    """Decode bytes that should be UTF-8: (text, codec, note about any repair).

    `declared` is the charset the server declared (a Content-Type's): bytes
    that are not valid UTF-8 but are valid in it are decoded with it, without a
    note (they were labelled right; a `charset=gbk` digest was said to have an
    entry "not read fully", found by a bug hunt). A declared UTF-16LE/BE (no
    BOM, by its definition) is used before UTF-8 when the bytes hold a NUL
    (ASCII text in UTF-16 does; UTF-8 text does not).

    A byte order mark decides: a file written with a UTF-16 BOM, as some Windows
    tools write (Notepad's "Unicode" is UTF-16 LE with a BOM, by the hex dumps in
    http://www.herongyang.com/Unicode/Notepad-Supported-Save-and-Open-File-Formats.html),
    and a BOM is never the start of text in another encoding.
    Chinese text that is not valid UTF-8 is usually GBK/GB18030 with a wrong
    label, so that is tried before giving up; it is accepted only when the
    result reads as Chinese (`gb_rescue`: mostly CJK, in runs), so accented
    Latin text never turns into plausible mojibake. A declared single-byte
    charset (ISO-8859-1, windows-1252) is used when the rescue is not.
    Otherwise invalid sequences become U+FFFD.
    """
    codec, skip = bom_of(data[:4])
    data = data[skip:]
    if codec and codec != "utf-8":
        return _strict_or_replaced(data, codec)
    codec = declared_codec(declared)
    if codec in ORDERED_WIDE and b"\x00" in data:
        try:
            return data.decode(codec), codec, ""
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    if codec and codec not in ANY_BYTES:
        try:
            return data.decode(codec), codec, ""
        except UnicodeDecodeError:
            pass
    try:
        rescued = data.decode("gb18030")
    except UnicodeDecodeError:
        rescued = ""
    if rescued and plausibly_chinese(rescued):
        return rescued, "gb18030", "bytes are not valid UTF-8; decoded as GB18030"
    if codec in ANY_BYTES:
        return _strict_or_replaced(data, codec)
    return _strict_or_replaced(data, "utf-8")


def _strict_or_replaced(data: bytes, codec: str) -> tuple[str, str, str]:
    try:
        return data.decode(codec), codec, ""
    except UnicodeDecodeError:  # (UTF-16: an odd byte count, a cut file, a lone surrogate)
        return data.decode(codec, errors="replace"), codec, invalid_note(codec)


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), GB18030 when mislabelled, else with U+FFFD."""
    return decode_text(data)[0]


def for_terminal(value: object, limit: int = 4_000) -> str:
    """A path, URL or message from outside made safe to print on one line.

    File names and URLs are untrusted text: a file named `\\x1b]52;…\\x07`
    would write to the clipboard through the terminal. Controls, bidi and tag
    characters are removed, newlines become spaces, surrogates (undecodable
    bytes in a file name) become U+FFFD.
    """
    return clean_line(str(value), limit)


def is_safe_url(url: str) -> bool:
    """Only http and https links may be opened."""
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://")) and not any(c in url for c in "\n\r\t\x00 ")


def userinfo_span(url: str) -> tuple[int, int] | None:
    """Where the user info of `url` stands: `url[start:end]` is its `user:password`
    (`url[end]` the `@` after it), or None when it has none. Never raises.

    The authority ends at the first `/`, `?` or `#` (RFC 3986, section 3.2), and
    so it does for Python's `urlsplit` and httpx 0.28 (checked), so a password
    holding one of them unencoded (`http://me:se/cret@host/x`) is no user info to
    them: `me:se` is read as a host and a port, which httpx refuses ("Invalid
    port: 'se'"), and the secret stood in the clear in every message, the cache
    and OPML (found by a bug hunt). So when what precedes the first `/`, `?` or
    `#` is `name:` followed by anything but a port's digits and an `@` comes
    later, the user info here runs to the last `@` of the text: the most that
    can be secret is treated as such.
    Likewise when a `user:password@` comes before the first `/`, `?` or `#`
    and a later `@` stands inside a path segment (not right after a `/`), the
    password held an `@` then a `/` (`me:p@ss/word@host`): the user info runs to
    that `@` (`_last_at_inside_a_segment`); an `@` in such a URL's path must then
    be percent-encoded (%40). An `@` that begins a segment
    (`https://me:pw@medium.com/@user`) stays in the path.
    (A token holding a `/` with no `:` before it cannot be told from a path
    holding an `@`, `https://medium.com/@user`, and is not caught.)
    """
    scheme_end = url.find("://")
    if scheme_end < 0:
        return None
    start = scheme_end + 3
    cut = len(url)
    for mark in "/?#":
        found = url.find(mark, start)
        if 0 <= found < cut:
            cut = found
    at = url.rfind("@", start, cut)
    if at >= 0:
        if ":" in url[start:at]:  # a password: it may hold an `@` and then a `/`
            later = _last_at_inside_a_segment(url, cut)
            if later > 0:
                return start, later
        return start, at
    last = url.rfind("@", cut)
    if last < 0 or not _not_host_and_port(url[start:cut]):
        return None
    return start, last


def _last_at_inside_a_segment(url: str, cut: int) -> int:
    """The last `@` of `url` after `cut` that does not begin a path segment (is not
    right after a `/`), or -1. After a `user:password@`, such an `@` means the
    password held an `@` and then a `/`, `?` or `#`: `http://me:p@ss/word@host`
    went to host `ss` with the rest of the password as its path, and showed it
    (found by a bug hunt). `https://me:pw@medium.com/@user` keeps its path."""
    at = url.rfind("@", cut)
    while at > cut and url[at - 1] == "/":
        at = url.rfind("@", cut, at)
    return at if at > cut else -1


def _not_host_and_port(authority: str) -> bool:
    """Whether `authority` (no `@` in it) is `name:` then something no port is."""
    if authority.startswith("["):  # an IPv6 literal: its port follows the `]`
        authority = authority[authority.find("]") + 1 :] if "]" in authority else ""
    _, colon, port = authority.partition(":")
    # An empty port (`host:`) is a port: RFC 3986's `port = *DIGIT`.
    return bool(colon) and not (port.isascii() and (port.isdigit() or not port))


def at_after_password(url: str) -> bool:
    """Whether `url`'s user info was run on past a `user:password@` host to a
    later `@` (see `userinfo_span`): an `@` in its path, query or fragment
    (`…@host/rss?email=a@b`), which cannot be told from a password holding an
    `@` then a `/`, `?` or `#` (`me:p@ss/word@host`)."""
    span = userinfo_span(url)
    if span is None:
        return False
    start, end = span
    cuts = [i for i in (url.find(mark, start) for mark in "/?#") if i >= 0]
    cut = min(cuts, default=len(url))
    return end > cut and "@" in url[start:cut]


def has_unencoded_userinfo(url: str) -> bool:
    """Whether `url`'s user info holds a `/`, `?` or `#` unencoded (see `userinfo_span`):
    no client reads it as user info; it must be percent-encoded (%2F, %3F, %23)."""
    span = userinfo_span(url)
    return span is not None and any(c in url[span[0] : span[1]] for c in "/?#")


def without_password(url: str) -> str:
    """`url` without its `user:password@` part: a link a feed or digest carried
    with one is stored and shown without it (a password in a URL is never
    stored or shown; the configured sources' are masked in `net.urls`).
    Where the user info ends: `userinfo_span`."""
    span = userinfo_span(url)
    if span is None:
        return url
    return url[: span[0]] + url[span[1] + 1 :]
