"""What the paper list tells its screen (`PaperList.CursorMoved`, ...).

Defined here with the `paper_list` namespace, so their handlers keep the names
they had as classes nested in `PaperList` (`on_paper_list_cursor_moved`).
"""

from __future__ import annotations

from textual.message import Message

from tui_digest.core.model import ListRow


class CursorMoved(Message, namespace="paper_list"):
    """The current paper changed (`rowid` is None when the list is empty).

    `deliberate`: the user moved it (a key or a click), as opposed to a new
    listing putting it somewhere (the launch, a search, a refresh). `gone`:
    the paper a re-listing kept the cursor on, which the new listing no longer
    holds (a refresh or another process dropped it), the cursor now on the
    nearest one left.
    """

    def __init__(
        self, rowid: int | None, index: int, *, deliberate: bool = False, gone: int | None = None
    ) -> None:
        self.rowid = rowid
        self.index = index
        self.deliberate = deliberate
        self.gone = gone
        super().__init__()


class SelectionChanged(Message, namespace="paper_list"):
    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__()


class RowsLoaded(Message, namespace="paper_list"):
    def __init__(self, requested: list[int], rows: list[ListRow], epoch: int = 0) -> None:
        self.requested = requested
        self.rows = rows
        self.epoch = epoch  # rows read before an invalidation are dropped
        super().__init__()


class SelectionUnnamed(Message, namespace="paper_list"):
    """Rows were selected without being drawn (`A`): the screen names them
    (`PaperList.name_selected`) by their listing, read at removal count
    `listed_at` (`core/store/picked.py`)."""

    def __init__(self, rowids: list[int], listed_at: int | None) -> None:
        self.rowids = rowids
        self.listed_at = listed_at
        super().__init__()
