"""A yes/no question (used before replacing an existing file)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.screens import breakpoints


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.CONFIRM)

    def __init__(self, question: str, yes_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # The question may hold a user path: plain Content, never markup.
            yield Static(Content(self.question), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, variant="warning", id="yes")
                yield Button("No", id="no")
            # The keys, as bound now: the question named none (found by a bug hunt).
            yes = hint_key(self.app, "confirm.yes")
            backs = dict.fromkeys(hint_key(self.app, b) for b in ("confirm.no", "confirm.cancel"))
            hint = f"{yes} {self.yes_label.lower()} · {' or '.join(backs)} cancels"
            yield Static(Content(hint), classes="dim")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
