"""The help screen, built from `keys.SECTIONS` so it cannot drift from the bindings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui_digest.ui import keys


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.HELP)

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = []
        for title, bindings in keys.SECTIONS:
            parts += [(title, "bold $text-accent"), "\n"]
            for binding in bindings:
                shown = self._keys(binding)
                parts += [(f"  {shown:<14}", "bold"), f"{binding.description:<14}"]
                parts += [(binding.tooltip, "dim"), "\n"]
            parts.append("\n")
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("tui-digest keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(Content.assemble(*parts), id="help-text")
            yield Label(Content("escape closes · ctrl+p opens the command palette"), classes="dim")

    def _keys(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        each = (key.strip() for key in binding.key.split(","))
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in each)

    def action_close(self) -> None:
        self.dismiss(None)
