"""Where a digest footnote's own text ends (docs/digest-format.md).

A footnote runs from its `[^N]:` header to the next header. When a header is
deleted, cut or garbled (a truncated download, a bad edit), the next paper's
paragraphs would run on inside the previous footnote and be merged into that
paper: its abstracts, title and version would come from its neighbour. So a
footnote's text stops at the first sign of another paper:

1. a line that is not indented after a blank line: in Markdown that ends a
   footnote (every body line of a real digest is indented; only headers are not);
2. an indented line that is itself a footnote header (`    [^7]: …`);
3. a second `[link](link)` paragraph: it belongs to the next paper, and so
   does the paragraph just before it (that paper's English title), unless that
   paragraph cannot be a title: an abstract under its `arXiv:… Announce Type`
   or `公告类型` header, or longer than any title. Then it is this footnote's
   own text, and only the link is another's (a stray link at the end of a
   footnote took the footnote's English abstract with it, bug hunt `fuzz`).

Rules 2 and 3 apply only to a body that is not in the canonical layout (the
caller knows): there a field may hold any text, `[x](x)` or `[^7]:` included,
because the writer indents every field line.

What follows is reported by the caller, with its line, and dropped. The check is
a scan of each body, so the reader (`digest_format`, which streams and so sees
one footnote at a time) first looks at the body with C-speed scans and calls
`foreign_start` only when it holds an unindented line, a `[^` or two `](`.
(It used to decide once for the whole document from counts of link paragraphs
and unindented lines; a footnote missing its link could then hide a neighbour's
second one, and that neighbour's paragraphs were joined to the wrong paper.)
"""

from __future__ import annotations

import re

from .digest_grammar import _EN_HEADER_RE, _ZH_HEADER_RE

# A paper's link paragraph: the link text is its own target.
_LINK_LINE_RE = re.compile(r"^\[([^\]\n]*)\]\(\1\)$")
_HEADER_LINE_RE = re.compile(r"^\[\^\d+\]:")
_URL_IN_LINK_RE = re.compile(r"\]\(([^)\s]*)\)")
# Longer than any title (the longest in the samples has about 220 characters).
_TITLE_MAX = 500


def foreign_start(body: str, *, canonical: bool = False) -> int:
    """Offset in a footnote `body` where text of another paper starts, or -1."""
    offset = 0
    blank_before = False
    link_seen = False
    para_start = -1  # offset of the current paragraph
    last_para_after_link = -1  # offset of the previous paragraph after the link
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped:
            if para_start >= 0 and link_seen:
                last_para_after_link = para_start
            para_start = -1
            blank_before = True
            offset += len(line) + 1
            continue
        indented = line[:1] in (" ", "\t")
        if offset and blank_before and not indented:
            return offset  # rule 1
        if canonical:
            blank_before = False
            offset += len(line) + 1
            continue
        if indented and _HEADER_LINE_RE.match(stripped):
            return offset  # rule 2
        if para_start < 0:
            para_start = offset
        if _LINK_LINE_RE.match(stripped):
            if link_seen:  # rule 3
                if para_start < offset:  # the title runs straight into the link
                    return para_start
                before = last_para_after_link
                if before < 0 or not _title_like(body[before:para_start].strip()):
                    return para_start
                return before
            link_seen = True
        blank_before = False
        offset += len(line) + 1
    return -1


def _title_like(text: str) -> bool:
    """Whether a paragraph before a link could be its paper's English title."""
    if len(text) > _TITLE_MAX:
        return False
    return not (_EN_HEADER_RE.match(text) or _ZH_HEADER_RE.match(text))


def first_link(text: str) -> str:
    """The target of the first `[x](target)` in `text`, or ""."""
    m = _URL_IN_LINK_RE.search(text)
    return m.group(1) if m else ""
