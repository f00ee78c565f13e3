"""Answers kept per connection while the cache's data does not change.

A search is planned and read several times for one keystroke: its page, its
count (in the reader's thread, just after) and its full id list, and again
on the keystrokes that follow. What one of them read and another needs is
kept here: the keys of a query with few matches (read once, they answer the
page, the count and the id list) and the papers a `date:` range relisted.

An answer is valid while the stamp of its connection is unchanged: SQLite's
`data_version` (another connection committed) and the connection's
`total_changes` (it wrote itself). The connection is held, so that its id is
not reused by another while the entry lives.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Hashable

_CONNECTIONS = 8


class PerConnection:
    """A bounded dict of answers per connection, emptied when the data changes."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._by_conn: dict[
            int, tuple[sqlite3.Connection, tuple[int, int], OrderedDict[Hashable, object]]
        ] = {}

    def answers(self, conn: sqlite3.Connection) -> OrderedDict[Hashable, object]:
        # data_version changes when another connection commits; total_changes when this one writes.
        stamp = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes)
        entry = self._by_conn.get(id(conn))
        if entry is None or entry[0] is not conn or entry[1] != stamp:
            if entry is None and len(self._by_conn) >= _CONNECTIONS:
                self._by_conn.pop(next(iter(self._by_conn)))
            entry = self._by_conn[id(conn)] = (conn, stamp, OrderedDict())
        return entry[2]

    def put(self, answers: OrderedDict[Hashable, object], key: Hashable, value: object) -> None:
        answers[key] = value
        answers.move_to_end(key)
        while len(answers) > self.entries:
            answers.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (benchmarks time a first reading with it)."""
        self._by_conn.clear()
