"""Stopping an upgrade under way (`Store.open(stop_upgrade=)`, bug hunt `upgrade2` #1).

The reader quitting during an upgrade waited for it to end. Set from another
thread, the event stops the step running (its transaction rolls back) or, set
between steps, the next one; the cache stays at the last step committed and
the next open upgrades it.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from test_migrations import v7_cache
from tui_digest.core import schema
from tui_digest.core.errors import UpgradeStopped
from tui_digest.core.store import Store

ENDLESS = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000000) "
    "SELECT count(*) FROM c"
)


def version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return schema.user_version(conn)


def test_a_stop_before_a_long_statement_of_a_step_rolls_the_step_back(
    tmp_path, monkeypatch
) -> None:
    db = v7_cache(tmp_path / "c.db")
    stop = threading.Event()
    steps = list(schema.MIGRATIONS)
    real = steps[7]
    conns: list[sqlite3.Connection] = []

    def slow(conn: sqlite3.Connection) -> None:
        conns.append(conn)
        real(conn)
        # Set between two statements of the step (SQLite's own interrupt would
        # be a no-op then); the reader's test sets it from another thread.
        stop.set()
        conn.execute(ENDLESS).fetchone()

    steps[7] = slow
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    try:
        with pytest.raises(UpgradeStopped, match="the upgrade was stopped"):
            Store.open(db, stop_upgrade=stop)
    finally:
        if not stop.is_set():
            for conn in conns:
                conn.interrupt()
    assert version(db) == 7
    with sqlite3.connect(db) as conn:
        assert not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'removed_days'"
        ).fetchone()
    monkeypatch.setattr(schema, "MIGRATIONS", [*steps[:7], real, *steps[8:]])
    with Store.open(db) as store:
        assert [r.title_en for r in store.search("")] == ["Kept"]
    assert version(db) == schema.SCHEMA_VERSION


def test_a_stop_between_steps_keeps_the_steps_done(tmp_path, monkeypatch) -> None:
    """A step of small statements only (none long enough to be looked into)
    ends; the next step does not begin."""
    db = v7_cache(tmp_path / "c.db")
    stop = threading.Event()
    steps = list(schema.MIGRATIONS)
    real = steps[7]

    def then_stop(conn: sqlite3.Connection) -> None:
        real(conn)
        stop.set()

    steps[7] = then_stop
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    with pytest.raises(UpgradeStopped):
        Store.open(db, stop_upgrade=stop)
    assert version(db) == 8  # step 7 -> 8 committed, no later one


def test_an_upgrade_not_stopped_ends_as_before(tmp_path) -> None:
    db = v7_cache(tmp_path / "c.db")
    with Store.open(db, stop_upgrade=threading.Event()) as store:
        assert [r.title_en for r in store.search("")] == ["Kept"]
    assert version(db) == schema.SCHEMA_VERSION
