"""At 40x12 (a split tmux pane) the dialogs show every word they need (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Label, RadioButton
from ui_support import make_app, settle

from tui_digest.ui.screens.annotate import NoteDialog
from tui_digest.ui.screens.export import ExportScreen
from tui_digest.ui.screens.help import HelpScreen


def drawn(widget: Widget) -> str:
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))
    return " ".join("".join(segment.text for segment in strip) for strip in lines)


def in_view(dialog: Widget, widget: Widget) -> bool:
    """Shown without scrolling the dialog."""
    return dialog.scroll_offset.y == 0 and dialog.content_region.contains_region(widget.region)


async def test_export_help_and_note_fit_40x12(cache: Path) -> None:
    """The export's button read "Cance" and its format list was scrolled out of
    view; the help's hint was cut to "ctrl+p opens the c"; the note's
    "ctrl+s saves" was below the dialog's bottom."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        dialog = app.screen.query_one("#export-dialog")
        for widget in [*app.screen.query(RadioButton), *app.screen.query(Button)]:
            assert in_view(dialog, widget), widget
        for button in app.screen.query(Button):
            assert str(button.label) in drawn(button)
        assert app.screen.query_one("#export-path").has_focus
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        hint = app.screen.query(Label).last()
        assert in_view(app.screen.query_one("#help-dialog"), hint)
        assert " ".join(drawn(hint).split()) == "escape closes · ctrl+p commands"
        await pilot.press("escape", "a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        hint = app.screen.query(Label).last()
        assert in_view(app.screen.query_one("#note-dialog"), hint)
        words = drawn(hint).split()
        assert words[:2] == ["ctrl+s", "saves"] and words[-2:] == ["escape", "cancels"]
        assert app.screen.query_one("#note-text").region.height >= 3
