"""Reading and writing the bilingual Markdown digest (see docs/digest-format.md).

One module holds both directions so that the escaping the writer applies and the
unescaping the reader undoes can never drift apart.

Fields the format carries, and therefore what round-trips through
`read_digest(write_digest(papers))`: id, version, url, title_en, title_zh,
summary_zh, abstract_en, abstract_zh, announce_type and the primary category.
Authors, secondary categories and the published date are not part of a digest and
come back empty. Text is normalised the way ingest cleans it, in both directions:
one-line fields (titles, summary) as `sanitize.clean_line`, abstracts as
`sanitize.clean_text` (so leading/trailing spaces and inner newlines of an abstract
survive; "\\r" does not). `url` survives when it is an arXiv abstract link for the
paper (`http(s)://arxiv.org/abs/ID`); otherwise the writer links the abstract page.
A version, announce type or category that does not have arXiv's form is dropped.

`Paper.extras` keys owned by this module (all optional; the writer checks that a
stored detail still agrees with the paper's fields before reusing it):

- `link`: the link exactly as written when it differs from `url`
  (`https://rss.arxiv.org/abs/…`, a versioned or /pdf/ link).
- `table_url`: the table row's link target when it differs from the footnote's.
- `table_title`: the table's title cell text when it differs from the derived one
  (escaped `title_en`, plus the period old feeds added).
- `table_summary`: the table's summary cell when it differs from escaped `summary_zh`.
- `title_suffix`: what follows the clean English title in the footnote, the old-feed
  `. (arXiv:2310.03635v1 [cs.AI])` or `. (arXiv:2304.12244v2 [cs.CL] UPDATED)`.
- `abstract_en_header`: `arXiv:2403.10056v1 Announce Type: cross  Abstract: `.
- `abstract_zh_header`: the translated header, `arXiv:2403.10056v1 公告类型: 跨领域 摘要：`.
- `summary_en`: text in the English one-line-summary slot after the Chinese summary.
- `layout`: "early" for the March 2023 footnotes that have no summary paragraphs.

Escaping, designed so that real (unescaped) digests still read as they always did:

- Table cells: `|` is written `\\|`; `]` is written `\\]` only before `(`; a
  backslash is doubled only before `\\`, `|`, `](` or at the end of the cell. The
  reader undoes exactly those sequences, so `\\Sigma` in a real title is untouched.
  Fields are read from the footnote when there is one; cells are only compared.
- Abstracts may hold newlines: each line of the field becomes one indented line
  (a continuation line, not a new paragraph). A line that is empty or blank, or made
  only of backslashes and blanks, gets one extra leading backslash, so that no line
  of a field can look like a paragraph break; the reader strips it again.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Iterable
from pathlib import PurePosixPath

from .arxiv_id import _ID, ARXIV_ID_RE, abs_url, parse_arxiv_id
from .extras import Extra
from .footnote_bounds import first_link, foreign_start, needs_check
from .model import ANNOUNCE_TYPES, Digest, InputError, Paper, Problem, ReadResult
from .sanitize import clean_line, clean_text, decode_text

__all__ = [
    "ARXIV_ID_RE",
    "looks_like_digest",
    "parse_arxiv_id",
    "read_digest",
    "write_digest",
]

SUMMARY_HEADING = "# 摘要"
DETAIL_HEADING = "# 详细"
TABLE_HEADER = "| Ref | Title | Summary |\n| --- | --- | --- |\n"
INDENT = "    "

# --- patterns -------------------------------------------------------------------

_FOOTNOTE_RE = re.compile(r"^\[\^(\d+)\]:[ \t]?([^\n]*)", re.M)
# The same anchored on the preceding newline: much faster to scan than `^` with re.M.
# Anchored on a literal "\n[^" so the scan runs at memchr speed (an (?:^|\n)
# alternation cost a third of the whole read); line 1 is checked apart.
_BAD_FOOTNOTE_RE = re.compile(r"\n\[\^(?!\d+\])([^\]\n]{1,40})\]:")
_NL_FOOTNOTE_RE = re.compile(r"\n\[\^(\d+)\]:[ \t]?([^\n]*)")
_ROW_START_RE = re.compile(r"^\|\s*\[\^(\d+)\]\s*\|", re.M)
# After the ref cell: `[title](url) | summary |`. The title skips escaped pairs so
# that an escaped `\](` inside it is not taken for the end of the link text.
# The link target holds no brackets or parentheses (as in `_ROW_LINK_RE`): each
# `](` candidate then scans only up to the next bracket, where `[^\s)]*` ran to
# the end of the line for every candidate (a 150 KB row of "a](" took 79 s).
_ROW_REST_RE = re.compile(
    r"\s*\[((?:\\.|[^\\])*?)\]\(([^\s()\[\]]*)\)\s*\|[ \t]?(.*?)[ \t]*(?:\|[ \t]*)?$"
)
_ROW_LINK_RE = re.compile(r"\]\(([^\s()\[\]]*)\)[ \t]*\|")
_TABLE_HEADER_RE = re.compile(r"^\|\s*Ref\s*\|", re.M | re.I)
_LINK_RE = re.compile(r"^\[([^\]\n]*)\]\(([^)\s]*)\)$")
# The three header/suffix patterns below are also imported by `digest_feed` (the RSS
# form of a digest) so that both readers split headers the same way; keep the names.
_TITLE_SUFFIX_RE = re.compile(
    rf"\s*\.?\s*\(arXiv:(?P<id>{_ID})(?P<version>v\d+)?"
    r"(?:\s+\[(?P<cat>[^\]\s]+)\])?(?P<flag>\s+(?:UPDATED|CROSS LISTED))?\)$"
)
_EN_HEADER_RE = re.compile(
    rf"arXiv:(?P<id>{_ID})(?P<version>v\d+)?\s+Announce Type:\s*(?P<type>[\w-]+)\s+Abstract: ?"
)
_SUFFIX_FLAG_TYPES = {"UPDATED": "updated", "CROSS LISTED": "cross"}
# Machine translations of the header vary: 公告类型/公布类型, with or without 摘要,
# sometimes closed by a full stop instead ("公告类型:跨领域. ", "公告类型：跨语言。").
_ZH_HEADER_RE = re.compile(
    rf"arXiv:(?P<id>{_ID})(?P<version>v\d+)?\s*公[告布]类型\s*[:：]\s*[^\s摘。.:：]{{1,8}}?"
    r"(?:\s*摘要\s*[:：] ?|[。.] ?)"
)
# The feed readers share this grammar (digest feeds carry the same paragraphs).
TITLE_SUFFIX_RE, EN_HEADER_RE, ZH_HEADER_RE = _TITLE_SUFFIX_RE, _EN_HEADER_RE, _ZH_HEADER_RE
SUFFIX_FLAG_TYPES = _SUFFIX_FLAG_TYPES
_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)")
_CATEGORY_RE = re.compile(r"[A-Za-z][\w.\-]*")
_VERSION_RE = re.compile(r"v\d+")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CELL_UNESCAPE_RE = re.compile(r"\\([\\|]|\](?=\())")
_CELL_ESCAPE_RE = re.compile(r"\\(?=[\\|]|\]\(|$)|\||\](?=\()")
_LINE_NEEDS_ESCAPE_RE = re.compile(r"\\*\s*")
_LINE_ESCAPED_RE = re.compile(r"\\+\s*")

_NEW_STYLE_TYPES = frozenset(("new", "cross", "replace", "replace-cross"))

# --- small helpers shared by both directions -------------------------------------


def _cell_escape(text: str) -> str:
    if "|" not in text and "\\" not in text and "](" not in text:
        return text
    return _CELL_ESCAPE_RE.sub(lambda m: "\\" + m.group(0), text)


def _cell_unescape(text: str) -> str:
    return _CELL_UNESCAPE_RE.sub(r"\1", text) if "\\" in text else text


def _escape_field_line(line: str) -> str:
    return "\\" + line if _LINE_NEEDS_ESCAPE_RE.fullmatch(line) else line


def _unescape_field_line(line: str) -> str:
    return line[1:] if line.startswith("\\") and _LINE_ESCAPED_RE.fullmatch(line) else line


def _period_part(suffix: str) -> str:
    """What the table cell keeps of a title suffix: the period old feeds added."""
    cut = suffix.find("(arXiv:")
    return suffix[:cut].rstrip() if cut > 0 else ""


def _meta(suffix: str, en_header: str, link: str) -> tuple[str, str, str, str]:
    """(id, version, primary category, announce type) as the reader derives them."""
    arxiv_id = version = cat = kind = ""
    if suffix:
        m = _TITLE_SUFFIX_RE.search(suffix)
        if m:
            arxiv_id, version, cat = m["id"], m["version"] or "", m["cat"] or ""
            kind = _SUFFIX_FLAG_TYPES.get((m["flag"] or "").strip(), "")
    if en_header:
        m = _EN_HEADER_RE.match(en_header)
        if m:
            arxiv_id = arxiv_id or m["id"]
            version = version or m["version"] or ""
            t = m["type"].lower()
            kind = t if t in ANNOUNCE_TYPES else kind
    if link:
        parsed = parse_arxiv_id(link)
        if parsed:
            arxiv_id = parsed[0]  # the link is what a reader clicks: it wins
            version = version or parsed[1]
    return arxiv_id, version, cat, kind


def _normal_url(link: str, arxiv_id: str) -> str:
    scheme = "http" if link.lower().startswith("http://arxiv.org/") else "https"
    return abs_url(arxiv_id, scheme)


# --- sniffing -----------------------------------------------------------------------


def looks_like_digest(text: str) -> bool:
    """Cheap check on the start of a document: a digest table or footnotes."""
    head = text[:65536]
    return bool(
        _TABLE_HEADER_RE.search(head) or _ROW_START_RE.search(head) or _FOOTNOTE_RE.search(head)
    )


# --- reading ------------------------------------------------------------------------


class _Row:
    __slots__ = ("line", "ref", "summary", "title", "url")

    def __init__(self, ref: int, line: int, title: str, url: str, summary: str) -> None:
        self.ref, self.line, self.title, self.url, self.summary = ref, line, title, url, summary


class _Note:
    __slots__ = ("body", "line", "pos", "ref", "title_zh")

    def __init__(self, ref: int, pos: int, title_zh: str, body: str) -> None:
        self.ref, self.pos, self.title_zh, self.body = ref, pos, title_zh, body
        self.line = 0


def _digest_name(source: str, name: str | None) -> str:
    if name:
        return name
    if not source:
        return ""
    base = source.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return PurePosixPath(base.replace("\\", "/")).stem


def _digest_date(name: str) -> str:
    m = _DATE_RE.search(name)
    return "-".join(m.groups()) if m else ""


def _dedent(line: str) -> str:
    if line.startswith(INDENT):
        return line[4:]
    if line.startswith("\t"):
        return line[1:]
    return line.lstrip(" ")


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


def _line_field(block: list[str]) -> str:
    return clean_line(" ".join(block)) if block else ""


def _para_field(block: list[str]) -> str:
    if not block:
        return ""
    return clean_text("\n".join([_unescape_field_line(x) for x in block]))


class _Fields:
    __slots__ = (
        "abstract_en",
        "abstract_zh",
        "early",
        "link",
        "summary_en",
        "summary_zh",
        "title_en",
        "title_zh",
    )

    def __init__(self) -> None:
        self.title_zh = self.title_en = self.link = ""
        self.summary_zh = self.summary_en = self.abstract_zh = self.abstract_en = ""
        self.early = False


def _read_note(note: _Note, table_summary: str | None) -> tuple[_Fields, str]:
    """Place the footnote's paragraphs; returns the fields and a problem text or ""."""
    f = _Fields()
    f.title_zh = clean_line(note.title_zh)
    blocks = _blocks(note.body)
    n = len(blocks)
    # Fast path: the canonical layout, one block per field.
    # A blank line inside a block is a missing paragraph break, never field text (the
    # writer escapes those), so such a footnote takes the loose path.
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
            return f, ""
    return f, _read_note_loosely(f, note.body, table_summary)


def _read_note_loosely(f: _Fields, body: str, table_summary: str | None) -> str:
    """Place paragraphs of a footnote that is not in the canonical layout."""
    lines = [_dedent(x) for x in body.split("\n")]
    link_at = -1
    for i, line in enumerate(lines):
        m = _LINK_RE.match(line.strip())
        if m:
            link_at, f.link = i, m.group(2)
            break
    before = [x for x in lines[: max(link_at, 0)] if x.strip()]
    if link_at < 0:
        # No link paragraph: the body can only be placed by position.
        before, after_lines = [], lines
    else:
        after_lines = lines[link_at + 1 :]
    if before:
        f.title_en = clean_line(" ".join(before))
    elif f.title_zh and not _CJK_RE.search(f.title_zh):
        # An English-only footnote puts the English title on the `[^N]:` line.
        f.title_en, f.title_zh = f.title_zh, ""
    paras: list[list[str]] = []
    cur: list[str] = []
    for line in after_lines:
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    problem = ""
    summary = table_summary or ""
    if paras and summary and clean_line(paras[0][0]) == summary:
        f.summary_zh = summary
        rest = paras[0][1:]  # a missing blank line glued the next paragraph on
        paras = ([rest] if rest else []) + paras[1:]
        if len(paras) >= 3:
            f.summary_en = _line_field(paras.pop(0))
    elif len(paras) >= 3:
        f.summary_zh = _line_field(paras.pop(0))
        if len(paras) >= 3:
            f.summary_en = _line_field(paras.pop(0))
    elif paras and summary:
        f.early = len(paras) == 2
    if len(paras) > 2:
        problem = f"{len(paras)} abstract paragraphs where 2 were expected; extra text joined"
        paras = [paras[0], [x for p in paras[1:] for x in [*p, ""]][:-1]]
    if len(paras) == 2:
        f.abstract_zh, f.abstract_en = _para_field(paras[0]), _para_field(paras[1])
    elif len(paras) == 1:
        text = _para_field(paras[0])
        if _CJK_RE.search(text[:200]) and not text.startswith("arXiv:"):
            f.abstract_zh = text
        else:
            f.abstract_en = text
    if not f.link and not problem:
        problem = "no [link](link) paragraph in footnote"
    return problem


def _make_paper(row: _Row | None, note: _Note | None) -> tuple[Paper | None, str]:
    extras: dict[str, str] = {}
    table_summary = clean_line(_cell_unescape(row.summary)) if row else None
    problem = ""
    if note is not None:
        f, problem = _read_note(note, table_summary)
    else:
        f = _Fields()
        f.title_en = clean_line(_cell_unescape(row.title)) if row else ""
        f.summary_zh = table_summary or ""
        f.link = row.url if row else ""
    link = clean_line(f.link)
    table_url = row.url if row else ""

    title, suffix = f.title_en, ""
    if "(arXiv:" in title:
        m = _TITLE_SUFFIX_RE.search(title)
        if m:
            title, suffix = title[: m.start()], m.group(0)
    abstract_en, en_header = f.abstract_en, ""
    if abstract_en.startswith("arXiv:"):
        m = _EN_HEADER_RE.match(abstract_en)
        if m:
            en_header, abstract_en = m.group(0), abstract_en[m.end() :]
    abstract_zh, zh_header = f.abstract_zh, ""
    if abstract_zh.startswith("arXiv:"):
        m = _ZH_HEADER_RE.match(abstract_zh)
        if m:
            zh_header, abstract_zh = m.group(0), abstract_zh[m.end() :]

    if link and parse_arxiv_id(link) is None:
        problem = problem or f"link {link!r} is not an arXiv link"
        link = ""
    arxiv_id, version, cat, kind = _meta(suffix, en_header, link or table_url)
    if not arxiv_id:
        return None, problem or "no arXiv id in link, title or abstract"
    url = _normal_url(link or table_url, arxiv_id)
    if link and link != url:
        extras[Extra.LINK] = link
    if row is not None and table_url != (link or url):
        extras[Extra.TABLE_URL] = table_url
    summary_zh = f.summary_zh
    if row is not None:
        if not summary_zh and table_summary:
            summary_zh = table_summary
        if row.summary != _cell_escape(summary_zh):
            extras[Extra.TABLE_SUMMARY] = row.summary
        if row.title != _cell_escape(title) + _period_part(suffix):
            extras[Extra.TABLE_TITLE] = row.title
    if suffix:
        extras[Extra.TITLE_SUFFIX] = suffix
    if en_header:
        extras[Extra.ABSTRACT_EN_HEADER] = en_header
    if zh_header:
        extras[Extra.ABSTRACT_ZH_HEADER] = zh_header
    if f.summary_en:
        extras[Extra.SUMMARY_EN] = f.summary_en
    if f.early:
        extras[Extra.LAYOUT] = "early"
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


def _split_row(line: str, start: int) -> tuple[str, str, str] | None:
    """(title, url, summary) cells of a table row, from just after its ref cell."""
    # Fast path: the first `](url) |` closes the title. The writer escapes every `|`
    # in a title, so that sequence cannot occur inside one it wrote.
    at = line.find("[", start)
    link = _ROW_LINK_RE.search(line, at + 1) if at >= 0 and not line[start:at].strip() else None
    if link is not None and line[link.start() - 1] == "\\":
        escapes = len(line[: link.start()]) - len(line[: link.start()].rstrip("\\"))
        link = None if escapes % 2 else link  # an escaped `\]` does not close the title
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


class _Lines:
    """1-based line numbers of offsets in `text`, for problems.

    The first few are counted directly; past that, the newline offsets are
    indexed once and looked up, so a document with 50,000 problems does not
    count its way through itself 50,000 times.
    """

    __slots__ = ("calls", "newlines", "text")
    DIRECT = 16

    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0
        self.newlines: list[int] | None = None

    def __call__(self, pos: int) -> int:
        self.calls += 1
        if self.newlines is None:
            if self.calls <= self.DIRECT:
                return self.text.count("\n", 0, pos) + 1
            self.newlines = [m.start() for m in _NEWLINE_RE.finditer(self.text)]
        return bisect.bisect_left(self.newlines, pos) + 1


_NEWLINE_RE = re.compile("\n")


def _unattributed(line_at: _Lines, header: re.Match[str], body: str, cut: int) -> Problem:
    """The problem for text after footnote `header`'s own, which is dropped."""
    rest = body[cut:]
    at = header.end() + 1 + cut + (len(rest) - len(rest.lstrip()))
    paragraphs = len([p for p in re.split(r"\n[ \t]*\n", rest) if p.strip()])
    link = first_link(rest)
    whose = f" (they link {link[:200]})" if link else ""
    return Problem(
        line_at(at),
        f"{paragraphs} paragraph(s) after footnote [^{header.group(1)}] belong to no "
        f"footnote (a damaged or missing [^N]: header?){whose}; dropped",
    )


def read_digest(data: str | bytes, *, source: str = "", name: str | None = None) -> ReadResult:
    """Read a digest. Raises InputError when the document is not a digest at all."""
    # (`decoding`, not `note`: `note` is a footnote further down; one name, one type.)
    text, decoding = (decode_text(data)[0::2]) if isinstance(data, bytes) else (data, "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    where = source or name or "<input>"
    problems: list[Problem] = [Problem(0, decoding)] if decoding else []

    # Footnote starts, found by their preceding newline (position 0 checked apart).
    starts = [(m.start() + 1, m) for m in _NL_FOOTNOTE_RE.finditer(text)]
    at_zero = _FOOTNOTE_RE.match(text)
    if at_zero:
        starts.insert(0, (0, at_zero))
    split = starts[0][0] if starts else len(text)
    head = text[:split]

    rows: list[_Row] = []
    has_table = False
    if "|" in head:
        for i, line in enumerate(head.split("\n"), 1):
            if not line.startswith("|"):
                continue
            m = _ROW_START_RE.match(line)
            if m is None:
                if _TABLE_HEADER_RE.match(line):
                    has_table = True
                elif line.replace(" ", "").strip("|-:"):
                    problems.append(Problem(i, "table row not understood; skipped"))
                continue
            has_table = True
            cells = _split_row(line, m.end())
            if cells is None:
                problems.append(
                    Problem(i, f"table row [^{m.group(1)}] has no [title](link) cell; skipped")
                )
                continue
            title, url, summary = cells
            rows.append(
                _Row(int(m.group(1)), i, clean_line(title), clean_line(url), clean_line(summary))
            )

    # A footnote whose label is not a number ([^-1], [^x]) still ends the one
    # before it, so its text cannot leak into that paper; it is then skipped.
    # Matched against "\n" + text, so m.start() is the label's offset in text.
    line_at = _Lines(text)
    bad = [(m.start(), m) for m in _BAD_FOOTNOTE_RE.finditer("\n" + text)]
    for pos, m in bad:
        problems.append(Problem(line_at(pos), f"footnote label [^{m[1]}] is not a number; skipped"))
    bounds = sorted([*starts, *bad], key=lambda item: item[0]) if bad else starts
    bad_at = {pos for pos, _ in bad}
    notes: list[_Note] = []
    check = bool(bounds) and needs_check(text, bounds[0][0], len(bounds))
    for k, (pos, m) in enumerate(bounds):
        if pos in bad_at:
            continue
        end = bounds[k + 1][0] - 1 if k + 1 < len(bounds) else len(text)
        body = text[m.end() + 1 : end]
        if check and (cut := foreign_start(body, canonical=_canonical(body))) >= 0:
            problems.append(_unattributed(line_at, m, body, cut))
            body = body[:cut]
        notes.append(_Note(int(m.group(1)), pos, m.group(2), body))

    if not has_table and not notes:
        lowered = text[:2048].lstrip().lower()
        if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered:
            raise InputError(f"{where}: not a digest: this is an HTML page")
        raise InputError(f"{where}: not a digest: no summary table and no [^N]: footnotes found")

    def note_line(note: _Note) -> int:
        if not note.line:
            note.line = line_at(note.pos)
        return note.line

    by_ref: dict[int, deque[_Note]] = {}
    for note in notes:
        by_ref.setdefault(note.ref, deque()).append(note)
    for ref, queue in by_ref.items():
        if len(queue) > 1:
            lines = ", ".join(str(note_line(n)) for n in list(queue)[:10])
            lines += ", …" if len(queue) > 10 else ""
            problems.append(
                Problem(
                    note_line(queue[1]),
                    f"footnote [^{ref}] appears {len(queue)} times (lines {lines})",
                )
            )
    seen_rows: dict[int, int] = {}
    pairs: list[tuple[_Row | None, _Note | None, int]] = []
    for row in rows:
        if row.ref in seen_rows:
            problems.append(
                Problem(
                    row.line,
                    f"table ref [^{row.ref}] used again (first on line {seen_rows[row.ref]})",
                )
            )
        else:
            seen_rows[row.ref] = row.line
        pending = by_ref.get(row.ref)
        matched = pending.popleft() if pending else None
        if matched is None and notes:
            problems.append(
                Problem(row.line, f"table row [^{row.ref}] has no footnote; read from the table")
            )
        pairs.append((row, matched, row.line))
    if rows and not notes:
        problems.append(Problem(0, "no footnotes found; papers read from the table only"))
    if notes and not rows:
        problems.append(Problem(0, "no table rows found; papers read from the footnotes only"))
    for queue in by_ref.values():
        for note in queue:
            if rows:
                problems.append(
                    Problem(note_line(note), f"footnote [^{note.ref}] has no table row")
                )
            pairs.append((None, note, 0))

    papers: list[Paper] = []
    # (Own names: `row`/`note`/`line` above hold non-optional values.)
    for pair_row, pair_note, row_line in pairs:
        try:
            paper, problem = _make_paper(pair_row, pair_note)
        except Exception as exc:  # one paper's bug must not cost the others
            paper, problem = None, f"cannot be read ({type(exc).__name__}: {exc})"
        if problem:
            ref = (pair_row or pair_note).ref  # type: ignore[union-attr]
            at = note_line(pair_note) if pair_note is not None else row_line
            verdict = "" if paper is not None else "; skipped"
            problems.append(Problem(at, f"[^{ref}]: {problem}{verdict}"))
        if paper is not None:
            papers.append(paper)

    problems.sort(key=lambda p: p.line)
    digest_name = _digest_name(source, name)
    digest = Digest(
        name=digest_name,
        source=source,
        date=_digest_date(digest_name),
        papers=papers,
        kind="digest",
    )
    return ReadResult(digest=digest, problems=problems, format="digest")


# --- writing ------------------------------------------------------------------------


def _paragraph(text: str) -> str:
    return "\n".join([INDENT + _escape_field_line(x) for x in text.split("\n")])


def _link_for(paper: Paper) -> str:
    for candidate in (paper.extras.get(Extra.LINK, ""), paper.url):
        parsed = parse_arxiv_id(candidate) if candidate else None
        if (
            parsed
            and parsed[0] == paper.id
            and parsed[1] in ("", paper.version)
            and candidate == clean_line(candidate)
        ):
            return candidate
    return abs_url(paper.id)


def _headers_for(paper: Paper, link: str) -> tuple[str, str]:
    """The title suffix and English abstract header that carry version/type/category."""
    version = paper.version if _VERSION_RE.fullmatch(paper.version) else ""
    cat = paper.primary_category if _CATEGORY_RE.fullmatch(paper.primary_category) else ""
    kind = paper.announce_type if paper.announce_type in ANNOUNCE_TYPES else ""
    want = (paper.id, version, cat, kind)
    extras = paper.extras
    suffix = extras.get(Extra.TITLE_SUFFIX, "")
    header = extras.get(Extra.ABSTRACT_EN_HEADER, "")
    if (
        (suffix or header)
        and (not suffix or _TITLE_SUFFIX_RE.fullmatch(suffix))
        and (not header or _EN_HEADER_RE.fullmatch(header))
        and _meta(suffix, header, link) == want
    ):
        return suffix, header
    header = ""
    if kind in _NEW_STYLE_TYPES:
        header = f"arXiv:{paper.id}{version} Announce Type: {kind}  Abstract: "
    suffix = ""
    link_version = (parse_arxiv_id(link) or ("", ""))[1]
    if cat or kind == "updated" or (version and not header and version != link_version):
        parts = [f"arXiv:{paper.id}{version}"]
        if cat:
            parts.append(f"[{cat}]")
        if kind == "updated":
            parts.append("UPDATED")
        suffix = f". ({' '.join(parts)})"
    return suffix, header


def _zh_header_for(paper: Paper) -> str:
    header = paper.extras.get(Extra.ABSTRACT_ZH_HEADER, "")
    m = _ZH_HEADER_RE.fullmatch(header) if header else None
    if m and m["id"] == paper.id and (m["version"] or "") in ("", paper.version):
        return header
    return ""


def _write_one(n: int, paper: Paper) -> tuple[str, str]:
    extras = paper.extras
    link = _link_for(paper)
    suffix, en_header = _headers_for(paper, link)
    zh_header = _zh_header_for(paper)
    title_en = clean_line(paper.title_en)
    summary_zh = clean_line(paper.summary_zh)
    summary_en = clean_line(extras.get(Extra.SUMMARY_EN, ""))
    table_title = extras.get(Extra.TABLE_TITLE)
    if table_title is None or "\n" in table_title:
        table_title = _cell_escape(title_en) + _period_part(suffix)
    table_summary = extras.get(Extra.TABLE_SUMMARY)
    if table_summary is None or "\n" in table_summary:
        table_summary = _cell_escape(summary_zh)
    table_url = extras.get(Extra.TABLE_URL, "")
    parsed = parse_arxiv_id(table_url) if table_url else None
    if not parsed or parsed[0] != paper.id or table_url != clean_line(table_url):
        table_url = link
    row = f"| [^{n}] | [{table_title}]({table_url}) | {table_summary} |"
    parts = [
        f"[^{n}]: {clean_line(paper.title_zh)}\n\n",
        f"{INDENT}{title_en}{suffix}\n\n",
        f"{INDENT}[{link}]({link})\n\n",
    ]
    if not (extras.get(Extra.LAYOUT) == "early" and not summary_en):
        parts.append(f"{INDENT}{summary_zh}\n\n{INDENT}{summary_en}\n\n")
    parts.append(_paragraph(zh_header + clean_text(paper.abstract_zh)))
    parts.append("\n\n")
    parts.append(_paragraph(en_header + clean_text(paper.abstract_en)))
    parts.append("\n" + INDENT)
    return row, "".join(parts)


def write_digest(papers: Iterable[Paper]) -> str:
    """The canonical digest for `papers`, refs numbered 1..N in the given order."""
    rows: list[str] = []
    notes: list[str] = []
    for n, paper in enumerate(papers, 1):
        row, note = _write_one(n, paper)
        rows.append(row)
        notes.append(note)
    return (
        f"{SUMMARY_HEADING}\n\n{TABLE_HEADER}"
        + "\n".join(rows)
        + f"\n\n{DETAIL_HEADING}\n\n"
        + "\n".join(notes)
        + "\n\n"
    )


def detail_fields(paper: Paper) -> dict[str, str]:
    """The footnote's fields as `write_digest` writes them, unescaped (for the digest feed).

    Keys: title_zh, title_en (with its arXiv suffix), link, summary_zh,
    summary_en, abstract_zh and abstract_en (each with its header), and
    table_summary (the table's summary cell). The digest feed publishes the
    same paragraphs, so the Markdown and the feed of one day always agree.
    """
    link = _link_for(paper)
    suffix, en_header = _headers_for(paper, link)
    summary_zh = clean_line(paper.summary_zh)
    cell = paper.extras.get(Extra.TABLE_SUMMARY)
    table_summary = summary_zh if cell is None or "\n" in cell else _cell_unescape(cell)
    return {
        "title_zh": clean_line(paper.title_zh),
        "title_en": clean_line(paper.title_en) + suffix,
        "link": link,
        "summary_zh": summary_zh,
        "summary_en": clean_line(paper.extras.get(Extra.SUMMARY_EN, "")),
        "abstract_zh": _zh_header_for(paper) + clean_text(paper.abstract_zh),
        "abstract_en": en_header + clean_text(paper.abstract_en),
        "table_summary": clean_line(table_summary),
    }
