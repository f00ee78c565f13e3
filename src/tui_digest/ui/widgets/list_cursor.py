"""The paper list's listing, cursor and selection: a scroll view over row ids.

`CursorList` holds the ids of the current listing in order, the cursor (an
index into them) and the selected rowids, and moves the cursor on the list's
keys and clicks, scrolling to keep it on screen. It posts `CursorMoved` and
`SelectionChanged`; `PaperList` (paper_list.py) adds the rows and the drawing.
Row 0 of the view is the header, so listing row i is drawn on line i + 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from textual import events
from textual.scroll_view import ScrollView

from tui_digest.core.store.picked import Picked
from tui_digest.ui.widgets import list_messages


def place_of_gone(
    gone: int | None, old_ids: Sequence[int], old_cursor: int, positions: Mapping[int, int]
) -> int:
    """Where the cursor goes when the paper it was on (`gone`, at `old_cursor` of
    `old_ids`) is not in the new listing (`positions`: its rowid -> row): on the
    paper after it in the old order that is still listed, else the one before
    it, else the top. As a mail reader moves on from a deleted message: a
    removed block of papers (`digests rm` of the top digest) leaves the cursor
    on the first paper after the block, not at the same row number deep in the
    rest. When the cursor was not on `gone` (a paper to return to on opening,
    from another listing), it keeps its row number, clamped.
    """
    size = len(positions)
    if not 0 <= old_cursor < len(old_ids) or old_ids[old_cursor] != gone:
        return min(old_cursor, max(0, size - 1))
    for index in range(old_cursor + 1, len(old_ids)):
        row = positions.get(old_ids[index])
        if row is not None:
            return row
    for index in range(old_cursor - 1, -1, -1):
        row = positions.get(old_ids[index])
        if row is not None:
            return row
    return 0


class CursorList(ScrollView):
    """Ids, a cursor and a selection; moved by the list's key actions and clicks."""

    CursorMoved: TypeAlias = list_messages.CursorMoved
    SelectionChanged: TypeAlias = list_messages.SelectionChanged
    SelectionUnnamed: TypeAlias = list_messages.SelectionUnnamed

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = None
        self._total = 0  # rows in the listing; may exceed len(_ids) until all ids arrive
        self._cursor = 0
        self.selected: set[int] = set()
        # The arXiv id of each selected row: drawn, the one shown; else (`A`
        # selects rows never drawn) read for it by the screen (`name_selected`),
        # till then in `naming`. Row numbers alone named other papers after
        # another process's `digests rm` + `import` (bug hunt `selection` #1,
        # #2): the store finds each paper again by its id (`core/store/picked.py`).
        self.selected_ids: dict[int, str] = {}
        self.naming: set[int] = set()
        self.listed_at: int | None = None  # `undo_log.removals` when `_ids` were read
        # Keys pressed before the listing's ids all came (only its first page is
        # here): done by `listing_arrived` once they have (see action_last).
        self._last_when_listed = False
        self._select_when_listed = False

    @property
    def ids(self) -> list[int]:
        return self._ids

    @property
    def total(self) -> int:
        return self._total

    @property
    def listed(self) -> bool:
        """Every id of the listing is here (not only its first page)."""
        return len(self._ids) >= self._total

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

    def selected_in_order(self) -> list[int]:
        """Selected rowids: those in this listing in listing order, then the rest by rowid."""
        shown = [rowid for rowid in self._ids if rowid in self.selected]
        hidden = sorted(self.selected.difference(shown))
        return shown + hidden

    def picked(self, rowids: Sequence[int]) -> Picked:
        """`rowids` (what a key acts on) with what the reader showed of them: the
        arXiv id kept with each selected row, else its drawn row's
        (`core/store/picked.py`). The row
        cache alone was asked: a selection made in another digest had no ids
        there, and after another process's `digests rm` + `import` its row
        numbers named new papers, which `s` starred (bug hunt `selection` #2)."""
        ids: dict[int, str] = {}
        for rowid in rowids:
            name = self.selected_ids.get(rowid) or self.shown_id(rowid)
            if name is not None:
                ids[rowid] = name
        return Picked(tuple(rowids), ids)

    def move_cursor(self, index: int, *, deliberate: bool = True, chosen: bool = False) -> None:
        """Put the cursor on row `index` (a user's move unless `deliberate` is False).
        `chosen`: told even when the cursor is on that row already (a click on it)."""
        self._last_when_listed = False  # a newer move wins over a waiting G
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        if index == self._cursor:
            if chosen:
                self._post_cursor(deliberate=deliberate)
            return
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor(deliberate=deliberate)

    def _post_cursor(self, *, deliberate: bool = False, gone: int | None = None) -> None:
        moved = self.CursorMoved(self.current_rowid, self._cursor, deliberate=deliberate, gone=gone)
        self.post_message(moved)

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
        # Right after a search only the first page's ids are here: G went to row
        # 120 of 47,459 and stayed (found by a bug hunt). It goes to the last row
        # here now, and to the listing's last once its ids come.
        self.move_cursor(len(self._ids) - 1)
        self._last_when_listed = not self.listed

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page())

    def action_toggle_select(self) -> None:
        rowid = self.current_rowid
        if rowid is None:
            return
        if rowid in self.selected:
            self.selected.discard(rowid)
            self.selected_ids.pop(rowid, None)
            self.naming.discard(rowid)
        else:
            self._select((rowid,))
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selected)))
        self.move_cursor(self._cursor + 1)

    def action_select_all(self) -> None:
        if not self.select_all():  # only the first page is here yet: say so
            waiting = "Selecting every paper of the listing once it is read…"
            said = waiting if self._select_when_listed else "Select all cancelled."
            self.notify(said, markup=False)

    def select_all(self) -> bool:
        """Select every paper of the listing (all selected: unselect them); False
        when that waits for the listing's ids (pressed again: it does not).

        Right after a search only the first page's ids are here: selecting them
        selected 120 of 47,459, and the next s/m/e acted on those (found by a
        bug hunt). The listing's ids are in a moment (`listing_arrived`).
        """
        if not self.listed:
            self._select_when_listed = not self._select_when_listed
            return False
        self._select_shown()
        return True

    def listing_arrived(self) -> None:
        """The listing's ids or count came: do what waited for all its ids."""
        if not self.listed:
            return
        if self._last_when_listed:
            self.move_cursor(len(self._ids) - 1)
        if self._select_when_listed:
            self._select_when_listed = False
            self._select_shown()

    def forget_waiting(self) -> bool:
        """Another listing replaces this one: drop what waited for its ids (True
        when a select-all was waiting)."""
        waited = self._select_when_listed
        self._last_when_listed = self._select_when_listed = False
        return waited

    def _select_shown(self) -> None:
        shown = set(self._ids)
        if shown and shown <= self.selected:
            self.selected -= shown
            for rowid in shown:
                self.selected_ids.pop(rowid, None)
            self.naming -= shown
        else:
            self._select(self._ids)
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def shown_id(self, rowid: int) -> str | None:
        """The arXiv id drawn for `rowid`, if its row is here (PaperList knows)."""
        return None

    def _select(self, rowids: Sequence[int]) -> None:
        """Add `rowids` with the ids shown for them (see `selected_ids`); those
        never drawn are named by the screen (`SelectionUnnamed`)."""
        if not self.selected:  # a new selection: what an emptied one knew is not it
            self.clear_selection_ids()
        unnamed: list[int] = []
        for rowid in rowids:
            if rowid in self.selected:
                continue
            self.selected.add(rowid)
            name = self.shown_id(rowid)
            if name is not None:
                self.selected_ids[rowid] = name
            else:
                unnamed.append(rowid)
        if unnamed:
            self.naming.update(unnamed)
            self.post_message(self.SelectionUnnamed(unnamed, self.listed_at))

    def name_selected(self, rowids: Sequence[int], names: Mapping[int, str] | None) -> int:
        """The ids read for the selected rows `rowids` (`SelectionUnnamed`);
        `names` None: papers were removed since their listing was read, so the
        numbers may name papers never shown. A row not named is unselected;
        returns how many were."""
        dropped = 0
        for rowid in rowids:
            if rowid not in self.naming:
                continue  # unselected (or selected again, drawn) meanwhile
            self.naming.discard(rowid)
            name = None if names is None else names.get(rowid)
            if name is None:
                self.selected.discard(rowid)
                dropped += 1
            else:
                self.selected_ids[rowid] = name
        if dropped:
            self.refresh()
            self.post_message(self.SelectionChanged(len(self.selected)))
        return dropped

    def unselect(self, rowids: Sequence[int]) -> int:
        """Unselect `rowids` (papers removed); returns how many were selected."""
        dropped = self.selected.intersection(rowids)
        if dropped:
            self.selected -= dropped
            self.naming -= dropped
            for rowid in dropped:
                self.selected_ids.pop(rowid, None)
            self.refresh()
            self.post_message(self.SelectionChanged(len(self.selected)))
        return len(dropped)

    def action_clear_selection(self) -> None:
        """`X`: unselect every paper, shown or not (`A` again unselects those shown)."""
        if self.selected:
            self.clear_selection()

    def clear_selection_ids(self) -> None:
        self.selected_ids.clear()
        self.naming.clear()

    def clear_selection(self) -> None:
        self.selected.clear()
        self.clear_selection_ids()
        self.refresh()
        self.post_message(self.SelectionChanged(0))

    async def _on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        self.focus()
        row = int(self.scroll_offset.y) + event.y - 1
        # Below the last row there is no paper: the click only focuses the list.
        # `move_cursor` clamps, so it put the cursor on the last paper, which the
        # read timer then marked read (found by a bug hunt).
        if row >= len(self._ids):
            return
        # A click on the row the cursor is on (at launch, after a search) chose the
        # paper as a click on another row does: told as a deliberate move (the read
        # timer starts). It was not told, and the paper read stayed unread.
        self.move_cursor(row, chosen=True)
