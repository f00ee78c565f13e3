"""The main screen's `#` (tags) and `a` (note) keys: a mixin of `MainScreen`.

Tags apply to the selection when there is one, else to the current paper; the
dialog starts with the tags all of them share, and what the user removes from
that list is removed from each, what they add is added to each (so tags that
only some papers have are kept, and a tag another process added or removed
while the dialog was open stays so). The note is the current paper's. Reading and
writing go through thread workers (one write at a time); the detail
pane is re-read after.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from textual import work
from textual.content import Content

from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import Store
from tui_digest.core.wording import counted
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.readonly import refuse_readonly
from tui_digest.ui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord
    from tui_digest.core.store.picked import Picked


# The status line says "reading the tags of 50,000 papers…" once the read has
# taken longer than a frame (at once, it would flash at every `#` on one paper).
READING_SHOWN_AFTER = 1 / 30


class TagTargets(NamedTuple):
    """The papers `#` tags: arXiv ids and row numbers (in the order picked), and
    the tags they all share (what the dialog shows and the user edits)."""

    ids: list[str]
    rowids: list[int]
    shared: list[str]


def _save_tags(store: Store, chosen: TagTargets, added: list[str], removed: list[str]) -> str:
    """Save the edit by id; what to say, with the papers another process removed
    since the dialog opened (their tags wait, by id, for them to come back: it
    said "Tags saved on 30,000 papers" with 410 gone; bug hunt `regselect2` #3)."""
    from tui_digest.core.store.picked import Picked

    store.edit_tags(chosen.ids, added, removed)
    picked = Picked(tuple(chosen.rowids), dict(zip(chosen.rowids, chosen.ids, strict=True)))
    away = len(store.picked(picked).away)
    text = f"Tags saved on {counted(len(chosen.ids), 'paper')}"
    if away:
        text += f" ({away:,} of them are no longer in the cache; the tags wait for them)"
    return text + "."


def shared_tags(records: Sequence[PaperRecord]) -> list[str]:
    """The tags of the first paper every paper has, compared as tags are
    everywhere (`fold_tag`: `robotics` and `Robotics` are one tag). `#` reads
    them with `Store.picked_tags` instead, without reading the papers whole;
    this is what that is tested against."""
    from tui_digest.core.query import fold_tag

    others = [{fold_tag(t) for t in r.tags} for r in records[1:]]
    return [t for t in records[0].tags if all(fold_tag(t) in tags for tags in others)]


def tags_edit(shown: Sequence[str], typed: Sequence[str]) -> tuple[list[str], list[str]]:
    """The tags the user added to and removed from the `shown` field (`fold_tag`)."""
    from tui_digest.core.query import fold_tag

    was, now = {fold_tag(t) for t in shown}, {fold_tag(t) for t in typed}
    return [t for t in typed if fold_tag(t) not in was], [
        t for t in shown if fold_tag(t) not in now
    ]


def _import_dialogs() -> None:
    """Load the dialogs' module (a TextArea, ~0.5 s the first time) in the worker's
    thread: imported by `_ask_tags`, the event loop stood still that long."""
    import tui_digest.ui.screens.annotate  # noqa: F401


class AnnotateActions:
    """Needs from the screen: store, targets, paper_reread, paper_list, notify, app."""

    store: Store | None
    targets: Callable[[], list[int] | None]  # None: not ready (it said so)
    paper_reread: Callable[[int], None]
    paper_list: PaperList
    user_text_changed: Callable[[], None]  # the watch lists find their papers again
    set_activity: Callable[..., None]
    # One tags/note write at a time (each a short transaction of its own).
    _user_text_lock = threading.Lock()
    _tags_reading = 0  # the papers whose tags `#` is reading (0: none)

    def action_edit_tags(self) -> None:
        rowids = self.targets()
        if rowids is None:
            return  # the selection's ids are being read (`targets` said so)
        if not rowids or self.store is None:
            self.notify("No paper to tag.", severity="warning")  # type: ignore[attr-defined]
            return
        if refuse_readonly(self, self.store, "tags"):  # type: ignore[arg-type]
            return
        if self._tags_reading:
            # A thread already reading cannot be stopped: each `#` pressed while
            # 50,000 papers were read opened one more dialog (bug hunt `scalebulk`).
            self.notify(  # type: ignore[attr-defined]
                f"Still reading the tags of {counted(self._tags_reading, 'paper')}…",
                markup=False,
                timeout=3,
            )
            return
        self._tags_reading = len(rowids)
        self.set_timer(READING_SHOWN_AFTER, self._show_reading)  # type: ignore[attr-defined]
        self._load_for_tags(self.store, self.paper_list.picked(rowids))

    def _show_reading(self) -> None:
        if self._tags_reading:
            text = f"reading the tags of {counted(self._tags_reading, 'paper')}…"
            self.set_activity(text, slot="tags")

    def _tags_read(self) -> None:
        self._tags_reading = 0
        self.set_activity("", slot="tags")

    @work(thread=True, group="annotate-tags", exit_on_error=False,
          description="read the papers' tags")  # fmt: skip
    def _load_for_tags(self, store: Store, picked: Picked) -> None:
        # By the ids shown: read by row number, the papers another process's
        # `digests rm` + `import` had just given those numbers got the tags
        # (bug hunt `selection` #2). Only the tags are read (`picked_tags`):
        # reading every paper whole took 11 s and ~0.3 GB at 50,000 papers.
        try:
            found, tags = store.picked_tags(picked)
            known = [tag for tag, _ in store.all_tags()]
            _import_dialogs()
        finally:
            self.app.call_from_thread(self._tags_read)  # type: ignore[attr-defined]
        if found.removed:
            self.app.call_from_thread(self._say_removed, found.removed, bool(found.present))  # type: ignore[attr-defined]
        if found.present:
            ids = [found.names[r] for r in found.present]
            chosen = TagTargets(ids, found.present, tags.shared)
            self.app.call_from_thread(self._ask_tags, chosen, known)  # type: ignore[attr-defined]

    def _say_removed(self, removed: int, some_left: bool) -> None:
        papers = "1 paper was" if removed == 1 else f"{removed:,} papers were"
        rest = "the others' tags are shown" if some_left else "nothing to tag"
        self.notify(  # type: ignore[attr-defined]
            f"{papers} no longer in the cache (removed meanwhile): {rest}.",
            markup=False,
            severity="warning",
        )

    def _ask_tags(
        self, chosen: TagTargets, known: list[str], typed: list[str] | None = None
    ) -> None:
        """The tags dialog; `typed`: the tags of an edit that could not be saved."""
        # The dialogs (a TextArea) are imported when asked for, not with the reader.
        from tui_digest.ui.screens.annotate import TagsDialog

        ids, shared = chosen.ids, chosen.shared
        many = f"Tags of {counted(len(ids), 'selected paper')}"
        title = f"Tags of {ids[0]}" if len(ids) == 1 else many
        if typed is not None:
            title += " (not saved: Enter tries again)"

        def answered(value: str | None) -> None:
            if value is None:
                return
            from tui_digest.core.store.user_log import clean_tags  # (not at start)

            new = clean_tags(value.split(","))
            # Only the user's own edit of what the dialog showed: the whole field
            # sent as new added back a tag another process removed meanwhile.
            added, removed = tags_edit(shared, new)
            if not added and not removed:
                return
            self._write_user_text(
                lambda store: _save_tags(store, chosen, added, removed),
                chosen.rowids,
                saved=f"Tags saved on {counted(len(ids), 'paper')}.",
                # The dialog is closed by then: what was typed would be lost.
                unsaved=lambda: self._ask_tags(chosen, known, new),
            )

        dialog = TagsDialog(title, shared if typed is None else typed, known)
        self.app.push_screen(dialog, answered)  # type: ignore[attr-defined]

    def action_edit_note(self) -> None:
        rowids = self.targets()
        if rowids is None:
            return  # the selection's ids are being read (`targets` said so)
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
        _import_dialogs()
        if record is not None:
            self.app.call_from_thread(self._ask_note, record)  # type: ignore[attr-defined]

    def _ask_note(
        self, record: PaperRecord, typed: str | None = None, changed: bool = False
    ) -> None:
        """The note dialog; `typed`: the text of a note that could not be saved
        (`changed`: because the note changed elsewhere since the dialog opened)."""
        from tui_digest.ui.screens.annotate import NoteDialog

        def answered(value: str | None) -> None:
            if value is None or value.strip() == record.note:
                return
            pid, rowid = record.paper.id, record.rowid

            def write(store: Store) -> bool | str:
                now = store.set_note_unless_changed(pid, value, record.note)
                if now is None:
                    # Another process's `prune` may have removed the paper meanwhile:
                    # "Note saved." alone left it unseen and unexplained (bug hunt
                    # `maint` #5). The note is kept and comes back with the paper.
                    if value.strip() and store.rowid_of(pid) is None:
                        return (
                            f"Note saved, but {pid} is no longer in the cache (removed "
                            "meanwhile): the note waits for it, and shows again when a "
                            "digest listing it is imported."
                        )
                    return True
                # Changed elsewhere meanwhile: the editor opens again with what
                # was typed, saying so; saving again replaces the note as it is now.
                newer = dataclasses.replace(record, note=now)
                self.app.call_from_thread(self._ask_note, newer, value, True)  # type: ignore[attr-defined]
                return False

            self._write_user_text(
                write,
                [rowid],
                saved="Note removed." if not value.strip() else "Note saved.",
                # The dialog is closed by then: what was typed would be lost.
                unsaved=lambda: self._ask_note(record, value),
            )

        title = f"Note on {record.paper.id}"
        save = hint_key(self.app, "note.save")  # type: ignore[attr-defined]
        if changed:
            # Short: the dialog's title line is cut at its width (a regression hunt
            # read "…ctrl+s replaces i" at 80 columns); the toast says the rest.
            title += " (changed elsewhere)"
            self.notify(  # type: ignore[attr-defined]
                Content(
                    f"The note now reads: {clean_line(record.note, 200)}. {save} replaces "
                    "it with yours, escape keeps it."
                ),
                title="Note changed elsewhere",
                severity="warning",
            )
        elif typed is not None:
            title += f" (not saved: {save} tries again)"
        text = record.note if typed is None else typed
        self.app.push_screen(NoteDialog(title, text), answered)  # type: ignore[attr-defined]

    @work(thread=True, group="annotate-write", exclusive=False, exit_on_error=False,
          description="save tags or a note")  # fmt: skip
    def _write_user_text(
        self,
        write: Callable[[Store], object],
        rowids: Sequence[int],
        *,
        saved: str,
        unsaved: Callable[[], None] | None = None,
    ) -> None:
        """Write in a thread, then say `saved` and show the new tags/note in the
        detail pane. A failed write is the worker's error (its notification), and
        `unsaved` is called on the event loop (the note dialog opens again).

        "Saved" was said as the write started: on a full disk the user read
        "Note saved." just before the error, and the note typed was gone (found
        by a bug hunt).
        """
        with self._user_text_lock:
            if self.store is None:
                return
            try:
                done = write(self.store)
            except Exception:
                if unsaved is not None:
                    self.app.call_from_thread(unsaved)  # type: ignore[attr-defined]
                raise  # reported by the app's one worker-error handler
        if done is False:  # not written, and the writer said why (a note changed meanwhile)
            return
        if isinstance(done, str):  # written, and what to say instead (a paper gone meanwhile)
            saved = done
        self.app.call_from_thread(self.notify, saved, markup=False)  # type: ignore[attr-defined]
        for rowid in rowids:
            self.app.call_from_thread(self.paper_reread, rowid)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.user_text_changed)  # type: ignore[attr-defined]
