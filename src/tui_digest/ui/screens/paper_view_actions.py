"""`enter` on the main screen: read the current paper full-screen (a mixin of `MainScreen`).

The reading view's screen (screens/paper_view.py, with the citation helpers it
uses) is imported when `enter` is first pressed: the first frame does not wait
for it (issue 13 req 5).
"""

from __future__ import annotations

from tui_digest.ui.widgets.paper_list import PaperList


class PaperViewActions:
    paper_list: PaperList

    def action_read_paper(self) -> None:
        from tui_digest.ui.screens.paper_view import PaperView

        if self.paper_list.current_rowid is None:
            self.notify("No paper to read.", severity="warning")  # type: ignore[attr-defined]
            return
        self.app.push_screen(PaperView(self))  # type: ignore[attr-defined, arg-type]
