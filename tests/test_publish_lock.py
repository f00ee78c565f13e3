"""Two `publish` runs into one folder at once (found by a bug hunt): each read
index.json before the other wrote it, so the index kept one run's day only, and
an older `--date` replaced the newest `cs.AI.md`. The folder's lock makes the
second run wait. Deterministic: the test holds the lock, sees both runs wait,
then lets them go."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
from pathlib import Path

import pytest

from cli_support import run_cli, start_cli
from test_publish import ARXIV_CS_AI, DAY, import_arxiv, other_day
from tui_digest.core.digest_format import read_digest
from tui_digest.core.store import Store
from tui_digest.publish.folder_lock import LOCK_NAME, locked
from tui_digest.publish.run import plan_day, write_plan

NEWER = "2025-09-19"


def _hold(folder: Path):
    """The folder's lock taken as another process would (its own open file)."""
    f = (folder / LOCK_NAME).open("a+b")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f  # closing it releases the lock


def _line_within(stream, seconds: float = 60) -> str:
    """`stream.readline()`, failing the test (not hanging it) if no line comes in time."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout=seconds)
    assert got, f"no line on stderr within {seconds} s"
    return got[0].decode()


def test_two_publish_runs_at_once_wait_for_each_other_and_keep_both_days(tmp_path):
    db, out = tmp_path / "cli.db", tmp_path / "site"
    for day, data in (("18", ARXIV_CS_AI), ("19", other_day(ARXIV_CS_AI, "19"))):
        feed = tmp_path / day / "arxiv-cs.AI.xml"
        feed.parent.mkdir()
        feed.write_bytes(data)
        assert run_cli("import", str(feed), db=db).returncode == 0
    out.mkdir()
    held = _hold(out)
    runs = [
        start_cli("publish", "--out", str(out), "--no-translate", db=db),
        start_cli("publish", "--out", str(out), "--date", DAY, "--no-translate", db=db),
    ]
    try:
        for run in runs:
            # Each says it waits, and does: nothing is written while the lock is held.
            said = _line_within(run.stderr)
            assert "another publish is writing to" in said and "waiting" in said, said
            assert run.poll() is None
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
    finally:
        held.close()
        for run in runs:
            run.communicate(timeout=120)
    assert [run.returncode for run in runs] == [0, 0]
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert sorted(index["categories"]["cs.AI"]["dates"]) == [DAY, NEWER]
    assert index["categories"]["cs.AI"]["latest"] == NEWER
    # Whichever ran first, the top file is the newest day's.
    assert (out / "cs.AI.md").read_bytes() == (out / f"cs.AI/{NEWER}.md").read_bytes()


def test_write_plan_waits_for_the_lock_and_says_so_once(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    store = Store.open(tmp_path / "cache.db")
    import_arxiv(store)
    plan = plan_day(store)
    store.close()
    said: list[Path] = []
    # Free: no word of waiting.
    write_plan(plan, out, waiting=said.append)
    assert said == []
    told = threading.Event()
    done: list[object] = []

    def waiting(lock: Path) -> None:
        said.append(lock)
        told.set()

    (out / "index.json").unlink()
    with locked(out) as lock:
        worker = threading.Thread(
            target=lambda: done.append(write_plan(plan, out, waiting=waiting))
        )
        worker.start()
        assert told.wait(timeout=60)
        assert worker.is_alive() and not (out / "index.json").exists()
    worker.join(timeout=60)
    assert said == [lock] and len(done) == 1
    assert (
        json.loads((out / "index.json").read_text("utf-8"))["categories"]["cs.AI"]["latest"] == DAY
    )
    assert len(read_digest((out / "cs.AI.md").read_bytes()).digest.papers) == 4


def _refuse_writing(monkeypatch, code: int) -> None:
    """os.open as for a user who may not write the lock file (or a read-only mount)."""
    import errno
    import os

    from tui_digest.publish import folder_lock

    real_open = os.open

    def fake_open(path, flags, *args):
        if flags & (os.O_RDWR | os.O_WRONLY | os.O_CREAT):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args)

    assert code in (errno.EACCES, errno.EROFS)
    monkeypatch.setattr(folder_lock.os, "open", fake_open)


def test_a_lock_file_another_user_made_is_locked_read_only(tmp_path, monkeypatch):
    """Found by a regression hunt: a lab's second publisher (the lock file 0644,
    made by the first) failed with "Permission denied", nothing published."""
    import errno

    folder = tmp_path / "site"
    folder.mkdir()
    (folder / LOCK_NAME).touch()
    _refuse_writing(monkeypatch, errno.EACCES)
    # The lock is really held: another open file cannot take it.
    with (
        locked(folder),
        (folder / LOCK_NAME).open("rb") as other,
        pytest.raises(BlockingIOError),
    ):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_read_only_folder_without_a_lock_file_publishes_unlocked(tmp_path, monkeypatch):
    """Re-publishing an unchanged day into a read-only mount failed with
    "Read-only file system"; it writes nothing, so it needs no lock."""
    import errno

    folder = tmp_path / "site"
    folder.mkdir()
    _refuse_writing(monkeypatch, errno.EROFS)
    with locked(folder) as path:
        assert path == folder / LOCK_NAME and not path.exists()


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(errno.EBADF, id="EBADF-nfs-read-only-handle"),
        pytest.param(errno.ENOLCK, id="ENOLCK-nfs-without-lockd"),
        pytest.param(errno.EOPNOTSUPP, id="EOPNOTSUPP"),
        pytest.param(errno.ENOSYS, id="ENOSYS"),
        pytest.param(errno.EINVAL, id="EINVAL"),
    ],
)
def test_a_file_system_that_cannot_lock_publishes_unlocked_and_says_so(
    tmp_path, monkeypatch, capsys, code
):
    """Found by review: on NFS (flock emulated with byte-range locks, which need a
    writable descriptor: EBADF for the read-only fallback; ENOLCK without lockd) and
    on sshfs/SMB/FUSE mounts flock fails, and that aborted a publish that worked
    before the lock existed. Now the run says so on stderr and publishes unlocked."""
    from tui_digest.cli import main
    from tui_digest.publish import folder_lock

    def no_lock(fd, op):
        raise OSError(code, os.strerror(code))

    db, out = tmp_path / "cache.db", tmp_path / "site"
    store = Store.open(db)
    import_arxiv(store)
    store.close()
    monkeypatch.setattr(folder_lock.fcntl, "flock", no_lock)
    told: list[tuple[Path, int | None]] = []
    with locked(tmp_path, unlocked=lambda p, e: told.append((p, e.errno))) as path:
        assert path.exists()
    assert told == [(tmp_path / LOCK_NAME, code)]
    monkeypatch.setenv("TUI_DIGEST_DB", str(db))
    capsys.readouterr()
    assert main(["publish", "--out", str(out), "--no-translate"]) == 0
    said = capsys.readouterr().err
    assert "could not lock" in said and "publishing without the lock" in said, said
    assert (
        json.loads((out / "index.json").read_text("utf-8"))["categories"]["cs.AI"]["latest"] == DAY
    )
    assert len(read_digest((out / "cs.AI.md").read_bytes()).digest.papers) == 4


def test_other_flock_errors_still_fail(tmp_path, monkeypatch):
    """Only "this file system cannot lock" is published unlocked; an interrupted
    wait (EINTR) or anything else is still the caller's error."""
    from tui_digest.publish import folder_lock

    def interrupted(fd, op):
        raise OSError(errno.EINTR, os.strerror(errno.EINTR))

    monkeypatch.setattr(folder_lock.fcntl, "flock", interrupted)
    with pytest.raises(InterruptedError), locked(tmp_path):
        pass


def test_a_lock_file_this_user_cannot_read_publishes_unlocked_and_says_so(tmp_path, monkeypatch):
    """Another user's lock file made under umask 077 (0600): publish failed with
    "Permission denied" (found by a regression hunt); it goes on unlocked, saying so."""
    import errno
    import os

    from tui_digest.publish import folder_lock

    folder = tmp_path / "site"
    folder.mkdir()
    (folder / LOCK_NAME).touch()

    def fake_open(path, flags, *args):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(folder_lock.os, "open", fake_open)
    said: list[tuple[Path, OSError]] = []
    with locked(folder, unlocked=lambda path, exc: said.append((path, exc))) as path:
        assert path == folder / LOCK_NAME
    assert [(p, e.errno) for p, e in said] == [(folder / LOCK_NAME, errno.EACCES)]
