"""The search input: the core query language, applied as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key

PLACEHOLDER = '{} search: words, "phrases", cat:cs.LG, is:unread …'


class SearchBox(Input):
    """Enter keeps the filter and hands focus back; escape clears it."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.SEARCH)

    # Input sets its virtual width (the text's) on every keystroke, and
    # Widget.virtual_size asks for a layout pass of the whole screen when it
    # changes: ~2-5 ms of each search-as-you-type frame, and a repaint of every
    # widget. The box is one line at a fixed width, so its text never changes
    # the layout; scrolling within it reads the value directly (max_scroll_x).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class Cleared(Message):
        """The user cleared the search with escape."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder=PLACEHOLDER.format("/"),
            id=id,
            select_on_focus=False,
        )
        # Called as soon as the text changes, before the box repaints or its
        # Changed message travels to the screen (the screen holds the frame there).
        self.edited: Callable[[], None] | None = None

    def on_mount(self) -> None:
        # The key that focuses the box as bound now (the config's [keys] may move it).
        self.placeholder = PLACEHOLDER.format(hint_key(self.app, "main.search"))

    def set_query(self, text: str) -> None:
        """Put `text` in the box (a key or the picker chose it), the cursor at its end.

        `Input` leaves the cursor where it was after the first value: `f` on
        "cat:cs.AI" left it at 0, and `/` then typing wrote in front of the
        query (" cat:cs.AIsort:foryou"; found by a bug hunt).
        """
        self.value = text
        self.cursor_position = len(text)

    def watch_value(self, value: str) -> None:
        if self.edited is not None:
            self.edited()

    def action_clear_search(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())
