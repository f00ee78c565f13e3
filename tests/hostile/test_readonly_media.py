"""Issue 11 item 11: a healthy cache on a read-only mount opens read-only, not "damaged".

A WAL cache needs its `-shm` file even to be read; on read-only media SQLite cannot
create it, and `mode=ro` alone failed with "unable to open database file", which the
guard called damage. There the cache is opened `immutable` (`cache_guard.readonly_uri`).
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

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "tui_digest" / "data" / "sample-digest.md"

# Run in a private mount namespace (`unshare -m`): a tmpfs holds a cache made
# by `import`, is remounted read-only, then the read-only commands run.
SCRIPT = """
set -e
mount -t tmpfs -o size=32m tmpfs "$MNT"
export TUI_DIGEST_DB="$MNT/cache.db"
"$PY" -m tui_digest import "$SAMPLE" >/dev/null
mount -o remount,ro "$MNT"
echo "== stats"; "$PY" -m tui_digest stats 2>&1 || echo "exit $?"
echo "== search"; "$PY" -m tui_digest search attention 2>&1 || echo "exit $?"
echo "== import"; "$PY" -m tui_digest import "$SAMPLE" 2>&1 || echo "exit $?"
echo "== files"; ls "$MNT"
"""


def _can_mount(tmp_path: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", tmp_path],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def test_a_cache_on_a_read_only_mount_is_read_not_called_damaged(tmp_path):
    mnt = tmp_path / "media"
    mnt.mkdir()
    if not _can_mount(mnt):
        pytest.skip("needs root and `unshare -m` with mount rights to make a read-only mount")
    env = dict(os.environ, MNT=str(mnt), PY=sys.executable, SAMPLE=str(SAMPLE))
    proc = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "bash", "-c", SCRIPT],
        capture_output=True,
        env=env,
        timeout=300,
    )
    out = proc.stdout.decode()
    assert proc.returncode == 0, (out, proc.stderr.decode())
    stats, search, imported, files = (part for part in out.split("== ")[1:])
    assert "papers: 12" in stats and "damaged" not in stats
    assert "1706.03762" in search and "Attention Is All You Need" in search
    assert f"{mnt}/cache.db is read-only ({mnt} is on a read-only file system)" in imported
    assert "damaged" not in imported and "move it aside" not in imported
    assert files.split() == ["files", "cache.db"]  # nothing moved aside, no -shm made


def test_read_only_media_open_immutable_and_say_why(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(Digest(name="d", papers=many_papers(3)))

    real = os.statvfs

    class _ReadOnly:
        def __init__(self, st: os.statvfs_result) -> None:
            self._st = st
            self.f_flag = st.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: _ReadOnly(real(p)))
    assert cache_guard.readonly_uri(db).endswith("?mode=ro&immutable=1")
    result = cache_guard.check_cache(db)
    assert result.readonly
    assert result.messages == [
        f"{db} is read-only ({tmp_path} is on a read-only file system); "
        "opened read-only, changes will not be saved"
    ]
    with Store.open(db) as store:
        assert store.readonly and store.count() == 3


def test_writable_media_never_open_immutable(tmp_path):
    # immutable skips locking: on a writable file system another process may write.
    assert cache_guard.readonly_uri(tmp_path / "cache.db").endswith("?mode=ro")


def test_on_read_only_media_reading_commands_work_and_writing_ones_say_why(
    tmp_path, monkeypatch, capsys
):
    from tui_digest.cli import main

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(Digest(name="d-2024-01-01", papers=many_papers(3)))
        pid = store.list_rows(store.list_ids(""))[0].id
    before = db.read_bytes()
    real = os.statvfs

    class _ReadOnly:
        def __init__(self, st: os.statvfs_result) -> None:
            self.f_flag = st.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: _ReadOnly(real(p)))
    for args in (["stats"], ["search", "attention"], ["export"], ["digests"]):
        assert main(["--db", str(db), *args]) == 0, args
        err = capsys.readouterr().err
        assert "damaged" not in err and "move it aside" not in err, args
    writes = (["import", str(SAMPLE)], ["mark", "read", pid], ["tag", pid, "+x"],
              ["note", pid, "hi"], ["reindex"])  # fmt: skip
    for args in writes:
        assert main(["--db", str(db), *args]) == 2, args
        err = capsys.readouterr().err
        assert f"{db} is read-only ({tmp_path} is on a read-only file system)" in err, args
        assert f"{db}: the cache is open read-only; nothing was changed" in err, args
        assert "Traceback" not in err and "damaged" not in err, args
    assert db.read_bytes() == before
