"""`import` with a temporary folder that fills up while the document is read.

The document's bytes are kept compressed in a temporary file (`KeptBytes`), and
standard input or a pipe is copied to one first (`readers._spool`); with
TMPDIR nearly full the import said "FILE: error: No space left on device",
blaming no one (found by a bug hunt). It now names the temporary folder and
TMPDIR, as `export` does. The full folder is simulated: every temporary
file's write fails with ENOSPC.
"""

from __future__ import annotations

import errno
import io
import sys
import tempfile
from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.core.store import Store

SAMPLE = Path(__file__).parent.parent / "src/tui_digest/data/sample-digest.md"


class _FullTemp(io.BufferedRandom):
    def write(self, data) -> int:  # type: ignore[override]
        if len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return 0


@pytest.fixture
def full_tmpdir(monkeypatch) -> str:
    real = tempfile.TemporaryFile

    def temporary_file(*args, **kwargs):
        f = real(*args, **kwargs)
        return _FullTemp(f.raw)

    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)
    return tempfile.gettempdir()


def _said(source: str, folder: str) -> str:
    return (
        f"{source}: error: cannot keep the document's bytes in the temporary folder {folder}: "
        "No space left on device; set TMPDIR to a folder with room\n"
    )


def test_import_of_a_file_names_the_full_temporary_folder(tmp_path, full_tmpdir, capsys):
    db = tmp_path / "cache.db"
    assert cli.main(["--db", str(db), "import", str(SAMPLE)]) == 1
    assert capsys.readouterr().err == _said(str(SAMPLE), full_tmpdir)


def test_import_of_standard_input_names_the_full_temporary_folder(
    tmp_path, full_tmpdir, monkeypatch, capsys
):
    db = tmp_path / "cache.db"
    stdin = io.TextIOWrapper(io.BytesIO(SAMPLE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert cli.main(["--db", str(db), "import", "-"]) == 1
    assert capsys.readouterr().err == _said("<stdin>", full_tmpdir)
    if db.exists():
        with Store.open(db, readonly=True) as store:
            assert store.count("") == 0


def test_import_of_a_feed_on_standard_input_names_the_full_temporary_folder(
    tmp_path, full_tmpdir, monkeypatch, capsys
):
    """A feed on standard input is copied to a temporary file before it is read."""
    feed = next(Path(__file__).parent.joinpath("fixtures", "feeds").glob("*.xml"))
    db = tmp_path / "cache.db"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(feed.read_bytes())))
    assert cli.main(["--db", str(db), "import", "-"]) == 1
    assert capsys.readouterr().err == _said("<stdin>", full_tmpdir)
