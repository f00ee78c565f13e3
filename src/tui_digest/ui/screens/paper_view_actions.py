"""`enter` on the main screen: read the current paper full-screen (a mixin of `MainScreen`).

The reading view's screen (screens/paper_view.py, with the citation helpers it
uses) is imported when `enter` is first pressed: the first frame does not wait
for it (issue 13 req 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_digest.ui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from tui_digest.ui.marks import DwellTimer
    from tui_digest.ui.screens.paper_view import PaperView


class PaperViewActions:
    paper_list: PaperList
    dwell: DwellTimer  # the read timer (ReadingScreen's)
    paper_view: PaperView | None = None  # the reading view, while it is open

    def action_read_paper(self) -> None:
        from tui_digest.ui.screens.paper_view import PaperView

        rowid = self.paper_list.current_rowid
        if rowid is None:
            self.notify("No paper to read.", severity="warning")  # type: ignore[attr-defined]
            return
        # Opening a paper to read it is as deliberate as moving onto it: the reader
        # reopens on a paper (or a digest's first row) without a move, and `enter`
        # there never started the timer (found by a bug hunt). A timer already
        # running on it goes on: the paper has been dwelt on since it started.
        if self.dwell.pending != rowid:
            self.dwell.start(rowid)
        view = PaperView(self)  # type: ignore[arg-type]
        self.paper_view = view

        def closed(_: None) -> None:
            self.paper_view = None

        self.app.push_screen(view, callback=closed)  # type: ignore[attr-defined]

    def _open_view(self) -> PaperView | None:
        view = self.paper_view
        return view if view is not None and view.is_attached else None

    def view_follows_cursor(self, rowid: int | None, *, gone: int | None = None) -> None:
        """The list's cursor moved (`n` went on to another digest, a refresh): the
        reading view shows the paper it is on now (`gone`: the paper a refresh
        took out of the list, which the view says when it is the one read)."""
        view = self._open_view()
        if view is not None and rowid is not None:
            view.follow(rowid, gone=gone)

    def view_flags_shown(self, flag: str, rowids: tuple[int, ...], value: bool) -> None:
        """Marks changed (the read timer, `s`/`m` in the view): the view says so too."""
        view = self._open_view()
        if view is not None:
            view.flags_shown(flag, rowids, value)

    def view_position_changed(self) -> None:
        """The list's ids came (a re-listing): the view's "N / M" is drawn again,
        or the view closes when the list is left empty; once the view is there
        (ids coming between `enter` and its first frame ended the reader: a
        regression hunt); its mount draws it."""
        view = self._open_view()
        if view is not None and view.is_mounted:
            view.list_changed()
