"""An empty digest of a schema-3 cache after the upgrade, and For you's newest day.

Found by a bug hunt: a v3 cache kept an empty document (the generator's weekend
file) as a digest with no papers and no date. The v4 step dated it by its
import, so it became the newest day, and the picker's For you opened
`date:<that day> sort:foryou`: "No papers match." An import now creates nothing
for an empty document (`store.days`), so a cache made today never had one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_digest.core import schema
from tui_digest.core.model import Digest, DigestInfo, Paper
from tui_digest.core.store import Store
from tui_digest.ui.foryou import newest_day_followed, today_query

DAY = "2024-02-06"


def make_v3_with_an_empty_digest(path: Path) -> None:
    """A schema-3 cache as 797d0df left it: a dated digest of two papers, then an
    empty document imported later (no date in it, none in its name)."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=3)
    for pk, name, source, date, count, imported in (
        (1, "digest-cs.LG", "/home/u/digest-cs.LG.md", DAY, 2, "2024-02-06T07:00:00+00:00"),
        (2, "digest-empty", "/home/u/digest-empty.md", "", 0, "2026-12-02T05:00:00+00:00"),
    ):
        conn.execute(
            "INSERT INTO digests(pk, name, source, date, kind, count, imported_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'digest', ?, ?, ?)",
            (pk, name, source, date, count, imported, imported),
        )
    for ref, pid in enumerate(("2402.00001", "2402.00002"), start=1):
        conn.execute(
            "INSERT INTO papers(pk, id, title_en, sort_key, list_date, list_ref, read) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            (ref, pid, f"Paper {pid}", schema.sort_key(DAY, 1, ref), DAY, ref),
        )
        conn.execute("INSERT INTO membership(digest, ref, paper) VALUES (1, ?, ?)", (ref, ref))
    schema.rebuild_search_index(conn, layout=1)  # (as a v3 cache: no `meta`)
    conn.close()


def test_an_empty_digest_of_a_v3_cache_is_not_the_newest_day_after_the_upgrade(
    tmp_path, utc_local_time
):
    db = tmp_path / "v3.db"
    make_v3_with_an_empty_digest(db)
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION
        # The empty digest is gone, as an empty document imported today makes none.
        assert [(d.date, d.count, d.alias) for d in s.digests()] == [(DAY, 2, "digest-cs.LG")]
        assert s.digest_name("digest-empty") is None
        # For you opens the day that has the papers.
        assert today_query(s.digests()) == f"date:{DAY} sort:foryou"
        assert s.count(f"date:{DAY}") == 2
        assert [r.id for r in s.search()] == ["2402.00001", "2402.00002"]
    with Store.open(db) as s:  # (a restart changes nothing)
        assert [(d.date, d.count) for d in s.digests()] == [(DAY, 2)]
    assert s.verify() == ""


def test_for_you_skips_a_newest_day_without_papers_an_earlier_upgrade_left(tmp_path):
    """A cache an earlier release upgraded still holds the empty digest, dated the
    day of its import: For you's newest day is the newest day that lists papers."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("cs.LG", date=DAY, papers=[Paper(id="2402.00001")]))
        s._conn().execute(  # (what that upgrade left: a digest with no papers, newest)
            "INSERT INTO digests(name, source, date, count, imported_at, alias, label) "
            "VALUES ('digest-empty-2026-12-02', '/home/u/digest-empty.md', '2026-12-02', 0, "
            "'2026-12-02T05:00:00+00:00', 'digest-empty', '2026-12-02 · u')"
        )
        digests = s.digests()
    assert [d.date for d in digests] == ["2026-12-02", DAY]
    assert today_query(digests) == f"date:{DAY} sort:foryou"
    # A fetch that brings only that empty day does not move For you there.
    before = [d for d in digests if d.count]
    assert newest_day_followed(f"date:{DAY} sort:foryou", None, before, digests) is None


def test_for_you_with_no_day_that_lists_papers_ranks_every_paper():
    empty = DigestInfo(name="e-2026-12-02", date="2026-12-02", source="", count=0)
    assert today_query([empty]) == "sort:foryou"
    full = DigestInfo(name="a-2024-02-05", date="2024-02-05", source="", count=3)
    assert today_query([empty, full]) == "date:2024-02-05 sort:foryou"
