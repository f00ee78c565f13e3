"""A backup or state file of a private cache is private too (found by a bug hunt).

With the cache at 0600 (made under umask 077) and the usual umask 022, `backup`
and `state export -o` wrote 0644 files: the notes, tags and stars readable by
every local user. A backup now gets the cache's permission bits as `cp` gives a
copy (less the umask's); a state file, or a file either replaces, at most the
cache's.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from tui_digest import cli
from tui_digest.core.cache_access import readonly_uri
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.backup import backup


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def make_cache(db: Path, mode: int) -> None:
    with Store.open(db) as store:
        store.import_digest(Digest("d", date="2024-03-01", papers=[Paper(id="2403.00001")]))
    assert cli.main(["--db", str(db), "note", "2403.00001", "private"]) == 0
    db.chmod(mode)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_a_new_backup_and_state_file_of_a_private_cache_are_private(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    make_cache(db, 0o600)
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "b.db")]) == 0
    assert cli.main(["--db", str(db), "state", "export", "-o", str(tmp_path / "s.jsonl")]) == 0
    assert mode_of(tmp_path / "b.db") == 0o600
    assert mode_of(tmp_path / "s.jsonl") == 0o600
    assert "private" in (tmp_path / "s.jsonl").read_text(encoding="utf-8")


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize(
    ("fmt", "name", "holds"), [("bibtex", "n.bib", "annote"), ("json", "n.json", '"note"')]
)
def test_an_export_file_of_a_private_cache_is_private(
    tmp_path: Path, fmt: str, name: str, holds: str
) -> None:
    """`export -o n.bib` of a 0600 cache was 0644 and held `annote = {private}`
    (JSON: "note"), where `backup` and `state export -o` are 0600 (bug hunt
    `auditout` #8). It gets no more of the cache's bits, whatever the format."""
    db = tmp_path / "cache.db"
    make_cache(db, 0o600)
    out = tmp_path / name
    args = ["--db", str(db), "export", "--ids", "2403.00001", "--format", fmt, "-o", str(out)]
    assert cli.main(args) == 0
    assert holds in out.read_text(encoding="utf-8") and "private" in out.read_text(encoding="utf-8")
    assert mode_of(out) == 0o600
    db.chmod(0o644)  # a shared cache: the umask's bits, as before
    out.unlink()
    assert cli.main(args) == 0
    assert mode_of(out) == 0o644


@pytest.mark.usefixtures("umask_022")
def test_a_replaced_file_keeps_its_bits_but_never_more_than_the_cache(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    make_cache(db, 0o640)
    state, backup = tmp_path / "s.jsonl", tmp_path / "b.db"
    for path, mode in ((state, 0o644), (backup, 0o604)):
        path.write_bytes(b"")
        path.chmod(mode)
    assert cli.main(["--db", str(db), "state", "export", "-o", str(state)]) == 0
    assert cli.main(["--db", str(db), "backup", str(backup), "--force"]) == 0
    assert mode_of(state) == 0o640 and mode_of(backup) == 0o600


def test_a_backup_of_a_shared_cache_follows_the_umask_as_cp_does(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    make_cache(db, 0o644)
    old = os.umask(0o077)
    try:
        assert cli.main(["--db", str(db), "backup", str(tmp_path / "b.db")]) == 0
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "b.db") == 0o600
    old = os.umask(0o022)
    try:
        assert cli.main(["--db", str(db), "backup", str(tmp_path / "c.db")]) == 0
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "c.db") == 0o644


class _SeesTheCopy:
    """A connection that notes the temporary file's mode when VACUUM INTO writes it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.modes: list[int] = []

    def execute(self, sql: str, params: tuple[str, ...] = ()) -> sqlite3.Cursor:
        if sql.startswith("VACUUM INTO"):
            self.modes.append(mode_of(Path(params[0])))
        return self.conn.execute(sql, params)


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("force", [False, True])
def test_a_read_only_caches_copy_is_narrowed_only_once_written(tmp_path: Path, force: bool) -> None:
    # Narrowed to the cache's 0444 before VACUUM INTO, the empty temporary file had
    # no write bit, and SQLite (for any user but root) could not write into it: the
    # backup of a read-only cache always failed. Root ignores the bits, so the
    # order is checked here; tests/hostile/test_readonly_places.py runs it for real.
    db = tmp_path / "cache.db"
    make_cache(db, 0o440)
    target = tmp_path / "b.db"
    if force:  # (an old read-only backup replaced: its bits, never more than the cache's)
        target.write_bytes(b"")
        target.chmod(0o444)
    conn = sqlite3.connect(readonly_uri(db), uri=True)
    try:
        seen = _SeesTheCopy(conn)
        backup(cast(sqlite3.Connection, seen), db, target, overwrite=force)
    finally:
        conn.close()
    assert seen.modes == [0o640]  # private as the cache, and its owner may write it
    assert mode_of(target) == 0o440
    with Store.open(target, readonly=True) as copy:
        assert copy.count("") == 1
