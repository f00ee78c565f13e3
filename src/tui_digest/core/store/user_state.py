"""The user's own marks on papers: read and starred."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_digest.core.store.rows import CHUNK

FLAGS = ("read", "starred")


def set_flag(conn: sqlite3.Connection, column: str, rowids: Sequence[int], value: bool) -> None:
    """Set `column` (one of FLAGS) on the papers `rowids`; rows already set are not written."""
    if column not in FLAGS:
        raise ValueError(f"unknown flag {column!r}")
    for i in range(0, len(rowids), CHUNK):
        chunk = rowids[i : i + CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"UPDATE papers SET {column} = ? WHERE pk IN ({marks}) AND {column} != ?",
            (int(value), *chunk, int(value)),
        )
