"""The status line: what is shown, how many match, which filters and language.

Its reactives are bound to the main screen's (`data_bind` in MainScreen.compose):
the screen changes its state, the line redraws itself on the next frame.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.readonly import LABEL as READ_ONLY
from tui_digest.ui.sample import is_sample
from tui_digest.ui.settings import LANGUAGE_LABELS

SEARCH_SHOWN = 40  # characters of the search the line shows before "…"
# How much the line says, as room allows (`render`).
FULL, COMPACT, TIGHT = 0, 1, 2
CUT_AT_LEAST = 4  # cells of a cut part's own text; with less the part goes whole

Parts = list[str | tuple[str, str]]
# A part of the line and the cells a cut must keep ahead of its own text (its
# separator and label), or None: a count goes whole ("2 sel…" misleads).
Part = tuple[int | None, Parts]


def fit(parts: list[Part], width: int) -> Content:
    """The parts that fit `width` cells, in order: the first part that does not fit
    is cut with "…" if it is free text with room for CUT_AT_LEAST cells of it
    (never "search: " with nothing after it), else dropped, and every part after
    it goes too (the order is the priority).

    The line used to be returned whatever its width: Textual wrapped it onto a
    hidden second line, which left word fragments ("73 / 200   2", "search: ")
    and hid the filter (found by a bug hunt)."""
    line = Content("")
    for lead, part in parts:
        piece = Content.assemble(*part)
        if width <= 0 or line.cell_length + piece.cell_length <= width:
            line += piece
            continue
        room = width - line.cell_length
        if lead is not None and room - lead >= CUT_AT_LEAST:
            line += piece.truncate(room, ellipsis=True)
        break
    return line


def cells(parts: list[Part]) -> int:
    """The cells `parts` take whole."""
    return sum(Content.assemble(*part).cell_length for _, part in parts)


def fit_name(name: str, room: int) -> str:
    """`name` whole if it fits `room` cells, else cut after a whole word of it
    ("digest-cs.LG…", words end at a space, "-" or "_") keeping CUT_AT_LEAST
    cells, else "" (left out). "All pape…" read as a word cut in two."""
    if cell_len(name) <= room:
        return name
    ends = [i for i, char in enumerate(name) if char in " -_"]
    for end in reversed(ends):
        head = name[:end].rstrip(" -_")
        if cell_len(head) >= CUT_AT_LEAST and cell_len(head) + 1 <= room:
            return head + "…"
    return ""


class StatusLine(Widget):
    """One line of state. Untrusted parts (digest names, query errors) are plain text.

    Fixed height and width (see main.tcss) and `layout=False` reactives: a
    change repaints the line without a layout pass, which keeps a search
    keystroke from re-flowing the whole screen.
    """

    digest: reactive[str | None] = reactive(None)
    unread_only = reactive(False)
    starred_only = reactive(False)
    matches = reactive(0)
    total: reactive[int | None] = reactive(None)
    counting = reactive(False)
    error = reactive("")
    note = reactive("")
    activity = reactive("")
    selected = reactive(0)
    language = reactive("both")
    unread_here: reactive[int | None] = reactive(None)
    unread_total: reactive[int | None] = reactive(None)
    readonly = reactive(False)  # the cache was opened read-only: nothing is saved
    readonly_label = reactive(READ_ONLY)  # (`readonly.STOPPED` once saves were stopped)
    query_text = reactive("")  # the search shown (the box may be scrolled or cut off)
    # The binding whose key "(esc clears)" names: the list's, or the detail pane's
    # or the search box's while it has the focus (MainScreen sets it; [keys] may
    # give them other keys).
    clear_binding = reactive("list.clear_search")

    def render(self) -> Content:
        # A narrow terminal: the search must not be cut off behind the counts'
        # words (at 80 columns "search:" was left without the search). Each
        # step down says less: COMPACT, then TIGHT (see `_unread`).
        width = self.size.width
        for level in (FULL, COMPACT):
            line = Content("").join(Content.assemble(*part) for _, part in self._parts(level))
            if not line.cell_length > width > 0:
                return line
        return fit(self._parts(TIGHT), width)

    def _parts(self, level: int) -> list[Part]:
        """The line's parts, most important first (see `Part`)."""
        compact = level > FULL
        # While the count is being read, `matches` is the first page: "120+ / …".
        shown = f"{self.matches:,}+" if self.counting else f"{self.matches:,}"
        of = "…" if self.total is None else f"{self.total:,}"
        view = "All papers" if self.digest is None else self.digest
        counts: Part = (None, ["  ", (f"{shown} / {of}", "bold")])
        # What must never fall off a short line comes first: the selection (s/m act
        # on all of it, shown or not), an error, work in progress. Behind a long
        # search they were cut off at 80 columns.
        kept: list[Part] = [counts]
        if self.selected:
            tag = (f" {self.selected:,} selected ", "bold $foreground on $warning-muted")
            kept.append((None, ["  ", tag]))
        # On a tight line the quick filter comes before this longer tag: `u` then
        # `A` on a read-only cache at 60 columns dropped `is:unread` (bug hunt `regui`).
        tags: list[Part] = []
        if self.readonly:
            tags.append((None, ["  ", (self.readonly_label, "bold $text-warning")]))
        # The quick filters: short, and they hide papers (a search too, which
        # comes after them). At 80 columns a long search dropped `is:unread` and
        # the footer's `u` too, so nothing said why papers were missing (found
        # by a regression hunt); at 40 the view's name took their room (bug hunt
        # `terminal`). On a tight line they stay beside the counts, unlabelled
        # when the label has no room.
        flags = (("is:unread", self.unread_only), ("is:starred", self.starred_only))
        filters = " ".join(name for name, on in flags if on)
        room = self.size.width - cells(kept + tags)
        quick: list[Part] = []
        if filters:
            label = "filter: "
            if level == TIGHT and cell_len(f"  {label}{filters}") > room:
                label = ""
            quick.append((None, ["  ", (label + filters, "$text-secondary")]))
        search: list[Part] = []
        if self.query_text.strip():
            search.append((len("  search: "), ["  ", *self._search(compact)]))
        said: list[Part] = []
        if self.error:
            said.append((2, ["  ", (self.error, "$text-error")]))
        if self.activity:
            # Progress of a fetch or translation; it names untrusted sources: plain text.
            said.append((2, ["  ", (self.activity, "$text-success")]))
        if level == TIGHT:
            kept += quick + tags
            quick = tags = []
            # The view's name gives way to the rest too: at 45-80 columns "All
            # papers" stayed while the kept search was left out (bug hunt `regui`).
            room = self.size.width - cells(kept + said + search)
        else:
            kept += tags
        # The view's name gives way to those (narrow terminals): cut after a
        # whole word, or left out.
        name = fit_name(view, room) if self.size.width > 0 else view
        parts: list[Part] = [(None, [(name, "bold")])] if name else []
        if not name:
            kept[0] = (None, [(f"{shown} / {of}", "bold")])
        parts += kept + said
        unread = self._unread(level)
        if unread:
            parts.append((None, unread))
        parts += quick
        parts += search
        language = LANGUAGE_LABELS.get(self.language, self.language)
        parts.append((None, ["  ", (language, "$text-muted")]))
        # The sample note belongs to the sample's views only.
        if self.note and (self.digest is None or is_sample(self.digest)):
            parts.append((2, ["  ", (self.note, "italic $text-secondary")]))
        return parts

    def _search(self, compact: bool) -> Parts:
        """The active search (the user's text: plain) and how to clear it."""
        query = self.query_text.strip()
        if len(query) > SEARCH_SHOWN:
            query = query[: SEARCH_SHOWN - 1] + "…"
        return [
            ("search: ", "$text-secondary"),
            (query, "bold $text-secondary"),
            ("" if compact else f" ({self._clear_key} clears)", "$text-muted"),
        ]

    @property
    def _clear_key(self) -> str:
        # The key that clears a kept search where the focus is, as bound now.
        return hint_key(self.app, self.clear_binding, short=True)

    def _unread(self, level: int) -> Parts:
        """ "12 unread", or "5 unread · 17 in all" in a digest (each paper counted once).

        They count the digest (or all papers), not what a search or filter shows:
        then the line says so ("5 unread in the digest"), or "2 / 12 · 12 unread"
        read as if the two papers found were twelve unread ones.

        A line short of room (COMPACT, 120 columns with a search and a filter)
        drops "· 17 in all" but keeps a short qualifier ("5 unread in digest"):
        dropping it brought the misreading back (found by a bug hunt). Shorter
        still (TIGHT), a narrowed view's count goes rather than be misread."""
        if self.unread_total is None:
            return []
        here = self.unread_total if self.unread_here is None else self.unread_here
        narrowed = bool(self.query_text.strip()) or self.unread_only or self.starred_only
        if narrowed and level == TIGHT:
            return []
        text = f"{here:,} unread"
        if level == FULL and self.digest is not None:
            text += f"{' in the digest' if narrowed else ''} · {self.unread_total:,} in all"
        elif narrowed:
            text += " in digest" if self.digest is not None else " in all"
        return ["  ", (text, "$text-primary")]
