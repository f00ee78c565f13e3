"""How large the cache's write-ahead log (`cache.db-wal`) may grow while it is open.

SQLite checkpoints the log (copies its pages into the cache) once a commit
leaves it over `wal_autocheckpoint` pages, 1000 by default: ~4 MB at SQLite's
default 4 KiB page, but the cache's pages are 16 KiB (`connection._prepare`),
so the log grew to 16 MB before its first checkpoint. Nor does a checkpoint
make the file smaller: "in WAL mode, the write-ahead log file is not truncated
following a checkpoint. Instead, SQLite reuses the existing file for subsequent
WAL entries since overwriting is faster than appending" (SQLite's
documentation, https://sqlite.org/pragma.html#pragma_journal_size_limit). Only
the last connection's close removed it, so beside a reader left open (its
connections stay) the log stood at 16.5 MB next to a 0.7 MB cache, and
`tui-digest stats` counted it in the cache's size (bug hunt `soak` #2).

Every writable connection therefore sets both:

- `wal_autocheckpoint` to the pages of `LOG_LIMIT` (SQLite's own ~4 MB):
  "Setting the auto-checkpoint size to zero or a negative value turns
  auto-checkpointing off", so it stays at least one page
  (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint);
- `journal_size_limit` to `LOG_LIMIT`: "Each time a transaction is committed
  or a WAL file resets, SQLite compares the size of the rollback journal file
  or WAL file left in the file-system to the size limit set by this pragma and
  if the journal or WAL file is larger it is truncated to the limit" (the
  page above). The log resets when a write begins after a checkpoint that
  copied all of it, so a log that one large import grew is cut back to the
  limit by the next write, whichever process makes it.

The log still holds a transaction larger than the limit whole until it is
checkpointed (an import of a large digest), as it must.
"""

from __future__ import annotations

import sqlite3

LOG_LIMIT = 4 * 1024 * 1024  # bytes


def limit_log(conn: sqlite3.Connection) -> None:
    """Set the log's checkpoint size and size limit on a writable connection."""
    page = int(conn.execute("PRAGMA page_size").fetchone()[0]) or 4096
    conn.execute(f"PRAGMA wal_autocheckpoint = {max(1, LOG_LIMIT // page)}")
    conn.execute(f"PRAGMA journal_size_limit = {LOG_LIMIT}")
