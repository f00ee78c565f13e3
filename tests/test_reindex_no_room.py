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
    assert "wal_checkpoint(TRUNCATE)" in seen[at - 1] and "wal_checkpoint(TRUNCATE)" in seen[-1]
    _rebuilt(cache)


def test_no_room_to_fold_the_log_in_tries_no_vacuum(cache, monkeypatch) -> None:
    seen = _full_disk(monkeypatch, "wal_checkpoint")
    status, _out, err = _reindex(cache)
    assert status == 1 and SAID.fullmatch(err) is not None, err
    assert "VACUUM" not in seen
    _rebuilt(cache)


def test_too_little_free_space_tries_no_vacuum(cache, monkeypatch) -> None:
    seen = _full_disk(monkeypatch, "no statement fails")
    monkeypatch.setattr(
        compaction.shutil, "disk_usage", lambda _p: SimpleNamespace(total=1, used=1, free=1000)
    )
    status, _out, err = _reindex(cache)
    assert status == 1 and SAID.fullmatch(err) is not None, err
    assert "VACUUM" not in seen
    _rebuilt(cache)
