"""`timeout 4 tui-digest fetch >log 2>&1` (a systemd stop, a cron daemon's limit):
the log said nothing, not even the source already stored (found by a bug hunt).
A real process, sent SIGTERM from outside while one source hangs."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import _env

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"


def _line_within(stream, seconds: float) -> bytes:  # type: ignore[no-untyped-def]
    """The next line of `stream`, or b"" when none came in `seconds` (a fail-safe)."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else b""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_from_outside_leaves_the_stored_sources_in_the_log(tmp_path):
    local = tmp_path / "digest-cs.LG-2024-03-01.md"
    local.write_bytes(FIXTURE.read_bytes())
    # A server that takes the connection (the kernel's backlog) and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(
        "[enrich]\nafter_fetch = false\n\n"
        f'[[sources]]\nname = "lg"\nurl = "{local}"\n\n'
        f'[[sources]]\nname = "slow"\nurl = "http://127.0.0.1:{port}/cs.AI.md"\n',
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", "fetch", "--config", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path / "c.db", None),
    )
    try:
        assert proc.stdout is not None
        first = _line_within(proc.stdout, 60)  # printed as `lg` ended, `slow` still waiting
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        silent.close()
    assert first.decode().startswith("lg: new 3 / updated 0 / unchanged 0"), err.decode()
    assert proc.returncode == 143, err.decode()
    assert out == b""
    assert err.decode().splitlines() == [
        "interrupted: 1 of 2 sources done (its papers are stored); the other was not fetched"
    ]
    assert os.path.exists(tmp_path / "c.db")
