"""A reader that goes away early (`| head -1`) is noticed with PYTHONUNBUFFERED=1 too.

With the variable CPython's `sys.stdout.buffer` is the raw FileIO: a write to a
pipe whose reader closes while the writer waits returns the bytes written so far,
and the text layer ignored that count, so the output was cut short with exit 0
(and `watch --since-last-run` remembered papers nobody read). The exit status and
the remembered papers must be the same with and without the variable.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.core.digest_write import write_digest

from .inputs import many_papers

PAPERS = 800  # about 100 bytes a search line: far more than the pipe holds


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("short-writes")
    digest = folder / "many-2024-03-18.md"
    digest.write_text(write_digest(many_papers(PAPERS, abstract_len=50)), encoding="utf-8")
    db = folder / "cache.db"
    env = dict(os.environ, TUI_DIGEST_DB=str(db))
    done = subprocess.run(
        [sys.executable, "-m", "tui_digest", "import", str(digest)], env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return db


def _closed_early(args: list[str], db: Path, *, unbuffered: bool) -> tuple[int, str]:
    """Run the CLI into a small pipe, read a little, then close the pipe while the
    CLI is still in the middle of one large write."""
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # (Linux) one page: a short write for sure
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", *args],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(write_end)
    got = b""
    while len(got) < 100:  # blocks until the CLI writes: no timing involved
        chunk = os.read(read_end, 100 - len(got))
        assert chunk, "the CLI wrote less than 100 bytes"
        got += chunk
    os.close(read_end)  # as `head` does once it has its lines
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


COMMANDS = [
    ["search", "", "--limit", str(PAPERS)],
    ["search", "", "--limit", str(PAPERS), "--json"],
    ["export", "--digest", "many-2024-03-18"],  # the digest's own bytes
    ["export", "--format", "bibtex"],  # streamed
]


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_a_pipe_closed_early_is_exit_141(cache, command, unbuffered):
    status, err = _closed_early(command, cache, unbuffered=unbuffered)
    assert status == cli.EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err and "Exception ignored" not in err
    if command[0] == "export":
        assert err == "tui-digest: standard output was closed early; the export is incomplete\n"


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_watch_remembers_nothing_when_the_pipe_closed_early(cache, tmp_path, unbuffered):
    db = tmp_path / "cache.db"
    db.write_bytes(cache.read_bytes())
    config = tmp_path / "config.toml"
    config.write_text('[[watches]]\nname = "all"\nquery = "is:unread"\n', encoding="utf-8")
    watch = ["watch", "all", "--since-last-run", "--config", str(config)]
    status, err = _closed_early(watch, db, unbuffered=unbuffered)
    assert status == cli.EXIT_BROKEN_PIPE, err
    # Nothing was marked as printed: the next run prints every paper again.
    env = dict(os.environ, TUI_DIGEST_DB=str(db))
    again = subprocess.run(
        [sys.executable, "-m", "tui_digest", *watch], env=env, capture_output=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.decode().count("hostile inputs") == PAPERS
