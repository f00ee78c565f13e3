"""`sources add FOLDER` of a plain folder of digests (no `index.json`).

It failed "FOLDER/index.json: No such file or directory" (exit 2), a file the
user never named, while the same folder written into the config by hand is a
source whose every .md/.xml file is imported (found by a bug hunt). It is now
added as that folder source, and `fetch` imports what is inside.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.config.loader import load_config

DIGEST = next(Path(__file__).parent.joinpath("fixtures", "digests").glob("*.md"))


@pytest.fixture
def plain(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "我的 文件" / "源 folder#1%20"
    folder.mkdir(parents=True)
    shutil.copy(DIGEST, folder / DIGEST.name)
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "c.db"))
    return folder


@pytest.mark.parametrize("spelt", ["path", "path/", "file-url/"])
def test_a_plain_folder_is_added_as_a_folder_source(plain, tmp_path, capsys, spelt) -> None:
    url = {
        "path": str(plain),
        "path/": f"{plain}/",
        "file-url/": plain.as_uri() + "/",
    }[spelt]
    assert cli.main(["sources", "add", url]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "index.json" not in out
    (source,) = [s for s in load_config(tmp_path / "c.toml").sources if s.url == url]
    assert source.name == "folder-1-20"
    assert f"added {source.name} (auto): {url} (a folder: every digest and feed inside)" in out
    fetch = ["fetch", "--source", source.name, "--no-enrich", "--no-translate"]
    assert cli.main(fetch) == 0, capsys.readouterr().err
    assert f"{source.name}: new " in capsys.readouterr().out


def test_a_folder_with_nothing_to_import_is_refused_in_words(plain, tmp_path, capsys) -> None:
    empty = tmp_path / "empty"
    (empty / "notes").mkdir(parents=True)
    (empty / "README.md").write_text("# not a digest\n")
    assert cli.main(["sources", "add", str(empty)]) == 2
    assert capsys.readouterr().err == (
        f"tui-digest: {empty}: not a published folder (no index.json) and no digest or feed "
        "inside (*.md, *.xml, *.rss, *.atom); nothing added\n"
    )
    assert not (tmp_path / "c.toml").exists()


def _notes(folder: Path, count: int) -> None:
    (folder / "notes").mkdir(parents=True)
    for i in range(count):
        (folder / "notes" / f"n{i}.md").write_text(f"# note {i}\n\nsome text\n")


def test_a_folder_of_notes_is_refused_reading_a_few_of_them(plain, tmp_path, capsys, monkeypatch):
    # A home or a folder of notes given by mistake was added ("a folder: every
    # digest and feed inside"), and every fetch from then on failed on its
    # first note; only the files' names were looked at (found by a bug hunt).
    from tui_digest.publish import subscribe

    home = tmp_path / "home"
    _notes(home, 300)
    read: list[Path] = []
    real = subscribe.sniff_head
    monkeypatch.setattr(subscribe, "sniff_head", lambda p: read.append(p) or real(p))
    assert cli.main(["sources", "add", str(home)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tui-digest: {home}: not a published folder (no index.json), and ")
    assert "no file in it reads as a digest or feed (" in err, err
    assert "of its 300 files named *.md, *.xml, *.rss, *.atom looked at, notes/n" in err, err
    assert err.endswith("; nothing added\n"), err
    assert 0 < len(read) <= 50
    assert not (tmp_path / "c.toml").exists()


def test_a_digest_among_notes_is_found(plain, tmp_path, capsys) -> None:
    mixed = tmp_path / "mixed"
    _notes(mixed, 120)
    shutil.copy(DIGEST, mixed / "notes" / "n57-digest.md")
    assert cli.main(["sources", "add", str(mixed)]) == 0, capsys.readouterr().err
    assert "(a folder: every digest and feed inside)" in capsys.readouterr().out


def test_digests_in_a_folder_sorted_late_are_found_past_other_xml(tmp_path: Path) -> None:
    """Twenty non-feed `.xml` (icons) sorting first left only the first half of
    the folder looked at: digests under `zh/` were never read and the folder was
    refused (regression hunt `reg2b` #2). The spread covers the whole list."""
    from tui_digest.publish.subscribe import SNIFF_FILES, _to_sniff

    files = [tmp_path / "assets" / f"icon{i:02}.xml" for i in range(20)]
    files += [tmp_path / "notes" / f"n{i:02}.md" for i in range(60)]
    files += [tmp_path / "zh" / f"2023-03-{i:02}.md" for i in range(40)]
    looked = _to_sniff(files)
    assert len(looked) <= SNIFF_FILES
    assert any(p.parent.name == "zh" for p in looked)
    # 1,000 notes and one digest sorting last: the last file is looked at too.
    many = [tmp_path / f"n{i:04}.md" for i in range(1000)] + [tmp_path / "zz-digest.md"]
    assert many[-1] in _to_sniff(many)


def test_every_file_of_a_small_folder_is_looked_at(tmp_path: Path) -> None:
    """The spread over two files picked the first twice: `notes.md` beside a
    digest was all it read, and the folder was refused (regression hunt `reg3` #2)."""
    from tui_digest.publish.subscribe import _to_sniff

    files = [tmp_path / "2023-03-13.md", tmp_path / "notes.md"]
    assert _to_sniff(files) == files
    three = [*files, tmp_path / "zz.md"]
    assert _to_sniff(three) == three
