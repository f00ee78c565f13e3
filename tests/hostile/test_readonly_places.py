"""A cache in a place the user cannot write, with the kernel's own permission checks.

The suite runs as root, for whom permission bits do not apply. These tests run the
CLI without the capabilities that bypass them (`setpriv --bounding-set=-dac_override,
-dac_read_search,-fowner`), so SQLite meets a read-only folder or `-shm` as an
ordinary user's process does; as an ordinary user they run the CLI as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest.core import cache_guard
from tui_digest.core.model import Digest
from tui_digest.core.store import Store

from .inputs import many_papers

DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def _ordinary_prefix(tmp_path: Path) -> list[str]:
    """The command prefix under which permission bits apply (skips when there is none)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to drop root's permission override")
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    probe.chmod(0o444)
    done = subprocess.run([*DROP, "sh", "-c", f"echo x > '{probe}'"], capture_output=True)
    probe.unlink()
    if done.returncode == 0:
        pytest.skip("setpriv could not drop root's permission override here")
    return DROP


def run_as_user(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [*_ordinary_prefix(tmp_path), sys.executable, "-m", "tui_digest", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def make_cache(db: Path) -> str:
    """A WAL cache of three papers, closed cleanly (no -wal/-shm left); one paper's id."""
    with Store.open(db) as store:
        store.import_digest(Digest(name="d-2024-01-01", papers=many_papers(3)))
        return store.list_rows(store.list_ids(""))[0].id


@pytest.fixture
def locked_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def test_a_healthy_cache_in_a_folder_nobody_can_write_is_read_not_called_damaged(
    tmp_path, locked_folder
):
    db = locked_folder / "cache.db"
    pid = make_cache(db)
    locked_folder.chmod(0o555)
    before = db.read_bytes()
    stats = run_as_user(tmp_path, db, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "papers: 3" in stats.stdout and "damaged" not in stats.stderr
    search = run_as_user(tmp_path, db, "search", "hostile")
    assert search.returncode == 0, search.stderr
    assert pid in search.stdout
    mark = run_as_user(tmp_path, db, "mark", "star", pid)
    assert mark.returncode == 2
    assert f"{db} is read-only (its folder {locked_folder} is read-only)" in mark.stderr
    assert "the cache is open read-only; nothing was changed" in mark.stderr
    assert "damaged" not in mark.stderr and "move it aside" not in mark.stderr
    assert sorted(p.name for p in locked_folder.iterdir()) == ["cache.db"]
    assert db.read_bytes() == before


def test_only_a_folder_nobody_may_write_is_read_immutable(tmp_path, locked_folder, monkeypatch):
    # immutable=1 reads without the -shm file, and without locks: while another
    # process writes, that gives wrong answers or "corrupt". So only where nobody
    # can write (this process, as os.access says, nor anyone by the folder's bits).
    db = locked_folder / "cache.db"
    make_cache(db)
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, *a, **k: False if m & os.W_OK else real(p, m, *a, **k)
    )
    assert cache_guard.readonly_uri(db).endswith("?mode=ro")  # (its owner may write)
    locked_folder.chmod(0o555)
    assert cache_guard.readonly_uri(db).endswith("?mode=ro&immutable=1")
    locked_folder.chmod(0o755)
    (locked_folder / "cache.db-wal").write_bytes(b"")  # (a session open, or a crash)
    locked_folder.chmod(0o555)
    assert cache_guard.readonly_uri(db).endswith("?mode=ro")
    monkeypatch.setattr(os, "access", real)
    locked_folder.chmod(0o755)
    (locked_folder / "cache.db-wal").unlink()
    locked_folder.chmod(0o555)
    if os.access(locked_folder, os.W_OK):  # (root: it could write after all)
        assert cache_guard.readonly_uri(db).endswith("?mode=ro")


def test_a_cache_others_may_change_in_a_folder_you_cannot_write_is_not_called_damaged(
    tmp_path, locked_folder
):
    db = locked_folder / "cache.db"
    make_cache(db)
    if os.geteuid() != 0:
        pytest.skip("needs root to give the folder to another user")
    os.chown(locked_folder, 65534, -1)  # (nobody's folder, 755: nobody may write)
    done = run_as_user(tmp_path, db, "stats")
    assert done.returncode == 2
    assert "damaged" not in done.stderr and "move it aside" not in done.stderr
    assert f"{db}: cannot read the cache here: its folder {locked_folder} is read-only" in (
        done.stderr
    )
    assert "cache.db-shm" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in locked_folder.iterdir()) == ["cache.db"]


def _leave_readonly_companions(tmp_path: Path, db: Path) -> None:
    """What a read-only session of an older tui-digest (or `sqlite3`) left: a cache
    made read-only gets `-wal` and `-shm` of its own mode, 444, which stay behind."""
    db.chmod(0o444)
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1] + '?mode=ro', uri=True); "
        "c.execute('SELECT count(*) FROM papers').fetchall(); c.close()"
    )
    read = [*_ordinary_prefix(tmp_path), sys.executable, "-c", script, db.as_uri()]
    subprocess.run(read, check=True, timeout=60)
    db.chmod(0o644)  # the user makes the cache writable again
    for part in ("cache.db-wal", "cache.db-shm"):
        assert (db.parent / part).stat().st_mode & 0o777 == 0o444


def test_a_read_only_shm_left_behind_is_named_not_a_traceback(tmp_path):
    db = tmp_path / "cache.db"
    pid = make_cache(db)
    _leave_readonly_companions(tmp_path, db)
    for args in (["mark", "star", pid], ["note", pid, "hi"], ["tag", pid, "+x"]):
        done = run_as_user(tmp_path, db, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr, args
        # (SQLite makes a new -wal of the cache's mode when it can; never the -shm)
        shm = f"{db}-shm is read-only; make it writable as the cache is"
        both = f"{db}-wal and {db}-shm are read-only; make them writable as the cache is"
        said = (f"{db} is read-only ({shm}); opened", f"{db} is read-only ({both}); opened")
        assert any(s in done.stderr for s in said), (args, done.stderr)
    stats = run_as_user(tmp_path, db, "stats")
    assert stats.returncode == 0 and "papers: 3" in stats.stdout, stats.stderr


WRITE_PAST_THE_CHECK = """
import sys
from pathlib import Path
from tui_digest.core.cache_guard import GuardResult
from tui_digest.core.store import CacheError, Store, connection
# As if the -shm became read-only between the check and the open.
connection.check_cache = lambda *a, **k: GuardResult()
store = Store.open(Path(sys.argv[1]))
try:
    store.set_starred([1], True)
except CacheError as exc:
    print(exc)
"""


def test_a_write_refused_by_a_read_only_shm_is_a_cache_error_naming_it(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    _leave_readonly_companions(tmp_path, db)
    cmd = [*_ordinary_prefix(tmp_path), sys.executable, "-c", WRITE_PAST_THE_CHECK, str(db)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"{db}: the cache could not be written ({db}-shm is read-only; make it writable "
        "as the cache is); nothing of this change was saved"
    )


def test_a_read_only_session_of_a_read_only_cache_leaves_nothing_beside_it(tmp_path):
    db = tmp_path / "cache.db"
    pid = make_cache(db)
    db.chmod(0o444)
    assert run_as_user(tmp_path, db, "stats").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cache")) == ["cache.db"]
    db.chmod(0o644)
    done = run_as_user(tmp_path, db, "mark", "star", pid)
    assert done.returncode == 0, done.stderr


def test_a_read_only_cache_file_is_backed_up_and_the_backup_is_as_read_only(tmp_path):
    # The temporary file was narrowed to the cache's 0444 before VACUUM INTO wrote
    # it, so SQLite could not write into it: "the backup failed: attempt to write a
    # readonly database", exactly when the cache could not be written either.
    db = tmp_path / "cache.db"
    make_cache(db)
    umask = os.umask(0)
    os.umask(umask)
    for mode in (0o444, 0o400):
        db.chmod(mode)
        target = tmp_path / f"b{mode:o}.db"
        done = run_as_user(tmp_path, db, "backup", str(target))
        assert done.returncode == 0, done.stderr
        assert "backed up 3 papers in 1 digests" in done.stdout
        assert target.stat().st_mode & 0o777 == mode & ~umask
        with Store.open(target, readonly=True) as copy:
            assert copy.count("") == 3
        forced = run_as_user(tmp_path, db, "backup", str(target), "--force")
        assert forced.returncode == 0, forced.stderr  # (over the read-only copy too)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".tui-digest-")]
    assert leftovers == []


def test_rm_and_prune_of_a_read_only_cache_file_refuse_with_no_plan(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    db.chmod(0o444)
    for args in (["digests", "rm", "d-2024-01-01", "--yes"], ["prune", "--older-than", "1d"]):
        done = run_as_user(tmp_path, db, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stdout == "", args  # (was the whole plan: "will remove 1 digest …")
        assert f"{db}: the cache is open read-only; nothing was changed" in done.stderr
    db.chmod(0o644)
    with Store.open(db) as store:
        assert len(store.digests()) == 1
