"""The reader's marks (`s`, `m`, `M`) on the papers as they are when written.

The reader lists papers by row number; another process may remove some
before the mark is written (`digests rm` in another shell). `s` on such a
paper stored nothing and said "Unstarred 0 papers (1 already were)": no paper
lacked the star, so the toggle cleared it (found by a bug hunt). Inside the
write transaction, `mark` looks at which papers are still there: one gone
whose arXiv id the reader showed keeps the mark waiting for it, as a note saved
meanwhile does (`user_log`: a pending change, applied when it comes back); a
row number SQLite gave to a newer paper is not taken for the one shown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tui_digest.core.store import hand_read, user_log, user_state
from tui_digest.core.store.picked import Picked, resolve


class Marked(NamedTuple):
    """What `mark` did."""

    value: bool  # the value set
    changed: list[int]  # the papers whose flag changed, in row order (what undo needs)
    waiting: tuple[str, ...] = ()  # ids of papers gone meanwhile: the flag waits for them
    gone: int = 0  # papers gone meanwhile, of no known id: nothing kept for them
    # Of `waiting`, those whose waiting flag changed, with their row before (for undo).
    awaited: tuple[tuple[str, user_state.FlagRow], ...] = ()


def mark(
    conn: sqlite3.Connection,
    column: str,
    rowids: Sequence[int],
    value: bool | None,
    ids: Mapping[int, str] | None = None,
    *,
    by_hand: bool = False,
) -> Marked:
    """Set `column` to `value` on the papers `rowids` (None: the toggle, as
    `toggle_flag`) as they are now, inside the caller's write transaction.

    `ids`: the arXiv ids the caller saw for (some of) `rowids`. A row number no
    longer holding that paper (removed meanwhile, the number perhaps given to a
    newer paper) is the paper by its id: marked if it is here (again), else
    the mark waits for it (`user_log.await_flags`). Rows of no known id are
    trusted when `ids` is None (row numbers read just now); else they are
    counted as `gone`, never taken for the papers now at those numbers. `by_hand`: a read
    flag the user set (`hand_read`), on the papers as found (a number given to a
    newer paper is not that paper)."""
    if column not in user_state.FLAGS:
        raise ValueError(f"unknown flag {column!r}")
    picked = Picked(tuple(rowids), ids or {})
    found = resolve(conn, picked, trust_unnamed=ids is None)
    present, away, gone = found.present, found.away, found.gone
    waiting = user_log.waiting_flags(conn, column, away) if away else {}
    if value is None:  # set it on all unless all have it; none here is not "all have it"
        lacking = user_state.changing(conn, column, present, True)
        value = bool(lacking) or not all(waiting.values())
        value = value or not (present or away)
    if by_hand and column == "read":
        hand_read.remember(conn, present)
        hand_read.remember_ids(conn, away)
    changed = user_state.change_flag(conn, column, present, value)
    awaited: tuple[tuple[str, user_state.FlagRow], ...] = ()
    if away:
        to_await = [p for p in away if waiting[p] != value]
        awaited = tuple(user_log.flag_rows(conn, column, to_await).items())
        user_log.await_flags(conn, column, to_await, value)
    return Marked(value, changed, tuple(away), gone, awaited)
