"""The detail pane: the current paper as its digest footnote, plus metadata."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui_digest.core.highlight import NO_MATCH, matcher
from tui_digest.ui import keys
from tui_digest.ui.link_click import open_clicked_link
from tui_digest.ui.paper_text import detail_content
from tui_digest.ui.split_drag import SplitDrag
from tui_digest.ui.text_wrap import WrappingStatic

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord


class PaperDetail(VerticalScroll, can_focus=True):
    """Scrollable footnote view. Content is built from plain text, never markup."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.DETAIL)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.record: PaperRecord | None = None
        self.ref = 0
        self.announce_type = ""  # the listing's, as its row shows it ("": the paper's)
        self.version = ""  # the version that listing gave it with its type ("": the paper's)
        self.language = "both"
        self.match = NO_MATCH
        self._match_query = ""
        # The names of the watch lists that find a paper (ui/watch_actions.py).
        self.watch_names: Callable[[int], Sequence[str]] | None = None

    def action_scroll_by(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_y + lines, animate=False)

    def action_page_by(self, pages: int) -> None:
        self.scroll_to(y=self.scroll_y + pages * max(1, self.size.height - 2), animate=False)

    def action_edge(self, end: bool) -> None:
        if end:
            self.scroll_end(animate=False)
        else:
            self.scroll_home(animate=False)

    def compose(self) -> ComposeResult:
        yield WrappingStatic(Content("No paper selected."), id="detail-body")

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)

    def show(
        self, record: PaperRecord, *, ref: int = 0, announce_type: str = "", version: str = ""
    ) -> None:
        changed = self.record is None or self.record.rowid != record.rowid
        self.record = record
        self.ref, self.announce_type, self.version = ref, announce_type, version
        self._render_record()
        if changed:
            self.scroll_home(animate=False)

    def show_message(self, message: str) -> None:
        self.record = None
        self.body.update(Content(message))

    def set_highlight(self, query: str, *, redraw: bool = True) -> None:
        """Highlight the words of `query` (the search shown).

        `redraw=False`: only from the next `show` on. A new search moves the
        cursor, so the pane re-reads its paper a moment later anyway; restyling
        the old paper now would put a second re-flow of the pane (a layout pass,
        ~10 ms on real abstracts) on the frame that shows the new rows.
        """
        if query != self._match_query:
            self._match_query, self.match = query, matcher(query)
            if redraw:
                self._render_record()

    def set_watch_names(self, names: Callable[[int], Sequence[str]] | None) -> None:
        """How to name the watch lists that find a paper (None: there are none)."""
        self.watch_names = names
        self._render_record()

    def set_language(self, language: str) -> None:
        self.language = language
        self._render_record()

    def _render_record(self) -> None:
        if self.record is not None:
            names = self.watch_names
            watches = names(self.record.rowid) if names is not None else ()
            self.body.update(
                detail_content(
                    self.record,
                    self.language,
                    self.ref,
                    self.match,
                    watches,
                    announce_type=self.announce_type,
                    version=self.version,
                )
            )

    def focus_on_click(self) -> bool:
        """Not when the press is on the split's divider (this pane's border): a
        drag there keeps the focus where it was. Textual focuses the widget under
        a press before the screen's drag handler sees it, so a drag moved the
        focus here and j/k stopped moving the list (found by a bug hunt)."""
        screen = self.screen
        if isinstance(screen, SplitDrag) and screen.divider_at(*self.app.mouse_position):
            return False
        return super().focus_on_click()

    def on_click(self, event: events.Click) -> None:
        """A click on a link opens it (only http/https ones are links: see paper_text)."""
        open_clicked_link(self.app, event, self.record)
