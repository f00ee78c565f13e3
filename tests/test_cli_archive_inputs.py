"""What `import` reads as archive records, and what it says when it finds none
(bug hunt `archive` #3, #4)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from archive_records import cli, member_name, record, write_tar, write_tree, write_zip
from tui_digest.core.archive_input import iter_records
from tui_digest.core.store import Store

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
SAMPLE = Path("papers/24/01/2401.00001.json")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


@pytest.mark.parametrize(
    ("members", "what"),
    [
        ({"2401.00001.json": json.dumps(record("2401.00001"))}, "records at the top"),
        ({"x/cs.AI.md": "# hi"}, "the wrong repository"),
    ],
)
def test_an_archive_without_records_says_so(tmp_path, db, capsys, members, what) -> None:
    """It printed nothing and exited 0: nothing imported, nothing said."""
    archive = tmp_path / "flat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    code, out, err = cli(capsys, db, "import", str(archive))
    assert code == 1, what
    assert out == ""
    assert err == f"{archive}: error: no papers/YY/MM/*.json records in it; nothing imported\n"


def _clone(root: Path) -> Path:
    """A clone of the generator's repository, with an editor's and a tool's JSON."""
    write_tree(root, [(str(SAMPLE), record("2401.00001"))])
    shutil.copy(MINI, root / "cs.AI-2024-03-18.md")
    (root / ".vscode").mkdir()
    (root / ".vscode" / "settings.json").write_text('{"editor.tabSize": 4}')
    (root / ".git" / "papers" / "24" / "01").mkdir(parents=True)
    (root / ".git" / "papers" / "24" / "01" / "2401.00009.json").write_text("{}")
    (root / "tools").mkdir()
    (root / "tools" / "config.json").write_text('{"link": "https://example.com"}')
    (root / "package.json").write_text('{"name": "x"}')
    return root


def test_a_clone_with_other_json_imports_cleanly(tmp_path, db, capsys) -> None:
    """Every *.json was read, hidden folders too: an editor's settings made it exit 1."""
    clone = _clone(tmp_path / "clone")
    code, out, err = cli(capsys, db, "import", str(clone))
    assert code == 0, err
    assert err == ""
    assert f"{clone}: 1 paper record (archive): 1 new, 0 updated, 0 unchanged" in out
    with Store.open(db, readonly=True) as store:
        assert {d.name for d in store.digests()} == {"archive-2024-01", "cs.AI-2024-03-18"}


def test_a_folder_reads_only_records_in_month_folders(tmp_path) -> None:
    """The rule of archives: `papers/YY/MM/*.json`, not in hidden folders."""
    clone = _clone(tmp_path / "clone")
    write_tree(clone / "x", [(member_name("2402.00002"), record("2402.00002"))])
    assert [m.name for m in iter_records(clone)] == [
        str(clone / SAMPLE),
        str(clone / "x" / member_name("2402.00002")),
    ]
    # The month folder itself, or a folder above it, named on the command line.
    assert [m.name for m in iter_records(clone / "papers" / "24" / "01")] == [str(clone / SAMPLE)]


def test_one_json_file_named_still_imports_wherever_it_is(tmp_path, db, capsys) -> None:
    single = tmp_path / "downloads" / "2403.00005.json"
    single.parent.mkdir()
    single.write_text(json.dumps(record("2403.00005")))
    code, out, err = cli(capsys, db, "import", str(single))
    assert code == 0, err
    assert "1 paper record (archive): 1 new" in out


@pytest.mark.parametrize("holds", ["other json", "a misfiled record", "nothing"])
def test_a_folder_with_nothing_to_import_is_an_error(tmp_path, db, capsys, holds) -> None:
    """It exited 0, so a cron job importing a wrongly pointed folder never noticed,
    while an archive with no records exits 1 (regression hunt `regarchive` #4)."""
    folder = tmp_path / "tools"
    folder.mkdir()
    if holds == "other json":
        (folder / "config.json").write_text('{"link": "https://example.com"}')
    elif holds == "a misfiled record":
        (folder / "papers" / "24").mkdir(parents=True)
        (folder / "papers" / "24" / "a.json").write_text('{"title": "x"}')
    code, out, err = cli(capsys, db, "import", str(folder))
    assert code == 1
    assert out == ""
    assert err == f"{folder}: error: no *.md, *.xml or papers/YY/MM/*.json files found\n"


MAC_FORK = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X  "  # an AppleDouble `._` file


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_an_archive_leaves_out_macos_forks_and_hidden_folders(tmp_path, db, capsys, kind) -> None:
    """A Finder zip's `__MACOSX/…/._*.json` were errors (exit 1); a folder leaves them
    out (regression hunt `regarchive` #2), and a clone's `.git/` holds no records."""
    members = [
        ("./repo/" + member_name("2403.00011"), record("2403.00011")),
        ("__MACOSX/repo/papers/24/03/._2403.00011.json", MAC_FORK),
        ("repo/papers/24/03/._2403.00012.json", MAC_FORK),
        ("repo/.git/objects/ab/cdef0123", b"x\x9c"),  # (a clone's .git holds no papers/YY/MM)
        ("repo/.git/config", b"[core]\n"),
    ]
    if kind == "zip":
        source = write_zip(tmp_path / "mac.zip", members)
    else:
        source = write_tar(tmp_path / "mac.tar.gz", members)
    code, out, err = cli(capsys, db, "import", str(source))
    assert code == 0, err
    assert err == ""
    assert out == f"{source}: 1 paper record (archive): 1 new, 0 updated, 0 unchanged\n"


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_an_archive_of_a_hidden_folder_is_read(tmp_path, db, capsys, kind) -> None:
    """`tar czf x.tgz .data/clone` (or `~/.local/share/…`) imported nothing and exited 1:
    every member's path passes through the hidden folder archived (regression hunt
    `regmend` #2). Only the path from `papers/` on decides."""
    members = [
        (".data/clone/" + member_name("2301.00006"), record("2301.00006")),
        ("home/u/.local/share/cn-chat-arxiv/" + member_name("2301.00007"), record("2301.00007")),
        (".data/clone/papers/23/01/._2301.00008.json", MAC_FORK),
        ("__MACOSX/.data/clone/papers/23/01/._2301.00006.json", MAC_FORK),
        (".data/clone/.git/HEAD", b"ref: refs/heads/main\n"),
    ]
    if kind == "zip":
        source = write_zip(tmp_path / "clone.zip", members)
    else:
        source = write_tar(tmp_path / "clone.tgz", members)
    code, out, err = cli(capsys, db, "import", str(source))
    assert code == 0, err
    assert err == ""
    assert out == f"{source}: 2 paper records (archive): 2 new, 0 updated, 0 unchanged\n"


def test_a_symlinked_month_folder_is_named(tmp_path, db, capsys) -> None:
    """Its records were neither imported nor named (regression hunt `regarchive` #5)."""
    elsewhere = write_tree(
        tmp_path / "elsewhere", [(member_name("2404.00001"), record("2404.00001"))]
    )
    repo = write_tree(tmp_path / "repo", [(member_name("2403.00001"), record("2403.00001"))])
    link = repo / "papers" / "24" / "04"
    link.symlink_to(elsewhere / "papers" / "24" / "04", target_is_directory=True)
    code, out, err = cli(capsys, db, "import", str(repo))
    assert code == 0, err
    assert err == (
        f"{link}: warning: a symbolic link to a folder "
        f"(to {str(elsewhere / 'papers' / '24' / '04')!r}), not followed: "
        "import that folder itself\n"
    )
    assert f"{repo}: 1 paper record (archive): 1 new, 0 updated, 0 unchanged" in out
