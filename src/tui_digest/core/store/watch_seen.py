"""What `tui-digest watch --since-last-run` has already shown, per watch (issue 10 req 5).

One row per (watch name, arXiv id) shown. Keyed by the arXiv id rather than the
paper's row number, so a paper re-announced (`replace`) or a rebuilt cache still
counts as shown. The table is created on first write (CREATE TABLE IF NOT
EXISTS inside the write transaction), so older caches need no migration and a
read-only store simply has nothing shown yet.

It travels with the user's state (`state export`, field `watch_seen`: one
line per paper and watch, the watch's name as the value). Being shown is for
good, so importing is a union: a line adds what this cache lacks and never
takes anything away, whatever its time (`merge_seen`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from tui_digest.core.store.rows import in_chunks

_CREATE = (
    "CREATE TABLE IF NOT EXISTS watch_seen ("
    "watch TEXT NOT NULL, id TEXT NOT NULL, shown_at TEXT NOT NULL, "
    "PRIMARY KEY (watch, id)) WITHOUT ROWID"
)


def _exists(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'watch_seen'"
    ).fetchone()
    return row is not None


def unseen(conn: sqlite3.Connection, watch: str, rowids: Sequence[int]) -> list[int]:
    """The papers of `rowids` (in their order) not yet shown for `watch`."""
    if not rowids or not _exists(conn):
        return list(rowids)
    seen = {
        r[0]
        for r in conn.execute(
            "SELECT p.pk FROM watch_seen w JOIN papers p ON p.id = w.id WHERE w.watch = ?",
            (watch,),
        )
    }
    return [r for r in rowids if r not in seen]


def mark_seen(conn: sqlite3.Connection, watch: str, rowids: Sequence[int], when: str) -> None:
    """Remember `rowids` as shown for `watch` (call inside a write transaction)."""
    conn.execute(_CREATE)
    for chunk, marks in in_chunks(rowids):
        conn.execute(
            "INSERT OR IGNORE INTO watch_seen (watch, id, shown_at) "
            f"SELECT ?, id, ? FROM papers WHERE pk IN ({marks})",
            (watch, when, *chunk),
        )


def claim_job(watch: str) -> str:
    """The job name of `watch`'s claims (`store.claims`): papers a running
    `watch --since-last-run` is printing, marked shown only once printed."""
    return f"watch:{watch}"


def exported(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(arXiv id, watch, shown at) of everything shown, by id then watch."""
    if _exists(conn):
        yield from conn.execute("SELECT id, watch, shown_at FROM watch_seen ORDER BY id, watch")


def merge_seen(conn: sqlite3.Connection, seen: Iterable[tuple[str, str, str]]) -> list[str]:
    """Add (arXiv id, watch, shown at) rows this cache lacks (inside a write
    transaction); returns the arXiv id of each row that was new. A paper not in
    the cache yet is kept too: it counts as shown when it arrives."""
    conn.execute(_CREATE)
    added: list[str] = []
    for pid, watch, when in seen:
        cur = conn.execute(
            "INSERT OR IGNORE INTO watch_seen (watch, id, shown_at) VALUES (?, ?, ?)",
            (watch, pid, when),
        )
        if cur.rowcount:
            added.append(pid)
    return added
