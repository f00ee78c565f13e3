"""The CLI with standard input closed by the shell (`<&-`): Python's sys.stdin is None.

Process supervisors and some cron wrappers start jobs that way. Each command that
reads standard input or asks on it said so with a traceback (AttributeError:
'NoneType' object has no attribute 'isatty' / 'buffer', or Textual's 'fileno').
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tui_digest import cli
from tui_digest.core.store import Store

from .inputs import markdown_digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    monkeypatch.setenv("TUI_DIGEST_DB", str(db))
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(digest)]) == 0
    return db


def closed_stdin(*args: str, db, tmp_path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        TUI_DIGEST_DB=str(db),
        PYTHONIOENCODING="utf-8",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return subprocess.run(
        ["/bin/sh", "-c", 'exec "$0" -m tui_digest "$@" <&-', sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _digest_names(db) -> list[str]:
    with Store.open(db, readonly=True) as store:
        return [d.name for d in store.digests()]


@pytest.mark.parametrize("command", [["digests", "rm"], ["prune", "--older-than", "30d"]])
def test_removing_with_stdin_closed_refuses_as_without_a_terminal(cache, tmp_path, command):
    names = _digest_names(cache)
    args = [*command, *names] if command[0] == "digests" else command
    proc = closed_stdin(*args, db=cache, tmp_path=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.endswith(
        "tui-digest: not removing anything: no terminal to ask on; add --yes\n"
    )
    assert _digest_names(cache) == names


@pytest.mark.parametrize("command", [["import", "-"], ["sources", "import", "-"]])
def test_reading_a_closed_stdin_says_so(cache, tmp_path, command):
    proc = closed_stdin(*command, db=cache, tmp_path=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    what = " ".join(command)
    assert proc.stderr == (
        f"tui-digest: standard input is closed (`<&-`): nothing to read for `{what}`\n"
    )
    assert not (tmp_path / "config").exists()  # (no sources file written)


def test_the_reader_with_stdin_closed_says_it_needs_a_terminal(cache, tmp_path):
    proc = closed_stdin(db=cache, tmp_path=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("tui-digest: the reader needs a terminal")
