"""The status line: what is shown, how many match, which filters and language.

Its reactives are bound to the main screen's (`data_bind` in MainScreen.compose):
the screen changes its state, the line redraws itself on the next frame.
"""

from __future__ import annotations

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
    query_text = reactive("")  # the search shown (the box may be scrolled or cut off)

    def render(self) -> Content:
        # A narrow terminal: the search must not be cut off behind the counts'
        # words (at 80 columns "search:" was left without the search). Each
        # step down says less: COMPACT, then TIGHT (see `_unread`).
        for level in (FULL, COMPACT):
            line = self._line(level)
            if not line.cell_length > self.size.width > 0:
                return line
        return self._line(TIGHT)

    def _line(self, level: int) -> Content:
        compact = level > FULL
        # While the count is being read, `matches` is the first page: "120+ / …".
        shown = f"{self.matches:,}+" if self.counting else f"{self.matches:,}"
        of = "…" if self.total is None else f"{self.total:,}"
        view = "All papers" if self.digest is None else self.digest
        parts: list[str | tuple[str, str]] = [(view, "bold"), "  ", (f"{shown} / {of}", "bold")]
        # What must never fall off a short line comes first: the selection (s/m act
        # on all of it, shown or not), an error, work in progress. Behind a long
        # search they were cut off at 80 columns.
        if self.selected:
            parts += ["  ", (f" {self.selected:,} selected ", "bold $foreground on $warning-muted")]
        if self.readonly:
            parts += ["  ", (READ_ONLY, "bold $text-warning")]
        if self.error:
            parts += ["  ", (self.error, "$text-error")]
        if self.activity:
            # Progress of a fetch or translation; it names untrusted sources: plain text.
            parts += ["  ", (self.activity, "$text-success")]
        parts += self._unread(level)
        if self.query_text.strip():
            parts += ["  ", *self._search(compact)]
        flags = (("is:unread", self.unread_only), ("is:starred", self.starred_only))
        filters = [name for name, on in flags if on]
        if filters:
            parts += ["  ", ("filter: " + " ".join(filters), "$text-secondary")]
        parts += ["  ", (LANGUAGE_LABELS.get(self.language, self.language), "$text-muted")]
        # The sample note belongs to the sample's views only.
        if self.note and (self.digest is None or is_sample(self.digest)):
            parts += ["  ", (self.note, "italic $text-secondary")]
        return Content.assemble(*parts)

    def _search(self, compact: bool) -> list[str | tuple[str, str]]:
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
        # The list's key that clears a kept search, as bound now ([keys] may move it).
        return hint_key(self.app, "list.clear_search", short=True)

    def _unread(self, level: int) -> list[str | tuple[str, str]]:
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
