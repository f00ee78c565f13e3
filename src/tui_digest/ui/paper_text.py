"""Turn papers into displayable Content, never through markup.

Every untrusted string (titles, abstracts, authors, digest names) enters a
`Content` as plain text via `Content.assemble`, so `[bold]` or `[@click=...]` in a
title is shown as those characters. Styles are fixed strings chosen here.

Titles, abstracts and author names are shown with their simple inline LaTeX made
readable (`$^2$` -> ², `\alpha` -> α, `Pok\'eLLMon` -> PokéLLMon; see
core/latex_text). That happens here only: the store and every export keep the
text exactly as it came.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.style import Style

from tui_digest.core import extras
from tui_digest.core.cells import steady
from tui_digest.core.highlight import NO_MATCH, Matcher
from tui_digest.core.latex_text import readable
from tui_digest.core.model import ListRow
from tui_digest.core.sanitize import clean_line, clean_text, is_safe_url

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord

HEADING = "bold $text-accent"
TITLE = "bold"
LABEL = "$text-muted"  # not "dim": that fades below 3:1 in light themes
MACHINE = "italic $text-warning"
TAGS = "bold $text-success"
NOTE = "italic"
WATCHES = "bold $text-success"  # the watch lists that find the paper (◆ in the list)
MATCH = "bold underline $text-warning"  # a search word (core.highlight)


def marked(text: str, style: str | Style, match: Matcher) -> Content:
    """`text` in `style`, the matches of `match` in MATCH on top (spans, never markup)."""
    content = Content.styled(text, style) if style else Content(text)
    for start, end in match.spans(text):
        content = content.stylize(MATCH, start, end)
    return content


def machine_fields(record: PaperRecord) -> set[str]:
    """The Chinese fields a model wrote (see `core.extras`)."""
    return set(extras.machine_fields(record.paper.extras))


def machine_mark(record: PaperRecord) -> str:
    model = clean_line(record.paper.extras.get(extras.Extra.MACHINE_MODEL, ""), 60)
    return "机器翻译 · machine-translated" + (f" ({model})" if model else "")


def row_title(row: ListRow, language: str) -> str:
    """The title the list shows, LaTeX made readable."""
    if language == "zh":
        return readable(row.title_zh or row.title_en)
    return readable(row.title_en or row.title_zh)


def row_summary(row: ListRow, language: str) -> str:
    # Digests carry a Chinese one-line summary only; the English view shows no
    # summary column rather than Chinese text under an "English" label.
    return "" if language == "en" else row.summary_zh


def _safe(text: str, *, line: bool = False) -> str:
    # Text from the store is already clean; cleaning again is cheap insurance
    # against a fake or older cache feeding escapes to the terminal. Then
    # steady, as the list's cells (`core.cells`): `❤️` was 2 cells for rich and
    # 1 for the terminal, which left a cell of the previous paper on its line.
    if line:
        return steady(clean_line(text))
    return _PIECE_RE.sub(_steady_piece, clean_text(text))


_PIECE_RE = re.compile("[^\n\t]+")  # (steady drops the newlines and tabs it keeps)


def _steady_piece(m: re.Match[str]) -> str:
    return steady(m[0])


def _shown(text: str, *, line: bool = False) -> str:
    """Clean, then LaTeX made readable (the conversion adds no control characters)."""
    return readable(_safe(text, line=line))


def detail_content(
    record: PaperRecord,
    language: str,
    ref: int = 0,
    match: Matcher = NO_MATCH,
    watches: Sequence[str] = (),
    *,
    announce_type: str = "",
    version: str = "",
) -> Content:
    """The paper as its digest footnote, followed by its metadata (`match` highlighted);
    `watches`: the names of the watch lists that find it; `announce_type`: the
    type the digest viewed gave it (its list row's), else the paper's own is shown;
    `version`: the version that listing gave it with that type (an earlier day's
    type is of an earlier version), else the paper's own."""
    paper = record.paper
    parts: Parts = []
    machine = machine_fields(record)
    mark = machine_mark(record) if machine else ""

    def para(
        text: str, style: str | Style = "", *, line: bool = False, field: str = "", of: str = "abs"
    ) -> None:
        if text:
            # `of`: the search's field of the text (`ti:` words mark titles only).
            parts.append(marked(_shown(text, line=line), style, match.in_field(of)))
            if field in machine:
                parts.append("\n")
                parts.append((mark, MACHINE))
            parts.append("\n\n")

    parts += _heading(record, ref, watches)
    show_zh = language in ("both", "zh")
    show_en = language in ("both", "en")
    if show_zh:
        para(paper.title_zh, TITLE, line=True, field="title_zh", of="ti")
    if show_en or not paper.title_zh:
        para(paper.title_en, TITLE, line=True, of="ti")
    url = _safe(paper.url, line=True)
    if url:
        # Only http(s) links become clickable; anything else is shown as text.
        parts.append((url, Style(underline=True, link=url)) if is_safe_url(url) else url)
        parts.append("\n\n")
    if show_zh:
        para(paper.summary_zh, field="summary_zh")
        para(paper.abstract_zh, field="abstract_zh")
    if show_en:
        # The archive's English one-line summary (else the digest's rarely filled slot).
        para(paper.summary_en or paper.extras.get(extras.Extra.SUMMARY_EN, ""))
    if show_en or not paper.abstract_zh:
        # arXiv's full text where the digest's was cut: what search indexes.
        para(paper.shown_abstract_en)

    parts += _metadata(record, match, announce_type or paper.announce_type, version)
    return Content.assemble(*parts)


Parts = list[str | Content | tuple[str, str | Style]]


def _heading(record: PaperRecord, ref: int, watches: Sequence[str] = ()) -> Parts:
    """`[^ref]  ★ starred · read  #tags  ◆ watch names`, then the user's note."""
    flags = ["★ starred"] if record.starred else []
    flags.append("read" if record.read else "unread")
    parts: Parts = [(f"[^{ref}]" if ref else "[^?]", HEADING), ("  " + " · ".join(flags), LABEL)]
    if record.tags:
        # The user's own tags and note (`#` and `a` in the reader), first: they
        # are why the user came back to this paper.
        parts.append(("  ", LABEL))
        parts.append((" ".join("#" + _safe(t, line=True) for t in record.tags), TAGS))
    if watches:
        parts += [("  ◆ ", WATCHES), ("watch ", LABEL)]
        parts.append((", ".join(_safe(w, line=True) for w in watches), WATCHES))
    parts.append("\n\n")
    if record.note:
        parts += [("note  ", LABEL), (_safe(record.note), NOTE), "\n\n"]
    return parts


def _newer_text(record: PaperRecord, listed: str) -> str:
    """Said when the text shown is of a later version than the digest viewed listed
    (the cache keeps the newest text, and not that listing's document): "of v2;
    this day listed v1", never v2's abstract under v1's id (history hunt #1)."""
    if not record.text_version:
        return ""
    newer = "a later version" if record.text_version == "later" else record.text_version
    return f"of {newer}; this day listed {listed or 'no version'}"


def _metadata(record: PaperRecord, match: Matcher, announce_type: str, version: str) -> Parts:
    """The lines under the rule: id, categories, dates, authors, arXiv's fields, digests."""
    paper, arxiv = record.paper, record.meta
    parts: Parts = [("─" * 24, LABEL), "\n"]
    meta = [
        ("id", paper.id + (version or paper.version)),
        (
            "categories",
            " ".join(arxiv.categories if arxiv and arxiv.categories else paper.categories),
        ),
        ("announce", announce_type),
        ("abstract", _newer_text(record, version or paper.version)),
        ("published", paper.published or (arxiv.published if arxiv else "")),
        (
            "authors",
            ", ".join(readable(a) for a in paper.authors or (arxiv.authors if arxiv else [])),
        ),
        ("comments", arxiv.comments if arxiv else ""),
        ("journal", arxiv.journal_ref if arxiv else ""),
        ("doi", arxiv.doi if arxiv else ""),
        ("digests", ", ".join(record.digests)),
    ]
    # The search's field of each line (the others are no field's: only words of no field).
    of = {"id": "id", "categories": "cat", "authors": "au"}
    for label, value in meta:
        if value:
            parts.append((f"{label:<11}", LABEL))
            parts.append(marked(_safe(value, line=True), "", match.in_field(of.get(label, ""))))
            parts.append("\n")
    return parts
