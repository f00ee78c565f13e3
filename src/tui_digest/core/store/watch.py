"""Noticing that another process changed the cache (a cron `tui-digest fetch`, a CLI import).

`PRAGMA data_version` (https://www.sqlite.org/pragma.html#pragma_data_version)
is per connection and changes when *another* connection commits: a cheap
poll. The watcher keeps a connection of its own, so every commit to the file,
including the reader's own (its fetches, its read/star marks from other
threads' connections), moves it. Only when it moved does the watcher read a
small fingerprint of what the listings show (papers and digests), and one of
the user's marks (`tui-digest mark`, `tag`, `note` in another process): marks
only refresh the rows' flags and the counts, so marking papers read never
makes the reader re-list itself.
The reader's own fetch moves the fingerprint too: it then refreshes once more
than needed (harmless; the listing keeps its place).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tui_digest.core.cache_access import readonly_uri
from tui_digest.core.errors import CacheError
from tui_digest.core.store import undo_log
from tui_digest.core.store.user_state import MERGES

# The `meta` counter of edits of stored papers' text (`papers.update_paper`:
# arXiv's answers, machine translations), which change neither papers' count
# nor any digest: a cron `fetch` asks arXiv after its import has committed, and
# an open reader that re-listed after the import never saw the words
# enrichment added (its watch lists missed them; found by a bug hunt).
EDITS = "papers_edited"
# Cheap on any size of cache: max(pk) uses the primary key; digests are few.
# A new paper raises max(pk); a new digest or a same-day update changes the
# digests' count, sizes or `updated_at`; an edit of a paper moves `EDITS`.
_FINGERPRINT = (
    "SELECT (SELECT max(pk) FROM papers), count(*), sum(count), max(updated_at), "
    f"(SELECT value FROM meta WHERE key = '{EDITS}') FROM digests"
)
# The user's marks, tags and notes: every change of them stamps `user_state`
# (triggers on papers' read/starred, `user_log` for the rest), so another
# process's `tui-digest mark`, `tag` or `note` moves it. Read only when a commit
# happened (data_version moved): one pass over the changes recorded.
# A `state import` keeps each change's own time, often older than the newest
# here: `user_log.merge` counts itself in `meta` so that it moves this too.
# (MERGES: the `meta` counter of state imports that changed something.)
_MARKS = (
    f"SELECT count(*), max(changed_at), (SELECT value FROM meta WHERE key = '{MERGES}') "
    "FROM user_state"
)


class UpgradedElsewhere(CacheError):
    """A newer tui-digest upgraded the cache while this process had it open."""


class CacheWatch:
    """Tells whether papers or digests, or the user's marks, changed since the last
    `what_changed()` call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # poll workers run on changing threads
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._marks: tuple[object, ...] | None = None
        self._removals = 0
        # The removal counts (before, after) the last call that saw papers removed
        # went between (`undo_log.removals`): the reader tells its own removal
        # from another process's by them (`ListingScreen.cache_changed`).
        self.removal_span: tuple[int, int] | None = None

    def data_version(self) -> int:
        """This connection's `PRAGMA data_version` (moves on another connection's commit)."""
        with self._lock:
            return self._data_version()

    def _data_version(self) -> int:
        if self._conn is None:
            # Read-only: the watcher never writes. check_same_thread=False because
            # each poll runs in a new worker thread; the lock keeps them in turn.
            self._conn = sqlite3.connect(
                readonly_uri(self.path), uri=True, check_same_thread=False, timeout=10
            )
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def what_changed(self) -> tuple[bool, bool, bool]:
        """(papers or digests, the user's marks, papers removed) changed since the
        last call (the first call sets the baseline). The reader's own marks count
        too: it then reads its rows' flags again, which changes nothing it shows."""
        try:
            return self._changed()
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot look for changes: {exc}") from exc

    def _changed(self) -> tuple[bool, bool, bool]:
        with self._lock:
            version = self._data_version()
            if version == self._version:
                return False, False, False
            self._version = version
            assert self._conn is not None
            self._refuse_newer(self._conn)
            fingerprint = tuple(self._conn.execute(_FINGERPRINT).fetchone())
            marks = tuple(self._conn.execute(_MARKS).fetchone())
            # Papers removed (`undo_log.forget` counts them): their row numbers may go
            # to new papers, so numbers held since (a selection) no longer name them.
            removals = undo_log.removals(self._conn)
            first = self._fingerprint is None
            moved = fingerprint != self._fingerprint
            marked = marks != self._marks
            removed = removals != self._removals
            self.removal_span = (self._removals, removals) if removed and not first else None
            self._fingerprint, self._marks, self._removals = fingerprint, marks, removals
            if first:
                return False, False, False
            return moved or removed, marked, removed

    def _refuse_newer(self, conn: sqlite3.Connection) -> None:
        """A newer release's command upgraded the cache under this reader: its
        writes by the old rules then went wrong for good (a note saved in the
        old search form was never found again; found by a bug hunt)."""
        from tui_digest.core import schema  # (loaded by the store's open already)

        found = schema.user_version(conn)
        if found > schema.SCHEMA_VERSION:
            raise UpgradedElsewhere(
                f"{self.path} was upgraded by a newer tui-digest (schema {found}; this "
                f"reader knows {schema.SCHEMA_VERSION}): nothing more is saved from this "
                "reader; quit and start the new one"
            )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
