"""The reader's watch lists (issue 10 req 5): each watch's papers and its unread count.

A watch is a named query of the search language (config `[[watches]]`); its
papers are what `queries.list_ids` lists for it, in listing order. The
reader keeps the hits of every watch (to mark rows and name the watches in
the detail pane) and shows an unread count per watch in the digest picker.

The hits are found once per change of what a query can see (papers,
digests, the user's tags and notes, the watches themselves); reading papers
only changes the unread counts, and those are counted from the hits found
(`unread_counts`: one pass over the small `listing` table), not by running
every query again (benchmarks/watch_counts.py has the figures at 100k papers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from tui_digest.core.query import QueryError
from tui_digest.core.store import queries


@dataclass(slots=True)
class WatchHits:
    """One watch: its papers (row ids, in listing order), how many are unread,
    or the query language's complaint instead (`problem`)."""

    name: str
    query: str
    hits: list[int] = field(default_factory=list)
    unread: int = 0
    problem: str = ""


@dataclass(slots=True)
class WatchIndex:
    """Every watch's papers, and per paper the watches that find it (config order)."""

    watches: list[WatchHits] = field(default_factory=list)
    by_paper: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def names(self, rowid: int) -> tuple[str, ...]:
        return self.by_paper.get(rowid, ())

    def with_unread(self, unread: Mapping[str, int]) -> WatchIndex:
        """The same papers with new unread counts."""
        watches = [replace(w, unread=unread.get(w.name, 0)) for w in self.watches]
        return WatchIndex(watches, self.by_paper)


def find_hits(
    conn: sqlite3.Connection, watches: Iterable[tuple[str, str]], today: str | None = None
) -> WatchIndex:
    """Every watch's papers; a watch whose query the cache refuses carries the message.
    `today` anchors date:today and date:-Nd (the reader's clock; default the local date)."""
    found: list[WatchHits] = []
    for name, query in watches:
        try:
            found.append(WatchHits(name, query, queries.list_ids(conn, query, None, today=today)))
        except QueryError as exc:
            found.append(WatchHits(name, query, problem=str(exc)))
    by_paper: dict[int, tuple[str, ...]] = {}
    for watch in found:
        names = (watch.name,)
        for rowid in watch.hits:
            by_paper[rowid] = by_paper.get(rowid, ()) + names
    index = WatchIndex(found, by_paper)
    return index.with_unread(unread_counts(conn, index))


def unread_counts(conn: sqlite3.Connection, index: WatchIndex) -> dict[str, int]:
    """Unread papers per watch, from the papers found before.

    Looking each hit up in `papers` would read its ~3 KB row (a quarter of a
    second for 100k hits); instead the small `listing` table (pk and flags,
    ~20 bytes a paper) gives the read papers, or the unread ones when those
    are fewer, in one string, and each is looked up among the papers found.
    """
    counts = dict.fromkeys((w.name for w in index.watches), 0)
    if not index.by_paper:
        return counts
    total = int(conn.execute("SELECT count(*) FROM listing").fetchone()[0])
    read = int(conn.execute("SELECT count(*) FROM listing WHERE read").fetchone()[0])
    fewer_read = read <= total - read
    where = "read" if fewer_read else "NOT read"
    joined = conn.execute(f"SELECT group_concat(pk) FROM listing WHERE {where}").fetchone()[0]
    names_of = index.by_paper.get
    for rowid in map(int, joined.split(",")) if joined else ():
        for name in names_of(rowid, ()):
            counts[name] += 1
    if fewer_read:  # counted the read ones
        counts = {w.name: len(w.hits) - counts[w.name] for w in index.watches}
    return counts
