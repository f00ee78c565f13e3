"""`tui-digest fetch | head -1`, `fetch >/dev/full`: a source's line that cannot be
written cancelled every source still running, never fetched nor recorded, without
a word (bug hunt `regnet`). A failing output now costs the lines, not the sources:
every source ends and is recorded, then the run exits 141 (a closed pipe) or 2
(the write error, said on stderr). Real processes against a local HTTP server."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli_support import _env
from feed_server import FeedServer, Reply, arxiv_rss
from test_fetch_sigterm import FIXTURE, _line_within

HELD = ("cs.AI", "cs.CL", "cs.CV")


def _statuses(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        try:
            rows = con.execute("SELECT name, last_status FROM sources").fetchall()
        except sqlite3.OperationalError:  # (not created yet)
            return {}
    return {name: status for name, status in rows if status}


def _wait_for(condition, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    """Polls `condition` (a fail-safe bound, not a timing: it returns once true)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _setup(tmp_path: Path, server: FeedServer) -> tuple[Path, dict[str, threading.Event]]:
    local = tmp_path / "digest-cs.LG-2024-03-01.md"
    local.write_bytes(FIXTURE.read_bytes())
    gates = {cat: threading.Event() for cat in HELD}
    text = f'[enrich]\nafter_fetch = false\n\n[[sources]]\nname = "lg"\nurl = "{local}"\n'
    for i, cat in enumerate(HELD):
        body = arxiv_rss(cat, [(f"2509.0000{i}", f"Paper {cat}")])

        def held(request, gate=gates[cat], body=body):  # type: ignore[no-untyped-def]
            gate.wait(60)  # answered once the test lets it
            return Reply(200, body=body, headers={"Content-Type": "application/rss+xml"})

        server.route(f"/{cat}.xml", held)
        text += f'\n[[sources]]\nname = "{cat}"\nurl = "{server.url(f"/{cat}.xml")}"\n'
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config, gates


def _release_one_then_the_rest(
    db: Path, gates: dict[str, threading.Event], proc: subprocess.Popen
) -> None:
    """One held source answers (its line fails to print); once it is recorded,
    the others answer: the old code had cancelled them, and ended, by then."""
    gates[HELD[0]].set()
    assert _wait_for(lambda: HELD[0] in _statuses(db) or proc.poll() is not None)
    for gate in gates.values():
        gate.set()


def _fetch_read_one_line_then_close(
    config: Path, db: Path, gates: dict[str, threading.Event]
) -> tuple[bytes, int, bytes]:
    """`fetch | head -1`: its first line read, its stdout closed, the held sources
    let answer. (That line, exit status, stderr.)"""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", "fetch", "--config", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(db, None),
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        first = _line_within(proc.stdout, 60)  # `| head -1`
        proc.stdout.close()
        _release_one_then_the_rest(db, gates, proc)
        err = proc.stderr.read()
        proc.wait(timeout=60)
    finally:
        for gate in gates.values():
            gate.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return first, proc.returncode, err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_fetch_into_a_pipe_closed_after_one_line_still_fetches_every_source(tmp_path):
    db = tmp_path / "c.db"
    with FeedServer() as server:
        config, gates = _setup(tmp_path, server)
        first, code, err = _fetch_read_one_line_then_close(config, db, gates)
    assert first.decode().startswith("lg: new 3"), err.decode()
    assert code == 141, err.decode()
    assert err == b""  # (quiet, as other tools are on a closed pipe)
    statuses = _statuses(db)
    assert sorted(statuses) == sorted(["lg", *HELD]), statuses
    assert all(not s.startswith("failed") for s in statuses.values()), statuses


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_fetch_to_a_full_disk_still_fetches_every_source_then_says_why(tmp_path):
    db = tmp_path / "c.db"
    with FeedServer() as server, open("/dev/full", "wb") as full:
        config, gates = _setup(tmp_path, server)
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui_digest", "fetch", "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            env=_env(db, None),
        )
        try:
            assert _wait_for(lambda: "lg" in _statuses(db))
            _release_one_then_the_rest(db, gates, proc)
            _, err = proc.communicate(timeout=60)
        finally:
            for gate in gates.values():
                gate.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 2, err.decode()
    assert err.decode().splitlines() == [
        "tui-digest: cannot write to standard output: No space left on device; "
        "the output is incomplete"
    ]
    assert sorted(_statuses(db)) == sorted(["lg", *HELD])


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_a_failing_source_is_still_said_on_stderr_once_stdout_is_closed(tmp_path):
    """Only the stdout lines stop: a source that fails after `| head -1` has
    exited is said on stderr (it was dropped with them, bug hunt `regnet2` #5)."""
    db = tmp_path / "c.db"
    with FeedServer() as server:
        config, gates = _setup(tmp_path, server)
        gone = threading.Event()

        def missing(request):  # type: ignore[no-untyped-def]
            gone.wait(60)
            return Reply(404)

        server.route("/gone.xml", missing)
        gates["gone"] = gone
        url = server.url("/gone.xml")
        text = config.read_text(encoding="utf-8")
        config.write_text(text + f'\n[[sources]]\nname = "gone"\nurl = "{url}"\n')
        _, code, err = _fetch_read_one_line_then_close(config, db, gates)
    lines = err.decode().splitlines()
    assert any(line.startswith("gone: failed") and "404" in line for line in lines), lines
    assert code in (1, 141), err.decode()
    assert sorted(_statuses(db)) == sorted(["lg", "gone", *HELD])
