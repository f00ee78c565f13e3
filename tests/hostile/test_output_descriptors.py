"""`-o /dev/fd/N` names a descriptor the process was given, and streams spool aside
(regression hunt `regfiles` items 1 and 2).

A `/dev/fd/N` the shell never opened had written the export into the cache's own
`-wal` (`/dev/fd/4`) or `-shm` (`/dev/fd/5`) file, destroying the cache; and the
Markdown export spooled its footnotes "beside" `/dev/fd/N`, which cannot be. Never
the real /dev/stdout: the descriptors here are pipes the test makes and passes on.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from tui_digest import cli

from .inputs import markdown_digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    monkeypatch.setenv("TUI_DIGEST_DB", str(db))
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(digest)]) == 0
    return db


def _env(db):
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p
        )
    return env


def _cli(db, *args, pass_fds=()):
    return subprocess.run(
        [sys.executable, "-m", "tui_digest", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=_env(db),
        pass_fds=pass_fds,
        timeout=120,
    )


def _read_all(fd: int, into: list[bytes]) -> None:
    with os.fdopen(fd, "rb") as f:
        into.append(f.read())


@pytest.mark.parametrize("number", [3, 4, 5, 6, 7])
def test_a_descriptor_not_given_to_the_process_is_refused_and_the_cache_kept(cache, number):
    held = sqlite3.connect(cache)  # another connection: the WAL holds a committed change
    try:
        held.execute("PRAGMA journal_mode=WAL")
        held.execute("CREATE TABLE IF NOT EXISTS probe_kept (x)")
        held.execute("INSERT INTO probe_kept VALUES (1)")
        held.commit()
        done = _cli(cache, "export", "--format", "json", "-o", f"/dev/fd/{number}")
        assert done.returncode == 2, done.stderr
        assert "wrote" not in done.stderr.decode()
        assert f"/dev/fd/{number}" in done.stderr.decode()
        assert held.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert held.execute("SELECT x FROM probe_kept").fetchall() == [(1,)]
    finally:
        held.close()
    stats = _cli(cache, "stats")
    assert stats.returncode == 0, stats.stderr


@pytest.mark.parametrize("fmt", ["markdown", "json", "bibtex"])
def test_every_format_goes_to_a_pipe_given_as_dev_fd(cache, fmt):
    read_end, write_end = os.pipe()
    got: list[bytes] = []
    reader = threading.Thread(target=_read_all, args=(read_end, got))
    reader.start()
    try:
        done = _cli(cache, "export", "--format", fmt, "-o", f"/dev/fd/{write_end}",
                    pass_fds=(write_end,))  # fmt: skip
    finally:
        os.close(write_end)
        reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode() == f"wrote 1 paper to /dev/fd/{write_end}\n"
    assert got and "English title" in got[0].decode("utf-8")


def test_markdown_to_a_link_to_standard_output_in_a_folder_it_cannot_write(cache, tmp_path):
    # As `-o /dev/stdout` for a user who cannot write /dev: a link in a read-only folder.
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "out").symlink_to("/proc/self/fd/1")
    if not os.path.exists(folder / "out"):
        pytest.skip("no /proc/self/fd here")
    folder.chmod(0o555)
    try:
        done = _cli(cache, "export", "-o", str(folder / "out"))
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "English title" in done.stdout.decode("utf-8")
    assert sorted(p.name for p in folder.iterdir()) == ["out"]
