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


def _ids(capsys, db: Path, query: str) -> list[str]:
    code, out, err = cli(capsys, db, "search", query, "--json")
    assert code in (0, 1), err
    return sorted(o["id"] for o in json.loads(out)) if out.strip() else []


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


# --- #6: a kept paper of a removed archive month -------------------------------------------


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


# --- #8: re-importing the repository keeps removed months removed --------------------------


def _months(db: Path) -> list[str]:
    with Store.open(db, readonly=True) as store:
        return sorted(d.name for d in store.digests())
