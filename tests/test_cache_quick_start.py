"""The reader's quick start: a light check at open, the full one after an unclean shutdown."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def make_cache(path: Path, n: int = 300) -> None:
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"paper {i} " * 30) for i in range(n)]
    with Store.open(path) as store:
        store.import_digest(Digest("d", date="2024-01-01", papers=papers))


def damage_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 16384
    assert len(data) > 6 * page
    data[3 * page : 5 * page] = b"\xa5" * (2 * page)  # header and schema page intact
    path.write_bytes(bytes(data))


def test_quick_start_of_a_cleanly_closed_cache_defers_the_full_check(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    damage_middle(db)
    with Store.open(db, quick_start=True) as store:  # light check: opens
        assert store.notices == []
        assert store.verify() != ""  # the deferred full check finds it
    with Store.open(db) as store:  # a full open moves it aside
        assert store.is_empty()
        assert any(".corrupt-" in n for n in store.notices)


def test_quick_start_after_an_unclean_shutdown_checks_fully(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    damage_middle(db)
    wal = tmp_path / "cache.db-wal"
    shutil.copyfile(db, wal)  # stands for the WAL a killed process leaves behind
    with Store.open(db, quick_start=True) as store:
        assert store.is_empty()
        assert any(".corrupt-" in n for n in store.notices)


def test_verify_of_a_sound_cache_is_empty(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db, n=20)
    with Store.open(db, quick_start=True) as store:
        assert store.verify() == ""
