"""The paper list's columns: which are shown, and how wide each is.

Titles first (issue 12 req 1): an optional column no row of the listing fills
takes no room, and the summary only gets what the title leaves.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui_digest.core.model import ListRow

HEADERS = {
    "both": ("Title", "Summary 摘要"),
    "zh": ("标题", "摘要"),
    "en": ("Title", ""),
}

MARKS = 4  # selected, unread, star, updated: drawn as their own segments
TITLE_COLUMN = 3  # in a row's text columns: ref, date, category, title, summary

# Columns the list may leave out when no row of the loaded listing fills them
# (the title is always shown). See `filled_columns`.
OPTIONAL = frozenset({"ref", "date", "category", "summary"})
# Cells the title column gets before a summary column is given any: 60 of
# title text and the space that separates it from the next column.
TITLE_FIRST = 61
SUMMARY_MIN = 20  # a summary narrower than this says nothing: the title keeps the room

Widths = tuple[int, int, int, int, int, int]


def column_widths(
    width: int,
    language: str,
    *,
    filled: frozenset[str] = OPTIONAL,
    summary: bool = True,
    marks: int = MARKS,
) -> Widths:
    """(marks, ref, date, category, title, summary) widths in cells for a row `width` wide.

    Titles first (issue 12 req 1): a column in `OPTIONAL` that is not `filled`
    takes no room, and the summary (when shown at all) only gets what is left
    once the title has `TITLE_FIRST` cells, or its usual share of a wide list.
    """
    ref = 6 if "ref" in filled else 0
    date = 11 if width >= 78 and "date" in filled else 0
    category = 10 if width >= 64 and "category" in filled else 0
    rest = max(0, width - marks - ref - date - category)
    if language == "en" or not summary or "summary" not in filled:
        return marks, ref, date, category, rest, 0
    title = max(rest * 11 // 20, min(rest, TITLE_FIRST))
    if rest - title < SUMMARY_MIN:
        title = rest
    return marks, ref, date, category, title, rest - title


def filled_columns(rows: Iterable[ListRow]) -> set[str]:
    """The optional columns at least one of `rows` has something to show in."""
    filled: set[str] = set()
    for row in rows:
        if row.ref:
            filled.add("ref")
        if row.date:
            filled.add("date")
        if row.category:
            filled.add("category")
        if row.summary_zh:
            filled.add("summary")
        if len(filled) == len(OPTIONAL):
            break
    return filled
