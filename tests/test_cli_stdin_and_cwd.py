"""Bug hunt `script` items 3 and 6: a deleted working folder, and `-` as a file.

`import -` in a folder deleted under the shell exited 2 ("No such file or
directory", no file named), and a relative path there aborted the whole batch;
`state import -` looked for a file named "-", and `backup -` wrote one.
"""

from __future__ import annotations

import io
import sys

import pytest
from tests.hostile.inputs import markdown_digest

from tui_digest import cli
from tui_digest.core.store import Store


@pytest.fixture
def digest(tmp_path):
    path = tmp_path / "digest-2024-03-18.md"
    path.write_text(markdown_digest(), encoding="utf-8")
    return path


@pytest.fixture
def gone(tmp_path, monkeypatch):
    """The current folder, deleted (a shell still sitting in it)."""
    folder = tmp_path / "gone"
    folder.mkdir()
    monkeypatch.chdir(folder)
    folder.rmdir()
    return folder


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _papers(db) -> int:
    store = Store.open(db, readonly=True)
    try:
        return store.count("")
    finally:
        store.close()


def test_import_stdin_in_a_deleted_folder(tmp_path, gone, digest, monkeypatch, capsys):
    db = tmp_path / "g.db"
    _stdin(monkeypatch, digest.read_bytes())
    assert cli.main(["--db", str(db), "import", "-"]) == 0, capsys.readouterr().err
    assert _papers(db) == 1


def test_a_relative_path_in_a_deleted_folder_is_that_inputs_error(tmp_path, gone, digest, capsys):
    db = tmp_path / "g.db"
    capsys.readouterr()
    assert cli.main(["--db", str(db), "import", str(digest), "rel.md"]) == 1
    err = capsys.readouterr().err
    assert "rel.md: error: cannot find a relative path: the current folder no longer exists" in err
    assert _papers(db) == 1  # the absolute file before it was imported


def test_state_import_reads_standard_input(tmp_path, digest, monkeypatch, capsys):
    source = tmp_path / "a.db"
    assert cli.main(["--db", str(source), "import", str(digest)]) == 0
    store = Store.open(source, readonly=True)
    paper_id = store.get_papers(store.list_ids(""))[0].paper.id
    store.close()
    assert cli.main(["--db", str(source), "mark", "star", paper_id]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(source), "state", "export"]) == 0
    exported = capsys.readouterr().out.encode("utf-8")
    target = tmp_path / "b.db"
    assert cli.main(["--db", str(target), "import", str(digest)]) == 0
    _stdin(monkeypatch, exported)
    capsys.readouterr()
    assert cli.main(["--db", str(target), "state", "import", "-"]) == 0
    assert "state: 1 changes applied" in capsys.readouterr().out


def test_state_import_names_stdin_in_its_problems(tmp_path, monkeypatch, capsys):
    _stdin(monkeypatch, b"not json\n")
    assert cli.main(["--db", str(tmp_path / "c.db"), "state", "import", "-"]) in (1, 2)
    err = capsys.readouterr().err
    assert "<stdin>" in err and "No such file" not in err


def test_backup_to_standard_output_is_refused_not_a_file_named_dash(
    tmp_path, digest, monkeypatch, capsys
):
    db = tmp_path / "f.db"
    assert cli.main(["--db", str(db), "import", str(digest)]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert cli.main(["--db", str(db), "backup", "-"]) == 2
    captured = capsys.readouterr()
    assert "backup cannot write to standard output (`-`)" in captured.err
    assert captured.out == ""
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "rel.db", "import", "{digest}"],
        ["sources", "add", "rel.md", "--config", "{tmp}/c.toml"],
        ["--config", "rel.toml", "sources", "add", "{digest}"],
    ],
)
def test_other_relative_paths_in_a_deleted_folder_are_named(
    tmp_path, gone, digest, monkeypatch, capsys, argv
):
    # Regression hunt `regfiles` 6: these said only "No such file or directory".
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "g.db"))
    argv = [a.format(digest=digest, tmp=tmp_path) for a in argv]
    capsys.readouterr()
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    rel = next(a for a in argv if a.startswith("rel."))
    assert f"{rel}: cannot find a relative path: the current folder no longer exists" in err
