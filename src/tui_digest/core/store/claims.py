"""Claims on papers: which run is working on which paper, so two runs share the work.

A job (machine translation) takes the claims of the papers it is about to
send in one short write transaction and drops them once their answers are
saved. A paper claimed by another run is left to it. A claim ends when its
run drops it, when its `until` has passed (a hung or stopped process), or,
on this host, as soon as its process is gone (a killed run never drops its
claims). The rules of what a job does with its papers stay with the job.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui_digest.core.processes import process_alive, this_host
from tui_digest.core.store.rows import in_chunks


@dataclass(frozen=True, slots=True)
class Claim:
    """Another run's claim: its process and since when (Unix time)."""

    pid: int
    host: str
    since: float


@dataclass(slots=True)
class Claimed:
    got: list[int] = field(default_factory=list)  # ours now, in the order asked
    held: dict[int, Claim] = field(default_factory=dict)  # another run's


def take(
    conn: sqlite3.Connection,
    job: str,
    rowids: Sequence[int],
    *,
    run: str,
    now: float,
    until: float,
    pid: int | None = None,
    host: str | None = None,
    alive: Callable[[int], bool] = process_alive,
) -> Claimed:
    """Claim `rowids` for `run` (inside the caller's write transaction).

    A paper whose claim belongs to another live run is left (`held`); a claim
    past its `until`, or of a process of this host that is gone, is taken over.
    """
    pid = os.getpid() if pid is None else pid
    host = this_host() if host is None else host
    result = Claimed()
    for chunk, marks in in_chunks(rowids):
        rows = conn.execute(
            f"SELECT paper, run, pid, host, since, until FROM claims "
            f"WHERE job = ? AND paper IN ({marks})",
            [job, *chunk],
        ).fetchall()
        for paper, owner, other_pid, other_host, since, ends in rows:
            gone = ends <= now or (other_host == host and not alive(other_pid))
            if owner != run and not gone:
                result.held[paper] = Claim(other_pid, other_host, since)
        mine = [p for p in chunk if p not in result.held]
        conn.executemany(
            "INSERT OR REPLACE INTO claims(job, paper, run, pid, host, since, until) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(job, p, run, pid, host, now, until) for p in mine],
        )
        result.got.extend(mine)
    return result


def still_ours(conn: sqlite3.Connection, job: str, run: str, rowids: Sequence[int]) -> list[int]:
    """The papers of `rowids` (in their order) `run` still holds a claim on.

    Removing a paper drops its claims (`retention`), and SQLite gives its row
    number to the next paper added: a row no longer claimed by `run` may hold
    another paper, which `run` never saw (found by a bug hunt)."""
    ours: set[int] = set()
    for chunk, marks in in_chunks(rowids):
        ours.update(
            r[0]
            for r in conn.execute(
                f"SELECT paper FROM claims WHERE job = ? AND run = ? AND paper IN ({marks})",
                [job, run, *chunk],
            )
        )
    return [r for r in rowids if r in ours]


def release(conn: sqlite3.Connection, job: str, run: str, rowids: Sequence[int] | None) -> None:
    """Drop `run`'s claims on `rowids` (None: all of them)."""
    if rowids is None:
        conn.execute("DELETE FROM claims WHERE job = ? AND run = ?", (job, run))
        return
    for chunk, marks in in_chunks(rowids):
        conn.execute(
            f"DELETE FROM claims WHERE job = ? AND run = ? AND paper IN ({marks})",
            [job, run, *chunk],
        )
