"""Archive months: what one more record, or one id in two month folders, does to them
(bug hunt `archive` #1, #2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_records import cli, member_name, record, write_tar, write_tree, write_zip
from tui_digest.core.store import Store

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"  # 2403.00002 v2 replace


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def _archive_listing(capsys, db: Path, paper_id: str) -> tuple[str, str]:
    _code, out, _err = cli(capsys, db, "export", "--format", "json", "--ids", paper_id)
    [obj] = json.loads(out)
    [listing] = [x for x in obj["listings"] if x["digest"].startswith("archive-")]
    return listing["version"], listing["announce_type"]


def test_one_more_record_keeps_the_months_other_listings(tmp_path, db, capsys) -> None:
    """Each paper of the month was re-filed with its newest listing anywhere (the
    daily digest's v2 replace) when one more record of the month was imported."""
    cli(capsys, db, "import", str(MINI))
    archive = write_zip(tmp_path / "a.zip", [(member_name("2403.00002"), record("2403.00002"))])
    cli(capsys, db, "import", str(archive))
    assert _archive_listing(capsys, db, "2403.00002") == ("v1", "new")
    before = cli(capsys, db, "export", "--digest", "archive-2024-03")[1]
    one = write_tree(tmp_path / "one", [(member_name("2403.00050"), record("2403.00050"))])
    code, out, err = cli(capsys, db, "import", str(one / member_name("2403.00050")))
    assert code == 0, err
    assert "1 paper record (archive): 1 new, 0 updated, 0 unchanged" in out
    assert _archive_listing(capsys, db, "2403.00002") == ("v1", "new")
    after = cli(capsys, db, "export", "--digest", "archive-2024-03")[1]
    assert "arXiv:2403.00002v1 公告类型：新 摘要：" in after
    assert after.count("arXiv:2403.00002v1 Announce Type: new") == before.count(
        "arXiv:2403.00002v1 Announce Type: new"
    )
    assert "2403.00002v2" not in after
    # Re-importing the archive changes nothing.
    _code, out, _ = cli(capsys, db, "import", str(archive))
    assert "1 paper record (archive): 0 new, 0 updated, 1 unchanged" in out
    assert _archive_listing(capsys, db, "2403.00002") == ("v1", "new")


def _dup_members() -> list[tuple[str, dict]]:
    return [
        (member_name("2401.00001"), record("2401.00001")),
        (member_name("2403.00042", "24/01"), record("2403.00042", tldr="一月文件夹的副本")),
        (member_name("2402.00001"), record("2402.00001")),
        (member_name("2403.00042"), record("2403.00042", tldr="三月文件夹的副本")),
    ]


def _tldr(capsys, db: Path, paper_id: str) -> str:
    [obj] = json.loads(cli(capsys, db, "search", f"id:{paper_id}", "--json")[1])
    return str(obj["summary_zh"])


@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_one_id_in_two_month_folders_is_filed_once(tmp_path, db, capsys, kind) -> None:
    """The copy in its id's month folder is kept, the other named and skipped; the
    counts add up, and a second import of the same archive is all unchanged."""
    members = _dup_members()
    if kind == "zip":
        source = write_zip(tmp_path / "dup.zip", members)
    elif kind == "tar":
        source = write_tar(tmp_path / "dup.tar.gz", members)
    else:
        source = write_tree(tmp_path / "dup", members) / "papers"
    code, out, err = cli(capsys, db, "import", str(source))
    assert code == 0, err
    assert "4 paper records (archive): 3 new, 0 updated, 0 unchanged, 1 duplicate skipped" in out
    [warning] = [line for line in err.splitlines() if "warning" in line]
    assert warning.startswith(f"{source}") and "papers/24/01/2403.00042.json: warning:" in warning
    assert "papers/24/03/2403.00042.json" in warning  # the copy kept
    assert _tldr(capsys, db, "2403.00042") == "三月文件夹的副本"
    for _ in range(2):
        code, out, _err = cli(capsys, db, "import", str(source))
        assert (
            "4 paper records (archive): 0 new, 0 updated, 3 unchanged, 1 duplicate skipped" in out
        )
        assert _tldr(capsys, db, "2403.00042") == "三月文件夹的副本"


def test_two_copies_in_wrong_folders_keep_the_first(tmp_path, db, capsys) -> None:
    members = [
        (member_name("2403.00042", "24/04"), record("2403.00042", tldr="A")),
        (member_name("2403.00042", "24/05"), record("2403.00042", tldr="B")),
    ]
    source = write_zip(tmp_path / "dup2.zip", members)
    code, out, err = cli(capsys, db, "import", str(source))
    assert code == 0, err
    assert "2 paper records (archive): 1 new, 0 updated, 0 unchanged, 1 duplicate skipped" in out
    assert "papers/24/05/2403.00042.json: warning:" in err
    assert _tldr(capsys, db, "2403.00042") == "A"


def test_interleaved_tar_months_count_every_record_once(tmp_path, db, capsys) -> None:
    """A .tar in any member order: a month written twice in one run re-counted nothing."""
    members = [
        (member_name("2402.00009"), record("2402.00009")),
        (member_name("2403.00001"), record("2403.00001")),
        (member_name("2402.00010"), record("2402.00010")),
        (member_name("2403.00002"), record("2403.00002")),
    ]
    source = write_tar(tmp_path / "inter.tar.gz", members)
    assert (
        "4 paper records (archive): 4 new, 0 updated, 0 unchanged"
        in cli(capsys, db, "import", str(source))[1]
    )
    assert (
        "4 paper records (archive): 0 new, 0 updated, 4 unchanged"
        in cli(capsys, db, "import", str(source))[1]
    )
    with Store.open(db, readonly=True) as store:
        assert {d.name: d.count for d in store.digests()} == {
            "archive-2024-02": 2,
            "archive-2024-03": 2,
        }


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_stray_written_at_a_batch_stays_and_a_reimport_is_unchanged(
    tmp_path, db, capsys, monkeypatch, kind
) -> None:
    """Once more misplaced copies than BATCH had to be written on the way, the copy
    in the id's month folder read later was written over its stray: re-importing
    the same archive flipped each paper twice, said "updated" every time and
    dropped its machine-made Chinese (regression hunt `regmend` #1). Now the
    stray written stays, the later copy is skipped with a warning naming both, and
    a re-import is all unchanged; a stray still held loses to its month's copy."""
    from tui_digest import cli_archive

    monkeypatch.setattr(cli_archive, "BATCH", 2)
    ids = ["2403.00001", "2403.00002", "2403.00003"]
    members = [(member_name(i, "24/02"), record(i, tldr="二月的错放副本")) for i in ids]
    members += [(member_name(i), record(i, tldr="三月文件夹的副本")) for i in ids]
    if kind == "zip":
        source = write_zip(tmp_path / "strays.zip", members)
    else:
        source = write_tree(tmp_path / "strays", members)
    code, out, err = cli(capsys, db, "import", str(source))
    assert code == 0, err
    # The first two strays were written when BATCH was reached; the third was
    # still held when its own month's copy came.
    assert _tldr(capsys, db, "2403.00001") == "二月的错放副本"
    assert _tldr(capsys, db, "2403.00002") == "二月的错放副本"
    assert _tldr(capsys, db, "2403.00003") == "三月文件夹的副本"
    assert "6 paper records (archive): 3 new, 0 updated, 0 unchanged, 3 duplicates skipped" in out
    warnings = err.splitlines()
    assert len(warnings) == 3
    for i in ids[:2]:
        [line] = [w for w in warnings if f"papers/24/03/{i}.json: warning:" in w]
        assert f"{i} was imported from " in line
        assert f"papers/24/02/{i}.json (2 misplaced copies or more came before it)" in line
        assert line.endswith("this copy was skipped")
    [line] = [w for w in warnings if "papers/24/02/2403.00003.json: warning:" in w]
    assert "papers/24/03/2403.00003.json" in line and "this copy skipped" in line
    for _ in range(2):
        code, out, err = cli(capsys, db, "import", str(source))
        assert code == 0, err
        assert (
            "6 paper records (archive): 0 new, 0 updated, 3 unchanged, 3 duplicates skipped"
        ) in out
    assert _tldr(capsys, db, "2403.00001") == "二月的错放副本"
    assert _tldr(capsys, db, "2403.00003") == "三月文件夹的副本"
