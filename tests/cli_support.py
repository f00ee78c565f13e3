"""Running the real CLI (`python -m tui_digest`) in a subprocess, for tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str,
    db: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess:
    """`python -m tui_digest ARGS` against the cache at `db` (`env`: extra variables;
    `cwd`: the folder it runs in, for relative paths)."""
    return subprocess.run(
        [sys.executable, "-m", "tui_digest", *args],
        input=stdin,
        capture_output=True,
        env=_env(db, env),
        cwd=cwd,
        timeout=120,
    )


def start_cli(*args: str, db: Path) -> subprocess.Popen:
    """`python -m tui_digest ARGS` started, not waited for (stdout and stderr piped),
    for tests of two runs at once."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui_digest", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(db, None),
    )


def _env(db: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8", **(extra or {}))
    if env.get("PYTHONPATH"):  # (a relative one would not hold in another `cwd`)
        env["PYTHONPATH"] = os.pathsep.join(
            os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p
        )
    return env
