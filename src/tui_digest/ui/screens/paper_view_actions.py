"""`enter` on the main screen: read the current paper full-screen (a mixin of `MainScreen`).

The reading view's screen (screens/paper_view.py, with the citation helpers it
uses) is imported when `enter` is first pressed: the first frame does not wait
for it (issue 13 req 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_digest.ui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from tui_digest.ui.screens.paper_view import PaperView


class PaperViewActions:
    paper_list: PaperList
    paper_view: PaperView | None = None  # the reading view, while it is open

    def action_read_paper(self) -> None:
        from tui_digest.ui.screens.paper_view import PaperView

        if self.paper_list.current_rowid is None:
            self.notify("No paper to read.", severity="warning")  # type: ignore[attr-defined]
            return
        view = PaperView(self)  # type: ignore[arg-type]
        self.paper_view = view

        def closed(_: None) -> None:
            self.paper_view = None

        self.app.push_screen(view, callback=closed)  # type: ignore[attr-defined]

    def _open_view(self) -> PaperView | None:
        view = self.paper_view
        return view if view is not None and view.is_attached else None

    def view_follows_cursor(self, rowid: int | None) -> None:
        """The list's cursor moved (`n` went on to another digest, a refresh): the
        reading view shows the paper it is on now."""
        view = self._open_view()
        if view is not None and rowid is not None:
            view.follow(rowid)

    def view_flags_shown(self, flag: str, rowids: tuple[int, ...], value: bool) -> None:
        """Marks changed (the read timer, `s`/`m` in the view): the view says so too."""
        view = self._open_view()
        if view is not None:
            view.flags_shown(flag, rowids, value)
