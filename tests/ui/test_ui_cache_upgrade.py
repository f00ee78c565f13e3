"""The reader on a cache an older release made: one it cannot upgrade, one it upgrades.

Read-only media are simulated as in test_ui_readonly.py (the suite runs as root):
`os.statvfs` reports ST_RDONLY where the guard asks.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
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
    """A cache as release 7 wrote it (no `removed_days`, `undo_log`, `meta`): one paper."""
    with Store.open(db) as s:
        s.import_digest(
            Digest("d", date="2024-03-01", papers=[Paper(id="2403.00001", title_en="Kept")])
        )
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE removed_days")
        conn.execute("DROP TABLE undo_log")
        conn.execute("DROP TABLE meta")
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
