"""Fitting text into the paper list's cells, and a row's columns as segments.

Widths are measured in terminal cells (`cell_len` / `set_cell_size`), never
`len()`, so CJK titles align with Latin ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from tui_digest.core.cells import steady
from tui_digest.core.highlight import Span


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
    kept = set_cell_size(text, width - 1)
    if kept.endswith(" ") and not text.startswith(kept):
        # A wide character did not fit and became padding: the ellipsis goes
        # right after the last character, the gap after it ("一个… ", not "一个 …").
        return kept[:-1] + "… "
    return kept + "…"


def cell(text: str, width: int) -> str:
    """A table cell: `text` fitted to `width` cells including one trailing space."""
    return fit(text, width - 1) + " " if width > 0 else ""


def column_segments(
    columns: Iterable[str],
    width: int,
    style: Style,
    marked: tuple[int, list[Span], Style] | None = None,
) -> list[Segment]:
    """One segment per column, cut to `width` cells.

    Separate segments keep columns on their cells wherever the text is laid
    out by a font rather than a terminal (SVG screenshots stretch a segment to
    its cell width, so CJK glyph metrics would shift later columns).
    `marked`: (column, spans, style) draws the spans of that column (query
    matches, `core.highlight`) as styled pieces of it.
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
