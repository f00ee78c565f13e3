"""Many rows in one statement: `INSERT … VALUES (?, …), (?, …), …`.

`executemany` steps SQLite once per row and takes the GIL back between rows.
While another thread runs Python (`read_ahead`: the next batch being read and
tokenised), each of those takes waits for that thread to let go of the GIL,
up to `sys.getswitchinterval()` (5 ms): 4,000 search rows took 0.7-1.1 s
alone and 5.0-5.4 s beside a busy thread (load average ~9). The same rows as
one multi-row VALUES per `ROWS` rows step SQLite once, letting go of the GIL
for the whole statement: 2.1 s beside the busy thread, and no more CPU than
`executemany` (0.68-0.71 s; a JSON array taken apart by `json_each` cost ~15 %
more). The same rows in the same order, bound the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

ROWS = 2000  # rows per statement (fewer when their parameters would pass SQLite's limit)


@lru_cache(maxsize=64)
def values_sql(sql: str, rows: int) -> str:
    """`INSERT … VALUES (?, …)` with `rows` rows of parameters."""
    head, sep, values = sql.partition(" VALUES ")
    if not sep or not values.startswith("(") or not values.endswith(")"):
        raise ValueError(f"not a plain INSERT … VALUES (…): {sql}")
    return f"{head} VALUES {','.join([values] * rows)}"


def insert_rows(
    conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[object]], *, bulk: bool
) -> None:
    """`conn.executemany(sql, rows)`; as multi-row statements when `bulk`."""
    if not rows:
        return
    if not bulk:
        conn.executemany(sql, rows)
        return
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    step = max(1, min(ROWS, limit // len(rows[0])))
    for i in range(0, len(rows), step):
        chunk = rows[i : i + step]
        conn.execute(values_sql(sql, len(chunk)), list(chain.from_iterable(chunk)))
