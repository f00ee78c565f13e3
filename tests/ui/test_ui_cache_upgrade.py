"""The reader on a cache an older release made: one it cannot upgrade, one it upgrades.

Read-only media are simulated as in test_ui_readonly.py (the suite runs as root):
`os.statvfs` reports ST_RDONLY where the guard asks.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from ui_support import detail_text, make_app, settle, status_text

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

SIZE = (140, 40)


@pytest.fixture
def readonly_media(monkeypatch):
    """Call it to make every file system read-only from then on."""
    real = os.statvfs

    class _ReadOnly:
        def __init__(self, st: os.statvfs_result) -> None:
            self.f_flag = st.f_flag | os.ST_RDONLY

    return lambda: monkeypatch.setattr(os, "statvfs", lambda p: _ReadOnly(real(p)))


def old_cache(db: Path) -> Path:
    """A cache as release 7 wrote it (no `removed_days`, `undo_log`, `meta`,
    `removed_lists`): one paper."""
    with Store.open(db) as s:
        s.import_digest(
            Digest("d", date="2024-03-01", papers=[Paper(id="2403.00001", title_en="Kept")])
        )
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE removed_days")
        conn.execute("DROP TABLE undo_log")
        conn.execute("DROP TABLE meta")
        conn.execute("DROP TABLE removed_lists")
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 7")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


async def test_an_old_cache_on_read_only_media_says_why_in_the_main_area(
    tmp_path: Path, readonly_media
) -> None:
    """It showed a toast ("open it once where it can be written (the reader … upgrades
    it)", to a user in the reader) and then "Opening the cache…" and "0 / …" for good."""
    db = old_cache(tmp_path / "cache.db")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    readonly_media()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = detail_text(app)
        assert "Opening the cache" not in shown
        assert "needs an upgrade" in shown and "read-only file system" in shown
        assert "make it writable" in shown
        assert "the reader or any writing command" not in shown
        status = status_text(app)
        assert "…" not in status and "could not be opened" in status
        assert app.main.store is None
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


async def test_the_reader_says_an_upgrade_is_running_where_it_said_opening(
    tmp_path: Path, monkeypatch
) -> None:
    """A 30k-paper schema-3 cache showed "Opening the cache…" for ~20 s, no word of an
    upgrade (found by a bug hunt). The last step waits here until the test saw the words."""
    from tui_digest.core import schema

    db = old_cache(tmp_path / "cache.db")
    seen = threading.Event()
    step = schema.MIGRATIONS[7]

    def slow_step(conn: sqlite3.Connection) -> None:
        assert seen.wait(30), "the reader never said it was upgrading"
        step(conn)

    steps = list(schema.MIGRATIONS)
    steps[7] = slow_step
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        words = f"Upgrading the cache (schema 7 → {schema.SCHEMA_VERSION})…"
        for _ in range(500):  # bounded; each round lets the screen handle its messages
            if words in detail_text(app):
                break
            await pilot.pause()
        shown = detail_text(app)
        seen.set()
        assert words in shown
        await settle(pilot)
        assert app.main.matches == 1 and "Kept" in detail_text(app)


async def test_a_file_where_the_cache_folder_should_be_is_said_in_the_main_area(
    tmp_path: Path,
) -> None:
    """XDG_DATA_HOME naming a file: an OSError, which the reader only toasted, and
    "Opening the cache…" stayed for the session (found by a bug hunt)."""
    (tmp_path / "afile").write_text("", encoding="utf-8")
    app = make_app(tmp_path / "afile" / "tui-digest" / "cache.db", first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = detail_text(app)
        assert "Opening the cache" not in shown
        assert "cannot create the cache's folder" in shown and str(tmp_path / "afile") in shown
        assert "could not be opened" in status_text(app)
        assert app.main.store is None


async def test_quitting_during_an_upgrade_stops_it_and_the_step_rolls_back(
    tmp_path: Path, monkeypatch
) -> None:
    """`q` (or Ctrl+C) while the reader upgraded a cache: the screen went blank and
    the reader hung until the upgrade ended, 47 s on 24,500 papers (bug hunt
    `upgrade2` #1). The step under way is stopped: its transaction rolls back, the
    cache stays at the schema it had, and the next start upgrades it. The step
    injected here runs the real step, then an SQL statement that would run for hours."""
    from tui_digest.core import schema

    db = old_cache(tmp_path / "cache.db")
    started, ended = threading.Event(), threading.Event()
    conns: list[sqlite3.Connection] = []
    step = schema.MIGRATIONS[7]

    def slow_step(conn: sqlite3.Connection) -> None:
        conns.append(conn)
        try:
            step(conn)
            started.set()
            conn.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                "WHERE x < 100000000000) SELECT count(*) FROM c"
            ).fetchone()
        finally:
            ended.set()

    steps = list(schema.MIGRATIONS)
    steps[7] = slow_step
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    try:
        app = make_app(db, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(1000):  # bounded; each round lets the screen handle its messages
                if started.is_set() and "Upgrading the cache" in detail_text(app):
                    break
                await pilot.pause()
            assert started.is_set()
            await pilot.press("q")
        assert ended.wait(30), "the upgrade went on after the reader quit"
    finally:
        if not ended.is_set():
            for conn in conns:  # (the old code: end the statement, not the test run)
                conn.interrupt()
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 7  # the step rolled back
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    monkeypatch.setattr(schema, "MIGRATIONS", [*steps[:7], step, *steps[8:]])
    with Store.open(db) as store:
        assert [r.title_en for r in store.search("")] == ["Kept"]
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == schema.SCHEMA_VERSION
