"""The dialogs of `#` (tags) and `a` (a note): small modals that return the new text.

The tags field completes the tag being typed (the part after the last comma)
from the tags already in use; the note is a TextArea (Enter starts a new line,
ctrl+s saves). Both show the user's own text as plain Content, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, TextArea

from tui_digest.core.query import fold_tag
from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.screens import breakpoints


class TagSuggester(Suggester):
    """Completes the last comma-separated tag from `tags` (most used first), any case."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        # Compared as tags are (`fold_tag`: a full-width `ｒｏ` completes `robotics`).
        chosen = {fold_tag(t.strip()) for t in head.split(",")}
        for tag in self.tags:
            if fold_tag(tag).startswith(fold_tag(typed)) and fold_tag(tag) not in chosen:
                return value + tag[len(typed) :]
        return None


class TagsDialog(ModalScreen[str | None]):
    """Returns the comma-separated tags typed (Enter), or None (escape)."""

    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.TAGS)

    def __init__(self, title: str, tags: Sequence[str], known: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.tags = list(tags)
        self.known = list(known)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tags-dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            # Not selected on focus, the cursor after the tags and a ", ": the
            # first key typed replaced them all, so typing a tag to add it
            # removed every other one, with no undo (bug hunt `huge`).
            yield Input(
                ", ".join(self.tags) + (", " if self.tags else ""),
                placeholder="robotics, to-read",
                suggester=TagSuggester(self.known),
                id="tags-input",
                select_on_focus=False,
            )
            yield Label(
                Content(
                    "Comma-separated · → completes · Enter saves · "
                    f"{hint_key(self.app, 'tags.cancel')} cancels"
                ),
                classes="dim",
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    """Returns the note (ctrl+s), or None (escape)."""

    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.NOTE)

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            # Tab types a tab, as `tui-digest note` keeps one (the editor is the only
            # focusable widget here: "tab moves the focus" swallowed the key).
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Label(
                Content(
                    f"{hint_key(self.app, 'note.save')} saves (an empty note removes it) · "
                    f"{hint_key(self.app, 'note.cancel')} cancels"
                ),
                classes="dim",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.indent_type = "tabs"  # (the tab itself, not spaces)
        area.focus()
        # At the end: typing adds to the note (at the start it was glued to its front).
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from tui_digest.core.store.user_log import MAX_NOTE, note_length

        text = self.query_one(TextArea).text
        length = note_length(text)
        if length > MAX_NOTE:
            # Saved, it was cut with " […truncated]" written into it, and the
            # reader said "Note saved." (found by a bug hunt): the editor stays.
            self.notify(
                f"The note is {length:,} characters; a note keeps at most {MAX_NOTE:,}. "
                f"Shorten it to save ({hint_key(self.app, 'note.cancel')} cancels).",
                title="Note too long",
                severity="warning",
                markup=False,
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
