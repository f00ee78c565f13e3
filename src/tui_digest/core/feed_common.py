"""What every feed reader shares: safe XML intake, decoding, HTML to text, ids, dates.

The pipeline for a feed document is `parse_feed(data, source)`:

1. decode the bytes robustly (BOM, declared encoding, GB18030 rescue of bytes
   mislabelled as UTF-8) so that no mojibake reaches a Paper;
2. pass `xml_guard`: refuse DTD tricks (internal subsets, `<!ENTITY`) and
   documents past its bounds (attributes, depth, elements, text size), and
   neutralise character references to no character, before any XML parser
   sees the document;
3. hand feedparser UTF-8 bytes in a stream (never a path or URL: feedparser
   treats a `bytes` argument that names an existing file as that file);
4. turn feedparser's bozo flag into a document-level Problem, keeping the
   entries it recovered.

feedparser is imported lazily: `core` must import without it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from . import arxiv_id
from .model import InputError, Paper, Problem
from .sanitize import decode_text
from .xml_guard import check_bounds, find_root, neutralise_char_refs

# --- arXiv ids ------------------------------------------------------------------


def parse_arxiv_id(text: str) -> tuple[str, str] | None:
    """(id, version) from an arXiv URL, `oai:arXiv.org:` guid or `arXiv:` text, else None."""
    return arxiv_id.parse_arxiv_id(text) if text else None


# --- decoding -------------------------------------------------------------------

_XML_DECL_RE = re.compile(rb"^<\?xml[^>]{0,200}?\?>")
_ENCODING_ATTR_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM is a prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk"}


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # the codec actually used
    note: str = ""  # why the declared encoding was not used, if it was not


def _declared_encoding(data: bytes) -> str:
    m = _XML_DECL_RE.match(data.lstrip()[:300])
    if not m:
        return ""
    enc = _ENCODING_ATTR_RE.search(m.group(0))
    return enc.group(1).decode("ascii").lower() if enc else ""


def decode_document(data: bytes) -> Decoded:
    """Decode a document: BOM first, then the XML declaration, then UTF-8.

    Bytes that claim (or default to) UTF-8 but are not valid UTF-8 are tried as
    GB18030, the usual culprit for Chinese text, and accepted only when the
    result is mostly CJK; otherwise invalid bytes become U+FFFD. Either way the
    text holds no mojibake.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(codec, errors="replace"), codec)
    if data.startswith((b"<\x00?\x00", b"<\x00r\x00", b"<\x00f\x00")):
        return Decoded(data.decode("utf-16-le", errors="replace"), "utf-16-le")
    if data.startswith((b"\x00<\x00?", b"\x00<\x00r", b"\x00<\x00f")):
        return Decoded(data.decode("utf-16-be", errors="replace"), "utf-16-be")
    declared = _declared_encoding(data)
    if declared in _GB_FAMILY:
        declared = "gb18030"  # a superset: GBK/GB2312 labels are routinely wrong
    if declared and declared not in ("utf-8", "utf8"):
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = ""
        else:
            if codecs.lookup(declared).name.startswith(("utf-16", "utf-32")):
                declared = ""  # a UTF-16 label on bytes we just read as ASCII is a lie
        if declared:
            try:
                return Decoded(data.decode(declared), declared)
            except UnicodeDecodeError:
                pass  # fall through to the UTF-8 path below
    text, codec, note = decode_text(data)
    return Decoded(text, codec, note)


def as_utf8_xml(text: str) -> bytes:
    """UTF-8 bytes of `text` whose XML declaration (if any) says UTF-8."""
    data = text.encode("utf-8")
    m = _XML_DECL_RE.match(data)
    if m:
        decl = _ENCODING_ATTR_RE.sub(b'encoding="utf-8"', m.group(0))
        data = decl + data[m.end() :]
    return data


# --- XML safety: see `xml_guard` (one guard for every XML document) --------------


def local_name(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


# --- HTML to text ---------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "dd", "dt", "hr",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript"}


class _TextExtractor(HTMLParser):
    """Collect text; block elements start a new paragraph; scripts are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.anchors: list[str] = []
        self._skip = 0
        self._anchor: list[str] | None = None

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag == "a":
            self._anchor = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag == "a" and self._anchor is not None:
            self.anchors.append("".join(self._anchor))
            self._anchor = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.paragraphs[-1].append(data)
        if self._anchor is not None:
            self._anchor.append(data)


def _extract(markup: str) -> _TextExtractor:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return parser


_HTML_TAG_RE = re.compile(
    r"<(?:(?P<open>p|br|div|span|a|b|i|u|em|strong|sub|sup|code|pre|ul|ol|li|img|"
    r"table|tr|td|th|h[1-6]|blockquote|script|style|hr|dl|dt|dd|font|small|big|tt)"
    r"(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'|[^\s<>\"']+))?)*\s*/?"
    r"|/(?P<close>[A-Za-z][\w-]*)\s*)>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True when `text` holds real HTML tags, not just a `<` from maths ("x <b and y")."""
    return "<" in text and _HTML_TAG_RE.search(text) is not None


def html_paragraphs(markup: str) -> list[str]:
    """The text of each `<p>` block of `markup`, stripped; empty blocks keep their slot.

    Used where paragraph positions carry meaning (digest feeds), so an empty
    `<p></p>` yields "" rather than vanishing. Text before the first `<p>` is
    a paragraph of its own when it is not blank.
    """
    if not looks_like_html(markup):
        return [markup.strip()]
    out: list[str] = []
    for i, chunk in enumerate(re.split(r"(?i)<p(?:\s[^>]*)?>", markup)):
        parser = _extract(re.sub(r"(?i)</p\s*>", "", chunk))
        text = "\n".join(t for t in ("".join(p).strip() for p in parser.paragraphs) if t)
        if i == 0 and not text:
            continue  # whitespace before the first <p>
        out.append(text)
    return out


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line."""
    if not markup:
        return ""
    if not looks_like_html(markup):
        import html

        return html.unescape(markup).strip()
    parser = _extract(markup)
    paras = (" ".join("".join(p).split()) for p in parser.paragraphs)
    return "\n\n".join(p for p in paras if p)


def anchor_texts(markup: str) -> list[str]:
    """The text of every `<a>` in an HTML fragment (old arXiv author lists)."""
    return [t.strip() for t in _extract(markup).anchors if t.strip()]


# --- authors, dates, names ------------------------------------------------------

_AND_RE = re.compile(r",?\s+and\s+", re.IGNORECASE)


def split_authors(text: str) -> list[str]:
    """Split "A, B and C" into names; commas inside parentheses (affiliations) are kept."""
    if not text:
        return []
    if looks_like_html(text):
        names = anchor_texts(text)
        if names:
            return names
        text = html_to_text(text)
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if (ch in ",;" and depth == 0) or ch == "\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    names: list[str] = []
    for part in parts:
        # "and" joins only the last two names; it is never inside a name's word.
        names.extend(p for p in _AND_RE.split(part) if p.strip())
    return [" ".join(n.split()) for n in names if n.strip()]


def iso_date(raw: str, parsed: Any = None) -> str:
    """ISO date of an RFC 822 or ISO 8601 timestamp, in its own time zone.

    feedparser's `*_parsed` values are normalised to UTC, which moves late
    evening announcements to the next day; the raw string is tried first.
    """
    raw = (raw or "").strip()
    if raw:
        try:
            return parsedate_to_datetime(raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            pass
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", raw)
        if m:
            return "-".join(m.groups())
    if parsed:
        try:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
        except AttributeError:
            return ""
    return ""


def _first_date(item: Any, keys: tuple[str, ...]) -> str:
    # dict.get, not feedparser's get: its alias from `updated` to `published`
    # warns, and we look at both keys ourselves anyway.
    for key in keys:
        raw = dict.get(item, key) if isinstance(item, dict) else None
        if raw:
            found = iso_date(str(raw), dict.get(item, key + "_parsed"))
            if found:
                return found
    return ""


def entry_date(entry: Any) -> str:
    return _first_date(entry, ("published", "updated", "created"))


_DATE_IN_NAME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def date_in(text: str) -> str:
    m = _DATE_IN_NAME_RE.search(text or "")
    return m.group(1) if m else ""


def source_stem(source: str) -> str:
    """Last path segment of a file path or URL, without a feed/markup extension."""
    if not source:
        return ""
    tail = re.split(r"[/\\]", source.split("?", 1)[0].split("#", 1)[0].rstrip("/\\"))[-1]
    return re.sub(r"(?i)\.(xml|rss|atom|md|markdown|txt)$", "", tail)


# --- feedparser -----------------------------------------------------------------


@dataclass(slots=True)
class ParsedFeed:
    feed: Any  # feedparser's channel dict
    entries: list[Any]
    version: str
    problems: list[Problem] = field(default_factory=list)
    entry_lines: list[int] = field(default_factory=list)  # best-effort 1-based lines

    def line_of(self, index: int) -> int:
        return self.entry_lines[index] if index < len(self.entry_lines) else 0


_ENTRY_START_RE = re.compile(r"<(?:[\w-]+:)?(?:item|entry)[\s>/]")
_ENTRY_END_RE = re.compile(r"</(?:[\w-]+:)?(?:item|entry)\s*>|<(?:[\w-]+:)?(?:item|entry)\b[^>]*/>")


def _error_line(exc: object) -> int:
    get_line = getattr(exc, "getLineNumber", None)
    if not callable(get_line):
        return 0
    try:
        return int(get_line() or 0)
    except (TypeError, ValueError):
        return 0


# feedparser matches an e-mail regex against author text that is quadratic in
# long runs of [A-Za-z0-9_.+-] (200 KB of one author took ~150 s), so such runs
# are cut before it sees them. Only author-like elements: abstracts keep theirs.
_MAX_AUTHOR_RUN = 1024
_AUTHOR_TEXT_RE = re.compile(
    r"(<(?:[\w-]+:)?(?:author|creator|name|contributor|managingEditor|webMaster)\b[^>]*>)([^<]*)",
    re.IGNORECASE,
)
_LONG_RUN_RE = re.compile(rf"[A-Za-z0-9_.+\-]{{{_MAX_AUTHOR_RUN + 1},}}")


def _bound_author_runs(text: str) -> str:
    def cut(m: re.Match[str]) -> str:
        return m[1] + _LONG_RUN_RE.sub(lambda r: r[0][:_MAX_AUTHOR_RUN], m[2])

    return _AUTHOR_TEXT_RE.sub(cut, text)


def parse_feed(data: bytes, source: str = "") -> ParsedFeed:
    """Decode, check and parse a feed document; raise InputError if it is none."""
    where = source or "<input>"
    decoded = decode_document(data)
    text = decoded.text
    root, offset = find_root(text, source)
    kind = local_name(root)
    if kind not in ("rss", "feed", "rdf"):
        what = {"": "no XML element", "html": "an HTML page"}.get(kind, f"<{root}> document")
        raise InputError(f"{where}: not an RSS or Atom feed ({what})")

    check_bounds(text, source, offset)
    text = neutralise_char_refs(_bound_author_runs(text))

    import feedparser  # lazily: core must import without it

    parsed = feedparser.parse(
        io.BytesIO(as_utf8_xml(text)),  # a stream: a bytes argument may be taken for a path
        response_headers={"content-type": "application/xml; charset=utf-8"},
        # feedparser's sanitiser reads "x &lt;b and y" in a plain-text abstract as
        # a <b> tag and drops text; we turn HTML into plain text ourselves.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problems: list[Problem] = []
    if decoded.note:
        problems.append(Problem(0, decoded.note))
    entries = list(parsed.get("entries", []))
    # Entry line numbers: the n-th item/entry start tag is taken as the n-th
    # entry. Only trusted when the counts agree.
    starts: list[int] = []
    line_no, last = 1, 0
    for m in _ENTRY_START_RE.finditer(text, offset):
        line_no += text.count("\n", last, m.start())
        last = m.start()
        starts.append(line_no)
    lines = starts if len(starts) == len(entries) else []
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = _error_line(exc)
        # feedparser's lenient pass also returns the entry the document ended
        # inside; its fields are cut short, so it is dropped, not kept.
        complete = len(_ENTRY_END_RE.findall(text, offset))
        for index in range(complete, len(entries)):
            where_line = lines[index] if index < len(lines) else 0
            problems.append(
                Problem(
                    where_line,
                    f"entry {index + 1}: incomplete (the document ends inside it); skipped",
                )
            )
        entries = entries[:complete] if complete < len(entries) else entries
        message = getattr(exc, "getMessage", None)
        detail = message() if callable(message) else str(exc)
        problems.insert(
            0,
            Problem(
                line,
                f"the document is truncated or malformed XML ({detail}); "
                f"kept the {len(entries)} complete entries",
                "error",
            ),
        )
    return ParsedFeed(
        feed=parsed.get("feed", {}),
        entries=entries,
        version=parsed.get("version", "") or "",
        problems=problems,
        entry_lines=lines,
    )


def entry_link(entry: Any) -> str:
    """The entry's main link: rel=alternate first, then `link`."""
    for link in entry.get("links", []) or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    return str(entry.get("link", "") or "").strip()


def entry_summary(entry: Any) -> str:
    """Raw summary/description markup (content:encoded as a fallback)."""
    summary = entry.get("summary", "") or ""
    if not summary:
        for content in entry.get("content", []) or []:
            if content.get("value"):
                return str(content["value"])
    return str(summary)


def entry_authors(entry: Any) -> list[str]:
    names: list[str] = []
    for author in entry.get("authors", []) or []:
        name = author.get("name", "") if hasattr(author, "get") else ""
        if name:
            names.extend(split_authors(name))
    if not names and entry.get("author"):
        names = split_authors(str(entry["author"]))
    return names


def detail_text(entry: Any, key: str) -> str:
    """Plain text of a feed text construct (`title`, `summary`), HTML or not."""
    value = str(entry.get(key, "") or "")
    detail = entry.get(key + "_detail") or {}
    kind = str(detail.get("type", "") if hasattr(detail, "get") else "")
    if "html" in kind and looks_like_html(value):
        return html_to_text(value)
    return value


def channel_date(feed: Any) -> str:
    return _first_date(feed, ("published", "updated", "dc_date", "date"))


# (paper or None when the entry is skipped, notes about the entry)
EntryBuilder = Callable[[Any], tuple[Paper | None, list[str]]]


def collect_papers(parsed: ParsedFeed, build: EntryBuilder) -> tuple[list[Paper], list[Problem]]:
    """Build a Paper per entry; one bad entry never drops the rest.

    An entry whose building raises (text no reader anticipated) is skipped
    with a problem naming it and its line: it costs that entry only.

    Notes from `build` become warnings on the entry's line; a repeated arXiv id
    keeps the first entry (feeds list each paper once; a repeat is an error
    upstream, and the first carries the feed's own order).
    """
    papers: list[Paper] = []
    problems = list(parsed.problems)
    seen: dict[str, int] = {}
    for index, entry in enumerate(parsed.entries):
        line = parsed.line_of(index)
        label = f"entry {index + 1}"
        try:
            paper, notes = build(entry)
        except Exception as exc:  # one entry's bug must not cost the others
            problems.append(
                Problem(line, f"{label}: cannot be read ({type(exc).__name__}: {exc}); skipped")
            )
            continue
        problems.extend(Problem(line, f"{label}: {note}") for note in notes)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(
                Problem(
                    line,
                    f"{label}: duplicate arXiv id {paper.id} "
                    f"(first in entry {seen[paper.id]}); skipped",
                )
            )
            continue
        seen[paper.id] = index + 1
        papers.append(paper)
    return papers, problems


def canonical_url(paper_id: str) -> str:
    return arxiv_id.abs_url(paper_id)
