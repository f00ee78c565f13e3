"""Issue 11 item 11: the reader on a cache it cannot write (read-only media).

The suite runs as root, where file modes do not stop a write, so read-only
media are simulated where the guard looks for them: `os.statvfs` reports
ST_RDONLY, and the cache is then opened `mode=ro&immutable=1` (the store
itself refuses every write; tests/hostile/test_readonly_media.py mounts a
real read-only file system when it can).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from ui_support import make_app, notifications, settle, status_text

from tui_digest.core.store import Store

SIZE = (140, 40)


@pytest.fixture
def readonly_media(monkeypatch):
    real = os.statvfs

    class _ReadOnly:
        def __init__(self, st: os.statvfs_result) -> None:
            self.f_flag = st.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: _ReadOnly(real(p)))


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_read_only_cache_shows_a_banner_and_refuses_marks_once_per_key(
    cache: Path, readonly_media
) -> None:
    before = digest_of(cache)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert main.store is not None and main.store.readonly
        assert main.matches == 38  # everything reads as usual
        assert "read-only cache" in status_text(app)
        opened = [n for n in notifications(app) if n.title == "Cache"]
        assert len(opened) == 1 and "is read-only" in opened[0].message
        assert "damaged" not in opened[0].message

        main.paper_list.focus()
        first = main.paper_list.current_rowid
        for key in ("s", "m", "M", "number_sign", "a", "r", "t"):
            await pilot.press(key)
            await settle(pilot)
        main.digest = main.digests[0].name
        await settle(pilot)
        main.action_delete_digest()  # the palette's "Delete this digest"
        await settle(pilot)
        refused = [n for n in notifications(app) if n.title == "Read-only cache"]
        assert [n.message.rsplit(": ", 1)[1] for n in refused] == [
            "read and starred marks cannot be saved.",
            "read and starred marks cannot be saved.",
            "read and starred marks cannot be saved.",
            "tags cannot be saved.",
            "notes cannot be saved.",
            "fetched papers cannot be saved.",
            "translations cannot be saved.",
            "removing a digest cannot be saved.",
        ]
        assert all(str(cache) in n.message and n.severity == "warning" for n in refused)
        assert all(n.markup is False for n in refused)
        assert not [n for n in notifications(app) if n.severity == "error"]
        assert app.screen is main  # no tag or note dialog was opened
        row = main.paper_list.cached_row(first)  # type: ignore[arg-type]
        assert row is not None and not row.starred and not row.read
        assert app.is_running
    assert digest_of(cache) == before
    assert not Path(f"{cache}-wal").exists() and not Path(f"{cache}-shm").exists()


async def test_a_writable_cache_has_no_banner(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "read-only" not in status_text(app)
        main = app.main
        main.paper_list.focus()
        await pilot.press("s")
        await settle(pilot)
        assert not [n for n in notifications(app) if n.title == "Read-only cache"]
    with Store.open(cache, readonly=True) as store:
        assert store.count("is:starred") == 1
