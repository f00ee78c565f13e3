"""How the CLI reads a query command's words and options (cli_argv.query_terms_last):
a `-word` is a negated query word, unquoted; an option is read as argparse reads it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli_support import run_cli as run
from tui_digest.cli import build_parser
from tui_digest.cli_argv import query_terms_last

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def rewrite(*argv: str) -> list[str]:
    return query_terms_last(build_parser(), list(argv))


def ids(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 0, proc.stderr.decode()
    return [d["id"] for d in json.loads(proc.stdout)]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db = tmp_path / "cache.db"
    assert run("import", str(MINI), db=db).returncode == 0
    return db


@pytest.mark.parametrize(
    "globals_",
    [
        ["--config", "c.toml"],  # (only --db was known to take a value: bug hunt)
        ["--conf", "c.toml"],  # a prefix argparse expands
        ["--db", "x.db", "--config", "c.toml"],
        ["--config=c.toml"],
    ],
)
def test_a_global_option_with_a_value_before_the_command(globals_):
    assert rewrite(*globals_, "search", "model", "-survey") == [
        *globals_, "search", "--", "model", "-survey",
    ]  # fmt: skip


def test_config_before_search_keeps_a_negated_word(imported, tmp_path):
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    proc = run("--config", str(config), "search", "model", "-diffusion", "--json", db=imported)
    assert ids(proc) == ["2403.00003"]
