"""The reader needs a terminal on stdin: without one it is refused at once.

With stdin not a terminal (`</dev/null`, a cron line that forgot its command)
the reader started, wrote escape sequences into the output file and ran forever
at a third of a core (found by a bug hunt). The reader's own tests drive the app
through Textual's Pilot (`run_test`), which does not pass through this check.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.ui import launch


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The databases the reader was started on (it is not, really)."""
    seen: list[str | None] = []

    def run_reader(db_path: str | None = None) -> int:
        seen.append(db_path)
        return 0

    monkeypatch.setattr(launch, "run_reader", run_reader)
    return seen


@pytest.mark.parametrize("argv", [[], ["run"]])
def test_without_a_terminal_on_stdin_the_reader_is_refused(
    started: list[str | None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(argv) == 2
    assert started == []
    assert capsys.readouterr().err == (
        "tui-digest: the reader needs a terminal, and standard input is not one; "
        "for scripts use a command (see `tui-digest --help`)\n"
    )


def test_with_a_terminal_the_reader_starts(
    started: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(""))
    assert cli.main(["--db", "/x/cache.db"]) == 0
    assert started == ["/x/cache.db"]


def test_the_command_line_reader_from_dev_null_ends_at_once(tmp_path: Path) -> None:
    env = dict(os.environ, TUI_DIGEST_DB=str(tmp_path / "cache.db"), PYTHONIOENCODING="utf-8")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tui_digest"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the reader ran on without a terminal")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("tui-digest: the reader needs a terminal")
    assert not (tmp_path / "cache.db").exists()
