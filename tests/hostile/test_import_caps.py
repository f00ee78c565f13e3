"""Issue 11 item 9 (the cap): `import FILE` and `import -` refuse absurd inputs clearly.

`import` used to read any file or stream whole, with no cap: `/dev/zero` or a disk
image ran the machine out of memory. The cap (`--max-size`, MiB) is checked on a
file's size before reading, and on a stream while reading.
"""

from __future__ import annotations

import io
import os
import threading

import pytest

from tui_digest import cli

from .inputs import markdown_digest


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "cache.db"))
    good = tmp_path / "digest-2024-03-18.md"
    good.write_text(markdown_digest(), encoding="utf-8")
    return good


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_a_file_over_the_cap_is_refused_by_its_size_and_the_next_is_imported(
    env, tmp_path, capsys, monkeypatch
):
    big = tmp_path / "big.md"
    with open(big, "wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: nothing written, 3 MiB by its size
    opened = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    assert cli.main(["import", "--max-size", "2", str(big), str(env)]) == 1
    out, err = capsys.readouterr()
    assert err == f"{big}: error: {big}: larger than 2097152 bytes; refused (see --max-size)\n"
    assert str(big) not in opened  # refused before reading a byte
    assert f"{env}: 1 paper (digest): 1 new" in out


def test_a_device_is_refused_without_reading_it(env, capsys):
    if not os.path.exists("/dev/zero"):
        pytest.skip("this system has no /dev/zero")
    assert cli.main(["import", "/dev/zero", str(env)]) == 1
    out, err = capsys.readouterr()
    assert "/dev/zero: error: /dev/zero: not a regular file, folder or pipe" in err
    assert "1 paper (digest): 1 new" in out


def test_stdin_over_the_cap_is_refused_while_reading(env, capsys, monkeypatch):
    stream = _Stdin(b"x" * (1024 * 1024 + 1))
    monkeypatch.setattr("sys.stdin", stream)
    assert cli.main(["import", "--max-size", "1", "-"]) == 1
    assert capsys.readouterr().err == (
        "<stdin>: error: <stdin>: larger than 1048576 bytes; refused (see --max-size)\n"
    )
    assert stream.buffer.tell() == 1024 * 1024 + 1  # stopped one byte past the cap


def test_stdin_within_the_cap_is_imported(env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Stdin(env.read_bytes()))
    assert cli.main(["import", "--max-size", "1", "-"]) == 0
    assert "<stdin>: 1 paper (digest): 1 new" in capsys.readouterr().out


def test_a_fifo_is_read_like_stdin(env, tmp_path, capsys):
    fifo = tmp_path / "in.md"
    os.mkfifo(fifo)
    data = env.read_bytes()

    def write() -> None:  # the writer end: its open blocks until the import opens the FIFO
        with open(fifo, "wb") as f:
            f.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    assert cli.main(["import", str(fifo)]) == 0
    writer.join()
    assert "1 paper (digest): 1 new" in capsys.readouterr().out
