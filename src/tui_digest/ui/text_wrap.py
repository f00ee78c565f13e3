"""Line breaking for mixed Chinese and Latin text, and a Static that uses it.

Rich and Textual break lines only at whitespace (`rich._wrap.divide_line`). A
Chinese paragraph has none, so it is one long "word" folded at whatever cell
the line ends on: `B30` becomes `B3` / `0上重写`. Here a break may fall next to
any wide (CJK) character, never inside a run of Latin letters and digits, never
before closing punctuation (`，。）`) nor after opening punctuation (`（“`); only a
run longer than the whole line is cut.

Textual offers no hook for its line breaker, so `WrappingStatic` hands Textual
text that already fits: it inserts the line breaks itself for the width it is
given, and Textual's own wrapping then has nothing left to do. Selecting with
the mouse works on those lines; copying maps the selection back onto the text
as written (`WrappingStatic.get_selection`), so the inserted breaks are not
copied: Textual's default copied its rendered lines, a "\n" in the middle of a
title, a sentence or a Chinese word (found by a bug hunt).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.selection import Selection
from textual.widgets import Static

from tui_digest.core.lazy_pattern import LazyPattern

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

# Closing punctuation never starts a line; opening punctuation never ends one
# (the usual "kinsoku" rules, for the characters digests actually contain).
NO_BREAK_BEFORE = frozenset("，。、；：？！）」』】》〉’”…—·%,.;:!?)]}")
NO_BREAK_AFTER = frozenset("（「『【《〈‘“([{")


# Wide (two-cell) scripts where a line may break between any two characters: CJK
# radicals, punctuation, kana, ideographs, Hangul, compatibility and fullwidth forms.
_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
    "\uffe0-\uffe6\U00020000-\U0003fffd"
)
_NBB = "".join(re.escape(c) for c in sorted(NO_BREAK_BEFORE))
_NBA = "".join(re.escape(c) for c in sorted(NO_BREAK_AFTER))
# A line may start at i when text[i-1] is a space and text[i] is not, or when
# either side is wide, unless text[i] may not start a line or text[i-1] may not end one.
# Compiled on first use (~2.5 ms; a text that fits its width never needs it).
_BREAK_RE = LazyPattern(
    rf"(?<=\s)(?=\S)"
    rf"|(?<=[{_WIDE}])(?<![{_NBA}])(?=[^\s{_NBB}])"
    rf"|(?<=[^\s{_NBA}])(?=[{_WIDE}])(?![{_NBB}])"
)


def break_opportunities(text: str) -> list[int]:
    """Indexes `i` where a line may start (a break between text[i-1] and text[i])."""
    return [m.start() for m in _BREAK_RE.finditer(text) if m.start()]


def break_offsets(text: str, width: int) -> list[int]:
    """Where to break one line of `text` so that every piece fits in `width` cells.

    Same contract as Rich's `divide_line`: character offsets, trailing spaces of a
    piece do not count against the width.
    """
    if width <= 0 or cell_len(text) <= width:
        return []
    bounds = [0, *break_opportunities(text), len(text)]
    offsets: list[int] = []
    used = 0  # cells on the current line
    for start, end in pairwise(bounds):
        unit = text[start:end]
        body = cell_len(unit.rstrip())
        if used + body <= width:
            used += cell_len(unit)
            continue
        if used and start:
            offsets.append(start)
            used = 0
        if body <= width:
            used = cell_len(unit)
            continue
        # Longer than a whole line (a URL, a formula): cut by cells.
        pos = start
        for ch in unit:
            w = cell_len(ch)
            if used + w > width and used and not ch.isspace():
                offsets.append(pos)
                used = 0
            used += w
            pos += 1
    return offsets


def wrap_content(content: Content, width: int) -> Content:
    """`content` with line breaks inserted so no line is wider than `width` cells."""
    if width <= 0:
        return content
    lines = []
    for line in content.split("\n", allow_blank=True):
        offsets = break_offsets(line.plain, width)
        if not offsets:
            lines.append(line)
            continue
        pieces = line.divide(offsets)
        lines.extend([*(piece.rstrip() for piece in pieces[:-1]), pieces[-1]])
    return Content("\n").join(lines)


def line_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where each line `wrap_content(text, width)` draws comes from in `text`:
    (start, end) character offsets, the end before the break (a soft break's
    spaces, which the drawn line drops, are kept up to the next line's start)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        starts = [pos, *(pos + offset for offset in break_offsets(line, width))]
        spans += zip(starts, [*starts[1:], pos + len(line)], strict=True)
        pos += len(line) + 1
    return spans


def hanging_line(lead: Content, tail: Content, width: int) -> Content:
    """`lead` then `tail`, whose continuation lines start under `tail`'s first cell.

    The help screen's columns: at 80 columns a long description went back to
    column 0 under the keys, and the keys no longer stood out.
    """
    indent = lead.cell_length
    room = width - indent
    if room < 12:  # too narrow for a column: plain wrapping reads better
        return wrap_content(lead + tail, width)
    offsets = break_offsets(tail.plain, room)
    if not offsets:
        return lead + tail
    pieces = tail.divide(offsets)
    pad = Content(" " * indent)
    lines = [lead + pieces[0].rstrip()]
    lines += [pad + piece.rstrip() for piece in pieces[1:]]  # (a piece starts after a space)
    return Content("\n").join(lines)


class WrappingStatic(Static):
    """A Static whose Content breaks lines with `break_offsets` (CJK-aware)."""

    _wrapped: tuple[object, int, Content] | None = None

    def _wrapped_for(self, width: int) -> Content | None:
        source = self.visual
        if not isinstance(source, Content):
            return None
        cached = self._wrapped
        if cached is not None and cached[0] is source and cached[1] == width:
            return cached[2]
        wrapped = wrap_content(source, width)
        self._wrapped = (source, width, wrapped)
        return wrapped

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as written: the breaks `wrap_content` inserted are not
        in it (a soft wrap joins), the text's own line breaks are.

        Textual gives the selection in drawn lines (y) and characters (x); each
        drawn line is a prefix of its piece of the source, so x maps straight on.
        Computed only when text is copied: drawing keeps its cost."""
        cached = self._wrapped
        source = self.visual
        if cached is None or cached[0] is not source or not isinstance(source, Content):
            return super().get_selection(selection)
        text = source.plain
        spans = line_spans(text, cached[1])
        if not spans:
            return None

        def at(y: int, x: int) -> int:
            start, end = spans[max(0, min(y, len(spans) - 1))]
            return start + max(0, min(x, end - start))

        first = 0 if selection.start is None else at(selection.start.y, selection.start.x)
        last = len(text) if selection.end is None else at(selection.end.y, selection.end.x)
        return text[first:last], "\n"

    def render(self) -> RenderResult:
        wrapped = self._wrapped_for(self.content_size.width)
        return wrapped if wrapped is not None else self.visual

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width < 1:
            # No column to draw in (a terminal 3 columns wide or less): nothing to
            # measure, as Textual's own Widget says. Content wrapped at width 0
            # crashed the reader ("range() arg 3 must not be zero"; bug hunt).
            return 0
        wrapped = self._wrapped_for(width)
        if wrapped is None:
            return super().get_content_height(container, viewport, width)
        # Textual's own Widget passes its styles here too; they are typed as a RulesMap.
        return wrapped.get_height(cast("RulesMap", self.styles), width)
