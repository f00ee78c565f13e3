"""A store's own wait hooks (`on_wait_here`, `on_wait_over`): the reader's.

The CLI's `Connections.on_wait` says on stderr that a write waits for another
process; the reader set none, and its marks waited a minute behind an import
without a word (bug hunt scalebulk, item 3). A store now tells its own hook when
a write starts waiting and when the wait is over, the lock got or given up.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import CacheError, Store, connection


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(
            Digest(name="d", papers=[Paper(id="2401.00001", title_en="A")]), source_name="d.md"
        )
    return path


def _other_process_writing(db: Path) -> sqlite3.Connection:
    other = sqlite3.connect(db, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_tells_its_stores_hooks_when_it_waits_and_when_it_has_the_lock(
    db: Path, monkeypatch
) -> None:
    monkeypatch.setattr(connection, "TELL_WAIT_AFTER_MS", 20)
    told_cli: list[Path] = []
    monkeypatch.setattr(connection.Connections, "on_wait", told_cli.append)
    events: list[tuple[str, Path]] = []
    waiting = threading.Event()
    store = Store.open(db)
    try:
        rowid = store.list_ids()[0]

        def started(path: Path) -> None:
            events.append(("wait", path))
            waiting.set()

        store.on_wait_here = started
        store.on_wait_over = lambda path: events.append(("over", path))
        other = _other_process_writing(db)
        writer = threading.Thread(target=lambda: store.set_starred([rowid]))
        writer.start()
        try:
            assert waiting.wait(10)
            assert events == [("wait", store.path)]  # not over while the lock is held
        finally:
            other.execute("COMMIT")
            other.close()
        writer.join(30)
        assert events == [("wait", store.path), ("over", store.path)]
        assert told_cli == []  # the store's own hook, not the class's
        assert store.get_papers([rowid])[0].starred
    finally:
        store.close()


def test_a_write_that_gives_up_waiting_tells_the_wait_is_over(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(connection, "TELL_WAIT_AFTER_MS", 20)
    events: list[str] = []
    store = Store.open(db)
    other = _other_process_writing(db)
    try:
        store.busy_ms, store.patient_attempts = 20, 2
        store._sleep = lambda _s: None
        store.on_wait_here = lambda _p: events.append("wait")
        store.on_wait_over = lambda _p: events.append("over")
        with pytest.raises(CacheError, match="locked by another tui-digest process"):
            store.set_starred(store.list_ids()[:1])
        assert events == ["wait", "over"]
    finally:
        other.execute("COMMIT")
        other.close()
        store.close()
