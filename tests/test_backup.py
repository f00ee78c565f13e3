"""`tui-digest backup FILE` (issue 16 item 9): a consistent copy that restores.

Run through the real entry point; the restore opens the copy as the cache.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def build(db: Path) -> None:
    with Store.open(db) as s:
        s.today = lambda: "2026-11-02"
        s.import_digest(
            Digest(
                "cs.AI",
                source="/data/cs.AI.md",
                papers=[
                    Paper(id="2611.00001", title_en="Backup alpha", abstract_en="first"),
                    Paper(id="2611.00002", title_en="Backup beta", abstract_en="second"),
                ],
            )
        )
        rec = s.get_paper("2611.00002")
        assert rec is not None
        s.set_starred([rec.rowid])
        s.set_note("2611.00001", "keep this")


def test_backup_writes_a_copy_that_restores_papers_and_marks(tmp_path):
    db = tmp_path / "cache.db"
    build(db)
    copy = tmp_path / "copy.db"
    out = run_cli("backup", str(copy), db=db)
    assert out.returncode == 0, out.stderr
    assert b"backed up 2 papers in 1 digests" in out.stdout
    assert str(copy).encode() in out.stdout
    # No companions: one self-contained file, and no temporary file left behind.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("copy")] == ["copy.db"]
    assert not list(tmp_path.glob(".tui-digest-*"))
    # Restore: the copy used as the cache.
    listed = run_cli("search", "Backup", "--json", db=copy)
    assert listed.returncode == 0, listed.stderr
    assert b"2611.00001" in listed.stdout and b"2611.00002" in listed.stdout
    with Store.open(copy) as s:
        starred = s.get_paper("2611.00002")
        noted = s.get_paper("2611.00001")
        assert starred is not None and starred.starred
        assert noted is not None and noted.note == "keep this"
        assert [d.name for d in s.digests()] == [d.name for d in Store.open(db).digests()]


def test_backup_refuses_to_overwrite_unless_forced(tmp_path):
    db = tmp_path / "cache.db"
    build(db)
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"precious")
    out = run_cli("backup", str(copy), db=db)
    assert out.returncode == 2
    assert b"refusing to overwrite" in out.stderr and b"--force" in out.stderr
    assert copy.read_bytes() == b"precious"
    forced = run_cli("backup", str(copy), "--force", db=db)
    assert forced.returncode == 0, forced.stderr
    with Store.open(copy, readonly=True) as s:
        assert s.count("") == 2


def test_backup_refuses_the_cache_itself_and_a_missing_folder(tmp_path):
    db = tmp_path / "cache.db"
    build(db)
    before = db.read_bytes()
    out = run_cli("backup", str(db), "--force", db=db)
    assert out.returncode == 2 and b"onto itself" in out.stderr
    assert db.read_bytes() == before
    missing = run_cli("backup", str(tmp_path / "nowhere" / "copy.db"), db=db)
    assert missing.returncode == 2
    # one clean line, the folder named once
    folder = str(tmp_path / "nowhere")
    assert missing.stderr.decode() == (
        f"tui-digest: cannot write {folder}/copy.db: folder {folder} does not exist\n"
    )
    (tmp_path / "taken.db").write_bytes(b"mine")
    taken = run_cli("backup", str(tmp_path / "taken.db"), db=db)
    assert taken.returncode == 2 and (tmp_path / "taken.db").read_bytes() == b"mine"
    assert taken.stderr.decode() == (
        f"tui-digest: refusing to overwrite {tmp_path / 'taken.db'}: a file already exists "
        "there (--force overwrites it)\n"
    )


def test_backup_prints_a_cleaned_path(tmp_path):
    db = tmp_path / "cache.db"
    build(db)
    name = "copy\x1b]52;c;bad\x07.db"
    out = run_cli("backup", str(tmp_path / name), db=db)
    assert out.returncode == 0, out.stderr
    assert b"\x1b" not in out.stdout and b"\x07" not in out.stdout
    assert (tmp_path / name).stat().st_size > 0


def test_backup_while_the_cache_is_open_for_writing_is_consistent(tmp_path):
    """A writer holding uncommitted changes: the copy has the last committed state."""
    db = tmp_path / "cache.db"
    build(db)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM papers")
        out = run_cli("backup", str(tmp_path / "copy.db"), db=db)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    assert out.returncode == 0, out.stderr
    with Store.open(tmp_path / "copy.db", readonly=True) as s:
        assert s.count("") == 2


def test_a_killed_backups_temporary_files_are_removed_by_the_next_write(tmp_path):
    """A backup killed midway (a cron timeout) left `.tui-digest-….tmp` and its
    `-journal` for good, 216 MB each time (found by a bug hunt). The next atomic
    write into the folder removes those of processes gone over an hour ago."""
    import os
    import subprocess
    import sys
    import time

    db = tmp_path / "cache.db"
    build(db)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, check=True)  # fmt: skip
    dead = int(gone.stdout)  # a process that has ended
    hour_ago = time.time() - 3700
    left = [tmp_path / f".tui-digest-{dead}-0123456789ab.tmp{end}" for end in ("", "-journal")]
    recent = tmp_path / f".tui-digest-{dead}-ba9876543210.tmp"  # perhaps still being written
    mine = tmp_path / f".tui-digest-{os.getpid()}-00000000000a.tmp"  # a live process's
    for path in [*left, recent, mine]:
        path.write_bytes(b"x" * 1000)
    for path in [*left, mine]:
        os.utime(path, (hour_ago, hour_ago))
    out = run_cli("backup", str(tmp_path / "copy.db"), db=db)
    assert out.returncode == 0, out.stderr
    assert not any(p.exists() for p in left)
    assert recent.exists() and mine.exists()


def test_a_backup_copied_over_a_cache_a_crash_left_a_log_beside_says_what_to_do(tmp_path):
    """README's restore after a reader was killed: the crashed process's
    `cache.db-wal` was applied to the copied backup, which read as damaged, and
    the next command moved it aside and started empty with no word of why
    (found by a bug hunt). The message now names the log; following the
    README (delete -wal and -shm, copy again) restores the backup."""
    import shutil
    import subprocess
    import sys

    db, copy = tmp_path / "cache.db", tmp_path / "copy.db"
    build(db)
    assert run_cli("backup", str(copy), db=db).returncode == 0
    crash = (
        "import os, sys\n"
        "from tui_digest.core.store import Store\n"
        "s = Store.open(sys.argv[1])\n"
        "s.import_digest(__import__('tui_digest.core.model', fromlist=['Digest']).Digest("
        "'later', date='2026-11-03', papers=[__import__('tui_digest.core.model', "
        "fromlist=['Paper']).Paper(id='2611.00009', title_en='After the backup ' * 200)]))\n"
        "os._exit(0)  # killed: no checkpoint, the log stays\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(db)], check=True, timeout=60)
    assert (tmp_path / "cache.db-wal").stat().st_size > 0
    shutil.copyfile(copy, db)  # the restore as the README said it before
    stats = run_cli("stats", db=db)
    said = stats.stderr.decode()
    assert stats.returncode == 2 and "unusable" in said
    assert "A write-ahead log (cache.db-wal) lies beside it" in said
    assert said.rstrip().endswith("delete cache.db-wal and cache.db-shm and copy the backup again")
    moved = run_cli("mark", "star", "2611.00001", db=db)  # a write: moved aside
    said = moved.stderr.decode()
    assert "started a fresh cache. A write-ahead log (cache.db-wal) lay beside it" in said
    assert "copied a backup over the cache, copy the backup again\n" in said
    for part in ("cache.db-wal", "cache.db-shm"):
        (tmp_path / part).unlink(missing_ok=True)
    shutil.copyfile(copy, db)  # the README's restore now
    listed = run_cli("search", "Backup", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    assert b"2611.00001" in listed.stdout and b"2611.00002" in listed.stdout


def written(folder: Path) -> dict[str, object]:
    """The b.db files' bytes; the `-shm` only by its stat: opening and closing it
    here would drop this process's reader's POSIX locks on it (SQLite's own
    opens keep them), and the reader would then look gone."""
    return {
        p.name: (p.stat().st_size, p.stat().st_mtime_ns)
        if p.name.endswith("-shm")
        else p.read_bytes()
        for p in folder.iterdir()
        if p.name.startswith("b.db")
    }


def test_backup_refuses_a_file_in_use_as_a_cache_writing_nothing(tmp_path):
    """`backup --force b.db` over a backup a reader had open (or one killed, which
    left `b.db-wal`): the fresh copy took b.db's name, the old log stayed beside it,
    and the next open applied that log to the copy: "malformed", or silently a
    mix of both (found by a bug hunt), after "backed up", exit 0. A FILE with a
    `-wal` or `-shm` beside it is refused now, and nothing is written."""
    import os

    db, copy = tmp_path / "cache.db", tmp_path / "b.db"
    build(db)
    assert run_cli("backup", str(copy), db=db).returncode == 0
    with Store.open(copy) as other:  # a reader on the backup, still open
        rec = other.get_paper("2611.00001")
        assert rec is not None
        other.set_starred([rec.rowid])
        log = tmp_path / "b.db-wal"
        assert log.exists()
        before = written(tmp_path)
        out = run_cli("backup", "--force", str(copy), db=db)
        said = out.stderr.decode()
        assert out.returncode == 2, said
        assert f"{copy}" in said and "b.db-wal" in said and "in use as a cache" in said
        assert "quit what has it open" in said and "another name" in said
        assert written(tmp_path) == before  # not a byte written, the reader's log left alone
        assert not list(tmp_path.glob(".tui-digest-*"))
        # Without --force: the same reason (not "use --force", which would fail next).
        out = run_cli("backup", str(copy), db=db)
        assert out.returncode == 2 and b"in use as a cache" in out.stderr
        # Through a symlink: the log lies beside the file it points to.
        link = tmp_path / "link.db"
        os.symlink(copy, link)
        out = run_cli("backup", "--force", str(link), db=db)
        assert out.returncode == 2 and b"b.db-wal" in out.stderr, out.stderr
    with Store.open(copy) as s:  # the reader's star is kept
        rec = s.get_paper("2611.00001")
        assert rec is not None and rec.starred
    # Once the reader quit, the log is gone and the backup is refreshed.
    assert not (tmp_path / "b.db-wal").exists() and not (tmp_path / "b.db-shm").exists()
    out = run_cli("backup", "--force", str(copy), db=db)
    assert out.returncode == 0, out.stderr
    with Store.open(copy) as s:
        rec = s.get_paper("2611.00001")
        assert rec is not None and not rec.starred


def test_backup_refuses_a_name_with_a_leftover_log_beside_it(tmp_path):
    """A `-wal` with frames in it, beside a name whose file is gone or not: the
    next open would apply them to the new copy; refused, saying when they may be
    deleted. A `-shm` alone that nobody holds is harmless (the next opener
    rebuilds it) and no longer refused."""
    db = tmp_path / "cache.db"
    build(db)
    (tmp_path / "b.db-shm").write_bytes(b"\0" * 64)
    (tmp_path / "c.db-wal").write_bytes(b"\0" * 64)
    (tmp_path / "d.db").write_bytes(b"old")
    (tmp_path / "d.db-wal").write_bytes(b"\0" * 64)
    for name in ("c.db", "d.db"):
        out = run_cli("backup", "--force", str(tmp_path / name), db=db)
        assert out.returncode == 2, out.stderr
        said = out.stderr.decode()
        assert f"{name}-wal" in said and "in use as a cache" in said
        assert "did not quit cleanly" in said and "has it open" not in said
        assert f"delete {tmp_path / name}-wal" in said
    assert (tmp_path / "d.db").read_bytes() == b"old" and not (tmp_path / "c.db").exists()
    out = run_cli("backup", str(tmp_path / "b.db"), db=db)
    assert out.returncode == 0, out.stderr
    with Store.open(tmp_path / "b.db") as s:
        assert s.get_paper("2611.00002") is not None


def test_backup_force_over_a_backup_once_opened_refreshes_it(tmp_path):
    """A backup written through `--db` switches to WAL; every read-only command
    after that (and a reader that quits cleanly) leaves an empty `-wal`/`-shm`
    pair that nothing holds. `backup --force` over it said "refusing to write …
    in use as a cache (a reader or a fetch has it open, or one did not quit
    cleanly)", exit 2, so a nightly cron backup failed from then on (found by a
    regression hunt). It refreshes the copy now; only a process that holds it
    open, even with an empty log, is refused, with that cause."""
    db, copy = tmp_path / "cache.db", tmp_path / "b.db"
    build(db)
    assert run_cli("backup", str(copy), db=db).returncode == 0
    assert run_cli("mark", "star", "2611.00001", db=copy).returncode == 0
    assert run_cli("stats", db=copy).returncode == 0
    wal, shm = tmp_path / "b.db-wal", tmp_path / "b.db-shm"
    assert wal.exists() and wal.stat().st_size == 0 and shm.exists()
    out = run_cli("backup", "--force", str(copy), db=db)
    assert out.returncode == 0, out.stderr
    with Store.open(copy) as s:  # the fresh copy: the star made through --db is gone
        rec = s.get_paper("2611.00001")
        assert rec is not None and not rec.starred
    assert run_cli("stats", db=copy).returncode == 0
    with Store.open(copy) as s:  # a reader that has only read: its log is empty
        assert s.get_paper("2611.00001") is not None
        assert wal.stat().st_size == 0
        out = run_cli("backup", "--force", str(copy), db=db)
        said = out.stderr.decode()
        assert out.returncode == 2, said
        assert "b.db-shm" in said and "has it open" in said and "did not quit cleanly" not in said
    assert run_cli("backup", "--force", str(copy), db=db).returncode == 0
