"""Tab in the note editor types a tab (bug hunt `personal`, minor).

The key was swallowed: the editor is the dialog's only focusable widget, so
"tab moves the focus" did nothing, while `tui-digest note` keeps tabs typed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ui_support import make_app, settle

from tui_digest.core.store import Store
from tui_digest.ui.keymap import load_keymap
from tui_digest.ui.screens.annotate import NoteDialog

SIZE = (140, 40)


async def test_tab_in_the_note_editor_is_kept_in_the_note(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("a", "tab", "b")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "a\tb"


async def test_escape_closes_the_note_editor_and_keeps_the_old_note(cache: Path) -> None:
    """Escape was taken by the editor (its tab behaviour "indent" makes escape move
    the focus): the dialog stayed open and keys typed next went into the note, so
    an edit could not be cancelled (found by a bug hunt)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        with Store.open(cache) as store:
            store.set_note(store.get_paper(rowid).paper.id, "kept")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("x", "tab", "y", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
        await pilot.press("z")  # (a key after escape goes to the reader, not the note)
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "kept"


async def test_tab_for_cancelling_the_note_is_refused_and_tab_still_types(cache: Path) -> None:
    """`"note.cancel" = "tab"` was accepted: cancel is a priority binding, so Tab
    closed the editor, throwing the text away, and no tab could be typed (bug
    hunt `regui`). It is refused like any key that types in the note box."""
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\n"note.save" = "ctrl+s,shift+tab"\n"note.cancel" = "tab"\n')
    keymap, warnings = load_keymap()
    assert "note.cancel" not in keymap
    assert keymap["note.save"] == "ctrl+s,shift+tab"  # (shift+tab types nothing)
    assert warnings == [
        f"{path}:3: warning: [keys] 'note.cancel': 'tab' types or edits in the text box it acts "
        "from, so it would never reach it; ignored"
    ]
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("a", "tab", "b")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("shift+tab")
        await settle(pilot)
    with Store.open(cache) as store:
        assert store.get_paper(rowid).note == "a\tb"
