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
