"""Fixtures of the hostile corpus: a fresh cache, and the CLI as a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli_support
from tui_digest.core.store import Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


@pytest.fixture
def run_cli():
    """Run `python -m tui_digest ARGS` against a cache; returns the CompletedProcess."""
    return cli_support.run_cli
