"""The summary table: a Line-API view over an array of row ids.

Only the rows on screen are drawn. The widget holds the ids of the current
listing (cheap, even at 100k) and an LRU cache (`textual.cache.LRUCache`) of
the narrow `ListRow`s it has drawn; rows it lacks are drawn as placeholders
while a thread worker asks the store for the visible window, so scrolling
never waits on SQLite and the widget never holds all rows (unlike a DataTable).

What a row looks like, and the caches of drawn rows, are `list_rows.RowPainter`'s;
the columns' widths are `list_columns`', fitting text to cells `list_cells`'.
This module keeps the listing (ids, count, cursor, selection) and the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, TypeAlias

from textual import work
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from tui_digest.core.model import ListRow
from tui_digest.ui import keys
from tui_digest.ui.widgets import list_messages
from tui_digest.ui.widgets.list_columns import ColumnFill, Widths
from tui_digest.ui.widgets.list_cursor import CursorList, place_of_gone
from tui_digest.ui.widgets.list_rows import (
    COMPONENTS,
    ON_ROW,
    ROW_CACHE_SIZE,
    Look,
    RowPainter,
    on_row,
)
from tui_digest.ui.workers import ReportsWorkerErrors

RowFetcher = Callable[[Sequence[int]], list[ListRow]]


class PaperList(ReportsWorkerErrors, CursorList, can_focus=True):
    """The paper list. The screen feeds it ids and a row fetcher; it reports the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.LIST)

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"paper-list--{name}" for name in COMPONENTS}

    RowsLoaded: TypeAlias = list_messages.RowsLoaded

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.fetch_rows: RowFetcher | None = None
        self._rows: LRUCache[int, ListRow] = LRUCache(ROW_CACHE_SIZE)
        self._pending: set[int] = set()
        self._epoch = 0  # bumped when cached rows may be out of date (an import)
        self._anchor: int | None = None  # the paper to keep under the cursor once ids arrive
        self._painter = RowPainter()
        self._fill = ColumnFill()  # what the loaded rows of this listing fill
        self._frame: tuple[Look, int] | None = None  # (look, top row) while a frame is drawn
        self._styles: tuple[object, Look] | None = None  # see _current_look

    # --- data in -------------------------------------------------------------

    def set_listing(
        self,
        total: int,
        rows: Sequence[ListRow],
        *,
        keep: int | None = None,
        fresh: bool = False,
        listed_at: int | None = None,
    ) -> None:
        """Show a new listing from its count and first page (the rest comes by `set_ids`).

        `listed_at`: the cache's removal count read before the page (`listed_at`
        of CursorList; None: unknown).

        `fresh`: the cache changed (an import), so rows drawn before are out of
        date. `keep`: a rowid to leave under the cursor, at the same screen row;
        when it is not in the first page the old listing stays up until
        `set_ids` brings the position (no jump to the top and back; the screen
        reads the ids whenever `awaiting_ids`); when it is gone, the cursor goes
        to the nearest paper still listed (`place_of_gone`). Either way the move
        this makes is posted as not deliberate (the read timer does not start on it).
        """
        if fresh:
            self.invalidate_rows()
        self.cache_rows(rows)
        page = [row.rowid for row in rows]
        self._anchor = None
        if keep is not None and keep not in page and total > len(page):
            self._anchor = keep
            if self.listed_at != listed_at:  # the old ids stay up: of which time?
                self.listed_at = None
            self._fill_columns(rows)
            self.refresh()
            # The old listing stays up until `set_ids`: read its rows again now
            # (`fresh` dropped them), drawn while the ids are read.
            self._ensure_rows()
            return
        self._fill_columns(rows, new_listing=True)
        screen_row = self._cursor - int(self.scroll_offset.y)
        before, old_ids, old_cursor = self.current_rowid, self._ids, self._cursor
        self._ids = page
        self.listed_at = listed_at
        self._positions = None
        self._total = max(total, len(self._ids))
        self._pending.clear()
        gone = None
        if keep is not None:
            # The kept paper; when it is gone (an import removed it), the nearest
            # one left: README promises an open reader keeps its place, and this
            # jumped to row 1 (found by a bug hunt). `set_ids` does the same.
            if keep in page:
                self._cursor = page.index(keep)
            else:
                self._cursor = place_of_gone(keep, old_ids, old_cursor, self.positions)
                gone = keep
            self._resize_virtual()
            self.scroll_to(y=max(0, self._cursor - screen_row), animate=False)
            self._ensure_rows()
        else:
            self._cursor = 0
            self._resize_virtual()
            self.scroll_to(y=0, animate=False)
        self.refresh()
        if keep is None or self.current_rowid != before:
            self._post_cursor(gone=gone)

    def set_ids(self, ids: Sequence[int], listed_at: int | None = None) -> None:
        """All ids of the current listing, in listing order; keeps the current paper.
        `listed_at`: the cache's removal count read before them (None: unknown)."""
        current = self._anchor if self._anchor is not None else self.current_rowid
        anchored = self._anchor is not None
        self._anchor = None
        screen_row = self._cursor - int(self.scroll_offset.y)
        before, old_ids, old_cursor = self.current_rowid, self._ids, self._cursor
        self._ids = list(ids)
        self.listed_at = listed_at
        self._positions = None
        self._total = len(self._ids)
        gone = None
        if current is not None and current in self.positions:
            self._cursor = self.positions[current]
        else:
            self._cursor = place_of_gone(current, old_ids, old_cursor, self.positions)
            gone = current
        self._resize_virtual()
        if anchored:
            self.scroll_to(y=max(0, self._cursor - screen_row), animate=False)
        self.refresh()
        self._ensure_rows()
        if self.current_rowid != before:
            self._post_cursor(gone=gone)

    @property
    def awaiting_ids(self) -> bool:
        """The previous listing stays up until `set_ids` brings this one's ids (a
        kept paper beyond the first page, or gone): they must be read even when
        the count looks complete. Not read when the new count was no larger,
        the list kept the old ids for good: after a `digests rm` of the top
        digest its rows were "…" placeholders that never loaded (found by a bug hunt)."""
        return self._anchor is not None

    def set_bars(self, bars: dict[int, float] | None) -> None:
        """Show a score bar per paper instead of the ref number (None: the ref again)."""
        if self._painter.set_bars(bars):
            self.refresh()

    def set_watch_marks(self, watched: Mapping[int, object] | None) -> None:
        """Mark the rows of these papers (None: there are no watches, drop the column)."""
        if self._painter.set_watched(watched):
            self.refresh()

    def set_highlight(self, query: str) -> None:
        """Highlight the words of `query` in the titles (a no-op for the same query)."""
        if self._painter.set_highlight(query):
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
        self._painter.forget_rows()
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

    def refresh_flags(self) -> None:
        """Read the cached rows around the screen again (their read/starred flags
        changed in the cache): they are replaced as they come, never blanked."""
        fetch = self.fetch_rows
        if fetch is None or not self.is_mounted:
            return
        cached = [r for r in self._near_rowids() if r in self._rows and r not in self._pending]
        if cached:
            self._pending.update(cached)
            self._fetch(fetch, cached, self._epoch)

    def set_language(self, language: str) -> None:
        self._painter.language = language  # part of every cache key: nothing to clear
        self.refresh()

    def set_summary(self, shown: bool) -> None:
        """Show or leave out the summary column (it still needs room beside the title)."""
        if self._painter.set_summary(shown):
            self.refresh()

    def _fill_columns(self, rows: Iterable[ListRow], *, new_listing: bool = False) -> None:
        """Titles first: optional columns no loaded row of this listing fills take
        no room, nor the date while they all show one (`ColumnFill`; columns only
        ever appear while one listing is shown, so scrolling never makes them
        jump back)."""
        if new_listing:
            self._fill = ColumnFill()
        if self._painter.set_filled(self._fill.add(rows)):
            self.refresh()

    # --- how rows are drawn (RowPainter's state, read by the screen and tests) ------

    @property
    def language(self) -> str:
        return self._painter.language

    @property
    def show_summary(self) -> bool:
        return self._painter.show_summary

    @property
    def bars(self) -> dict[int, float] | None:
        return self._painter.bars

    @property
    def watched(self) -> Mapping[int, object] | None:
        return self._painter.watched

    @property
    def filled(self) -> frozenset[str]:
        """The optional columns the loaded rows of this listing fill (the rest are hidden)."""
        return self._painter.filled

    @property
    def marks_width(self) -> int:
        return self._painter.marks_width

    def widths(self, width: int | None = None) -> Widths:
        """(marks, ref, date, category, title, summary) as drawn now (or at `width`)."""
        if width is None:
            width = self.scrollable_content_region.width
        return self._painter.widths(width)

    # --- data out ------------------------------------------------------------

    def cached_row(self, rowid: int) -> ListRow | None:
        return self._rows.get(rowid)

    def shown_id(self, rowid: int) -> str | None:
        row = self._rows.get(rowid)
        return None if row is None else row.id

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
        # A smaller list (a resized terminal, `v`, `<` / `>`, a dragged split)
        # left the cursor's row below its last line, and `s` then starred a paper
        # the user could not see (found by a bug hunt): keep that row on screen.
        self._scroll_to_cursor()
        self._ensure_rows()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_rows()

    def visible_rowids(self) -> list[int]:
        top = int(self.scroll_offset.y)
        return self._ids[top : top + max(1, self.size.height - 1)]

    def _near_rowids(self) -> list[int]:
        """The rows of the screen, and of a screen either side."""
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        return self._ids[max(0, top - height) : top + 2 * height]

    def missing_rowids(self) -> list[int]:
        """Rows wanted soon (`_near_rowids`) and not cached."""
        return [r for r in self._near_rowids() if r not in self._rows and r not in self._pending]

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
        # A frame draws every visible row: look the styles and the scroll
        # position up once for all of them.
        self._frame = (self._current_look(), int(self.scroll_offset.y))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _current_look(self) -> Look:
        """The width and styles rows are drawn with.

        The component styles are looked up again only when something they
        depend on changed: Textual clears its own style cache on every
        `refresh()` (every keystroke), and each lookup walks every ancestor
        (~0.3 ms for the ten of them, on each frame). They depend on this
        list's CSS (its pseudo-classes, e.g. `:focus` for the cursor, and
        classes), the theme, and what it inherits, which its own style shows.
        """
        width = self.scrollable_content_region.width
        base = self.rich_style
        key = (width, base, self.app.theme, self.pseudo_classes, self.classes)
        if self._styles is None or self._styles[0] != key:
            get = self.get_component_rich_style
            styles = [get(f"paper-list--{name}") for name in COMPONENTS]
            look = Look(
                width,
                base,
                # A mark or a match is drawn on top of its row's own style (the
                # cursor bar, the selection): its colour and text style, not the
                # list's background, which left holes in the bar. (Not the
                # partial style: its colour is not blended, `$text-warning` faded.)
                *(
                    on_row(style) if name in ON_ROW else style
                    for name, style in zip(COMPONENTS, styles, strict=True)
                ),
            )
            self._styles = (key, look)
        return self._styles[1]

    def notify_style_update(self) -> None:
        self._styles = None  # the CSS was applied again (e.g. edited): look everything up
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        # (Tests call render_line outside a frame.)
        look, top = self._frame or (self._current_look(), int(self.scroll_offset.y))
        if y == 0:
            return self._painter.header(look)
        index = top + y - 1
        if index >= self._total:
            return Strip.blank(look.width, look.base)
        rowid = self._ids[index] if index < len(self._ids) else None
        row = self._rows.get(rowid) if rowid is not None else None
        if row is None:
            return self._painter.placeholder(look)
        selected = row.rowid in self.selected
        return self._painter.row(row, look, cursor=index == self._cursor, selected=selected)
