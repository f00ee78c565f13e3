"""Pick a digest (by date and name), all papers or a watch list, filtered as the user types.

In this order (issue 10 req 4): All papers, For you, the watch lists (each
with its unread/total count), then the digests, newest first.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_digest.core.digest_day import picker_rows
from tui_digest.core.model import DigestInfo, newest_first
from tui_digest.core.store.watch_lists import WatchHits
from tui_digest.ui import keys
from tui_digest.ui.screens import breakpoints

ALL_PAPERS = "\0all"  # cannot collide with a digest name (names hold no control chars)
FOR_YOU = "\0foryou"  # the newest day's papers ranked by the For you model
WATCH = "\0watch:"  # + a watch list's name


def matches(haystack: str, query: str) -> bool:
    """Every whitespace-separated word of `query` occurs in `haystack` (any case)."""
    return all(word in haystack for word in query.casefold().split())


class DigestPicker(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.DIGESTS)

    def __init__(
        self,
        digests: list[DigestInfo],
        current: str | None,
        *,
        unread: dict[str, int] | None = None,
        unread_total: int | None = None,
        watches: list[WatchHits] | None = None,
    ) -> None:
        super().__init__()
        self.digests = newest_first(digests)  # (as `n`/`N` and `tui-digest digests`)
        self.current = current
        self.unread = unread  # digest name -> unread papers; None while not counted
        self.unread_total = unread_total
        self.watches = watches or []  # (their hits counted; names come from the config)
        # (option id, prompt, lower-cased text the filter searches), in display order.
        # Prompts are Content built from plain strings: digest names and labels
        # come from feeds and are never parsed as markup.
        self.rows: list[tuple[str, Content, str]] = self._rows()

    def _rows(self) -> list[tuple[str, Content, str]]:
        all_count = "" if self.unread_total is None else f"  ({self.unread_total:,} unread)"
        rows = [
            (
                "all",
                Content.assemble(("All papers", "bold"), (all_count, "$text-muted")),
                "all papers",
            ),
            (
                "foryou",
                Content.assemble(
                    ("For you", "bold"), ("  newest day, ranked by your stars", "$text-muted")
                ),
                "for you",
            ),
        ]
        for index, watch in enumerate(self.watches):
            if watch.problem:
                counts = "  (the cache refuses its query)"
            else:
                counts = f"  ({watch.unread:,}/{len(watch.hits):,} unread)"
            prompt = Content.assemble(
                ("watch", "bold $text-accent"),
                "  ",
                (watch.name, "bold"),
                (f"  {watch.query}", "$text-muted"),
                (counts, "$text-muted"),
            )
            haystack = " ".join(("watch", watch.name, watch.query))
            rows.append((f"w{index}", prompt, haystack.casefold()))
        parts = picker_rows(self.digests)  # (rows that would read the same told apart)
        for index, (info, (who, what)) in enumerate(zip(self.digests, parts, strict=True)):
            if self.unread is None:
                counts = f"  ({info.count:,})"
            else:
                counts = f"  ({self.unread.get(info.name, 0):,}/{info.count:,} unread)"
            prompt = Content.assemble(
                (f"{info.date or '----------':<10}  ", "$text-muted"),
                (f"{who:<8} ", "bold"),
                what,
                (counts, "$text-muted"),
            )
            haystack = " ".join((info.date, info.category, info.name, info.label, info.alias))
            rows.append((f"d{index}", prompt, haystack.casefold()))
        return rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="digest-dialog"):
            yield Label("Show which digest?", classes="dialog-title")
            yield Input(placeholder="Filter by name, category or date", id="digest-filter")
            yield OptionList(*self._options(""), id="digest-options")

    def _options(self, query: str) -> list[Option]:
        return [Option(prompt, id=oid) for oid, prompt, text in self.rows if matches(text, query)]

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_options)

    def _fit_options(self) -> None:
        """The list takes the rows the dialog may grow to, less those above and
        below it. A fixed share of the terminal (45vh) left the dialog's rows
        under the list blank at 40x15 while 4 rows of options showed (found by a
        bug hunt); the list still shrinks to its options when they are few."""
        dialog = self.query_one("#digest-dialog")
        options = self.query_one(OptionList)
        max_height = dialog.styles.max_height
        if max_height is None or not dialog.region or not options.region:
            return
        room = int(max_height.resolve(self.size, self.app.size))
        above = options.region.y - dialog.region.y  # its border, padding, title, filter box
        below = dialog.styles.gutter.bottom
        options.styles.max_height = max(3, room - above - below)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        names = [info.name for info in self.digests]
        if self.current in names:
            option_list.highlighted = option_list.get_option_index(f"d{names.index(self.current)}")
        else:
            option_list.highlighted = 0
        self.query_one(Input).focus()

    @on(Input.Changed, "#digest-filter")
    def _filter(self, event: Input.Changed) -> None:
        option_list = self.query_one(OptionList)
        option_list.set_options(self._options(event.value))
        option_list.highlighted = 0 if option_list.option_count else None

    @on(Input.Submitted, "#digest-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self._choose(option_list.get_option_at_index(option_list.highlighted))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        option_id = option.id or "all"
        if option_id == "all":
            self.dismiss(ALL_PAPERS)
        elif option_id == "foryou":
            self.dismiss(FOR_YOU)
        elif option_id.startswith("w"):
            self.dismiss(WATCH + self.watches[int(option_id[1:])].name)
        else:
            self.dismiss(self.digests[int(option_id[1:])].name)

    def action_move(self, delta: int) -> None:
        option_list = self.query_one(OptionList)
        if not option_list.option_count:
            return
        current = option_list.highlighted if option_list.highlighted is not None else -1
        option_list.highlighted = max(0, min(option_list.option_count - 1, current + delta))

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
