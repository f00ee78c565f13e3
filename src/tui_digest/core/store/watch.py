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

A restore while the reader is open (a backup renamed over the cache, or `cp`
over it after deleting `-wal`/`-shm`) moves nothing of that: every connection
keeps the file (and log) it opened. The reader said nothing, or "malformed" of
a sound file, and confirmed marks that went into the unlinked file or nowhere
(found by a bug hunt). So each look first compares the file at the cache's
path with the one the store opened, and the `-wal` with the one the watcher's
connection holds open (SQLite removes it only when the last connection
closes): a `stat` of each, nothing read (`ReplacedElsewhere`). A rename shows
in the file, a `cp` over it (the same file) only in the log it needed deleted.
"""

from __future__ import annotations

import os
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


FileId = tuple[int, int]  # (st_dev, st_ino)


def file_id(path: Path | str) -> FileId | None:
    """Which file is at `path` (following links), or None when none is."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


class NothingMoreSaved(CacheError):
    """The cache this reader opened can no longer be written by it: the store is
    then made read-only (`ui.follow`), so a key refuses instead of confirming."""


class UpgradedElsewhere(NothingMoreSaved):
    """A newer tui-digest upgraded the cache while this process had it open."""


class ReplacedElsewhere(NothingMoreSaved):
    """The file at the cache's path is no longer the one this process opened."""


# SQLITE_CORRUPT ("database disk image is malformed"), SQLITE_NOTADB ("file is
# not a database"): https://www.sqlite.org/rescode.html
_DAMAGED_CODES = (11, 26)


def _damaged(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGED_CODES


def changed_under(path: object, error: BaseException) -> ReplacedElsewhere | None:
    """The `ReplacedElsewhere` a write's failure means when it (or what it was
    raised from) is SQLite's "malformed" or "not a database": the file changed
    under this process (a `cp` over it) or was damaged. Else None.

    The reader's own write met the copy first, failed, and committed nothing,
    so its watcher, which looks after a commit, never saw it: the reader went
    on writable, saying only "Could not save" (a regression hunt, intermittent
    under load)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, sqlite3.Error) and _damaged(cause):
            return ReplacedElsewhere(
                f"{path}: the cache file changed under this reader (replaced or "
                f"damaged: {cause}); nothing more is saved from this reader: quit and "
                "start the reader again"
            )
        cause = cause.__cause__ or cause.__context__
    return None


class CacheWatch:
    """Tells whether papers or digests, or the user's marks, changed since the last
    `what_changed()` call."""

    def __init__(self, path: Path, file_id: FileId | None = None) -> None:
        self.path = path
        # The cache file the store opened (`file_id`), and the log beside it once
        # this watcher's connection holds it: another file at either name is a
        # replaced cache (None: not known yet; a log that was not there: not checked).
        self._file = file_id
        self._log: FileId | None = None
        self._log_path = Path(os.path.realpath(path) + "-wal")
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
            # The file changed under this reader with its inode and log kept
            # (`cp backup cache.db` without deleting -wal/-shm, or damage): read
            # through the old log it is "malformed"; writes must stop.
            if (replaced := changed_under(self.path, exc)) is not None:
                raise replaced from exc
            raise CacheError(f"{self.path}: cannot look for changes: {exc}") from exc

    def _changed(self) -> tuple[bool, bool, bool]:
        with self._lock:
            self._refuse_replaced()
            first_look = self._conn is None
            version = self._data_version()
            if first_look:
                self._file = self._file or file_id(self.path)
                self._log = file_id(self._log_path)  # (held open by the connection now)
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

    def _refuse_replaced(self) -> None:
        """`ReplacedElsewhere` when the file or log at the cache's path is another
        than the one opened (before any query: one reads the new file through
        the old log, "malformed")."""
        if self._file is not None and file_id(self.path) != self._file:
            how = "removed or moved away" if not self.path.exists() else "replaced (restored?)"
        elif self._log is not None and file_id(self._log_path) != self._log:
            how = (
                f"replaced (restored?): its write-ahead log ({self._log_path.name}) is not "
                "the one this reader opened"
            )
        else:
            return
        raise ReplacedElsewhere(
            f"{self.path}: the cache file was {how}; nothing more is saved from this "
            "reader: quit and start the reader again"
        )

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
