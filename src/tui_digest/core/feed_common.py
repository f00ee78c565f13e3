"""What every feed reader shares: safe XML intake, ids, authors, dates, feedparser.

Decoding lives in `xml_decode`, HTML to text in `html_text`, the XML guard in
`xml_guard`; the readers import those names from here too.

The pipeline for a feed document is `parse_feed(data, source)`:

1. decode the bytes robustly (BOM, declared encoding, the server's charset,
   GB18030 rescue of bytes mislabelled as UTF-8) so that no mojibake reaches a Paper;
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

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from . import arxiv_id
from .feed_links import restore_links
from .html_text import anchor_texts, html_to_text, looks_like_html
from .model import InputError, Paper, Problem
from .person_name import is_name_suffix
from .xml_decode import as_utf8_xml, decode_document
from .xml_guard import (
    OutOfBounds,
    check_bounds,
    drop_forbidden_chars,
    find_root,
    line_at,
    neutralise_char_refs,
)

# --- arXiv ids ------------------------------------------------------------------


def parse_arxiv_id(text: str) -> tuple[str, str] | None:
    """(id, version) from an arXiv URL, `oai:arXiv.org:` guid or `arXiv:` text, else None."""
    return arxiv_id.parse_arxiv_id(text) if text else None


# --- XML safety: see `xml_guard` (one guard for every XML document) --------------


def local_name(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


# --- authors, dates, names ------------------------------------------------------

_AND_RE = re.compile(r",?\s+and\s+", re.IGNORECASE)


def split_authors(text: str) -> list[str]:
    """Split "A, B and C" into names; commas inside parentheses (affiliations) are kept,
    and so is the one before a name's suffix ("Martin Luther King, Jr.")."""
    if not text:
        return []
    if looks_like_html(text):
        anchors = anchor_texts(text)
        if anchors:
            return anchors
        text = html_to_text(text)
    # (text, whether a comma came before it): a suffix only joins across a comma.
    parts: list[tuple[str, bool]] = []
    depth = 0
    current: list[str] = []
    after_comma = False
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if (ch in ",;" and depth == 0) or ch == "\n":
            parts.append(("".join(current), after_comma))
            current = []
            after_comma = ch == ","
        else:
            current.append(ch)
    parts.append(("".join(current), after_comma))
    names: list[str] = []
    for part, comma in parts:
        # "and" joins only the last two names; it is never inside a name's word.
        pieces = [" ".join(p.split()) for p in _split_and(part)]
        if comma and names and pieces and is_name_suffix(pieces[0]):
            # arXiv's dc:creator is one comma-separated string (docs/upstream.md), so
            # "Martin Luther King, Jr., ..." puts a comma inside a name: a lone "Jr."
            # or "III" after a comma is the previous name's suffix, not an author.
            names[-1] = f"{names[-1]}, {pieces.pop(0)}"
        names.extend(p for p in pieces if p)
    return names


def _split_and(part: str) -> list[str]:
    """`part` split at each "and" outside brackets: "(Physics and Astronomy, UCL)"
    is an affiliation's, as its comma is (bug hunt `auditarxiv` #2)."""
    pieces: list[str] = []
    start = 0
    for m in _AND_RE.finditer(part):
        before = part[start : m.start()]
        depth = sum(before.count(c) for c in "([") - sum(before.count(c) for c in ")]")
        if depth <= 0:
            pieces.append(before)
            start = m.end()
    pieces.append(part[start:])
    return pieces


def parse_moment(raw: str) -> datetime | None:
    """An RFC 822 or ISO 8601 timestamp as a datetime (with its zone when it
    names one), or None."""
    raw = raw.strip()
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


def iso_date(raw: str, parsed: Any = None) -> str:
    """ISO date of an RFC 822 or ISO 8601 timestamp, in its own time zone.

    feedparser's `*_parsed` values are normalised to UTC, which moves late
    evening announcements to the next day; the raw string is tried first.
    """
    raw = (raw or "").strip()
    if raw:
        moment = parse_moment(raw)
        if moment is not None:
            return moment.date().isoformat()
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


# --- feedparser -----------------------------------------------------------------


@dataclass(slots=True)
class ParsedFeed:
    feed: Any  # feedparser's channel dict
    entries: list[Any]
    version: str
    problems: list[Problem] = field(default_factory=list)
    entry_lines: list[int] = field(default_factory=list)  # best-effort 1-based lines
    # The document ends before its root element is closed (a download cut off):
    # its complete entries are kept, but it is not the whole document.
    truncated: bool = False

    def line_of(self, index: int) -> int:
        return self.entry_lines[index] if index < len(self.entry_lines) else 0


_CR_RE = re.compile(r"\r\n?")
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


MAX_ENTRIES_CUT = 100  # entries past the bounds left out before the feed is refused


def _within_bounds(text: str, source: str, offset: int) -> tuple[str, list[Problem]]:
    """`text` with the entries that exceed a bound of `xml_guard` left out, and a
    problem (error) for each; InputError for a document past its bounds as a whole
    (or by more than MAX_ENTRIES_CUT entries). One oversized item (40 attributes,
    a 4 MB text node) used to cost its neighbours, the whole feed refused. A cut
    entry's lines stay as empty lines, so every later line keeps its number."""
    problems: list[Problem] = []
    while True:
        try:
            check_bounds(text, source, offset)
            return text, problems
        except OutOfBounds as exc:
            # The entry the bound was exceeded in: the last one begun at or before
            # it and not ended before it (none: a bound of the feed itself).
            starts = [
                m.start()
                for m in _ENTRY_START_RE.finditer(text, offset, exc.pos + 64)
                if m.start() <= exc.pos
            ]
            start = starts[-1] if starts else -1
            closed = start >= 0 and _ENTRY_END_RE.search(text, start, exc.pos) is not None
            end = _ENTRY_END_RE.search(text, exc.pos)
            if not exc.local or start < 0 or closed or end is None:
                raise
            if len(problems) >= MAX_ENTRIES_CUT:
                raise
            line = line_at(text, start)
            reason = str(exc).split(": ", 1)[-1]
            problems.append(Problem(line, f"entry skipped: {reason}"))
            text = text[:start] + "\n" * text.count("\n", start, end.end()) + text[end.end() :]


def parse_feed(data: bytes, source: str = "", charset: str = "") -> ParsedFeed:
    """Decode, check and parse a feed document; raise InputError if it is none.
    `charset`: the one its server declared (`xml_decode.decode_document`)."""
    where = source or "<input>"
    decoded = decode_document(data, charset)
    # Line ends as XML reads them (a CR or CRLF is one LF), so that every line
    # counted below, in "\n"s, is the line an editor shows: a feed with old-Mac
    # CR line ends had every entry's warning on line 1 (bug hunt `fuzz` #4a).
    text = _CR_RE.sub("\n", decoded.text) if "\r" in decoded.text else decoded.text
    text, dropped_line, dropped = drop_forbidden_chars(text)
    root, offset = find_root(text, source)
    kind = local_name(root)
    if kind not in ("rss", "feed", "rdf"):
        what = {"": "no XML element", "html": "an HTML page"}.get(kind, f"<{root}> document")
        raise InputError(f"{where}: not an RSS or Atom feed ({what})")

    text, cut = _within_bounds(text, source, offset)
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
    problems: list[Problem] = list(cut)
    if decoded.note:
        problems.append(Problem(decoded.line, decoded.note, kind="decoding"))
    if dropped:  # (no entry's trouble: the text is whole without it)
        problems.append(Problem(dropped_line, dropped, kind="decoding"))
    entries = list(parsed.get("entries", []))
    # Entry line numbers: the n-th item/entry start tag is taken as the n-th
    # entry. Only trusted when the counts agree.
    starts: list[int] = []
    positions: list[int] = []
    line_no, last = 1, 0
    for m in _ENTRY_START_RE.finditer(text, offset):
        line_no += text.count("\n", last, m.start())
        last = m.start()
        starts.append(line_no)
        positions.append(m.start())
    lines = starts if len(starts) == len(entries) else []
    if lines:
        restore_links(entries, text, positions)  # (feedparser's "file://etc/passwd")
        mark_person_authors(entries, text, positions)
    truncated = False
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = _error_line(exc)
        # feedparser's lenient pass also returns the entry the document ended
        # inside; its fields are cut short, so it is dropped, not kept.
        complete = len(_ENTRY_END_RE.findall(text, offset))
        total = len(entries)
        truncated = _root_unclosed(text, root, offset)
        why = "the document ends inside it" if truncated else "its element is not closed"
        # The entries whose element is not closed are the ones skipped, found by
        # position when the start tags and entries agree: the last ones were
        # cut, so an early `</item>` missing cost the last, whole entry and the
        # warning named it (regression hunt `regenc`).
        open_ = _unclosed(text, positions) if lines else range(complete, total)
        for index in open_:
            where_line = lines[index] if index < len(lines) else 0
            problems.append(Problem(where_line, f"entry {index + 1}: incomplete ({why}); skipped"))
        skipped = set(open_)
        entries = [e for i, e in enumerate(entries) if i not in skipped]
        lines = [n for i, n in enumerate(lines) if i not in skipped]
        complete = total - len(skipped)
        message = getattr(exc, "getMessage", None)
        detail = message() if callable(message) else str(exc)
        problems.insert(0, _malformed(line, detail, truncated, len(entries), complete < total))
    return ParsedFeed(
        feed=parsed.get("feed", {}),
        entries=entries,
        version=parsed.get("version", "") or "",
        problems=problems,
        entry_lines=lines,
        truncated=truncated,
    )


def _malformed(line: int, detail: str, truncated: bool, kept: int, dropped: bool) -> Problem:
    """The document-level problem of a feed feedparser found not well-formed.

    An error (`import` exits 1) when the document is cut off or an entry was
    left out; a warning when every entry was read. Such a document was said to
    be "truncated or malformed XML" with "error:" and exit status 0, though
    nothing was cut off and every entry kept (bug hunt `enc` #5).
    """
    if truncated:
        what = f"truncated (its XML is not closed) ({detail}); kept the {kept} complete entries"
        return Problem(line, f"the document is {what}", "error", kind="document")
    if dropped:
        what = f"not well-formed XML ({detail}); kept the {kept} complete entries"
        return Problem(line, f"the document is {what}", "error", kind="document")
    what = f"not well-formed XML ({detail}); its {kept} entries were read"
    return Problem(line, f"the document is {what}", kind="document")


def _unclosed(text: str, positions: list[int]) -> list[int]:
    """The indexes of the entries (start tags at `positions`) with no end tag
    before the next entry's start (or the document's end)."""
    found = []
    for index, start in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(text)
        if not _ENTRY_END_RE.search(text, start, end):
            found.append(index)
    return found


def _root_unclosed(text: str, root: str, offset: int) -> bool:
    """Whether the document ends with its root element (`root`, found at `offset`)
    still open: no `</root>` after it and the start tag not self-closed."""
    start_end = text.find(">", offset)
    if start_end < 0:
        return True
    if text[start_end - 1] == "/":
        return False
    closing = re.compile(rf"</{re.escape(root)}\s*>")
    return closing.search(text, start_end) is None


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


# Set on an entry (`mark_person_authors`) whose authors are Atom person
# constructs, `<author><name>…</name></author>`: one person each (RFC 4287, 3.2).
PERSON_AUTHORS = "tui_digest_person_authors"
_PERSON_RE = re.compile(r"<(?:[\w-]+:)?author\b[^>]*>\s*<(?:[\w-]+:)?name\b")


def mark_person_authors(entries: list[Any], text: str, starts: list[int]) -> None:
    """Mark the entries (start tags at `starts` in `text`, one per entry) whose
    authors are Atom person constructs."""
    ends = [*starts[1:], len(text)]
    for entry, start, end in zip(entries, starts, ends, strict=False):
        if _PERSON_RE.search(text, start, end):
            entry[PERSON_AUTHORS] = True


def _whole_name(name: str) -> str:
    return html_to_text(name) if looks_like_html(name) else " ".join(name.split())


def entry_authors(entry: Any) -> list[str]:
    """The entry's authors. Only a single element that lists several people, as
    arXiv's `dc:creator` does ("A, B, C": ../shared/docs/upstream.md), is split:
    a feed that gives one element per person (several `dc:creator`, or Atom
    `<author>` person constructs) keeps each name whole, "Smith, John" included
    (it gave two authors each: bug hunt `auditarxiv` #1)."""
    elements = [
        str(author.get("name", "") or "")
        for author in entry.get("authors", []) or []
        if hasattr(author, "get")
    ]
    elements = [name for name in elements if name.strip()]
    if len(elements) > 1 or (elements and entry.get(PERSON_AUTHORS)):
        return [name for name in (_whole_name(e) for e in elements) if name]
    if elements:
        return split_authors(elements[0])
    return split_authors(str(entry["author"])) if entry.get("author") else []


def declared_summary_text(entry: Any, value: str, version: str) -> str:
    """Plain text of the raw summary `value` (`entry_summary`) of a feed of
    feedparser's format `version`. An Atom text construct says what it is:
    only `type="html"` (or xhtml) is HTML; the default, `text`, is plain, and a
    guess took `&lt;s&gt;`, `&lt;/think&gt;` for tags and dropped them (bug hunt
    `auditarxiv` #3). RSS declares nothing: there HTML is recognised."""
    if version.startswith("atom"):
        # The content `entry_summary` fell back on has the detail: feedparser copies
        # an Atom `<content>` into `summary` without one.
        detail: Any = entry.get("summary_detail") if entry.get("summary") else None
        detail = detail or next(iter(entry.get("content", []) or []), {})
        kind = str(detail.get("type", "") if hasattr(detail, "get") else "")
        return html_to_text(value) if "html" in kind else value.strip()
    return html_to_text(value) if looks_like_html(value) else value.strip()


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


def abstract_page(link: str, paper_id: str) -> str:
    """The paper's abstract page, as the Markdown reader stores it: `http` when the
    link is an `http://arxiv.org/` one (the RSS 1.0 feeds' and old digests'),
    else `https`; never the link's version, `pdf` path or `rss.arxiv.org` host."""
    scheme = "http" if link.lower().startswith("http://arxiv.org/") else "https"
    return arxiv_id.abs_url(paper_id, scheme)
