"""The main screen's `#` (tags) and `a` (note) keys: a mixin of `MainScreen`.

Tags apply to the selection when there is one, else to the current paper; the
dialog starts with the tags all of them share, and what the user removes from
that list is removed from each, what they add is added to each (so tags that
only some papers have are kept). The note is the current paper's. Reading and
writing go through thread workers (one write at a time); the detail
pane is re-read after.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import work

from tui_digest.core.store import Store
from tui_digest.ui.readonly import refuse_readonly
from tui_digest.ui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord


class AnnotateActions:
    """Needs from the screen: store, targets, paper_reread, paper_list, notify, app."""

    store: Store | None
    targets: Callable[[], list[int]]
    paper_reread: Callable[[int], None]
    paper_list: PaperList
    user_text_changed: Callable[[], None]  # the watch lists find their papers again
    # One tags/note write at a time (each a short transaction of its own).
    _user_text_lock = threading.Lock()

    def action_edit_tags(self) -> None:
        rowids = self.targets()
        if not rowids or self.store is None:
            self.notify("No paper to tag.", severity="warning")  # type: ignore[attr-defined]
            return
        if refuse_readonly(self, self.store, "tags"):  # type: ignore[arg-type]
            return
        self._load_for_tags(self.store, rowids)

    @work(thread=True, group="annotate", exclusive=True, exit_on_error=False,
          description="read the papers' tags")  # fmt: skip
    def _load_for_tags(self, store: Store, rowids: list[int]) -> None:
        records = store.get_papers(rowids)
        known = [tag for tag, _ in store.all_tags()]
        self.app.call_from_thread(self._ask_tags, records, known)  # type: ignore[attr-defined]

    def _ask_tags(self, records: list[PaperRecord], known: list[str]) -> None:
        # The dialogs (a TextArea) are imported when asked for, not with the reader.
        from tui_digest.ui.screens.annotate import TagsDialog

        if not records:
            return
        shared = [t for t in records[0].tags if all(t in r.tags for r in records[1:])]
        ids = [r.paper.id for r in records]
        title = f"Tags of {ids[0]}" if len(ids) == 1 else f"Tags of {len(ids)} selected papers"

        def answered(value: str | None) -> None:
            if value is not None:
                from tui_digest.core.store.user_log import clean_tags  # (not at start)

                self._save_tags(records, shared, clean_tags(value.split(",")))

        self.app.push_screen(TagsDialog(title, shared, known), answered)  # type: ignore[attr-defined]

    def _save_tags(
        self, records: Sequence[PaperRecord], shared: Sequence[str], new: Sequence[str]
    ) -> None:
        keep = {t.casefold() for t in new}
        removed = [t for t in shared if t.casefold() not in keep]
        ids = [r.paper.id for r in records]
        rowids = [r.rowid for r in records]
        if not removed and {t.casefold() for t in shared} == keep:
            return
        self._write_user_text(lambda store: store.edit_tags(ids, new, removed), rowids)
        noun = "paper" if len(ids) == 1 else "papers"
        self.notify(f"Tags saved on {len(ids)} {noun}.", markup=False)  # type: ignore[attr-defined]

    def action_edit_note(self) -> None:
        rowids = self.targets()
        current = self.paper_list.current_rowid
        rowid = current if current is not None else (rowids[0] if rowids else None)
        if rowid is None or self.store is None:
            self.notify("No paper to annotate.", severity="warning")  # type: ignore[attr-defined]
            return
        if refuse_readonly(self, self.store, "notes"):  # type: ignore[arg-type]
            return
        self._load_for_note(self.store, rowid)

    @work(thread=True, group="annotate", exclusive=True, exit_on_error=False,
          description="read the paper's note")  # fmt: skip
    def _load_for_note(self, store: Store, rowid: int) -> None:
        record = store.get_paper(rowid)
        if record is not None:
            self.app.call_from_thread(self._ask_note, record)  # type: ignore[attr-defined]

    def _ask_note(self, record: PaperRecord) -> None:
        from tui_digest.ui.screens.annotate import NoteDialog

        def answered(value: str | None) -> None:
            if value is None or value.strip() == record.note:
                return
            pid, rowid = record.paper.id, record.rowid
            self._write_user_text(lambda store: store.set_note(pid, value), [rowid])
            self.notify("Note removed." if not value.strip() else "Note saved.", markup=False)  # type: ignore[attr-defined]

        title = f"Note on {record.paper.id}"
        self.app.push_screen(NoteDialog(title, record.note), answered)  # type: ignore[attr-defined]

    @work(thread=True, group="annotate-write", exclusive=False, exit_on_error=False,
          description="save tags or a note")  # fmt: skip
    def _write_user_text(self, write: Callable[[Store], object], rowids: Sequence[int]) -> None:
        """Write in a thread, then show the new tags/note in the detail pane."""
        with self._user_text_lock:
            if self.store is None:
                return
            write(self.store)
        for rowid in rowids:
            self.app.call_from_thread(self.paper_reread, rowid)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.user_text_changed)  # type: ignore[attr-defined]
