"""Closing the store while another thread is in the middle of a query.

The reader closes its store when it quits; a worker thread may still be
counting unread papers. Closing that thread's connection under its running
query crashed the process; close() now interrupts it and leaves it to its
thread, and the store refuses any further use.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tui_digest.core.store import CacheError, Store

# A query that runs until it is interrupted (far longer than any test).
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def test_close_interrupts_another_threads_running_query(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.db")
    started = threading.Event()
    finished = threading.Event()
    release = threading.Event()
    outcome: dict[str, BaseException | None] = {}

    def worker() -> None:
        conn = store._conn()
        # The progress handler says when the query is really running.
        conn.set_progress_handler(lambda: started.set() or 0, 1000)
        try:
            conn.execute(ENDLESS).fetchone()
            outcome["query"] = None
        except sqlite3.Error as exc:
            outcome["query"] = exc
        try:
            store.count("")
            outcome["after"] = None
        except CacheError as exc:
            outcome["after"] = exc
        finished.set()
        release.wait(5)  # stay alive, like a pool thread, until the test is done

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert started.wait(10)
        store.close()  # from the main thread, as the app's unmount does
        assert finished.wait(10), "the running query was not interrupted"
        assert isinstance(outcome["query"], sqlite3.OperationalError)
        assert "interrupt" in str(outcome["query"])
        assert isinstance(outcome["after"], CacheError)
        assert "closed" in str(outcome["after"])
    finally:
        release.set()
        thread.join(10)


def test_close_closes_own_and_finished_threads_connections(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.db")
    own = store._conn()
    seen: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: seen.append(store._conn()))
    thread.start()
    thread.join(10)
    store.close()
    for conn in (own, seen[0]):
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
