"""A reader that went away (`| true`, `| head`) ends every command the same way:
quietly, exit 141 (128 + SIGPIPE, as a shell reports a tool killed by it).

`sources list`, `sources export -` and `fetch` said "tui-digest: Broken pipe" and
exited 2, which README's cron recipe reads as a bad config or cache (found by a
bug hunt); `search` and the others already exited 141.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import _env
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

DIGEST = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"


def run_into_closed_pipe(*args: str, db: Path) -> subprocess.CompletedProcess:
    """`tui-digest ARGS` whose standard output is a pipe nobody reads any more."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # (closed before the start: every write is EPIPE, no race)
    try:
        return subprocess.run(
            [sys.executable, "-m", "tui_digest", *args],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=_env(db, None),
            timeout=120,
        )
    finally:
        os.close(write_end)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    db, config = tmp_path / "c.db", tmp_path / "config.toml"
    source = tmp_path / "digest-cs.LG-2024-03-01.md"
    source.write_bytes(DIGEST.read_bytes())
    config.write_text(
        f'[[sources]]\nname = "f"\nurl = "{source}"\n\n[enrich]\nafter_fetch = false\n',
        encoding="utf-8",
    )
    with Store.open(db) as store:
        paper = Paper(id="2403.10002", version="v1", title_en="Graphs", authors=["B. Author"])
        store.import_digest(Digest("day-1", date="2024-03-01", papers=[paper]), category="cs.LG")
    return db, config


@pytest.mark.parametrize(
    "args",
    [
        ("sources", "list"),
        ("sources", "list", "--json"),
        ("sources", "export", "-"),
        ("fetch",),
        ("search", "graphs"),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_closed_pipe_exits_141_quietly(setup, args):
    db, config = setup
    done = run_into_closed_pipe("--config", str(config), *args, db=db)
    assert done.returncode == 141, done.stderr.decode()
    assert b"Broken pipe" not in done.stderr


def test_publish_into_a_closed_pipe_exits_141_quietly(setup, tmp_path):
    db, config = setup
    out = tmp_path / "pub"
    args = ("--config", str(config), "publish", "--out", str(out), "--no-translate")
    done = run_into_closed_pipe(*args, db=db)
    assert done.returncode == 141, done.stderr.decode()
    assert b"Broken pipe" not in done.stderr
