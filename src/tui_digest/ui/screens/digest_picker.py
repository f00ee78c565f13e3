"""Pick a digest (by date and name) or all papers."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui_digest.core.model import DigestInfo
from tui_digest.ui import keys

ALL_PAPERS = "\0all"  # cannot collide with a digest name (names hold no control chars)
FOR_YOU = "\0foryou"  # the newest day's papers ranked by the For you model


class DigestPicker(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.DIGESTS)

    def __init__(
        self,
        digests: list[DigestInfo],
        current: str | None,
        *,
        unread: dict[str, int] | None = None,
        unread_total: int | None = None,
    ) -> None:
        super().__init__()
        # Newest first; names break ties so the order is stable.
        self.digests = sorted(digests, key=lambda d: (d.date, d.name), reverse=True)
        self.current = current
        self.unread = unread  # digest name -> unread papers; None while not counted
        self.unread_total = unread_total

    def compose(self) -> ComposeResult:
        all_count = "" if self.unread_total is None else f"  ({self.unread_total:,} unread)"
        options = [
            Option(Content.assemble(("All papers", "bold"), (all_count, "dim")), id="all"),
            Option(
                Content.assemble(
                    ("For you", "bold"), ("  newest day, ranked by your stars", "dim")
                ),
                id="foryou",
            ),
        ]
        for index, info in enumerate(self.digests):
            if self.unread is None:
                counts = f"  ({info.count:,})"
            else:
                counts = f"  ({self.unread.get(info.name, 0):,}/{info.count:,} unread)"
            options.append(
                Option(
                    Content.assemble(
                        (f"{info.date or '----------':<10}  ", "dim"),
                        info.label or info.name,
                        (counts, "dim"),
                    ),
                    id=f"d{index}",
                )
            )
        with Vertical(classes="dialog", id="digest-dialog"):
            yield Label("Show which digest?", classes="dialog-title")
            yield OptionList(*options, id="digest-options")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        names = [info.name for info in self.digests]
        option_list.highlighted = names.index(self.current) + 2 if self.current in names else 0
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "all"
        if option_id == "all":
            self.dismiss(ALL_PAPERS)
        elif option_id == "foryou":
            self.dismiss(FOR_YOU)
        else:
            self.dismiss(self.digests[int(option_id[1:])].name)

    def action_delete_digest(self) -> None:
        """Ask the main screen to delete the highlighted digest (it asks first)."""
        from tui_digest.ui.digest_removal import DELETE

        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        option = option_list.get_option_at_index(index) if index is not None else None
        option_id = option.id if option is not None else None
        if option_id is not None and option_id.startswith("d"):
            self.dismiss(DELETE + self.digests[int(option_id[1:])].name)

    def action_cancel(self) -> None:
        self.dismiss(None)
