"""Rows of (lead, tail) where a long tail wraps under its own first cell.

The help's keys and the sources' labels (`error`, `last fetch`): wrapped as one
text, a long description or server error went back to column 0 under them,
and the labels no longer stood out.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tui_digest.ui.text_wrap import hanging_line

Row = tuple[Content, Content]


class HangingRows(Widget):
    """The rows, each tail wrapped to the width under its own first cell."""

    DEFAULT_CSS = "HangingRows { height: auto; }"

    def __init__(self, rows: list[Row], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self._built: tuple[int, Content] | None = None

    def update(self, rows: list[Row]) -> None:
        self.rows = rows
        self._built = None
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """The text as drawn at the current width (tests read it)."""
        return self._for(self.content_size.width or 100).plain

    def _for(self, width: int) -> Content:
        if self._built is None or self._built[0] != width:
            lines = [hanging_line(lead, tail, width) for lead, tail in self.rows]
            self._built = (width, Content("\n").join(lines))
        return self._built[1]

    def render(self) -> RenderResult:
        return self._for(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._for(width).plain.split("\n"))
