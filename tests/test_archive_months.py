"""Archive months (`archive-YYYY-MM`, dated the 1st by convention) are not listing days.

Bug hunt `archive` #6-#8: a kept paper of a removed archive month got the 1st
as its `published` date; an archive month was For you's newest day, `publish`'s
default day and inside `date:today`/`date:-7d`; re-importing the repository
brought back every month `prune`/`digests rm` removed.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tui_digest.cli import main
from tui_digest.core.model import DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui.foryou import today_query

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"  # 2403.00001-3


def _record(paper_id: str, tldr: str = "一句话总结。") -> bytes:
    return json.dumps(
        {
            "title": f"Archived paper {paper_id}",
            "abstract": f"arXiv:{paper_id}v1 Announce Type: new  Abstract: About {paper_id}.",
            "link": f"https://arxiv.org/abs/{paper_id}",
            "translated_title": "归档论文",
            "translated_abstract": f"arXiv:{paper_id}v1 公告类型：新 摘要：关于它。",
            "tldr": tldr,
            "en_tdlr": f"One-line summary of {paper_id}.",
        },
        ensure_ascii=False,
    ).encode()


def _repo_zip(path: Path, ids: list[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for pid in ids:
            zf.writestr(f"repo-main/papers/{pid[:2]}/{pid[2:4]}/{pid}.json", _record(pid))
    return path


def cli(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _exported(capsys, db: Path, ids: str) -> dict[str, dict]:
    code, out, err = cli(capsys, db, "export", "--format", "json", "--ids", ids)
    assert code == 0, err
    return {o["id"]: o for o in json.loads(out)}


def _ids(capsys, db: Path, query: str, *options: str) -> list[str]:
    code, out, err = cli(capsys, db, "search", query, "--json", *options)
    assert code in (0, 1), err
    return sorted(o["id"] for o in json.loads(out)) if out.strip() else []


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


# --- #6: a kept paper of a removed archive month -------------------------------------------


def test_a_kept_paper_of_a_removed_archive_month_gets_no_made_up_day(tmp_path, db, capsys) -> None:
    archive = _repo_zip(tmp_path / "repo.zip", ["2401.00001", "2401.00002"])
    cli(capsys, db, "import", str(archive))
    assert cli(capsys, db, "tag", "2401.00001", "+concept")[0] == 0
    code, _out, err = cli(capsys, db, "digests", "rm", "archive-2024-01", "--yes")
    assert code == 0, err
    # No day-precise date from a month dated the 1st by convention...
    assert _exported(capsys, db, "2401.00001")["2401.00001"]["published"] == ""
    # ... but the kept paper is still found in its month, as README says.
    assert _ids(capsys, db, "date:2024-01") == ["2401.00001"]
    # Imported again: both papers of the month export alike.
    cli(capsys, db, "import", str(archive), "--all-months")
    both = _exported(capsys, db, "2401.00001,2401.00002")
    assert both["2401.00001"]["published"] == both["2401.00002"]["published"] == ""


def test_a_kept_paper_of_a_removed_daily_digest_keeps_that_day(tmp_path, db, capsys) -> None:
    cli(capsys, db, "import", str(MINI))  # dated 2024-03-18
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "repo.zip", ["2403.00001"])))
    cli(capsys, db, "tag", "2403.00001", "+kept")
    cli(capsys, db, "digests", "rm", "mini-2024-03-18", "archive-2024-03", "--yes")
    # The day a real listing gave it, not the archive month's 1st.
    assert _exported(capsys, db, "2403.00001")["2403.00001"]["published"] == "2024-03-18"


# --- #7: an archive month is not the newest day --------------------------------------------


def test_for_you_newest_day_is_never_an_archive_month() -> None:
    digests = [
        DigestInfo("cs.AI-2024-03-18", "2024-03-18", "cs.AI", 3),
        DigestInfo("archive-2024-04", "2024-04-01", "archive", 1, kind="archive"),
    ]
    assert today_query(digests) == "date:2024-03-18 sort:foryou"
    assert today_query(digests[1:]) == "sort:foryou"  # only archive months: no day


def test_publish_by_default_publishes_the_newest_listing_day(tmp_path, db, capsys) -> None:
    daily = tmp_path / "cs.AI-2024-03-18.md"
    shutil.copy(MINI, daily)
    cli(capsys, db, "import", str(daily), str(_repo_zip(tmp_path / "r.zip", ["2404.00001"])))
    out_dir = tmp_path / "pub"
    code, out, err = cli(capsys, db, "publish", "--out", str(out_dir), "--no-translate")
    assert code == 0, err
    assert "2024-03-18" in out
    assert (out_dir / "cs.AI.md").is_file()


def test_relative_windows_leave_archive_months_out(tmp_path, db, capsys, monkeypatch) -> None:
    cli(capsys, db, "import", str(MINI))  # 2403.00001-3 listed 2024-03-18
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "r.zip", ["2404.00001", "2403.00009"])))
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-04-03")
    assert _ids(capsys, db, "date:-7d") == []
    assert _ids(capsys, db, "date:today") == []
    assert _ids(capsys, db, "date:-7d archived") == []  # (words: the search index's way)
    assert _ids(capsys, db, "date:-7d", "--digest", "archive-2024-04") == []
    cli(capsys, db, "note", "2404.00001", "archived planning")
    assert _ids(capsys, db, "date:-7d planning") == []  # (with notes: the notes' way)
    assert _ids(capsys, db, "date:2024-04 planning") == ["2404.00001"]
    assert _ids(capsys, db, "-date:-7d") == [
        "2403.00001",
        "2403.00002",
        "2403.00003",
        "2403.00009",
        "2404.00001",
    ]
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-20")
    assert _ids(capsys, db, "date:-7d") == ["2403.00001", "2403.00002", "2403.00003"]
    # Explicit dates still find the month's papers, as README documents.
    assert _ids(capsys, db, "date:2024-04") == ["2404.00001"]
    assert _ids(capsys, db, "date:2024-04-01") == ["2404.00001"]
    assert _ids(capsys, db, "date:2024-03") == [
        "2403.00001",
        "2403.00002",
        "2403.00003",
        "2403.00009",
    ]


def test_a_paper_listed_by_a_daily_in_the_window_stays_in_it(tmp_path, db, capsys, monkeypatch):
    # The archive month imported first holds the day's paper: its listing key is
    # the archive's (same date, earlier import), yet a daily listed it that day.
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "r.zip", ["2403.00001", "2403.00009"])))
    daily = tmp_path / "cs.AI-2024-03-01.md"
    shutil.copy(MINI, daily)
    cli(capsys, db, "import", str(daily))
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-02")
    assert _ids(capsys, db, "date:-7d") == ["2403.00001", "2403.00002", "2403.00003"]
    assert "2403.00009" in _ids(capsys, db, "-date:-7d")


# --- #8: re-importing the repository keeps removed months removed --------------------------


def _months(db: Path) -> list[str]:
    with Store.open(db, readonly=True) as store:
        return sorted(d.name for d in store.digests())


def test_reimporting_the_repository_skips_the_months_removed(tmp_path, db, capsys) -> None:
    ids = ["2301.00001", "2301.00002", "2302.00001", "2403.00001"]
    repo = _repo_zip(tmp_path / "repo.zip", ids)
    cli(capsys, db, "import", str(repo))
    cli(capsys, db, "digests", "rm", "archive-2023-01", "archive-2023-02", "--yes")
    # A newer copy of the repository: one more paper of a removed month, one of a new month.
    newer = _repo_zip(tmp_path / "newer.zip", [*ids, "2301.00003", "2405.00001"])
    code, out, err = cli(capsys, db, "import", str(newer))
    assert code == 0, err
    assert _months(db) == ["archive-2024-03", "archive-2024-05"]
    assert "2 paper records (archive): 1 new, 0 updated, 1 unchanged" in out
    assert (
        "4 paper records of 2 removed months skipped (archive-2023-01, archive-2023-02); "
        "`tui-digest import --all-months` brings them back"
    ) in out
    # Replayed: still skipped (the removal is remembered, not used up).
    code, out, _ = cli(capsys, db, "import", str(newer))
    assert "2 removed months skipped" in out and _months(db) == [
        "archive-2024-03",
        "archive-2024-05",
    ]
    # --all-months brings them back, new record too; then they import as usual.
    code, out, err = cli(capsys, db, "import", "--all-months", str(newer))
    assert code == 0, err
    assert "skipped" not in out
    assert _months(db) == [
        "archive-2023-01",
        "archive-2023-02",
        "archive-2024-03",
        "archive-2024-05",
    ]
    code, out, _ = cli(capsys, db, "import", str(newer))
    assert "6 paper records (archive): 0 new, 0 updated, 6 unchanged" in out
    assert "skipped" not in out


def test_a_record_imported_by_hand_brings_its_removed_month_back(tmp_path, db, capsys) -> None:
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "repo.zip", ["2301.00001", "2403.00001"])))
    cli(capsys, db, "prune", "--older-than", "180d", "--yes")  # (today is years later)
    assert _months(db) == []
    record = tmp_path / "2301.00001.json"
    record.write_bytes(_record("2301.00001"))
    code, out, err = cli(capsys, db, "import", str(record))
    assert code == 0, err
    assert "1 paper record (archive): 1 new" in out and "skipped" not in out
    assert _months(db) == ["archive-2023-01"]


def test_a_folder_of_records_skips_removed_months_too(tmp_path, db, capsys) -> None:
    folder = tmp_path / "clone" / "papers" / "23" / "01"
    folder.mkdir(parents=True)
    (folder / "2301.00001.json").write_bytes(_record("2301.00001"))
    cli(capsys, db, "import", str(tmp_path / "clone"))
    cli(capsys, db, "digests", "rm", "archive-2023-01", "--yes")
    code, out, _ = cli(capsys, db, "import", str(tmp_path / "clone"))
    assert code == 0
    assert "1 paper record of 1 removed month skipped (archive-2023-01)" in out
    assert _months(db) == []


def test_publish_of_a_cache_of_archive_months_only_says_so(tmp_path, db, capsys) -> None:
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "r.zip", ["2404.00001"])))
    code, _out, err = cli(capsys, db, "publish", "--out", str(tmp_path / "pub"), "--no-translate")
    assert code == 2
    assert "only archive months (archive-YYYY-MM), which have no category to publish" in err
