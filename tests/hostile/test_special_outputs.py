"""Issue 11 item 1: `export -o --force` replaces regular files only; a failed write to
standard output is an error with a non-zero exit, never a silently short file."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys

import pytest

from tui_digest import cli
from tui_digest.core.atomic_file import write_atomic

from .inputs import markdown_digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache with one paper, used through `cli.main` in this process."""
    db = tmp_path / "cache.db"
    monkeypatch.setenv("TUI_DIGEST_DB", str(db))
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(digest)]) == 0
    return db


def test_a_fifo_is_written_not_replaced(tmp_path, cache, capsys):
    # (A FIFO was refused; it is written now, as a pipe: `test_output_symlinks`.)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # (so opening it to write never blocks)
    try:
        assert cli.main(["export", "-o", str(fifo), "--force"]) == 0
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not a regular file
        assert os.read(reader, 65536)
    finally:
        os.close(reader)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_force_refuses_to_replace_a_socket(tmp_path):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(OSError, match="it is a socket, not a regular file"):
            write_atomic(path, "text", overwrite=True)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_force_refuses_a_block_device_without_touching_it(tmp_path, monkeypatch):
    # A real device node needs root to create; a disk's kind is faked on a plain
    # path instead, so a broken check cannot replace (or write) a real device.
    target = tmp_path / "disk"
    target.write_text("x")
    real_stat = os.stat

    def fake_stat(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        if os.fspath(path) != os.fspath(target):
            return st
        fields = list(st)
        fields[0] = stat.S_IFBLK | 0o660
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", fake_stat)
    with pytest.raises(OSError, match="it is a block device, not a regular file"):
        write_atomic(target, "exported", overwrite=True)
    assert target.read_text() == "x"


def test_force_still_replaces_a_regular_file_and_creates_a_missing_one(tmp_path):
    existing = tmp_path / "out.md"
    existing.write_text("old")
    write_atomic(existing, "new", overwrite=True)
    assert existing.read_text() == "new"
    write_atomic(tmp_path / "fresh.md", "made", overwrite=True)
    assert (tmp_path / "fresh.md").read_text() == "made"


def _cli(*args: str, db, stdout) -> subprocess.CompletedProcess:
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tui_digest", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
    )


def test_export_to_a_full_device_is_an_error(cache):
    if not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "wb") as full:
        proc = _cli("export", db=cache, stdout=full)
    assert proc.returncode == 2
    assert proc.stderr.decode() == (
        "tui-digest: cannot write to standard output: No space left on device; "
        "the output is incomplete\n"
    )


@pytest.mark.parametrize("command", [["export"], ["stats"]])
def test_a_closed_pipe_is_a_non_zero_exit(cache, command):
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write gets EPIPE
    try:
        proc = _cli(*command, db=cache, stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == cli.EXIT_BROKEN_PIPE
    err = proc.stderr.decode()
    assert "Traceback" not in err and "Exception ignored" not in err
    if command == ["export"]:
        assert err == "tui-digest: standard output was closed early; the export is incomplete\n"


def _closed_stdout(*args: str, db, close_stderr: bool = False) -> subprocess.CompletedProcess:
    """The CLI with standard output closed by the shell (`>&-`): Python's sys.stdout is None."""
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    script = 'exec "$0" -m tui_digest "$@" >&-' + (" 2>&-" if close_stderr else "")
    return subprocess.run(
        ["/bin/sh", "-c", script, sys.executable, *args],
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["search", "title"],
        ["search", "title", "--json"],
        ["export", "--format", "bibtex"],
        ["digests"],
    ],
)
def test_a_closed_standard_output_is_one_line_and_exit_2(cache, command):
    proc = _closed_stdout(*command, db=cache)
    assert proc.returncode == 2
    assert proc.stderr.decode() == (
        "tui-digest: cannot write to standard output: Bad file descriptor; "
        "the output is incomplete\n"
    )


def test_a_closed_standard_output_is_no_error_for_a_command_that_writes_nothing_there(
    cache, tmp_path
):
    # As with /dev/full: only a command with something to write there fails.
    target = tmp_path / "out.bib"
    proc = _closed_stdout("export", "--format", "bibtex", "-o", str(target), db=cache)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.decode() == f"wrote 1 paper to {target}\n"
    assert target.read_text(encoding="utf-8").startswith("@misc{")


def test_closed_standard_output_and_error_is_exit_2(cache):
    proc = _closed_stdout("stats", db=cache, close_stderr=True)
    assert proc.returncode == 2
    assert proc.stdout == b"" and proc.stderr == b""


@pytest.mark.parametrize(
    "command", [["stats"], ["tag", "2403.10056"], ["sources"], ["backup", "BACKUP"]]
)
def test_a_full_standard_output_is_said_as_such_by_every_command(cache, tmp_path, command):
    """`stats`, `tag`, `sources`, `backup` into a full disk said a bare "No space
    left on device" (`backup` after a complete backup: read as a failed one), where
    `digests` and `export` say "cannot write to standard output" (bug hunt `auditout` #6)."""
    if not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    backup = tmp_path / "b.db"
    args = [str(backup) if a == "BACKUP" else a for a in command]
    with open("/dev/full", "wb") as full:
        proc = _cli(*args, db=cache, stdout=full)
    assert proc.returncode == 2, proc.stderr
    *_, last = proc.stderr.decode().splitlines()  # (`sources` says where they are from first)
    assert last.startswith(
        "tui-digest: cannot write to standard output: No space left on device"
    ), proc.stderr
    if command[0] == "backup":
        assert backup.stat().st_size > 0
