"""The dialog of `ctrl+s`: the name to save the current search under, as a watch list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from tui_digest.core.sanitize import clean_line
from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.screens import breakpoints


class WatchNameDialog(ModalScreen[str | None]):
    """Returns the name typed (Enter), or None (escape). An existing name completes
    (→) and is replaced."""

    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.WATCH_NAME)

    def __init__(self, query: str, name: str, known: Sequence[str]) -> None:
        super().__init__()
        self.search = query
        self.initial = name
        self.known = list(known)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="watch-dialog"):
            yield Label(Content("Save this search as a watch list"), classes="dialog-title")
            # The search is the user's own text, shown as it is (never markup).
            yield Label(Content.assemble(("search  ", "dim"), clean_line(self.search)))
            yield Input(
                self.initial,
                placeholder="name, e.g. agents",
                suggester=SuggestFromList(self.known, case_sensitive=False),
                id="watch-name",
            )
            hint = (
                "Enter saves it to the config (a watch of that name is replaced) · "
                f"{hint_key(self.app, 'watch_name.cancel')} cancels"
            )
            yield Label(
                Content(hint),
                classes="dim",
            )

    @on(Input.Submitted, "#watch-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = clean_line(event.value).strip()
        if name:
            self.dismiss(name)
        else:
            self.notify("Type a name for the watch list.", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
