"""Withdrawing a published day: `digests rm` it, then `publish` without --date.

A day published with a wrong (later) date stayed the folder's newest after the
publisher removed it: index.json's "latest" and cs.AI.md/.xml kept it, and every
later real day was taken for "an older --date" (dated copies only, exit 0, no
word), so a `sources add URL` subscriber got HTTP 304 day after day (found by a
bug hunt). A run without --date now follows the cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.digest_feed import read_digest_feed

FEED = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()


def _day(tmp_path: Path, day: str) -> Path:
    """The fixture as if arXiv announced it on `day` (September 2025)."""
    path = tmp_path / f"cs.AI-{day}.xml"
    path.write_bytes(FEED.replace(b"Thu, 18 Sep 2025", f"Thu, {day[-2:]} Sep 2025".encode()))
    return path


def _ok(*args: str, db: Path) -> str:
    out = run_cli(*args, db=db)
    assert out.returncode == 0, (args, out.stderr)
    return out.stdout.decode()


def _current(site: Path) -> tuple[str, str]:
    """The index's "latest" and the day cs.AI.xml (what `sources add` subscribers read) holds."""
    index = json.loads((site / "index.json").read_text("utf-8"))
    feed = read_digest_feed((site / "cs.AI.xml").read_bytes())
    return index["categories"]["cs.AI"]["latest"], feed.digest.date


def test_a_removed_published_day_is_withdrawn_and_later_days_reach_the_current_feed(tmp_path):
    db, site = tmp_path / "a.db", tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=db)
    _ok(*publish, db=db)
    _ok("import", str(_day(tmp_path, "2025-09-25")), db=db)  # published by mistake
    _ok(*publish, db=db)
    assert _current(site) == ("2025-09-25", "2025-09-25")
    [wrong] = [
        d["name"] for d in json.loads(_ok("digests", "--json", db=db)) if d["date"] == "2025-09-25"
    ]
    _ok("digests", "rm", wrong, "--yes", db=db)

    said = _ok(*publish, db=db)
    assert (
        "the folder's newest day 2025-09-25 is no longer in the cache; 2025-09-18 is now the newest"
        in said
    )
    assert _current(site) == ("2025-09-18", "2025-09-18")
    index = json.loads((site / "index.json").read_text("utf-8"))
    assert sorted(index["categories"]["cs.AI"]["dates"]) == ["2025-09-18"]

    # The next real day is the current one again.
    _ok("import", str(_day(tmp_path, "2025-09-22")), db=db)
    said = _ok(*publish, db=db)
    assert "no longer in the cache" not in said
    assert _current(site) == ("2025-09-22", "2025-09-22")

    # An explicit older --date still writes only its dated copies.
    top = (site / "cs.AI.xml").read_bytes()
    said = _ok(*publish, "--date", "2025-09-18", db=db)
    assert "no longer in the cache" not in said
    assert (site / "cs.AI.xml").read_bytes() == top
    assert _current(site) == ("2025-09-22", "2025-09-22")


def test_a_later_day_another_cache_published_is_kept(tmp_path):
    """Only days this cache removed are withdrawn (review): a cache that is
    behind, publishing into a folder another cache published a later day to,
    writes its day as a dated copy and says so, leaving the later day current."""
    site = tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    ahead, behind = tmp_path / "ahead.db", tmp_path / "behind.db"
    _ok("import", str(_day(tmp_path, "2025-09-25")), db=ahead)
    _ok(*publish, db=ahead)
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=behind)
    said = _ok(*publish, db=behind)
    assert "the folder's newest day 2025-09-25 was never in this cache" in said
    assert _current(site) == ("2025-09-25", "2025-09-25")
    index = json.loads((site / "index.json").read_text("utf-8"))
    assert sorted(index["categories"]["cs.AI"]["dates"]) == ["2025-09-18", "2025-09-25"]


MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def _lg_day(tmp_path: Path, day: str) -> Path:
    """A Markdown digest of cs.LG dated `day` (its file name says both)."""
    path = tmp_path / f"digest-cs.LG-{day}.md"
    path.write_bytes(MINI.read_bytes())
    return path


def _name_of(db: Path, date: str, part: str) -> str:
    [name] = [
        d["name"]
        for d in json.loads(_ok("digests", "--json", db=db))
        if d["date"] == date and part in d["name"]
    ]
    return name


def test_a_withdrawn_newest_day_gives_way_to_another_caches_later_day(tmp_path):
    """Regression hunt: with another cache's later day in the folder, the day
    withdrawn stayed `latest` and in cs.AI.xml."""
    site = tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=a)
    _ok(*publish, db=a)
    _ok("import", str(_day(tmp_path, "2025-09-28")), db=a)  # by mistake
    _ok(*publish, db=a)
    _ok("import", str(_day(tmp_path, "2025-09-25")), db=b)
    said = _ok(*publish, db=b)
    assert "2025-09-28 was never in this cache" in said  # b's day is a dated copy
    _ok("digests", "rm", _name_of(a, "2025-09-28", "cs.AI"), "--yes", db=a)
    said = _ok(*publish, db=a)
    assert "the folder's newest day 2025-09-28 is no longer in the cache" in said
    assert "2025-09-25 is now the newest" in said
    assert _current(site) == ("2025-09-25", "2025-09-25")


def test_removing_another_category_of_the_day_withdraws_nothing_else(tmp_path):
    """Regression hunt: a removed cs.LG day withdrew another cache's cs.AI day of
    the same date."""
    site = tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=a)
    _ok("import", str(_lg_day(tmp_path, "2025-09-25")), db=a)
    _ok("digests", "rm", _name_of(a, "2025-09-25", "cs.LG"), "--yes", db=a)
    _ok("import", str(_day(tmp_path, "2025-09-25")), db=b)
    _ok(*publish, db=b)
    said = _ok(*publish, db=a)
    assert "no longer in the cache" not in said
    assert _current(site) == ("2025-09-25", "2025-09-25")


def test_a_removed_day_is_withdrawn_while_another_category_keeps_the_day(tmp_path):
    """Regression hunt: cs.AI's day removed while cs.LG still had a digest that day
    was never withdrawn (the run publishes that day, but not cs.AI)."""
    db, site = tmp_path / "a.db", tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=db)
    _ok(*publish, db=db)
    _ok("import", str(_day(tmp_path, "2025-09-25")), db=db)
    _ok("import", str(_lg_day(tmp_path, "2025-09-25")), db=db)
    _ok(*publish, db=db)
    assert _current(site) == ("2025-09-25", "2025-09-25")
    _ok("digests", "rm", _name_of(db, "2025-09-25", "cs.AI"), "--yes", db=db)
    said = _ok(*publish, db=db)
    assert "the folder's newest day 2025-09-25 is no longer in the cache" in said
    assert _current(site) == ("2025-09-18", "2025-09-18")
    index = json.loads((site / "index.json").read_text("utf-8"))
    assert index["categories"]["cs.LG"]["latest"] == "2025-09-25"


def test_withdrawing_a_categorys_last_day_takes_its_current_files_too(tmp_path):
    """Regression hunt: the category left index.json, but cs.LG.md/.xml still
    served the withdrawn day to RSS subscribers."""
    db, site = tmp_path / "a.db", tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=db)
    _ok("import", str(_lg_day(tmp_path, "2025-09-18")), db=db)
    _ok(*publish, db=db)
    assert (site / "cs.LG.xml").is_file()
    _ok("digests", "rm", _name_of(db, "2025-09-18", "cs.LG"), "--yes", db=db)
    said = _ok(*publish, db=db)
    assert "no day of cs.LG is left in index.json" in said
    assert not (site / "cs.LG.xml").exists() and not (site / "cs.LG.md").exists()
    assert (site / "cs.LG" / "2025-09-18.xml").is_file()  # dated files stay
    assert _current(site) == ("2025-09-18", "2025-09-18")  # cs.AI untouched


def _configured_day_published_and_removed(tmp_path: Path) -> tuple[Path, Path]:
    """cs.AI's 2025-09-18 imported, 2025-09-25 fetched from a source whose URL names
    no category (the config's `category` does), both published, then the latter
    removed: its source's only digest."""
    db, site = tmp_path / "a.db", tmp_path / "site"
    publish = ("publish", "--out", str(site), "--no-translate")
    _ok("import", str(_day(tmp_path, "2025-09-18")), db=db)
    _ok(*publish, db=db)
    today = tmp_path / "today.xml"
    today.write_bytes(_day(tmp_path, "2025-09-25").read_bytes())
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[sources]]\nname = "lab-ai"\nurl = "{today}"\nkind = "arxiv"\ncategory = "cs.AI"\n',
        encoding="utf-8",
    )
    _ok("--config", str(config), "fetch", db=db)
    _ok(*publish, db=db)
    assert _current(site) == ("2025-09-25", "2025-09-25")
    _ok("digests", "rm", _name_of(db, "2025-09-25", "lab-ai"), "--yes", db=db)
    return db, site


def test_a_configured_sources_only_day_is_withdrawn(tmp_path):
    """Code audit: a source whose category is the config's (its URL names none,
    `today.xml`) and whose only digest was the day removed: publish could not
    tell the removed day's category, kept the day the folder's newest and said
    it "was never in this cache (another cache publishes here?)". The cache now
    remembers a removed digest's category."""
    db, site = _configured_day_published_and_removed(tmp_path)
    publish = ("publish", "--out", str(site), "--no-translate")
    said = _ok(*publish, db=db)
    assert "was never in this cache" not in said
    assert (
        "the folder's newest day 2025-09-25 is no longer in the cache; 2025-09-18 is now the newest"
        in said
    )
    assert _current(site) == ("2025-09-18", "2025-09-18")
    # Remembered across runs, and no other day is withdrawn.
    said = _ok(*publish, db=db)
    assert "no longer in the cache" not in said
    assert _current(site) == ("2025-09-18", "2025-09-18")


def test_a_day_removed_before_its_category_was_remembered_is_not_called_another_caches(
    tmp_path,
):
    """A day removed by an older release (no category remembered) whose category
    cannot be told otherwise stays, but the line no longer blames another cache."""
    import sqlite3

    db, site = _configured_day_published_and_removed(tmp_path)
    with sqlite3.connect(db) as conn:  # as an older release removed it
        conn.execute("UPDATE removed_days SET category = ''")
    said = _ok("publish", "--out", str(site), "--no-translate", db=db)
    assert "was never in this cache" not in said
    assert (
        "cs.AI: the folder's newest day 2025-09-25 is not in this cache; a digest of that "
        "day was removed here, but not known to be cs.AI's, so the day stays; 2025-09-18 "
        "is written as a dated copy" in said
    )
    assert _current(site) == ("2025-09-25", "2025-09-25")
