"""One paper of a digest: its table row and footnote made into a `Paper`.

`digest_format` finds the rows and footnotes of a document (streaming); this
module places a footnote's paragraphs into fields (`_read_note`) and builds
the paper from them and its table row (`_make_paper`).
"""

from __future__ import annotations

import re

from .arxiv_id import parse_arxiv_id
from .digest_grammar import (
    _EN_HEADER_RE,
    _LINK_RE,
    _ROW_LINK_RE,
    _ROW_REST_RE,
    _TITLE_SUFFIX_RE,
    _ZH_HEADER_RE,
    INDENT,
    _cell_escape,
    _cell_unescape,
    _meta,
    _normal_url,
    _period_part,
)
from .digest_loose import (
    SWAPPED,
    _dedent,
    _Fields,
    _line_field,
    _para_field,
    _read_note_loosely,
    _swapped,
)
from .extras import Extra, mark_plain
from .model import Paper
from .sanitize import clean_line, without_password


class _Row:
    __slots__ = ("line", "ref", "summary", "title", "url")

    def __init__(self, ref: int, line: int, title: str, url: str, summary: str) -> None:
        self.ref, self.line, self.title, self.url, self.summary = ref, line, title, url, summary


class _Note:
    __slots__ = ("body", "line", "pos", "ref", "short", "title_zh")

    def __init__(self, ref: int, pos: int, title_zh: str, body: str) -> None:
        self.ref, self.pos, self.title_zh, self.body = ref, pos, title_zh, body
        self.line = 0
        # The paragraphs the document's other footnotes have, when this one (its
        # last) is cut short of them (`stops_short`): placed by position then.
        self.short = 0


def _blocks(body: str) -> list[list[str]]:
    """Split a footnote body into blocks of de-indented lines separated by empty lines.

    A blank line of one to three spaces counts as a separator (trailing spaces after
    an editor); a line of four spaces or a tab is an empty field, not a separator.
    Whitespace-only lines at the end of a block are the closing line or noise, never
    field text (the writer escapes those), so they are dropped.
    """
    if body.startswith("\n    ") and "\n\n\n" not in body:
        # Fast path for the canonical form: every line indented, single blank lines.
        chunk = body[1:].rstrip("\n")
        if chunk.count("\n") == chunk.count("\n    ") + chunk.count("\n\n"):
            fast = [[x[4:] for x in part.split("\n")] for part in chunk.split("\n\n")]
            for block in fast:
                while block and not block[-1].strip():
                    block.pop()
            return fast
    blocks: list[list[str]] = []
    cur: list[str] = []
    for line in body.split("\n"):
        if not line or (len(line) < 4 and not line.strip() and "\t" not in line):
            if cur:
                blocks.append(cur)
                cur = []
            continue
        cur.append(_dedent(line))
    if cur:
        blocks.append(cur)
    for block in blocks:
        while block and not block[-1].strip():
            block.pop()
    return blocks


def _canonical(body: str) -> bool:
    """The writer's layout: 6 blocks (4 for early digests), the link alone in the 2nd."""
    blocks = _blocks(body)
    return (
        len(blocks) in (6, 4)
        and len(blocks[1]) == 1
        and _LINK_RE.match(blocks[1][0].strip()) is not None
    )


def closed_shape(body: str) -> int:
    """How many paragraphs a footnote body in the writer's form has (the empty
    summary-slot paragraph counted), when it ends with its closing four-space
    line; 0 for any other form. Cheap (a few C-speed scans): the stream asks it
    of every footnote, to know the shape a document's footnotes share."""
    closed = body.endswith("\n    ") and not body.endswith("\n\n    ")
    if closed and body.startswith("\n    ") and "\n\n\n" not in body:
        return body.count("\n\n") + 1
    return 0


def stops_short(lines: list[str], shape: int) -> bool:
    """Whether a document's last footnote (its body `lines`) stops before the
    `shape` paragraphs its other footnotes have, without its closing line.

    docs/digest-format.md allows the final footnote without its closing
    four-space line, and a missing Chinese abstract; so a closed footnote, or
    one with every paragraph, is whole. One that ends (at a line break) before
    its last paragraph with no closing line is a copy cut there: every real
    digest in the samples has each footnote whole and closed.
    """
    end = len(lines)
    while end and not lines[end - 1]:
        end -= 1
    if end >= 2 and lines[end - 1] == INDENT and lines[end - 2].strip():
        return False  # closed: the line after its last paragraph
    blocks = _blocks("\n".join(lines[:end]))
    if len(blocks) >= shape:
        return False
    # What it has must be the start of that shape: the link second.
    return len(blocks) < 2 or (len(blocks[1]) == 1 and bool(_LINK_RE.match(blocks[1][0].strip())))


def _read_note(note: _Note, table_summary: str | None) -> tuple[_Fields, str]:
    """Place the footnote's paragraphs; returns the fields and a problem text or ""."""
    f = _Fields()
    f.title_zh = clean_line(note.title_zh)
    blocks = _blocks(note.body)
    if note.short:
        _place_cut(f, blocks, note.short)
        return f, ""
    n = len(blocks)
    # Fast path: the canonical layout, one block per field.
    # A blank line inside a block is a missing paragraph break, never field text (the
    # writer escapes those), so such a footnote takes the loose path.
    # Four paragraphs whose third is the table's summary and fourth the empty
    # slot are a footnote cut after its summary slot, not the earliest digests'
    # layout: the summary is never the Chinese abstract (the loose path places it).
    if n == 4 and not blocks[3] and _line_field(blocks[2]) == table_summary:
        n = 0
    if n in (6, 4) and len(blocks[1]) == 1 and all(x.strip() for b in blocks for x in b):
        m = _LINK_RE.match(blocks[1][0].strip())
        if m:
            f.title_en = _line_field(blocks[0])
            f.link = m.group(2)
            if n == 6:
                f.summary_zh = _line_field(blocks[2])
                f.summary_en = _line_field(blocks[3])
            else:
                f.early = True
            f.abstract_zh = _para_field(blocks[-2])
            f.abstract_en = _para_field(blocks[-1])
            return f, SWAPPED if _swapped(blocks[-2], blocks[-1]) else ""
    return f, _read_note_loosely(f, note.body, table_summary)


# Where a footnote's paragraphs go, in the order the writer puts them: with
# summaries (6 paragraphs, the slot's counted) or the earliest digests' (4).
_CUT_SLOTS = {
    6: ("title_en", "link", "summary_zh", "summary_en", "abstract_zh"),
    4: ("title_en", "link", "abstract_zh"),
}


def _place_cut(f: _Fields, blocks: list[list[str]], shape: int) -> None:
    """Place a last footnote cut short of the `shape` paragraphs every other
    footnote of its document has (`stops_short`), by position: the shape says
    which paragraph each is. Placed by content, a copy cut after its summary
    slot took the summary for the Chinese abstract, and one cut after its
    English title took the title for the English abstract."""
    f.early = shape == 4
    for name, block in zip(_CUT_SLOTS[shape], blocks, strict=False):
        if name == "link":
            m = _LINK_RE.match(block[0].strip()) if len(block) == 1 else None
            f.link = m.group(2) if m else ""
        elif name == "abstract_zh":
            f.abstract_zh = _para_field(block)
        else:
            setattr(f, name, _line_field(block))


def _split_header(text: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    """(header, rest) of an abstract that starts with its `arXiv:…` header."""
    if text.startswith("arXiv:"):
        m = pattern.match(text)
        if m:
            return m.group(0), text[m.end() :]
    return "", text


def _split_suffix(title: str) -> tuple[str, str]:
    """(title, suffix) of an English title that ends in an old-feed `(arXiv:…)`."""
    if "(arXiv:" in title:
        m = _TITLE_SUFFIX_RE.search(title)
        if m:
            return title[: m.start()], m.group(0)
    return title, ""


def _fields_of(row: _Row | None, note: _Note | None) -> tuple[_Fields, str | None, str]:
    """The placed fields, the table's summary cell unescaped, and a problem or ""."""
    table_summary = clean_line(_cell_unescape(row.summary)) if row else None
    if note is not None:
        f, problem = _read_note(note, table_summary)
        return f, table_summary, problem
    f = _Fields()
    f.title_en = clean_line(_cell_unescape(row.title)) if row else ""
    f.summary_zh = table_summary or ""
    f.link = row.url if row else ""
    return f, table_summary, ""


def _make_paper(row: _Row | None, note: _Note | None) -> tuple[Paper | None, str]:
    f, table_summary, problem = _fields_of(row, note)
    link = without_password(clean_line(f.link))
    table_url = without_password(row.url) if row else ""
    title, suffix = _split_suffix(f.title_en)
    en_header, abstract_en = _split_header(f.abstract_en, _EN_HEADER_RE)
    zh_header, abstract_zh = _split_header(f.abstract_zh, _ZH_HEADER_RE)
    if link and parse_arxiv_id(link) is None:
        problem = problem or f"link {link!r} is not an arXiv link"
        link = ""
    arxiv_id, version, cat, kind = _meta(suffix, en_header, link or table_url)
    if not arxiv_id:
        return None, problem or "no arXiv id in link, title or abstract"
    if not version and zh_header:  # the English abstract (and its header) missing
        version = _ZH_HEADER_RE.match(zh_header)["version"] or ""  # type: ignore[index]
    problems = [problem] if problem else []
    if row is not None and note is not None:
        if not title and row.title:
            title = clean_line(_cell_unescape(row.title))
            if title.endswith(".") and not title.endswith(".."):
                title = title[:-1]  # the period old feeds added (kept as the cell's text)
            if title:
                problems.append("no English title paragraph; the table row's title is used")
        row_id = parse_arxiv_id(table_url) if table_url else None
        if link and row_id and row_id[0] != arxiv_id:
            problems.append(
                f"its table row (line {row.line}) links {row_id[0]} but the footnote "
                f"{arxiv_id}; the footnote's paper is kept"
            )
    problem = "; ".join(problems)
    url = _normal_url(link or table_url, arxiv_id)
    extras: dict[str, str] = {}
    if link and link != url:
        extras[Extra.LINK] = link
    summary_zh = f.summary_zh
    if row is not None:
        if table_url != (link or url):
            extras[Extra.TABLE_URL] = table_url
        if not summary_zh and table_summary:
            summary_zh = table_summary
        _table_extras(extras, row, title, suffix, summary_zh)
    for key, value in (
        (Extra.TITLE_SUFFIX, suffix),
        (Extra.ABSTRACT_EN_HEADER, en_header),
        (Extra.ABSTRACT_ZH_HEADER, zh_header),
        (Extra.SUMMARY_EN, f.summary_en),
        (Extra.LAYOUT, "early" if f.early else ""),
    ):
        if value:
            extras[key] = value
    mark_plain(extras)
    paper = Paper(
        id=arxiv_id,
        version=version,
        url=url,
        title_en=title,
        title_zh=f.title_zh,
        summary_zh=summary_zh,
        abstract_en=abstract_en,
        abstract_zh=abstract_zh,
        categories=[cat] if cat else [],
        announce_type=kind,
        extras=extras,
    )
    return paper, problem


def _table_extras(
    extras: dict[str, str], row: _Row, title: str, suffix: str, summary_zh: str
) -> None:
    """The table cells as written, when they differ from what the writer would derive."""
    if row.summary != _cell_escape(summary_zh):
        extras[Extra.TABLE_SUMMARY] = row.summary
    if row.title != _cell_escape(title) + _period_part(suffix):
        extras[Extra.TABLE_TITLE] = row.title


def _split_row(line: str, start: int) -> tuple[str, str, str] | None:
    """(title, url, summary) cells of a table row, from just after its ref cell."""
    # Fast path: the first `](url) |` closes the title. The writer escapes every `|`
    # in a title, so that sequence cannot occur inside one it wrote.
    at = line.find("[", start)
    link = _ROW_LINK_RE.search(line, at + 1) if at >= 0 and not line[start:at].strip() else None
    first = link
    while link is not None and _escaped(line, link.start(), at):
        link = _ROW_LINK_RE.search(line, link.start() + 1)  # an escaped `\]` does not close it
    if link is None and first is not None:
        # No unescaped `](url) |`: the generator does not escape cells, so the
        # title ends in a backslash of its own (`[Title \](url)`).
        link = first
    if link is None:
        m = _ROW_REST_RE.match(line, start)
        return None if m is None else (m[1], m[2], m[3])
    summary = line[link.end() :]
    if summary[:1] in (" ", "\t"):
        summary = summary[1:]
    if summary.endswith(" |"):
        return line[at + 1 : link.start()], link[1], summary[:-2]
    summary = summary.rstrip(" \t")
    if summary.endswith("|") and not summary.endswith("\\|"):
        summary = summary[:-1].rstrip(" \t")
    return line[at + 1 : link.start()], link[1], summary


def _escaped(line: str, k: int, at: int) -> bool:
    """Whether the `]` at `k` follows an odd number of backslashes (after `at`)."""
    j = k
    while j > at + 1 and line[j - 1] == "\\":
        j -= 1
    return (k - j) % 2 == 1
