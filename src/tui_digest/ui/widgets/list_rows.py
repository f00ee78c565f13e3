"""Drawing the paper list's rows: what a row looks like, and the caches that keep it cheap.

`RowPainter` holds everything a drawn row depends on besides the row itself
(language, columns shown, score bars, watch marks, the search's words) and
three LRU caches (`textual.cache.LRUCache`): the fitted text columns per row
(cell widths of CJK are costly), the highlighted spans of a fitted title, and
whole strips keyed by everything a row's look depends on. `PaperList` decides
which rows are on screen and where the cursor is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from tui_digest.core.highlight import NO_MATCH, Matcher, Span, matcher
from tui_digest.core.model import ListRow
from tui_digest.core.sanitize import clean_line
from tui_digest.ui.foryou import score_bar
from tui_digest.ui.paper_text import row_summary, row_title
from tui_digest.ui.widgets.list_cells import cell, column_segments, fit
from tui_digest.ui.widgets.list_columns import HEADERS, MARKS, TITLE_COLUMN, Widths, column_widths

ROW_CACHE_SIZE = 2_000
STRIP_CACHE_SIZE = 400  # a few screens of drawn rows
WATCH_MARK = "◆"  # a watch list finds the paper: a fifth mark, while there are watches
UPDATED_TYPES = frozenset({"replace", "replace-cross", "updated"})

# The list's component classes ("paper-list--NAME"), in `Look`'s order.
COMPONENTS = (
    "header",
    "cursor",
    "selected",
    "read",
    "unread",
    "star",
    "updated",
    "watch",
    "placeholder",
    "match",
)
# Those drawn on top of a row's style: looked up without the list's background.
ON_ROW = frozenset({"star", "updated", "watch", "match"})


def on_row(style: Style) -> Style:
    """`style` without its background: to lay it on a row's own."""
    return style.without_color + Style(color=style.color)


class Look(NamedTuple):
    """What a frame draws rows with: the width and the styles (looked up once a frame)."""

    width: int
    base: Style
    header: Style
    cursor: Style
    selected: Style
    read: Style
    unread: Style
    star: Style
    updated: Style
    watch: Style
    placeholder: Style
    match: Style


class RowPainter:
    """Draws the header and the rows of a paper list, remembering what it drew."""

    def __init__(self) -> None:
        self.language = "both"
        # The summary column is the user's choice (`c`, kept in the settings).
        self.show_summary = True
        # The optional columns some row of the listing fills (list_columns.OPTIONAL).
        self.filled: frozenset[str] = frozenset()
        # A ranked listing's 0..1 value per paper (ui/foryou.py): drawn as a bar
        # in the Ref column, which means nothing in a ranked order.
        self.bars: dict[int, float] | None = None
        # Papers some watch list finds (ui/watch_actions.py); None: no watches, no column.
        self.watched: Mapping[int, object] | None = None
        # The search's words highlighted in the title cell; spans per fitted
        # title, cached per row like the cells (cleared with a new query).
        self.match: Matcher = NO_MATCH
        self.match_query = ""
        # Fitted cells per (row, width, language): cell widths of CJK are costly.
        self._cells: LRUCache[tuple[int, int, str], tuple[str, ...]] = LRUCache(ROW_CACHE_SIZE)
        self._spans: LRUCache[tuple[int, int, str], tuple[Span, ...]] = LRUCache(ROW_CACHE_SIZE)
        # Drawn rows (see `row`); keyed by everything a row's look depends on.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._look: Look | None = None  # the look the last row was drawn with
        self._look_number = 0

    # --- what the rows depend on (each setter says whether anything changed) -----

    def _refit(self) -> None:
        """The columns' widths changed: fitted cells and their spans are out of date."""
        self._cells.clear()
        self._spans.clear()

    def forget_rows(self) -> None:
        """Drop what was drawn from rows whose text or flags may have changed."""
        self._cells.clear()
        self._spans.clear()  # spans of a title that may have changed (a translation)
        self._strips.clear()

    def set_bars(self, bars: dict[int, float] | None) -> bool:
        if bars == self.bars:
            return False
        if (bars is None) != (self.bars is None):
            self._refit()  # the Score column is shown even where no ref is
        self.bars = bars
        return True

    def set_watched(self, watched: Mapping[int, object] | None) -> bool:
        if watched is self.watched:
            return False
        if (watched is None) != (self.watched is None):
            self._refit()  # one cell more or less for the marks
        self._strips.clear()
        self.watched = watched
        return True

    def set_highlight(self, query: str) -> bool:
        if query == self.match_query:
            return False
        # The list shows titles: a title's words and those of no field.
        self.match_query, self.match = query, matcher(query).in_field("ti")
        self._spans.clear()
        return True

    def set_summary(self, shown: bool) -> bool:
        if shown == self.show_summary:
            return False
        self.show_summary = shown
        self._refit()
        return True

    def set_filled(self, filled: frozenset[str]) -> bool:
        if filled == self.filled:
            return False
        self.filled = filled
        self._refit()
        return True

    @property
    def marks_width(self) -> int:
        return MARKS + (self.watched is not None)

    def widths(self, width: int) -> Widths:
        """(marks, ref, date, category, title, summary) for a row `width` cells wide."""
        filled = self.filled | {"ref"} if self.bars is not None else self.filled
        return column_widths(
            width, self.language, filled=filled, summary=self.show_summary, marks=self.marks_width
        )

    # --- drawing -------------------------------------------------------------------

    def header(self, look: Look) -> Strip:
        width = look.width
        style = look.base + look.header
        marks, ref, date, category, title, summary = self.widths(width)
        title_head, summary_head = HEADERS.get(self.language, HEADERS["both"])
        columns = (
            cell("", marks),
            cell("Score" if self.bars is not None else f"{'Ref':>4}", ref),
            cell("Date", date),
            cell("Category", category),
            cell(title_head, title),
            cell(summary_head, summary),
        )
        return Strip(column_segments(columns, width, style), width)

    @staticmethod
    def placeholder(look: Look) -> Strip:
        """A row whose text is still being read."""
        return Strip([Segment(fit("    …", look.width), look.base + look.placeholder)], look.width)

    def row(self, row: ListRow, look: Look, *, cursor: bool, selected: bool) -> Strip:
        """One row's strip; the same row drawn the same way again comes from a cache.

        (A search that keeps the rows, the cursor moving over them and scrolling
        redraw mostly rows drawn a moment ago.)
        """
        width = look.width
        if look is not self._look:
            # A new look (styles or width): an int stands for it in the keys
            # (hashing its twelve styles for each row costs more than the lookup).
            self._look, self._look_number = look, self._look_number + 1
        bar = self.bars.get(row.rowid) if self.bars is not None else None
        watched = None if self.watched is None else row.rowid in self.watched
        spans = self._title_spans(row, width) if self.match else None
        key = (
            watched,
            row.rowid,
            cursor,
            selected,
            row.read,
            row.starred,
            row.announce_type,
            self.language,
            # The matches drawn, not the query: a keystroke that leaves a
            # title's matches as they were (most rows match elsewhere) redraws
            # nothing of it.
            spans,
            self.bars is not None,
            bar,
            self.filled,  # the columns shown
            self.show_summary,
            self._look_number,
        )
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        style = look.base + (look.read if row.read else look.unread)
        if selected:
            style += look.selected
        if cursor:
            style += look.cursor
        unread = " " if row.read else "•"
        # A paper re-announced with a new version (`replace`) is marked as updated.
        updated = "↻" if row.announce_type in UPDATED_TYPES else " "
        # Marks and matches on the row's background; on the cursor bar in the
        # bar's text colour (theirs is chosen against the list's background,
        # and fades on the bar: a light theme's orange on teal).
        bar_colour = Style(color=look.cursor.color) if cursor else Style()
        star, updated_style, watch_style, match = (
            style + mark + bar_colour for mark in (look.star, look.updated, look.watch, look.match)
        )
        watch = []
        if watched is not None:
            watch.append(Segment(WATCH_MARK if watched else " ", watch_style))
        cells = self.cells(row, width)
        marked = (TITLE_COLUMN, list(spans), match) if spans is not None else None
        strip = Strip(
            [
                Segment(("●" if selected else " ") + unread, style),
                Segment("★" if row.starred else " ", star),
                Segment(updated, updated_style),
                *watch,
                *column_segments(cells, width - self.marks_width, style, marked),
            ],
            width,
        )
        self._strips.set(key, strip)
        return strip

    def _title_spans(self, row: ListRow, width: int) -> tuple[Span, ...]:
        """Where the search's words are in the row's fitted title (cached per query)."""
        key = (row.rowid, width, self.language)
        spans = self._spans.get(key)
        if spans is None:
            spans = tuple(self.match.spans(self._fitted(row, width)[TITLE_COLUMN]))
            self._spans.set(key, spans)
        return spans

    def cells(self, row: ListRow, width: int) -> tuple[str, ...]:
        """The row's text columns, fitted, with the score bar in a ranked listing."""
        columns = self._fitted(row, width)
        if self.bars is not None:
            ref = self.widths(width)[1]
            value = self.bars.get(row.rowid)
            columns = (cell(score_bar(value) if value is not None else "", ref), *columns[1:])
        return columns

    def _fitted(self, row: ListRow, width: int) -> tuple[str, ...]:
        """The row's text columns, fitted (cached: cell widths of CJK are costly)."""
        key = (row.rowid, width, self.language)
        columns = self._cells.get(key)
        if columns is None:
            _, ref, date, category, title, summary = self.widths(width)
            columns = (
                cell(f"{row.ref:>4}" if row.ref else "", ref),
                cell(clean_line(row.date), date),
                cell(clean_line(row.category), category),
                cell(clean_line(row_title(row, self.language)), title),
                cell(clean_line(row_summary(row, self.language)), summary),
            )
            self._cells.set(key, columns)
        return columns
