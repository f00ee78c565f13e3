"""The summary table: a Line-API view over an array of row ids.

Only the rows on screen are drawn. The widget holds the ids of the current
listing (cheap, even at 100k) and an LRU cache (`textual.cache.LRUCache`) of
the narrow `ListRow`s it has drawn; rows it lacks are drawn as placeholders
while a thread worker asks the store for the visible window, so scrolling
never waits on SQLite and the widget never holds all rows (unlike a DataTable).

Widths are measured in terminal cells (`cell_len` / `set_cell_size`), never
`len()`, so CJK titles align with Latin ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_digest.core.cells import steady
from tui_digest.core.highlight import NO_MATCH, Matcher, Span, matcher
from tui_digest.core.model import ListRow
from tui_digest.core.sanitize import clean_line
from tui_digest.ui import keys
from tui_digest.ui.foryou import score_bar
from tui_digest.ui.paper_text import row_summary, row_title
from tui_digest.ui.workers import ReportsWorkerErrors

RowFetcher = Callable[[Sequence[int]], list[ListRow]]

ROW_CACHE_SIZE = 2_000
STRIP_CACHE_SIZE = 400  # a few screens of drawn rows
HEADERS = {
    "both": ("Title", "Summary 摘要"),
    "zh": ("标题", "摘要"),
    "en": ("Title", ""),
}


MARKS = 4  # selected, unread, star, updated: drawn as their own segments
WATCH_MARK = "◆"  # a watch list finds the paper: a fifth mark, while there are watches
UPDATED_TYPES = frozenset({"replace", "replace-cross", "updated"})
TITLE_COLUMN = 3  # in _cells: ref, date, category, title, summary


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` cells, with an ellipsis when cut.

    Emoji sequences, fillers and mark stacks are made steady first (`core.cells`):
    the terminal must draw the row as wide as it was measured.
    """
    if width <= 0:
        return ""
    text = steady(text)
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def cell(text: str, width: int) -> str:
    """A table cell: `text` fitted to `width` cells including one trailing space."""
    return fit(text, width - 1) + " " if width > 0 else ""


# Columns the list may leave out when no row of the loaded listing fills them
# (the title is always shown). See `PaperList.filled_columns`.
OPTIONAL = frozenset({"ref", "date", "category", "summary"})
# Cells the title column gets before a summary column is given any: 60 of
# title text and the space that separates it from the next column.
TITLE_FIRST = 61
SUMMARY_MIN = 20  # a summary narrower than this says nothing: the title keeps the room


def column_widths(
    width: int,
    language: str,
    *,
    filled: frozenset[str] = OPTIONAL,
    summary: bool = True,
    marks: int = MARKS,
) -> tuple[int, int, int, int, int, int]:
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


def _column_segments(
    columns: Iterable[str],
    width: int,
    style: Style,
    marked: tuple[int, list[Span], Style] | None = None,
) -> list[Segment]:
    """One segment per column, cut to `width` cells.

    Separate segments keep columns on their cells wherever the text is laid
    out by a font rather than a terminal (SVG screenshots stretch a segment to
    its cell width, so CJK glyph metrics would shift later columns).
    """
    segments: list[Segment] = []
    left = width
    for i, text in enumerate(columns):
        if left <= 0:
            break
        if not text:
            continue
        size = cell_len(text)
        if size > left:
            text, size = set_cell_size(text, left), left
        elif marked is not None and i == marked[0] and marked[1]:
            # Query matches (core.highlight) as styled pieces of the same column.
            at = 0
            for start, end in marked[1]:
                if start > at:
                    segments.append(Segment(text[at:start], style))
                segments.append(Segment(text[start:end], style + marked[2]))
                at = end
            if at < len(text):
                segments.append(Segment(text[at:], style))
            left -= size
            continue
        segments.append(Segment(text, style))
        left -= size
    if left > 0:
        segments.append(Segment(" " * left, style))
    return segments


# The list's component classes ("paper-list--NAME"), in `_Look`'s order.
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


class _Look(NamedTuple):
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


class PaperList(ReportsWorkerErrors, ScrollView, can_focus=True):
    """The paper list. The screen feeds it ids and a row fetcher; it reports the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.LIST)

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"paper-list--{name}" for name in COMPONENTS}

    class CursorMoved(Message):
        """The current paper changed (`rowid` is None when the list is empty).

        `deliberate`: the user moved it (a key or a click), as opposed to a new
        listing putting it somewhere (the launch, a search, a refresh).
        """

        def __init__(self, rowid: int | None, index: int, *, deliberate: bool = False) -> None:
            self.rowid = rowid
            self.index = index
            self.deliberate = deliberate
            super().__init__()

    class SelectionChanged(Message):
        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    class RowsLoaded(Message):
        def __init__(self, requested: list[int], rows: list[ListRow], epoch: int = 0) -> None:
            self.requested = requested
            self.rows = rows
            self.epoch = epoch  # rows read before an invalidation are dropped
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.fetch_rows: RowFetcher | None = None
        self.language = "both"
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = None
        self._total = 0  # rows in the listing; may exceed len(_ids) until all ids arrive
        self._cursor = 0
        self._rows: LRUCache[int, ListRow] = LRUCache(ROW_CACHE_SIZE)
        self._pending: set[int] = set()
        # Fitted cells per (row, width, language): cell widths of CJK are costly.
        self._cell_cache: LRUCache[tuple[int, int, str], tuple[str, ...]] = LRUCache(ROW_CACHE_SIZE)
        self._epoch = 0  # bumped when cached rows may be out of date (an import)
        self._anchor: int | None = None  # the paper to keep under the cursor once ids arrive
        self.selected: set[int] = set()
        # A ranked listing's 0..1 value per paper (ui/foryou.py): drawn as a bar
        # in the Ref column, which means nothing in a ranked order.
        self.bars: dict[int, float] | None = None
        # The search's words highlighted in the title cell; spans per fitted
        # title, cached per row like the cells (cleared with a new query).
        self._match: Matcher = NO_MATCH
        self._match_query = ""
        self._span_cache: LRUCache[tuple[int, int, str], list[Span]] = LRUCache(ROW_CACHE_SIZE)
        # Drawn rows (see `_row`); keyed by everything a row's look depends on.
        self._strip_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._look: _Look | None = None  # while a frame is drawn
        # Papers some watch list finds (ui/watch_actions.py); None: no watches, no column.
        self.watched: Mapping[int, object] | None = None
        # Titles first: optional columns no row of this listing fills take no
        # room (they only ever appear while one listing is shown, so scrolling
        # never makes columns jump back), and the summary column is the user's
        # choice (`c`, kept in the settings).
        self._filled: frozenset[str] = frozenset()
        self.show_summary = True

    # --- data in -------------------------------------------------------------

    def set_listing(
        self,
        total: int,
        rows: Sequence[ListRow],
        *,
        keep: int | None = None,
        fresh: bool = False,
    ) -> None:
        """Show a new listing from its count and first page (the rest comes by `set_ids`).

        `fresh`: the cache changed (an import), so rows drawn before are out of
        date. `keep`: a rowid to leave under the cursor, at the same screen row;
        when it is not in the first page the old listing stays up until
        `set_ids` brings the position (no jump to the top and back).
        """
        if fresh:
            self.invalidate_rows()
        self.cache_rows(rows)
        page = [row.rowid for row in rows]
        self._anchor = None
        if keep is not None and keep not in page and total > len(page):
            self._anchor = keep
            self._fill_columns(rows)
            self.refresh()
            # The old listing stays up: read its rows again now (`fresh` dropped
            # them), since no `set_ids` follows when the count finds the same
            # number of ids (a second refresh after an import).
            self._ensure_rows()
            return
        self._fill_columns(rows, new_listing=True)
        screen_row = self._cursor - int(self.scroll_offset.y)
        before = self.current_rowid
        self._ids = page
        self._positions = None
        self._total = max(total, len(self._ids))
        self._pending.clear()
        if keep is not None and keep in page:
            self._cursor = page.index(keep)
            self._resize_virtual()
            self.scroll_to(y=max(0, self._cursor - screen_row), animate=False)
            self._ensure_rows()
        else:
            self._cursor = 0
            self._resize_virtual()
            self.scroll_to(y=0, animate=False)
        self.refresh()
        if keep is None or self.current_rowid != before:
            self._post_cursor()

    def set_ids(self, ids: Sequence[int]) -> None:
        """All ids of the current listing, in listing order; keeps the current paper."""
        current = self._anchor if self._anchor is not None else self.current_rowid
        anchored = self._anchor is not None
        self._anchor = None
        screen_row = self._cursor - int(self.scroll_offset.y)
        before = self.current_rowid
        self._ids = list(ids)
        self._positions = None
        self._total = len(self._ids)
        if current is not None and current in self.positions:
            self._cursor = self.positions[current]
        else:
            self._cursor = min(self._cursor, max(0, len(self._ids) - 1))
        self._resize_virtual()
        if anchored:
            self.scroll_to(y=max(0, self._cursor - screen_row), animate=False)
        self.refresh()
        self._ensure_rows()
        if self.current_rowid != before:
            self._post_cursor()

    def set_bars(self, bars: dict[int, float] | None) -> None:
        """Show a score bar per paper instead of the ref number (None: the ref again)."""
        if bars != self.bars:
            if (bars is None) != (self.bars is None):
                self._cell_cache.clear()  # the Score column is shown even where no ref is
                self._span_cache.clear()
            self.bars = bars
            self.refresh()

    def set_watch_marks(self, watched: Mapping[int, object] | None) -> None:
        """Mark the rows of these papers (None: there are no watches, drop the column)."""
        if watched is self.watched:
            return
        if (watched is None) != (self.watched is None):
            self._cell_cache.clear()  # one cell more or less for the marks
            self._span_cache.clear()
        self._strip_cache.clear()
        self.watched = watched
        self.refresh()

    @property
    def marks_width(self) -> int:
        return MARKS + (self.watched is not None)

    def set_highlight(self, query: str) -> None:
        """Highlight the words of `query` in the titles (a no-op for the same query)."""
        if query == self._match_query:
            return
        self._match_query, self._match = query, matcher(query)
        self._span_cache.clear()
        self.refresh()

    def set_total(self, total: int) -> None:
        """The listing's row count, known after its first page (ids come later)."""
        total = max(total, len(self._ids))
        if total != self._total:
            self._total = total
            self._resize_virtual()
            self.refresh()

    def invalidate_rows(self) -> None:
        """Forget every cached row (their text or flags may have changed in the cache)."""
        self._epoch += 1
        self._rows.clear()
        self._cell_cache.clear()
        self._strip_cache.clear()
        self._pending.clear()
        self.refresh()

    def cache_rows(self, rows: Iterable[ListRow]) -> None:
        for row in rows:
            self._rows.discard(row.rowid)  # LRUCache.set keeps an existing value
            self._rows.set(row.rowid, row)

    def update_flags(
        self, rowids: Iterable[int], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        for rowid in rowids:
            row = self._rows.get(rowid)
            if row is None:
                continue
            if read is not None:
                row.read = read
            if starred is not None:
                row.starred = starred
        self.refresh()

    def set_language(self, language: str) -> None:
        self.language = language
        self.refresh()

    def set_summary(self, shown: bool) -> None:
        """Show or leave out the summary column (it still needs room beside the title)."""
        if shown != self.show_summary:
            self.show_summary = shown
            self._cell_cache.clear()
            self._span_cache.clear()
            self.refresh()

    def _fill_columns(self, rows: Iterable[ListRow], *, new_listing: bool = False) -> None:
        filled = frozenset(filled_columns(rows))
        if not new_listing:
            filled |= self._filled
        if filled != self._filled:
            self._filled = filled
            self._cell_cache.clear()
            self._span_cache.clear()
            self.refresh()

    @property
    def filled(self) -> frozenset[str]:
        """The optional columns some row of this listing fills (the rest are hidden)."""
        return self._filled

    def widths(self, width: int | None = None) -> tuple[int, int, int, int, int, int]:
        """(marks, ref, date, category, title, summary) as drawn now (or at `width`)."""
        if width is None:
            width = self.scrollable_content_region.width
        filled = self._filled | {"ref"} if self.bars is not None else self._filled
        return column_widths(
            width, self.language, filled=filled, summary=self.show_summary, marks=self.marks_width
        )

    # --- data out ------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self._ids

    @property
    def total(self) -> int:
        return self._total

    @property
    def positions(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {rowid: index for index, rowid in enumerate(self._ids)}
        return self._positions

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current_rowid(self) -> int | None:
        return self._ids[self._cursor] if 0 <= self._cursor < len(self._ids) else None

    def cached_row(self, rowid: int) -> ListRow | None:
        return self._rows.get(rowid)

    def selected_in_order(self) -> list[int]:
        """Selected rowids: those in this listing in listing order, then the rest by rowid."""
        shown = [rowid for rowid in self._ids if rowid in self.selected]
        hidden = sorted(self.selected.difference(shown))
        return shown + hidden

    # --- cursor and selection --------------------------------------------------

    def move_cursor(self, index: int, *, deliberate: bool = True) -> None:
        """Put the cursor on row `index` (a user's move unless `deliberate` is False)."""
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        if index == self._cursor:
            return
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor(deliberate=deliberate)

    def _post_cursor(self, *, deliberate: bool = False) -> None:
        self.post_message(self.CursorMoved(self.current_rowid, self._cursor, deliberate=deliberate))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)  # minus the header
        top = int(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._ids) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page())

    def action_toggle_select(self) -> None:
        rowid = self.current_rowid
        if rowid is None:
            return
        self.selected.symmetric_difference_update((rowid,))
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selected)))
        self.move_cursor(self._cursor + 1)

    def action_select_all(self) -> None:
        shown = set(self._ids)
        if shown and shown <= self.selected:
            self.selected -= shown
        else:
            self.selected |= shown
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def clear_selection(self) -> None:
        self.selected.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(0))

    async def _on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        self.focus()
        self.move_cursor(int(self.scroll_offset.y) + event.y - 1)

    # --- fetching rows ---------------------------------------------------------

    def _resize_virtual(self) -> None:
        size = Size(self.scrollable_content_region.width, self._total + 1)
        if size == self.virtual_size:
            return
        if self.is_mounted and self.styles.overflow_y == "scroll":
            # The vertical scrollbar is always shown (main.tcss), so a new row
            # count cannot change the widget's shape: update the scrollbar
            # without the full-screen layout pass that setting the reactive
            # would trigger (10-15 ms per keystroke).
            self.set_reactive(PaperList.virtual_size, size)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.window_size = self.container_size.height - self.scrollbar_size_horizontal
            self.scroll_y = self.validate_scroll_y(self.scroll_y)  # clamp to the new length
            self.refresh()
        else:
            self.virtual_size = size

    def on_resize(self) -> None:
        self._resize_virtual()
        self._ensure_rows()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_rows()

    def visible_rowids(self) -> list[int]:
        top = int(self.scroll_offset.y)
        return self._ids[top : top + max(1, self.size.height - 1)]

    def missing_rowids(self) -> list[int]:
        """Rows wanted soon (the screen, and a screen either side) and not cached."""
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        window = self._ids[max(0, top - height) : top + 2 * height]
        return [r for r in window if r not in self._rows and r not in self._pending]

    def _ensure_rows(self) -> None:
        fetch = self.fetch_rows
        missing = self.missing_rowids()
        if fetch is None or not missing or not self.is_mounted:
            return
        self._pending.update(missing)
        self._fetch(fetch, missing, self._epoch)

    @work(thread=True, group="paper-list-rows", exit_on_error=False,
          description="read the paper list")  # fmt: skip
    def _fetch(self, fetch: RowFetcher, missing: list[int], epoch: int) -> None:
        rows: list[ListRow] = []
        try:
            rows = fetch(missing)
        finally:
            self.post_message(self.RowsLoaded(missing, rows, epoch))

    def on_paper_list_rows_loaded(self, message: RowsLoaded) -> None:
        if message.epoch != self._epoch:
            self._ensure_rows()  # read before an import: ask again
            return
        self._pending.difference_update(message.requested)
        self.cache_rows(message.rows)
        self._fill_columns(message.rows)
        self.refresh()

    # --- drawing ---------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # A frame draws every visible row: look the styles up once for all of
        # them (`rich_style` walks every ancestor: ~0.1 ms a row on real data).
        self._look = self._current_look()
        try:
            return super().render_lines(crop)
        finally:
            self._look = None

    def _current_look(self) -> _Look:
        get = self.get_component_rich_style
        return _Look(
            self.scrollable_content_region.width,
            self.rich_style,
            *(get(f"paper-list--{name}") for name in COMPONENTS),
        )

    def render_line(self, y: int) -> Strip:
        look = self._look or self._current_look()  # (tests call render_line directly)
        width, base = look.width, look.base
        if y == 0:
            return self._header(width, base, look)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self._total:
            return Strip.blank(width, base)
        rowid = self._ids[index] if index < len(self._ids) else None
        row = self._rows.get(rowid) if rowid is not None else None
        if row is None:
            return Strip([Segment(fit("    …", width), base + look.placeholder)], width)
        return self._row(row, index, look)

    def _header(self, width: int, base: Style, look: _Look) -> Strip:
        style = base + look.header
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
        return Strip(_column_segments(columns, width, style), width)

    def _row(self, row: ListRow, index: int, look: _Look) -> Strip:
        """One row's strip; the same row drawn the same way again comes from a cache.

        (A search that keeps the rows, the cursor moving over them and scrolling
        redraw mostly rows drawn a moment ago.)
        """
        width = look.width
        selected = row.rowid in self.selected
        cursor = index == self._cursor
        bar = self.bars.get(row.rowid) if self.bars is not None else None
        watched = None if self.watched is None else row.rowid in self.watched
        key = (
            watched,
            row.rowid,
            cursor,
            selected,
            row.read,
            row.starred,
            row.announce_type,
            self.language,
            self._match_query,
            self.bars is not None,
            bar,
            self._filled,  # the columns shown
            self.show_summary,
            look,
        )
        strip = self._strip_cache.get(key)
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
        watch = []
        if watched is not None:
            watch.append(Segment(WATCH_MARK if watched else " ", style + look.watch))
        cells = self._cells(row, width)
        marked = None
        if self._match:
            key_spans = (row.rowid, width, self.language)
            spans = self._span_cache.get(key_spans)
            if spans is None:
                spans = self._match.spans(cells[TITLE_COLUMN])
                self._span_cache.set(key_spans, spans)
            marked = (TITLE_COLUMN, spans, look.match)
        strip = Strip(
            [
                Segment(("●" if selected else " ") + unread, style),
                Segment("★" if row.starred else " ", style + look.star),
                Segment(updated, style + look.updated),
                *watch,
                *_column_segments(cells, width - self.marks_width, style, marked),
            ],
            width,
        )
        self._strip_cache.set(key, strip)
        return strip

    def _cells(self, row: ListRow, width: int) -> tuple[str, ...]:
        """The row's text columns, fitted (cached: cell widths of CJK are costly)."""
        key = (row.rowid, width, self.language)
        columns = self._cell_cache.get(key)
        if columns is None:
            _, ref, date, category, title, summary = self.widths(width)
            columns = (
                cell(f"{row.ref:>4}" if row.ref else "", ref),
                cell(clean_line(row.date), date),
                cell(clean_line(row.category), category),
                cell(clean_line(row_title(row, self.language)), title),
                cell(clean_line(row_summary(row, self.language)), summary),
            )
            self._cell_cache.set(key, columns)
        if self.bars is not None:
            ref = self.widths(width)[1]
            value = self.bars.get(row.rowid)
            columns = (cell(score_bar(value) if value is not None else "", ref), *columns[1:])
        return columns
