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
