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
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_support import _env

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"


def _line_within(stream, seconds: float) -> bytes:  # type: ignore[no-untyped-def]
    """The next line of `stream`, or b"" when none came in `seconds` (a fail-safe)."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else b""


def _fetch_then_sigterm(
    tmp_path: Path, preexec_fn: Callable[[], None] | None = None
) -> tuple[bytes, int, bytes, bytes]:
    """`fetch` of a local digest and a server that never answers, sent SIGTERM
    once the local source's line is printed: (that line, exit status, the rest
    of stdout, stderr)."""
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
        preexec_fn=preexec_fn,
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
    return first, proc.returncode, out, err


INTERRUPTED = "interrupted: 1 of 2 sources done (its papers are stored); the other was not fetched"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_from_outside_leaves_the_stored_sources_in_the_log(tmp_path):
    first, code, out, err = _fetch_then_sigterm(tmp_path)
    assert first.decode().startswith("lg: new 3 / updated 0 / unchanged 0"), err.decode()
    assert code == 143, err.decode()
    assert out == b""
    assert err.decode().splitlines() == [INTERRUPTED]
    assert os.path.exists(tmp_path / "c.db")


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a script's `fetch &` starts


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_to_a_scripts_background_fetch_stops_it_as_ctrl_c_would(tmp_path):
    """A script's `fetch &` has SIGINT ignored: SIGTERM was raised wherever it
    landed (a traceback from a connecting task) instead of the orderly stop
    (bug hunt `regnet2` #1). It now cancels the run as Ctrl-C does."""
    first, code, out, err = _fetch_then_sigterm(tmp_path, _sigint_ignored)
    assert first.decode().startswith("lg: new 3"), err.decode()
    assert code == 143, err.decode()
    assert out == b""
    assert err.decode().splitlines() == [INTERRUPTED]


def test_sigterm_landing_in_a_task_with_ctrl_c_ignored_cancels_the_run():
    """The signal landing inside a running task (a connecting one: bug hunt
    `regnet2` #1) stops the run through its main task's cancellation, the
    other tasks ending in order, not raised in that task (a traceback)."""
    import asyncio

    from tui_digest.cli_fetch import Terminated, _run_stoppable, _Signals, _sigterm_stops

    cleaned: list[str] = []

    async def child() -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # (the handler runs in this task)
        await asyncio.sleep(0)
        return "child ended"

    async def main() -> None:
        task = asyncio.create_task(child())
        try:
            await asyncio.Event().wait()  # (until cancelled)
        except asyncio.CancelledError:
            cleaned.append(await task)
            raise

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signals = _Signals()
    try:
        with _sigterm_stops(signals), pytest.raises(Terminated):
            _run_stoppable(main(), signals)
    finally:
        signal.signal(signal.SIGINT, before)
    assert signals.terminated and cleaned == ["child ended"]
