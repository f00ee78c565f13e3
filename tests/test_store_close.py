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


def test_a_pool_threads_connection_leaves_no_log_behind(tmp_path: Path) -> None:
    """The reader's workers run in pool threads that live until the process ends
    (asyncio's `to_thread`): their connections are never closed, and the log
    they left made every next start check the whole cache as after a crash."""
    from concurrent.futures import ThreadPoolExecutor

    from tui_digest.core.model import Digest, Paper

    db = tmp_path / "cache.db"
    wal = Path(f"{db}-wal")
    store = Store.open(db)
    with ThreadPoolExecutor(1) as pool:
        digest = Digest("d", papers=[Paper(id="2401.00001", title_en="t")])
        pool.submit(store.import_digest, digest).result()
        [rowid] = pool.submit(store.list_ids, "").result()
        pool.submit(store.set_starred, [rowid]).result()
        assert wal.exists() and wal.stat().st_size > 0
        store.close()  # the pool's thread is alive: its connection is only interrupted
        assert not wal.exists() or wal.stat().st_size == 0
    with Store.open(db) as again:
        assert again.get_papers([rowid])[0].starred
