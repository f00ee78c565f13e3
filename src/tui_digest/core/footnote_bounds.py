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
   does the paragraph just before it (that paper's English title).

Rules 2 and 3 apply only to a body that is not in the canonical layout (the
caller knows): there a field may hold any text, `[x](x)` or `[^7]:` included,
because the writer indents every field line.

What follows is reported by the caller, with its line, and dropped. The check is
a scan of each body, so `needs_check` first looks at the whole footnote section
with two C-speed counts and says whether any body can hold such text at all:
a clean digest pays only for those counts.
"""

from __future__ import annotations

import re

_UNINDENTED_RE = re.compile(r"\n[^ \t\n]")
# A paper's link paragraph: the link text is its own target.
_LINK_LINE_RE = re.compile(r"^\[([^\]\n]*)\]\(\1\)$")
_HEADER_LINE_RE = re.compile(r"^\[\^\d+\]:")
_URL_IN_LINK_RE = re.compile(r"\]\(([^)\s]*)\)")


def needs_check(text: str, start: int, headers: int) -> bool:
    """True when the footnote section `text[start:]`, holding `headers` headers, may
    hold text of another paper: more link paragraphs than headers, or more lines
    that start unindented than headers."""
    if text.count("](http", start) > headers:
        return True
    unindented = len(_UNINDENTED_RE.findall(text, start))
    return unindented > headers - (1 if text.startswith("[^", start) else 0)


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
                return last_para_after_link if last_para_after_link >= 0 else para_start
            link_seen = True
        blank_before = False
        offset += len(line) + 1
    return -1


def first_link(text: str) -> str:
    """The target of the first `[x](target)` in `text`, or ""."""
    m = _URL_IN_LINK_RE.search(text)
    return m.group(1) if m else ""
