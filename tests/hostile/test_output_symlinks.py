"""`-o` onto a symlink follows it, never replaces the link (bug hunt `script` item 1).

`state export -o /dev/stdout` as root turned the machine's `/dev/stdout` link into a
regular file. These tests never touch the real /dev/stdout: every link is made in
tmp_path, to a FIFO made here, to a pipe of this test's own (`/proc/self/fd/N`) or to
a regular file.
"""

from __future__ import annotations

import os
import stat

import pytest

from tui_digest import cli
from tui_digest.core.atomic_file import stream_atomic, write_atomic

from .inputs import markdown_digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    monkeypatch.setenv("TUI_DIGEST_DB", str(db))
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(digest)]) == 0
    return db


@pytest.fixture
def fifo(tmp_path):
    """A FIFO with its read end already open (so opening it to write never blocks)."""
    path = tmp_path / "pipe"
    os.mkfifo(path, 0o644)
    os.chmod(path, 0o644)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    yield path, reader
    os.close(reader)


def _drain(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _no_leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_state_export_onto_a_link_to_a_fifo_writes_the_fifo_and_keeps_the_link(
    tmp_path, cache, fifo, capsys
):
    path, reader = fifo
    os.chmod(cache, 0o600)  # the state file is narrowed to the cache's bits: not the pipe
    link = tmp_path / "out1"
    link.symlink_to(path)
    capsys.readouterr()
    assert cli.main(["state", "export", "-o", str(link)]) == 0  # (no --force needed)
    assert link.is_symlink() and os.readlink(link) == str(path)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o644
    assert _drain(reader).startswith(b'{"format": "tui-digest-state"')
    assert f"to {link}" in capsys.readouterr().err
    assert _no_leftovers(tmp_path)


def test_export_onto_a_link_to_an_own_descriptor_writes_through_it(tmp_path, cache, capsys):
    # As /dev/stdout -> /proc/self/fd/1, with a pipe of the test's own.
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "out2"
        link.symlink_to(f"/proc/self/fd/{write_end}")
        if not os.path.exists(link):
            pytest.skip("no /proc/self/fd here")
        capsys.readouterr()
        assert cli.main(["export", "--format", "bibtex", "-o", str(link)]) == 0
        os.close(write_end)
        write_end = -1
        assert os.read(read_end, 65536).startswith(b"@misc{")
        assert link.is_symlink()
        assert capsys.readouterr().err == f"wrote 1 paper to {link}\n"
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def test_a_fifo_itself_is_written_not_replaced(tmp_path, cache, fifo):
    path, reader = fifo
    assert cli.main(["export", "--format", "bibtex", "-o", str(path), "--force"]) == 0
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert _drain(reader).startswith(b"@misc{")
    assert _no_leftovers(tmp_path)


def test_force_onto_a_link_to_a_file_replaces_the_file_and_keeps_the_link(tmp_path):
    folder = tmp_path / "synced"
    folder.mkdir()
    real = folder / "real.bib"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    assert write_atomic(link, "new", overwrite=True) == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert _no_leftovers(folder) and _no_leftovers(tmp_path)


def test_without_force_a_link_to_a_file_is_refused_and_names_the_file(tmp_path, cache, capsys):
    real = tmp_path / "real.bib"
    real.write_text("precious")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    capsys.readouterr()
    assert cli.main(["export", "-o", str(link)]) == 2
    err = capsys.readouterr().err
    assert f"refusing to overwrite {link}: a symlink to {real} already exists there" in err
    assert real.read_text() == "precious" and link.is_symlink()


def test_state_export_onto_a_link_to_a_file_replaces_that_file(tmp_path, cache):
    real = tmp_path / "state.txt"
    real.write_text("old")
    link = tmp_path / "state-link.txt"
    link.symlink_to(real)
    assert cli.main(["state", "export", "-o", str(link)]) == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith('{"format": "tui-digest-state"')


def test_force_onto_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "later.txt")
    stream_atomic(link, lambda f: f.write(b"made"), overwrite=True)
    assert link.is_symlink() and (tmp_path / "later.txt").read_text() == "made"


def test_backup_onto_a_link_to_a_fifo_is_refused_and_touches_nothing(tmp_path, cache, fifo, capsys):
    path, reader = fifo
    link = tmp_path / "out3"
    link.symlink_to(path)
    capsys.readouterr()
    assert cli.main(["backup", str(link), "--force"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {link}: it is a FIFO (named pipe)" in err
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(path).st_mode)
    assert _drain(reader) == b""
    assert _no_leftovers(tmp_path)


def test_a_link_to_a_socket_is_refused(tmp_path):
    import socket

    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        link = tmp_path / "link"
        link.symlink_to(sock_path)
        with pytest.raises(OSError, match=r"it is a socket \(through a symlink\)"):
            write_atomic(link, "text", overwrite=True)
        assert link.is_symlink()
