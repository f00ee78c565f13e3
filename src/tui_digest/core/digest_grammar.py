"""The digest grammar both directions share (see `digest_format` and docs/digest-format.md).

The writer (`digest_write`) and the reader (`digest_paper`, `digest_format`)
take their patterns and escapes from here, so that the escaping the writer
applies and the unescaping the reader undoes can never drift apart.

Escaping, designed so that real (unescaped) digests still read as they always did:

- Table cells: `|` is written `\\|`; `]` is written `\\]` only before `(`; a
  backslash is doubled only before `\\`, `|`, `](` or at the end of the cell. The
  reader undoes exactly those sequences, so `\\Sigma` in a real title is untouched.
  Fields are read from the footnote when there is one; cells are only compared.
- Abstracts may hold newlines: each line of the field becomes one indented line
  (a continuation line, not a new paragraph). A line that is empty or blank, or made
  only of backslashes and blanks, gets one extra leading backslash, so that no line
  of a field can look like a paragraph break; the reader strips it again. A field
  that is empty altogether is no such line: it is written as the generator writes
  an empty field, four spaces and nothing else (`digest_write._paragraph`).
"""

from __future__ import annotations

import re

from .arxiv_id import _ID, abs_url, parse_arxiv_id
from .model import ANNOUNCE_TYPES

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

_NEW_STYLE_TYPES = frozenset(("new", "cross", "replace", "replace-cross", "absonly"))
NEW_STYLE_TYPES = _NEW_STYLE_TYPES  # the types written in the 2024+ layout

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


# Control characters a row's cells lose when cleaned (`sanitize.clean_line`), which
# the row's grammar does not expect between its cells' marks.
_ROW_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escaped_invisible(text: str) -> str:
    """`text` with each character a terminal would not draw (controls, bidi,
    zero-width and tag characters, separators but the space) escaped as Python
    writes it (`\\u202e`), so that a message names what the user must find: a
    footnote label `[^8` U+202E `]` was reported as "[^8] is not a number"
    (bug hunt `fuzz` #4b)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def control_name(char: str) -> str:
    """ "a NUL character (U+0000)", "a control character (U+001B)"."""
    kind = "a NUL character" if char == "\x00" else "a control character"
    return f"{kind} (U+{ord(char):04X})"
