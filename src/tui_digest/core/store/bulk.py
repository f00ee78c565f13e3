"""Many rows in one statement: `INSERT … SELECT * FROM (VALUES (?, …), (?, …), …)`.

`executemany` steps SQLite once per row and takes the GIL back between rows.
While another thread runs Python (`read_ahead`: the next batch being read and
tokenised), each of those takes waits for that thread to let go of the GIL,
up to `sys.getswitchinterval()` (5 ms): 4,000 search rows took 0.7-1.1 s
alone and 5.0-5.4 s beside a busy thread (load average ~9). The same rows as
multi-row statements step SQLite once per statement, letting go of the GIL
for all of it: 2.1 s beside the busy thread, and no more CPU than
`executemany` (a JSON array taken apart by `json_each` cost ~15 % more).

Python's sqlite3 keeps every statement it compiled (128 per connection), and
a statement of N rows holds memory for all of its parameters: one shape per
row count grew a 23-file import by ~5 MB a file (56 → 164 MB). So the rows
are padded with all-NULL rows, which the statement leaves out, up to the next
power of two (from `SMALLEST` rows) or to a full chunk: at most a dozen
shapes per INSERT, together ~2 × `ROWS` rows of parameters, and a chunk is
still one statement. Padding to a multiple of 500 rows, as before, cost a
small digest ~430 empty rows per table (154 digests of 67 papers: the
papers' inserts 0.55 → 0.28 s); sending a count as its binary digits instead
(67 = 64 + 2 + 1, no padding) made a 1,000-paper batch six statements, each
taking the GIL back from the reading thread, and the 65k import slower.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

ROWS = 2000  # rows per statement at most (fewer when their parameters pass SQLite's limit)
SMALLEST = 16  # the fewest rows a statement is padded to


@lru_cache(maxsize=64)
def values_sql(sql: str, rows: int) -> str:
    """`INSERT … (cols) VALUES (?, …)` for `rows` rows, all-NULL ones left out."""
    head, sep, values = sql.partition(" VALUES ")
    if not sep or not values.startswith("(") or not values.endswith(")"):
        raise ValueError(f"not a plain INSERT … VALUES (…): {sql}")
    width = values.count("?")
    columns = ", ".join(f"column{i}" for i in range(1, width + 1))
    real = f"coalesce({columns}) IS NOT NULL" if width > 1 else "column1 IS NOT NULL"
    return f"{head} SELECT * FROM (VALUES {','.join([values] * rows)}) WHERE {real}"


def shape(count: int, most: int) -> int:
    """The rows a statement for `count` rows holds: the next power of two from
    `SMALLEST`, or `most` (a full chunk) where that is fewer."""
    return min(most, max(SMALLEST, 1 << (count - 1).bit_length()))


def insert_rows(
    conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[object]], *, bulk: bool
) -> None:
    """`conn.executemany(sql, rows)`; as multi-row statements when `bulk`.

    No row may be all NULL (padding rows are, and are left out).
    """
    if not rows:
        return
    if not bulk:
        conn.executemany(sql, rows)
        return
    width = len(rows[0])
    most = max(1, min(ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    for i in range(0, len(rows), most):
        chunk = rows[i : i + most]
        padded = shape(len(chunk), most)
        params = list(chain.from_iterable(chunk))
        params += [None] * ((padded - len(chunk)) * width)
        conn.execute(values_sql(sql, padded), params)
