"""Another program's SQLite file given as the cache (a mistyped `--db`): recognised as
not ours and left byte for byte as it was, whatever its `user_version`.

Found by a bug hunt: with a `user_version` other than 0 the file was taken for an
old cache and "upgraded": tui-digest tables added, its `user_version` moved (7 → 9),
switched to WAL for good, then "cannot prepare the cache: no such table: papers".
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core import schema, schema_marks
from tui_digest.core.store import CacheError, Store
from tui_digest.core.store.connection import check_version


def foreign(path: Path, version: int, *tables: str) -> Path:
    """Another program's database: its own table and data, its own `user_version`."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mydata (x)")
    conn.execute("INSERT INTO mydata VALUES ('precious')")
    for table in tables:
        conn.execute(f"CREATE TABLE {table} (x)")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return path


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def journal_mode(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def refusals(db: Path) -> list[str]:
    """What each way of opening the cache says of `db` (each must refuse it)."""
    said = []
    for opening in (
        lambda: Store.open(db),
        lambda: Store.open(db, readonly=True),
        lambda: Store.open(db, quick_start=True),
        lambda: Store.open_reading(db),
    ):
        with pytest.raises(CacheError) as err:
            opening().close()
        said.append(str(err.value))
    return said


# The versions the hunt measured (each made a different mess), the current one and above.
VERSIONS = [1, 2, 3, 5, 7, 8, 11, 13, 15, 16, schema.SCHEMA_VERSION, schema.SCHEMA_VERSION + 9]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_foreign_file_with_any_user_version_is_refused_and_left_as_it_was(tmp_path, version):
    db = foreign(tmp_path / "app.db", version)
    before, mode = digest_of(db), journal_mode(db)
    for said in refusals(db):
        assert said.startswith(f"{db}: not a tui-digest cache"), said
        assert said.endswith("; not modified"), said
        assert "newer tui-digest" not in said and "no such table" not in said
    assert digest_of(db) == before
    assert journal_mode(db) == mode == "delete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # (no -wal, no -shm)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == version
        assert conn.execute("SELECT x FROM mydata").fetchall() == [("precious",)]


def test_a_foreign_file_with_a_table_named_like_ours_is_refused(tmp_path):
    """`papers(x)` at user_version 9: "a search index of layout 2 and up needs the meta table"."""
    db = foreign(tmp_path / "app.db", 9, "papers")
    before = digest_of(db)
    for said in refusals(db):
        assert said.startswith(f"{db}: not a tui-digest cache"), said
        assert "digests" in said  # (what a cache of that schema would have, and this lacks)
    assert digest_of(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]


def test_a_foreign_file_above_our_schema_is_not_blamed_on_a_newer_tui_digest(tmp_path):
    db = foreign(tmp_path / "app.db", 30)
    with pytest.raises(CacheError) as err:
        check_version(db)
    assert "newer tui-digest" not in str(err.value)
    assert str(err.value) == (
        f"{db}: not a tui-digest cache (user_version 30, and none of a tui-digest "
        "cache's tables); not modified"
    )


def test_a_cache_of_a_newer_tui_digest_is_still_called_one(tmp_path):
    db = tmp_path / "c.db"
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE from_the_future (x)")
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    with pytest.raises(CacheError, match="was written by a newer tui-digest"):
        check_version(db)


def made_at(path: Path, version: int) -> Path:
    """A cache as a tui-digest of schema `version` left it (made by its steps)."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=version)
    conn.close()
    return path


def own_tables(path: Path) -> set[str]:
    """The tables of a cache, without SQLite's own and the search index's shadow tables."""
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {n for n in names if not n.startswith(("sqlite_", "search_"))}


@pytest.mark.parametrize("version", range(1, schema.SCHEMA_VERSION + 1))
def test_every_schema_a_tui_digest_made_is_recognised_as_a_cache(tmp_path, version):
    """The marks follow the steps: a step that adds a table must say so in
    `schema_marks.TABLES_SINCE`, or a cache of that schema would be refused (or
    a foreign file with fewer tables taken for one)."""
    db = made_at(tmp_path / "c.db", version)
    assert own_tables(db) == schema_marks.tables_of(version)
    check_version(db)  # (raises if not recognised)
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION


def test_a_cache_of_an_old_schema_missing_one_of_its_tables_is_refused_untouched(tmp_path):
    db = made_at(tmp_path / "c.db", 9)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE undo_log")
    before = digest_of(db)
    with pytest.raises(CacheError) as err:
        Store.open(db)
    assert str(err.value) == (
        f"{db}: not a tui-digest cache (user_version 9, but without the table undo_log "
        "a tui-digest cache of schema 9 has); not modified"
    )
    assert digest_of(db) == before


def test_the_cli_refuses_a_foreign_file_and_names_it(tmp_path):
    """The hunt's reproduction: `tui-digest --db app.db stats`."""
    db = foreign(tmp_path / "app.db", 7)
    before = digest_of(db)
    proc = run_cli("stats", db=db)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert f"{db}: not a tui-digest cache" in err and "not modified" in err
    assert "Upgrading" not in err and "no such table" not in err
    assert digest_of(db) == before and journal_mode(db) == "delete"


def test_a_cache_another_process_makes_between_the_two_reads_is_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six first imports at once: one was refused as "not a tui-digest cache
    (unknown tables)". Its check read `user_version` (0: the cache not made yet)
    and then the tables, which another process had made in between. Both are
    now read in one statement, from one snapshot of the file."""
    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(fresh)
    conn.execute("PRAGMA journal_mode=WAL")  # as a first open leaves it, before its tables
    conn.close()
    real = schema.user_version
    made: list[bool] = []

    def then_another_process_makes_it(conn: sqlite3.Connection) -> int:
        version = real(conn)
        if not made:
            made.append(True)
            with Store.open(fresh):  # the other process's first open, committed
                pass
        return version

    monkeypatch.setattr(schema, "user_version", then_another_process_makes_it)
    check_version(fresh)  # raised CacheError "unknown tables"
    assert made  # (the window was reached: the check still reads the version)
