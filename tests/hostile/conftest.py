"""Fixtures of the hostile corpus: a fresh cache, and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest.core.store import Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


@pytest.fixture
def run_cli():
    """Run `python -m tui_digest ARGS` against a cache; returns the CompletedProcess."""

    def run(*args: str, db: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "tui_digest", *args],
            input=stdin,
            capture_output=True,
            env=env,
            timeout=120,
        )

    return run
