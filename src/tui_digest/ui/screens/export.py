"""The export dialog: format, path, and a confirm step before replacing a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tui_digest.core.export import fits_file, format_of_file
from tui_digest.core.output_target import examine, kind_of
from tui_digest.core.paths import own_file_named
from tui_digest.core.wording import counted
from tui_digest.ui import keys
from tui_digest.ui.export_job import FORMATS
from tui_digest.ui.screens import breakpoints
from tui_digest.ui.screens.confirm import ConfirmScreen


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: str
    path: Path
    overwrite: bool = False


def default_name(fmt: str, now: datetime) -> str:
    return f"digest-{now:%Y%m%d-%H%M%S}{FORMATS[fmt][1]}"


# How many times `_show_format` waits for the radio set to catch up (each a turn
# of the set's queue: one or two are needed after quick presses).
_SHOW_TRIES = 8


class ExportScreen(ModalScreen[ExportRequest | None]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.EXPORT)

    # The clock that names the default file; tests replace it for stable snapshots.
    clock: Callable[[], datetime] = datetime.now

    def __init__(
        self, count: int, *, directory: Path | None = None, cache: Path | None = None
    ) -> None:
        super().__init__()
        self.count = count
        self.directory = directory
        self.cache = cache  # the reader's cache (None: the default one), never written over
        # The chosen format: the screen's own, not read back from the radio buttons
        # (see action_format).
        self.format = "markdown"
        # The user chose a format (Up/Down, a click): until then a name typed with a
        # format's extension (`refs.bib`) chooses it, as `export -o` does.
        self.format_chosen = False
        # The buttons action_format pressed whose RadioSet.Changed is still to come.
        self._pressing: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Content(f"Export {counted(self.count, 'paper')}"), classes="dialog-title")
            with RadioSet(id="export-format"):
                for key, (label, ext) in FORMATS.items():
                    yield RadioButton(
                        Content(f"{label} ({ext})"), value=key == self.format, id=f"fmt-{key}"
                    )
            # (Short enough for a 40-column terminal: it was cut to "...folder un".)
            yield Label("File (default: current folder):")
            yield Input(default_name(self.format, type(self).clock()), id="export-path")
            yield Static("", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        # `q` then `e` typed fast: the dialog is mounted while the app exits and its
        # children never are; query_one raised NoMatches, a traceback at quit
        # (found by a bug hunt). Nothing to focus then.
        for box in self.query("#export-path").results(Input):
            box.focus()

    def on_resize(self, event: events.Resize) -> None:
        """Below 20 rows the boxes and buttons go compact (Textual's style: no
        borders, one row each): at 40x12 the format list was scrolled out of
        view and the buttons, 16 cells wide each, read "Cance" (found by a bug
        hunt). The whole dialog then takes 10 rows."""
        short = breakpoints.is_short(event.size.height)
        for widget in self.query("#export-format, #export-path, .dialog-buttons Button"):
            if isinstance(widget, Button | Input | RadioSet):
                widget.compact = short

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        button_id = event.pressed.id or ""
        if button_id in self._pressing:
            # The set catching up with a format Up/Down chose: not a choice of its own
            # (a quick Down, Up would otherwise end on the format Down pointed at).
            self._pressing.remove(button_id)
            if not self._pressing and sum(b.value for b in event.radio_set.query(RadioButton)) > 1:
                self._set_buttons(event.radio_set)  # (a click amid the presses left two on)
            return
        # A click, or Enter/Space in the set.
        self.format = button_id.removeprefix("fmt-") if button_id else "markdown"
        self.format_chosen = True
        self._say("")  # (a refusal of the name under the format before is old news)
        self._rename_for(self.format)

    def _rename_for(self, fmt: str) -> None:
        """The file box's name with `fmt`'s extension; what the user typed stays."""
        path_input = self.query_one("#export-path", Input)
        value = path_input.value
        stem = value
        # The longest matching extension, so "x.csl.json" loses ".csl.json", not ".json".
        for ext in sorted({ext for _label, ext in FORMATS.values()}, key=len, reverse=True):
            if value.endswith(ext):
                stem = value[: -len(ext)]
                break
        whole = bool(value) and path_input.selected_text == value
        in_extension = max(path_input.selection) > len(stem)
        path_input.value = stem + FORMATS[fmt][1]
        # Left as it was, the selection (the whole default name, on focus) covered
        # all but the last characters of a longer name: `refs.ris` typed after a
        # change to RIS gave `refs.riss`. A name still all selected stays so, and
        # typing replaces it; a cursor or selection in the old extension goes to the
        # end (a cursor in the stem stays where it is).
        if whole:
            path_input.select_all()
        elif in_extension:
            path_input.cursor_position = len(path_input.value)

    def action_format(self, step: int) -> None:
        """Up/Down in the file box: choose the previous/next format (the name follows).

        From `self.format`: a radio button's value changes only when the set handles
        its queued message, so reading the buttons made each of three quick Downs
        start from the first format (they reached BibTeX, not CSL-JSON)."""
        formats = list(FORMATS)
        now = formats.index(self.format)
        chosen = formats[max(0, min(len(formats) - 1, now + step))]
        if chosen != self.format:
            self.format, self.format_chosen = chosen, True
            self._say("")
            self._rename_for(chosen)
            self._show_format()

    def _show_format(self, tries: int = _SHOW_TRIES) -> None:
        """Make `self.format`'s button the set's pressed one."""
        if not self.is_attached:
            return  # (closed meanwhile)
        radio_set = self.query_one("#export-format", RadioSet)
        behind = [b for b in radio_set.query(RadioButton) if b.value]
        behind = [b for b in behind if b is not radio_set.pressed_button]
        if behind and tries > 0:
            # A button turned on whose Changed the set has yet to handle (a quick
            # press before this one): pressing now would be undone by it, and a
            # button already on cannot be pressed. Again once the set has handled
            # it: after the messages queued in that button, then in the set.
            behind[-1].call_later(radio_set.call_later, self._show_format, tries - 1)
            return
        if behind:
            # Still two on after that (a click on the button already on, amid quick
            # presses, leaves one the set never takes as pressed): set them all as
            # `self.format` says, quietly. Unbounded, this ran thousands of times
            # a second until the dialog closed (found by a review).
            self._pressing.clear()
            self._set_buttons(radio_set)
            # (and once more when the set has handled what it still had queued)
            radio_set.call_after_refresh(self._set_buttons, radio_set)
            return
        button = self.query_one(f"#fmt-{self.format}", RadioButton)
        if not button.value:
            self._pressing.append(button.id or "")
            button.value = True  # (the set turns the other off, and says Changed)

    def _set_buttons(self, radio_set: RadioSet) -> None:
        if self.is_attached:
            with radio_set.prevent(RadioButton.Changed):
                for button in radio_set.query(RadioButton):
                    button.value = button.id == f"fmt-{self.format}"

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _say(self, problem: str) -> None:
        self.query_one("#export-error", Static).update(Content(problem))

    def _format_for(self, name: str) -> str | None:
        """The format to write a file called `name` in: the one chosen, or, when none
        was, the one its extension names (a Markdown table went into `refs.bib`: a
        regression hunt); None, said, when the name names another than the one chosen."""
        if fits_file(self.format, name):
            return self.format
        named = format_of_file(name) or self.format
        if not self.format_chosen:
            return named
        label, ext = FORMATS[self.format]
        named_label, named_ext = FORMATS[named]
        self._say(
            f"{name} is named as {named_label}, but {label} is chosen: "
            f"choose {named_label}, or give a name ending in {ext}, not {named_ext}."
        )
        return None

    def _folder(self) -> Path | None:
        """The folder a relative name is in: the reader's working folder, which
        another shell may have removed (`Path.cwd()` then raised and ended the
        reader; bug hunt `selection` #3). None, said, when it is gone."""
        if self.directory is not None:
            return self.directory
        try:
            return Path.cwd()
        except FileNotFoundError:
            self._say(
                "The reader's working folder no longer exists (removed by another "
                "process): give a full path, such as ~/digest.md."
            )
            return None

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-path")
    def submit(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._say("Give a file name.")
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            folder = self._folder()
            if folder is None:
                return
            path = folder / path
        # The cache (and its -wal/-shm) or the config file, by any spelling or link:
        # "Replace it?" then `y` replaced the cache with the export, every star,
        # note and tag gone. The CLI refuses the same (cli_args.refuse_own_files).
        # (The config file is the one the reader reads: $TUI_DIGEST_CONFIG, which
        # `run --config` sets, or the default.)
        fmt = self._format_for(path.name)
        if fmt is None:
            return
        own = own_file_named(path, db=self.cache)
        if own is not None:
            self._say(f"{path} is {own}: export to another file.")
            return
        if path.is_dir():
            self._say(f"{path} is a folder; give a file name.")
            return
        if not path.exists():
            self.dismiss(ExportRequest(fmt, path))
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(ExportRequest(fmt, path, overwrite=True))

        # A FIFO, a device or a descriptor is written through, never replaced.
        where = examine(path)
        if where.streamed:
            what = (
                "standard output or another open descriptor"
                if where.descriptor is not None
                else kind_of(where.mode or 0)
            )
            question, label = f"{path} is {what}: write the export into it?", "Write"
        else:
            question, label = f"{path} already exists. Replace it?", "Replace"
        self.app.push_screen(ConfirmScreen(question, yes_label=label), answered)
