"""The help screen, built from the bindings themselves so it cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """The bindings the reader offers, grouped as the help screen shows them."""
    from tui_digest.ui.app import DigestApp
    from tui_digest.ui.screens.main import MainScreen
    from tui_digest.ui.widgets.paper_list import PaperList
    from tui_digest.ui.widgets.search_box import SearchBox

    def bindings(items: Iterable[Binding | tuple[str, ...]]) -> list[Binding]:
        return [b for b in items if isinstance(b, Binding)]

    return [
        ("Moving and selecting", bindings(PaperList.BINDINGS)),
        ("Reading", bindings(MainScreen.BINDINGS)),
        ("Search box", bindings(SearchBox.BINDINGS)),
        ("Application", bindings(DigestApp.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close")
    ]

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = []
        for title, bindings in binding_sections():
            parts += [(title, "bold $text-accent"), "\n"]
            for binding in bindings:
                keys = self._keys(binding)
                parts += [(f"  {keys:<14}", "bold"), f"{binding.description:<14}"]
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
        keys = (key.strip() for key in binding.key.split(","))
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in keys)

    def action_close(self) -> None:
        self.dismiss(None)
