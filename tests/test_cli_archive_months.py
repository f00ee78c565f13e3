"""Archive months: what one more record does to them (bug hunt `archive` #1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_records import cli, member_name, record, write_tree, write_zip

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
