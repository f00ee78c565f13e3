"""`Store`'s methods for the user's own state: read/starred, tags, notes, watches.

Each method hands its work to one module: `user_state` (read/starred;
`marking` for the reader's keys), `user_log` (tags, notes, the time of every
change; state files merged), `watch_lists` (each watch's papers and unread
count) and `watch_seen` (what `watch --since-last-run` has shown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tui_digest.core.store import hand_read, papers, undo_log, user_state
from tui_digest.core.store.connection import Connections

if TYPE_CHECKING:
    from tui_digest.core.store import marking, user_log, watch_lists
    from tui_digest.core.store.picked import Found, Picked

# `user_log` and `watch_seen` load when a method here first needs them: the
# reader's first frame reads neither (issue 13 req 5).


class UserMethods(Connections):
    """The user's marks, tags, notes and watches; part of `Store`."""

    # --- Read / starred (see `user_state`) ------------------------------------

    # Patient: a concurrent import may hold the write lock for a while; the
    # user's marks wait for it rather than fail (see `connection`).
    # `by_hand`: the user set it (a key, the CLI), not the read timer nor a bulk
    # "all read": a read flag set so is remembered, and the timer never marks
    # those papers again (see `hand_read`; a star says nothing about reading).
    def change_flag(
        self, flag: str, rowids: Sequence[int], value: bool, *, by_hand: bool = False
    ) -> list[int]:
        """Set "read" or "starred" to `value`; the papers that changed (what undo needs)."""
        with self._write(patient=True) as conn:
            if by_hand and flag == "read":
                hand_read.remember(conn, rowids)
            return user_state.change_flag(conn, flag, rowids, value)

    def toggle_flag(
        self, flag: str, rowids: Sequence[int], *, by_hand: bool = False
    ) -> tuple[bool, list[int]]:
        """Set the flag on all `rowids` unless all have it, then clear it (one transaction)."""
        with self._write(patient=True) as conn:
            if by_hand and flag == "read":
                hand_read.remember(conn, rowids)
            return user_state.toggle_flag(conn, flag, rowids)

    def mark(
        self,
        flag: str,
        rowids: Sequence[int],
        value: bool | None = None,
        *,
        ids: Mapping[int, str] | None = None,
        by_hand: bool = False,
        undoable: bool = False,
    ) -> marking.Marked:
        """The reader's `s`, `m`, `M`: set the flag to `value` (None: the toggle) on
        the papers as they are when written; `ids`, the arXiv ids the reader
        showed for them, finds a paper removed meanwhile by its id and keeps its
        mark waiting for it (see `marking`). `undoable`: the change's undo entry
        is written in the same transaction (see `push_undo`)."""
        from tui_digest.core.store import marking  # (it loads `user_log`: not at start)

        with self._write(patient=True) as conn:
            done = marking.mark(conn, flag, rowids, value, ids, by_hand=by_hand)
            if undoable:
                undo_log.push(
                    conn, flag, done.value, done.changed, len(rowids), awaited=done.awaited
                )
            return done

    def timer_read(self, rowid: int, *, undoable: bool = False) -> list[int]:
        """The read timer's mark: [rowid] when it became read, [] when it was read
        already or its read flag was set by hand (`hand_read`). `undoable`
        (opening a paper): its undo entry in the same transaction."""
        with self._write(patient=True) as conn:
            changed = hand_read.timer_read(conn, rowid)
            if undoable:
                undo_log.push(conn, "read", True, changed, 1)
            return changed

    def read_by_hand(self, rowids: Sequence[int]) -> set[int]:
        """Of `rowids`, those whose read flag the user set by hand."""
        return hand_read.by_hand(self._conn(), rowids)

    # --- Undo (see `undo_log`): kept in the cache, so ctrl+z survives a restart ---

    def push_undo(self, flag: str, value: bool, rowids: Sequence[int], asked: int) -> None:
        """Remember a change already written, in a transaction of its own. The
        reader passes `undoable=True` to `mark`/`timer_read` instead: `M` then
        `push_undo` were two commits, and a reader killed between them kept
        31,322 read marks ctrl+z could never take back (found by a bug hunt)."""
        with self._write(patient=True) as conn:
            undo_log.push(conn, flag, value, rowids, asked)

    def undo_last(self) -> undo_log.Undone | None:
        """Take back the newest remembered change (None: nothing to undo).

        It marks nothing as set by hand (`hand_read`): an `m` undone was
        remembered by the `m` itself, and an `M` undone is not a choice about
        each paper. Undoing `M` turned the read timer off for good on every
        paper it had marked (found by a regression hunt and a review).
        """
        with self._write(patient=True) as conn:
            return undo_log.undo_last(conn)

    def removals(self) -> int:
        """How many times papers were removed from the cache (`undo_log.removals`):
        read before a listing, it tells later whether its row numbers may since
        name other papers (`picked`)."""
        return undo_log.removals(self._conn())

    def picked(self, picked: Picked) -> Found:
        """The papers `picked` as they are now (`picked.resolve`), in one read."""
        from tui_digest.core.store.picked import resolve

        conn = self._conn()
        conn.execute("BEGIN")  # (one snapshot: the rows, the removal count, the ids)
        try:
            return resolve(conn, picked)
        finally:
            conn.execute("COMMIT")

    def present(self, rowids: Sequence[int]) -> set[int]:
        """Of `rowids`, the row numbers holding a paper now."""
        return set(user_state.present(self._conn(), rowids))

    def names_at(self, rowids: Sequence[int], listed_at: int | None) -> dict[int, str] | None:
        """The arXiv ids of a listing's rows `rowids` read at removal count
        `listed_at`, in one snapshot (`picked.names_at`: None when papers were
        removed since)."""
        from tui_digest.core.store.picked import names_at

        conn = self._conn()
        conn.execute("BEGIN")
        try:
            return names_at(conn, rowids, listed_at)
        finally:
            conn.execute("COMMIT")

    def undo_depth(self) -> int:
        return undo_log.depth(self._conn())

    def count_unread(self) -> int:
        return user_state.count_unread(self._conn())

    def unread_by_digest(self) -> dict[str, int]:
        return user_state.unread_by_digest(self._conn())

    def set_read(self, rowids: Sequence[int], read: bool = True, *, by_hand: bool = False) -> None:
        with self._write(patient=True) as conn:
            if by_hand:
                hand_read.remember(conn, rowids)
            user_state.set_flag(conn, "read", rowids, read)

    def set_starred(self, rowids: Sequence[int], starred: bool = True) -> None:
        with self._write(patient=True) as conn:
            user_state.set_flag(conn, "starred", rowids, starred)

    # --- Tags, notes, state that travels (see `user_log`) ---------------------

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        """arXiv ids of papers by row, in the given order (unknown rows left out)."""
        return [r.paper.id for r in papers.get_papers(self._conn(), rowids)]

    def edit_tags(
        self,
        ids: Sequence[str],
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        *,
        at: str | None = None,
    ) -> int:
        """Add/remove tags on papers by arXiv id; returns how many papers changed."""
        from tui_digest.core.store import user_log

        with self._write() as conn:
            return user_log.edit_tags(conn, ids, add, remove, at or user_log.stamp())

    def set_note(self, paper_id: str, note: str, *, at: str | None = None) -> bool:
        """Set (or clear, with "") the note of a paper by arXiv id; False when unchanged."""
        from tui_digest.core.store import user_log

        with self._write() as conn:
            return user_log.set_note(conn, paper_id, note, at or user_log.stamp())

    def set_note_unless_changed(self, paper_id: str, note: str, was: str) -> str | None:
        """Set the note unless it is no longer `was` (what the editor opened with):
        then nothing is written and the note as it is now is returned.

        A `state import` or `tui-digest note` may change it while the reader's
        editor is open; saving over it lost the newer text without a word
        (found by a bug hunt). Read and written in one write transaction."""
        from tui_digest.core.store import user_log

        with self._write() as conn:
            now = user_log.notes_of(conn, [paper_id]).get(paper_id, "")
            if now != was:
                return now
            user_log.set_note(conn, paper_id, note, user_log.stamp())
            return None

    def all_tags(self) -> list[tuple[str, int]]:
        from tui_digest.core.store import user_log

        return user_log.all_tags(self._conn())

    def export_state(self) -> list[user_log.Change]:
        from tui_digest.core.store import user_log

        return list(user_log.export_changes(self._conn()))

    def merge_state(self, changes: Sequence[user_log.Change]) -> user_log.MergeResult:
        """Merge a state file's changes in one transaction (newest change wins)."""
        from tui_digest.core.store import user_log

        with self._write() as conn:
            return user_log.merge(conn, changes)

    # --- Watches (see `watch_lists`, `watch_seen`) ----------------------------

    def watch_hits(
        self, watches: Sequence[tuple[str, str]], *, today: str | None = None
    ) -> watch_lists.WatchIndex:
        """Each (name, query) watch's papers and unread count (see `watch_lists`);
        `today` anchors date:today and date:-Nd (default the local date)."""
        from tui_digest.core.store import watch_lists  # (after the first frame: issue 13 req 5)

        return watch_lists.find_hits(self._conn(), watches, today)

    def watch_unread(self, index: watch_lists.WatchIndex) -> dict[str, int]:
        """Unread papers per watch of papers found before (after reading: no new search)."""
        from tui_digest.core.store import watch_lists

        return watch_lists.unread_counts(self._conn(), index)

    def claim_watch_unseen(
        self,
        found: Sequence[tuple[str, Sequence[int]]],
        *,
        run: str,
        now: float,
        until: float,
    ) -> list[tuple[str, list[int]]]:
        """Each (watch, rowids) of `found` with only the papers not shown yet for
        that watch and not claimed by another live run, claimed for `run` until
        `until` (Unix time) in one write transaction: two `watch --since-last-run`
        at once print each paper once in all. A claim is not "shown" yet: that
        is `confirm_watch_claim`, once the papers are printed; a run killed
        before (SIGKILL, a power loss) leaves claims that end with its process
        (or at `until`), and the papers come again."""
        from tui_digest.core.store import claims, watch_seen

        with self._write() as conn:
            return [
                (
                    name,
                    claims.take(
                        conn,
                        watch_seen.claim_job(name),
                        watch_seen.unseen(conn, name, ids),
                        run=run,
                        now=now,
                        until=until,
                    ).got,
                )
                for name, ids in found
            ]

    def confirm_watch_claim(
        self, claimed: Sequence[tuple[str, Sequence[int]]], *, run: str, when: str
    ) -> None:
        """The papers `run` claimed were printed: marked shown at `when`, for good.
        Only those still claimed: a paper removed meanwhile lost its claim, and
        its row number may now hold another paper, never printed."""
        from tui_digest.core.store import claims, watch_seen

        with self._write() as conn:
            for name, ids in claimed:
                job = watch_seen.claim_job(name)
                watch_seen.mark_seen(conn, name, claims.still_ours(conn, job, run, ids), when)
                claims.release(conn, job, run, None)

    def release_watch_claim(
        self, claimed: Sequence[tuple[str, Sequence[int]]], *, run: str
    ) -> None:
        """Drop `run`'s claims: the papers could not be printed, and come again."""
        from tui_digest.core.store import claims, watch_seen

        with self._write() as conn:
            for name, _ids in claimed:
                claims.release(conn, watch_seen.claim_job(name), run, None)
