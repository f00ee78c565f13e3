"""Tab in the note editor types a tab (bug hunt `personal`, minor).

The key was swallowed: the editor is the dialog's only focusable widget, so
"tab moves the focus" did nothing, while `tui-digest note` keeps tabs typed.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle

from tui_digest.core.store import Store
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
