"""The user's marks on the main screen: read state that tells the truth, reversible
bulk changes, unread counts and jumping between unread papers (issue 10, 1-3).

- A paper becomes read by itself only after a deliberate cursor move (or
  `enter` opening it full-screen) and `[reader] read_after_seconds` of dwell
  (`DwellTimer`); `m` always wins.
- `s` / `m` act on the selection, else the current paper; the toggle is decided
  in SQL over every selected paper, loaded or not (`Store.toggle_flag`); the
  selection is cleared after a bulk change; each change says what it did.
- Changes are written by one worker at a time, in the order they were made
  (`m m` ends unread), and the store reports which papers really changed: that
  is what `ctrl+z` puts back. A failed one says its error; the next runs.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from textual import on, work
from textual.reactive import var
from textual.worker import Worker, WorkerState, get_current_worker

from tui_digest.core.model import newest_first
from tui_digest.core.store import Store
from tui_digest.ui import messages as msg
from tui_digest.ui.foryou import is_ranked
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.marks import DwellTimer, FlagChange, Schedule
from tui_digest.ui.readonly import refuse_readonly
from tui_digest.ui.screens.listing import ListingScreen
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui_digest.ui.news import CacheChanged

StoreWrite = Callable[[Store], None]
FLAG_KEYS = {"read": "m", "starred": "s"}
FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class QueuedWrite(NamedTuple):
    write: StoreWrite
    quiet: bool  # the read timer's: refused without a word


def timer_read(rowid: int, *, undoable: bool) -> Callable[[Store], FlagChange]:
    """The store work of the read timer's kind of read (the timer, opening a
    paper): never over a read mark set by hand (`Store.timer_read`)."""

    def read(store: Store) -> FlagChange:
        return FlagChange("read", True, tuple(store.timer_read(rowid, undoable=undoable)), 1)

    return read


# Seconds a flag write may take before the status line says it is saving.
SAVING_SHOWN_AFTER = 0.4
# The "reading the selected papers' ids" notice: the read takes under a second
# (50,000 rows ~60 ms); Textual's default 5 s outlived it by seconds.
NAMING_NOTICE_SECONDS = 1.5


class ReadingScreen(ListingScreen):
    # Bound to the status line; `var`s so that the screen does not repaint (listing.py).
    unread_here: var[int | None] = var(None)  # in the view (digest or all papers)
    unread_total: var[int | None] = var(None)  # in the cache, each paper once

    def __init__(
        self,
        db_path: Path | None,
        *,
        first_run_sample: bool = True,
        frame_hold: float = 0.03,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(db_path, first_run_sample=first_run_sample, frame_hold=frame_hold)
        self.dwell = DwellTimer(schedule or self.set_timer, self._dwelled)
        self.unread_by_digest: dict[str, int] = {}
        self._jump_to: int | None = None  # `n` landed in another digest: dwell there
        self._seeking: Worker[None] | None = None  # the `n`/`N` being answered
        self._seeks: deque[int] = deque()  # the `n` (1) / `N` (-1) pressed meanwhile
        # Flag writes run one at a time, in the order they were made (event loop only).
        self._writes: deque[QueuedWrite] = deque()
        self._writer: Worker[None] | None = None  # the write running, till the next starts

    def store_ready(self) -> None:
        if self.store is not None and self.store.readonly:
            for line in self.query(StatusLine):
                line.readonly = True  # said once by the listing's notice, shown all along

    def saves_stopped(self) -> None:
        """The follower stopped the saves (the cache replaced, damaged or upgraded
        under the reader): the status line says so all along, as it does a
        read-only cache."""
        from tui_digest.ui.readonly import STOPPED

        for line in self.query(StatusLine):
            line.readonly, line.readonly_label = True, STOPPED

    def first_listing_drawn(self) -> None:
        # The counts read every unread paper (30 ms at 65k): not before the first frame.
        super().first_listing_drawn()
        self._read_reader_config()
        self.count_unread()

    @work(thread=True, exclusive=True, group="reader-config", exit_on_error=False,
          description="read the config")  # fmt: skip
    def _read_reader_config(self) -> None:
        # [reader] alone: an error in another table leaves it in force (the
        # defaults then turned `auto_read = false` back on; found by a bug hunt).
        from tui_digest.config.loader import load_reader_tables  # (not for the first frame)

        tables = load_reader_tables()
        if tables.reader_dropped:  # broken itself: no timer, and said
            self.app.call_from_thread(
                self.notify,
                tables.reader_dropped,
                title="Config",
                severity="warning",
                markup=False,
                timeout=15,
            )
        self.app.call_from_thread(setattr, self.dwell, "read_after", tables.reader.read_after)

    # --- the dwell timer -----------------------------------------------------------

    @on(PaperList.CursorMoved)
    def _dwell_on_move(self, message: PaperList.CursorMoved) -> None:
        jumped = message.rowid is not None and message.rowid == self._jump_to
        self._jump_to = None
        if message.rowid is not None and (message.deliberate or jumped):
            self.dwell.start(message.rowid)
        elif message.rowid != self.dwell.pending:
            self.dwell.cancel()  # a new listing moved the cursor: no dwell of its own

    def _dwelled(self, rowid: int) -> None:
        # Not undoable and not announced: the timer is not something the user did.
        # The store skips a paper whose read flag was set by hand, in this session
        # or an earlier one (`explicit` only knows this session's).
        if rowid == self.paper_list.current_rowid:
            self.change_marks(timer_read(rowid, undoable=False), quiet=True)

    @on(msg.PaperOpened)
    def _paper_opened(self, message: msg.PaperOpened) -> None:
        message.stop()
        self.read_on_open(message.rowid)

    def read_on_open(self, rowid: int) -> None:
        """Opening a paper's page counts as reading it, the read timer's kind of
        read: never over a read mark set by hand (`store.timer_read`).

        `o` marked it read by hand, so `m m` (unread for good, README) was undone
        by an `o` for good, across restarts, while a click on the same link in
        the detail pane marked nothing (found by a bug hunt). Undoable (the user
        opened it), quiet like the timer; nothing to undo when the hand mark won.
        """
        # The open did the timer's work: a timer still waiting on this paper would
        # read it again after a ctrl+z of the open (regression hunt: `j o ctrl+z`,
        # then the paper read 2 s later; the old `o`, a hand mark, stopped it).
        if self.dwell.pending == rowid:
            self.dwell.cancel()
        self.change_marks(timer_read(rowid, undoable=True), quiet=True)

    # --- changes -------------------------------------------------------------------

    def targets(self) -> list[int] | None:
        """The selection, else the current paper; None (not [], "no paper")
        while the ids of rows `A` selected undrawn are being read: the key is
        not taken, and it says so once. Callers then do nothing else (each
        said "No paper to tag." too, and `a` opened the note anyway: bug hunt
        `regselect2` #2). The read takes well under a second: the notice is short."""
        if self.paper_list.naming:
            self.notify(
                "Reading the selected papers' ids… press the key again in a moment.",
                markup=False,
                timeout=NAMING_NOTICE_SECONDS,
            )
            return None
        selected = self.paper_list.selected_in_order()
        if selected:
            return selected
        current = self.paper_list.current_rowid
        return [] if current is None else [current]

    def toggle_flag(self, flag: str, *, current_only: bool = False) -> None:
        """`s` / `m`: the selection (then cleared) or the current paper (`current_only`:
        the reading view's, which acts on the paper read)."""
        current = self.paper_list.current_rowid
        rowids = ([] if current is None else [current]) if current_only else self.targets()
        if not rowids:  # (None: the selection's ids are being read; it said so)
            return
        self.dwell.explicit(flag, rowids)  # (only `m` is explicit for the timer)
        bulk = bool(self.paper_list.selected) and not current_only
        # The ids shown: a paper another process removed meanwhile keeps the mark by id.
        picked = self.paper_list.picked(rowids)

        def toggle(store: Store) -> FlagChange:
            done = store.mark(flag, rowids, ids=picked.ids, by_hand=True, undoable=True)
            waiting, gone = len(done.waiting), done.gone
            return FlagChange(flag, done.value, tuple(done.changed), len(rowids), waiting, gone)

        self.change_marks(toggle, quiet=False)
        if bulk:
            self.paper_list.clear_selection()

    def action_mark_all_read(self) -> None:
        """`M`: every paper of the listing shown, loaded or not.

        The shown listing's query (`shown_request`), not the box's: a newer
        search may not be answered yet, or be unfinished (an open quote).
        A ranked listing (related:, sort:foryou) has all its ids in the list.
        """
        shown = self.shown_request
        if shown is None:
            return  # no listing (it failed): nothing is shown to mark
        query, digest = shown.query, shown.digest
        ranked = list(self.paper_list.ids) if is_ranked(query) else None

        def mark_all(store: Store) -> FlagChange:
            ids = ranked if ranked is not None else store.list_ids(query, digest=digest)
            done = store.mark("read", ids, True, undoable=True)
            return FlagChange("read", True, tuple(done.changed), len(ids), gone=done.gone)

        self.change_marks(mark_all, quiet=False)

    def action_undo(self) -> None:
        """ctrl+z: take back the newest change. The history is kept in the cache
        (`store.undo_log`), so it survives a restart."""

        def undo(store: Store) -> FlagChange | None:
            undone = store.undo_last()
            if undone is None:
                return None
            # (`asked`: what the change had changed, that the undo acted on)
            rowids = tuple(undone.rowids)
            return FlagChange(undone.flag, undone.value, rowids, undone.recorded, undone.waiting)

        self.change_marks(undo, quiet=False, undo=True)

    def change_marks(
        self,
        work: Callable[[Store], FlagChange | None],
        *,
        quiet: bool,
        undo: bool = False,
    ) -> None:
        """Run `work` in a writer thread, after the changes made before it; its
        FlagChange comes back as FlagsChanged.
        `work` writes an undoable change's undo entry in the same transaction
        (`undoable=True`): written apart, a reader killed between the two kept
        the marks of an `M` that ctrl+z could never take back (bug hunt).

        On a read-only cache nothing is written: a key says so, the read timer
        (`quiet`) does nothing.
        """
        if self.store is not None and self.store.readonly:
            if not quiet:
                refuse_readonly(self, self.store, "read and starred marks")
            return

        def write(store: Store) -> None:
            change = work(store)
            if change is None:  # (an undo with nothing left to undo)
                self.post_message(msg.NothingToUndo())
                return
            self.post_message(msg.FlagsChanged(change, quiet=quiet, undo=undo))

        self._writes.append(QueuedWrite(write, quiet))
        if self._writer is None:
            self._write_next()
            # A mark of every paper of a big cache takes seconds: say so if it is still
            # going (at once would flash the status line at every `m`).
            self.set_timer(SAVING_SHOWN_AFTER, self._show_saving)

    @property
    def marks_unsaved(self) -> bool:
        """Marks are being written or wait their turn (quitting waits for them)."""
        return self._writer is not None or bool(self._writes)

    def _show_saving(self) -> None:
        if self._writer is not None:
            self.set_activity("saving marks…", slot="marks")

    def _write_next(self) -> None:
        """Start the oldest write waiting, each in a worker of its own, one at a
        time: a failed one is reported as any failed worker (`ReportsWorkerErrors`)
        and the next runs all the same.

        The queue lives on the event loop alone: the writer thread held a lock
        the loop also took while it waited for the loop (`call_from_thread`), and
        an `m` at that moment froze the reader for good (bug hunt `auditui` #0);
        after a failed write the writes queued behind it were never run, and
        `q` lost them (#5)."""
        store = self.store
        if store is not None and store.readonly and self._writes:
            # The saves stopped meanwhile (the cache replaced under the reader): said once.
            if not all(queued.quiet for queued in self._writes):
                refuse_readonly(self, store, "read and starred marks")
            self._writes.clear()
        if store is None or not self._writes:
            self._writes.clear()
            self._writer = None
            self.set_activity("", slot="marks")
            return
        self._writer = self._run_write(store, self._writes.popleft().write)

    @on(Worker.StateChanged)
    def _write_ended(self, event: Worker.StateChanged) -> None:
        if event.worker is self._writer and event.state in FINISHED:
            # After this message's other handlers: a failure that stopped the saves
            # has made the store read-only by then (`ReportsWorkerErrors`).
            self.call_later(self._write_next)

    @work(thread=True, group="marks", exit_on_error=False,
          description="save the papers' marks")  # fmt: skip
    def _run_write(self, store: Store, write: StoreWrite) -> None:
        write(store)

    def on_nothing_to_undo(self, _message: msg.NothingToUndo) -> None:
        self.notify("Nothing to undo.", markup=False)

    def on_flags_changed(self, message: msg.FlagsChanged) -> None:
        change = message.change
        value = change.value != message.undo  # an undo put back the opposite
        self.paper_list.update_flags(change.rowids, **{change.flag: value})
        self.flags_shown(change.flag, change.rowids, value)
        if message.undo:
            # The timer is left as it was: an `m` undone was made explicit by
            # the `m`; an `M` undone was no choice about each paper (`Store.undo_last`).
            self.notify(change.describe_undo(), markup=False)
        elif not message.quiet:
            # Every s / m / M says what it changed; a one-paper change only briefly.
            # The undo key of the screen shown (the reading view has its own), as bound now.
            undo = "main.undo" if self.app.screen is self else "reading.undo"
            hint = f" · {hint_key(self.app, undo)} undoes" if change.rowids else ""
            brief = change.asked <= 1
            self.notify(f"{change.describe()}{hint}", markup=False, timeout=2 if brief else 6)
        if change.rowids and change.flag == "read":
            self.count_unread()

    def flags_shown(self, flag: str, rowids: tuple[int, ...], value: bool) -> None:
        """The papers' flags changed (subclasses update the detail pane)."""

    # --- unread counts -------------------------------------------------------------

    def count_unread(self) -> None:
        if self.store is not None:
            self._count_unread(self.store)

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False,
          description="count the unread papers")  # fmt: skip
    def _count_unread(self, store: Store) -> None:
        try:
            total, by_digest = store.count_unread(), store.unread_by_digest()
        except sqlite3.DatabaseError:
            # A damaged cache: the counts stay unknown ("…"), and the integrity
            # check that runs after the first frame tells the user what to do.
            return
        if not get_current_worker().is_cancelled:
            self.post_message(msg.UnreadCounted(total, by_digest))

    def on_unread_counted(self, message: msg.UnreadCounted) -> None:
        self.unread_by_digest = message.by_digest
        self.unread_total = message.total
        self.show_unread_here()

    def watch_digest(self) -> None:
        self.show_unread_here()  # whoever changes the view (the picker, n, For you)

    def show_unread_here(self) -> None:
        if self.unread_total is not None:
            here = self.unread_by_digest.get(self.digest, 0) if self.digest else None
            self.unread_here = self.unread_total if here is None else here

    def cache_changed(self, change: CacheChanged | None = None) -> None:
        super().cache_changed(change)
        self.count_unread()

    # --- next / previous unread ------------------------------------------------------

    def action_next_unread(self) -> None:
        self._find_unread(1)

    def action_previous_unread(self) -> None:
        self._find_unread(-1)

    def _find_unread(self, step: int) -> None:
        """One seek at a time, each from where the one before it left the cursor:
        a burst of `n` (key repeat) looked ten times from the cursor as it was,
        found the same paper and moved once (bug hunt `auditui` #7)."""
        if self._seeking is not None:
            self._seeks.append(step)
            return
        store = self.store
        if store is None:
            return
        papers = self.paper_list
        # Digests in picker order (newest first): `n` goes on to older ones, `N` back;
        # past the last one each wraps round (after the oldest digest, `n` found
        # nothing while newer digests still had unread papers).
        order = [d.name for d in newest_first(self.digests)]
        if self.digest in order:
            here = order.index(self.digest)
            if step > 0:
                rest = order[here + 1 :] + order[:here]
            else:
                rest = order[:here][::-1] + order[here + 1 :][::-1]
            others = [name for name in rest if self.unread_by_digest.get(name, 0)]
        else:
            others = []
        # The shown listing's query, as for M; a ranked one's order is the list's
        # ids, and its unread papers are the view's unread ones among them.
        shown = self.shown_request
        if shown is None:
            return
        query = "" if is_ranked(shown.query) else shown.query
        self._seeking = self._seek_unread(
            store, query, shown.digest, papers.ids, papers.cursor, step, others
        )

    def _seek_next(self) -> None:
        self._seeking = None
        if self._seeks:
            self._find_unread(self._seeks.popleft())

    @on(Worker.StateChanged)
    def _seek_failed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._seeking and event.state in (
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._seeking = None  # (its error is said: the presses after it are dropped)
            self._seeks.clear()

    @work(thread=True, exclusive=True, group="seek-unread", exit_on_error=False,
          description="find the next unread paper")  # fmt: skip
    def _seek_unread(
        self,
        store: Store,
        query: str,
        digest: str | None,
        ids: list[int],
        cursor: int,
        step: int,
        others: list[str],
    ) -> None:
        unread_query = f"{query} is:unread".strip()
        worker = get_current_worker()
        unread = set(store.list_ids(unread_query, digest=digest))
        indexes = range(cursor + 1, len(ids)) if step > 0 else range(cursor - 1, -1, -1)
        found = next((ids[i] for i in indexes if ids[i] in unread), None)
        if found is None:
            for name in others:  # this view is done: the next digest with unread papers
                there = store.list_ids(unread_query, digest=name)
                if there and not worker.is_cancelled:
                    rowid = there[0] if step > 0 else there[-1]
                    self.post_message(msg.UnreadFound(rowid, name, switch=True))
                    return
            # Round past the last: this view again, from its other end (before, "No more
            # unread papers here." while unread papers were listed above the cursor).
            indexes = range(cursor) if step > 0 else range(len(ids) - 1, cursor, -1)
            found = next((ids[i] for i in indexes if ids[i] in unread), None)
        if not worker.is_cancelled:
            self.post_message(msg.UnreadFound(found, digest, switch=False))

    def on_unread_found(self, message: msg.UnreadFound) -> None:
        if message.rowid is None:
            self._seeks.clear()  # (said once for a burst)
            self.notify("No more unread papers here.", markup=False)
        elif message.switch:
            # Another digest's listing comes later: the presses after this one are
            # dropped (sought in this listing, they would find the same paper).
            self._seeks.clear()
            self._jump_to = message.rowid
            self.resume_rowid = message.rowid
            self.show_digest(message.digest)
        elif message.rowid in self.paper_list.positions:
            self.paper_list.move_cursor(self.paper_list.positions[message.rowid])
        self._seek_next()

    def show_digest(self, name: str | None) -> None:
        """Show one digest by name, or all papers (None)."""
        self.digest = name
        self.reload()

    def search_for(self, query: str) -> None:
        """Search `query` in the view chosen: listed again even when the text is the
        same (the view changed under it; the box's change alone would not list)."""
        if self.search_box.value == query:
            self.reload()
        else:
            self.search_box.set_query(query)
