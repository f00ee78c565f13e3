"""The paper list's columns: which are shown, and how wide each is.

Titles first (issue 12 req 1): an optional column no row of the listing fills
takes no room (nor the date when every row shows the same one), and the
summary only gets what the title leaves.
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

# Columns the list may leave out when no row of the loaded listing fills them,
# the date also when all those rows show one date (the title is always shown).
# See `ColumnFill`.
OPTIONAL = frozenset({"ref", "date", "category", "summary"})
# Cells the title column gets before a summary column is given any: 60 of
# title text and the space that separates it from the next column.
TITLE_FIRST = 61
# A summary narrower than this says nothing (20-odd cells are ten-odd Chinese
# characters and a "…"): the title keeps the room. At 160 columns side by side
# a one-day listing, without its Date column, has 85 cells: its title gets them
# all rather than 60 beside a 24-cell summary.
SUMMARY_MIN = 30

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


class ColumnFill:
    """The optional columns the loaded rows of one listing fill, as its pages load.

    Ref, category and summary are filled once a loaded row has something in
    them; the date once the loaded rows show two different dates (an empty one
    counts as one of them): inside one day's digest, or a search that finds
    one day, the column would repeat the same date on every row (a digest's
    name, in the status line, usually carries its day; the detail pane lists
    the paper's digests). Columns are only ever added while one listing is
    shown (scrolling never takes one away); `PaperList` starts a new
    `ColumnFill` with each listing.
    """

    __slots__ = ("_date", "_filled")

    def __init__(self) -> None:
        self._filled: set[str] = set()
        self._date: str | None = None  # the one date every row so far shows

    def add(self, rows: Iterable[ListRow]) -> frozenset[str]:
        """Take in more loaded rows; returns the columns filled so far."""
        filled = self._filled
        for row in rows:
            if row.ref:
                filled.add("ref")
            if "date" not in filled:
                if self._date is None:
                    self._date = row.date
                elif row.date != self._date:
                    filled.add("date")
            if row.category:
                filled.add("category")
            if row.summary_zh:
                filled.add("summary")
            if len(filled) == len(OPTIONAL):
                break
        return frozenset(filled)


def filled_columns(rows: Iterable[ListRow]) -> set[str]:
    """The optional columns `rows` (one listing's loaded rows) fill (see `ColumnFill`)."""
    return set(ColumnFill().add(rows))
