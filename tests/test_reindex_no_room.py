"""`reindex` when compacting the cache finds too little free space.

The index was rebuilt and committed, then VACUUM failed for lack of room, and
the command said "the disk is full; nothing of this change was saved" (false),
leaving `cache.db-wal` large on a full disk (found by a bug hunt). The full
disk is simulated: SQLite's statements fail as SQLite fails them (SQLITE_FULL),
and the free space is what `shutil.disk_usage` is made to say.
"""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui_digest import cli
from tui_digest.core.store import Store, compaction

SAMPLE = Path(__file__).parent.parent / "src/tui_digest/data/sample-digest.md"
SAID = re.compile(
    r"tui-digest: (?P<db>.+): the search index was rebuilt and saved, but compacting the "
    r"cache needs about \d+ MB free on its disk; the cache is fine: run reindex again with "
    r"more room(?P<log> \(its log \(\d+ MB, .+-wal\) stays beside it until a command has "
    r"room to fold it in\))?\n"
)


class _FullDisk:
    """A connection whose statements containing `fails` fail as on a full disk."""

    def __init__(self, conn: sqlite3.Connection, fails: str, seen: list[str]) -> None:
        self._conn, self._fails, self._seen = conn, fails, seen

    def execute(self, sql: str, *args):
        self._seen.append(sql)
        if self._fails in sql:
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    db = tmp_path / "cache.db"
    assert cli.main(["--db", str(db), "import", str(SAMPLE)]) == 0
    return db


def _full_disk(monkeypatch, fails: str) -> list[str]:
    seen: list[str] = []
    real = Store.compact

    def compact(self):
        writable = self._writable
        monkeypatch.setattr(self, "_writable", lambda: _FullDisk(writable(), fails, seen))
        return real(self)

    monkeypatch.setattr(Store, "compact", compact)
    return seen


def _reindex(db: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(["--db", str(db), "reindex"])
    return status, out.getvalue(), err.getvalue()


def _rebuilt(db: Path) -> None:
    with Store.open(db, readonly=True) as store:
        assert store.count("") == 12 and store.stats()["search_index"] == "current"


def test_a_failed_vacuum_says_the_index_was_rebuilt_and_empties_its_log(cache, monkeypatch) -> None:
    seen = _full_disk(monkeypatch, "VACUUM")
    status, out, err = _reindex(cache)
    assert status == 1, err
    assert "search index rebuilt (12 papers)" in out
    assert "nothing of this change was saved" not in err
    said = SAID.fullmatch(err)
    assert said is not None, err
    assert said["db"] == str(cache) and said["log"] is None
    # The log is folded in before VACUUM and emptied again after it failed.
    at = seen.index("VACUUM")
    assert any("wal_checkpoint(TRUNCATE)" in sql for sql in seen[:at])
    assert any("wal_checkpoint(TRUNCATE)" in sql for sql in seen[at:])
    _rebuilt(cache)


def test_no_room_to_fold_the_log_in_tries_no_vacuum(cache, monkeypatch) -> None:
    seen = _full_disk(monkeypatch, "wal_checkpoint")
    status, _out, err = _reindex(cache)
    assert status == 1 and SAID.fullmatch(err) is not None, err
    assert "VACUUM" not in seen
    _rebuilt(cache)


def test_too_little_free_space_tries_no_vacuum(cache, monkeypatch) -> None:
    seen = _full_disk(monkeypatch, "no statement fails")
    _free_space(monkeypatch, 1 << 40, 100_000)  # (room for the rebuild, not for VACUUM)
    status, _out, err = _reindex(cache)
    assert status == 1 and SAID.fullmatch(err) is not None, err
    assert "VACUUM" not in seen
    _rebuilt(cache)


def _reading(db: Path) -> sqlite3.Connection:
    """Another process in the middle of a read (`export | less` paused)."""
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM papers").fetchone()[0] == 12
    return reader


def test_a_reader_in_a_read_transaction_is_not_a_lack_of_room(cache, monkeypatch) -> None:
    # A reader kept the log from being folded in: after waiting out the busy
    # timeout, reindex said "compacting the cache needs about N MB free" with
    # gigabytes free, exit 1. VACUUM works beside readers (as before that fix).
    monkeypatch.setattr(Store, "busy_ms", 20_000)  # (a wait would show as a hang)
    reader = _reading(cache)
    try:
        status, out, err = _reindex(cache)
        assert status == 0, err
        assert "search index rebuilt (12 papers)" in out
        assert re.search(r"cache compacted: [\d.]+ -> [\d.]+ MB", out), out
        assert "needs about" not in err and "MB free" not in err
        # The reader still sees what it saw; the rebuilt cache is whole.
        assert reader.execute("SELECT count(*) FROM papers").fetchone()[0] == 12
    finally:
        reader.close()
    _rebuilt(cache)
    assert sqlite3.connect(cache).execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_compaction_locked_out_says_so_and_names_no_free_space(cache, monkeypatch) -> None:
    # Another process holding the cache when VACUUM runs: skipped, said plainly.
    _full_disk(monkeypatch, "no statement fails")
    real = _FullDisk.execute

    def locked(self, sql: str, *args):
        if sql == "VACUUM":
            raise sqlite3.OperationalError("database is locked")
        return real(self, sql, *args)

    monkeypatch.setattr(_FullDisk, "execute", locked)
    status, out, err = _reindex(cache)
    assert status == 2, err
    assert "search index rebuilt (12 papers)" in out
    assert "MB free" not in err and "nothing of this change was saved" not in err
    assert "another process is using the cache" in err and "run reindex again" in err, err
    _rebuilt(cache)


def _free_space(monkeypatch, *frees: int) -> None:
    """`shutil.disk_usage` saying `frees` in turn (the last one from then on)."""
    said = list(frees)

    def usage(_path):
        free = said.pop(0) if len(said) > 1 else said[0]
        return SimpleNamespace(total=1 << 40, used=0, free=free)

    monkeypatch.setattr(compaction.shutil, "disk_usage", usage)


def test_too_little_room_for_the_rebuild_changes_nothing(cache, monkeypatch) -> None:
    # With about the cache's size free, the rebuilt index's log and its fold
    # filled the disk to 100 %; now it is looked at before the rebuild.
    size = cache.stat().st_size
    _free_space(monkeypatch, size)
    rebuilt: list[int] = []
    real = Store.reindex
    monkeypatch.setattr(Store, "reindex", lambda self: rebuilt.append(1) or real(self))
    status, out, err = _reindex(cache)
    assert status == 2, err
    assert rebuilt == [] and "search index rebuilt" not in out
    said = re.fullmatch(
        r"tui-digest: (.+): rebuilding the search index needs about (\d+) MB free on its "
        r"disk \((\d+) MB free\); nothing was changed: free some space and run reindex again\n",
        err,
    )
    assert said is not None, err
    assert said[1] == str(cache) and int(said[2]) > int(said[3])


def test_a_disk_left_full_by_the_fold_is_said_with_what_to_do(cache, monkeypatch) -> None:
    # Room enough by the look before the rebuild, none after it (the estimate
    # was short): the disk is full and the user is told so, not "the cache is fine".
    _free_space(monkeypatch, 1 << 40, 0)
    _full_disk(monkeypatch, "wal_checkpoint")
    status, _out, err = _reindex(cache)
    assert status == 1, err
    assert "the disk is now full" in err and "the cache is fine" not in err, err
    assert "is the rebuilt index, not yet folded in" in err, err
    _rebuilt(cache)
