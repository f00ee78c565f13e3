"""Removing a big digest whose papers other digests list too (bug hunt `scale` #1).

`digests rm` of a 50,000-paper archive imported over the daily digests took
375 s and 253 MB: every paper was read whole and moved in the search index
one statement at a time. Removal is set-based now: its statements do not grow
with the papers (a chunk of them at a time), and the cache it leaves is the
one the dailies alone make.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from test_retention import assert_reindex_agrees, results
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, retention

WORDS = ("alpha", "beta", "gamma", "shared")


def paper(n: int) -> Paper:
    pid = f"2601.{n:05d}"
    return Paper(
        id=pid,
        title_en=f"Title {WORDS[n % 4]} of {pid}",
        abstract_en=f"{WORDS[(n + 1) % 4]} abstract 模型 {n}",
        authors=[f"Author {n % 7}"],
        categories=["cs.AI"],
    )


def dailies(n: int) -> list[Digest]:
    """Three days' digests of papers 1..n, the middle papers on two days."""
    third = n // 3
    days = {
        "2025-01-10": range(1, third + 3),
        "2025-01-11": range(third + 1, 2 * third + 3),
        "2025-01-12": range(2 * third + 1, n + 1),
    }
    return [
        Digest("cs.AI", source="/data/cs.AI.md", date=day, papers=[paper(i) for i in nums])
        for day, nums in days.items()
    ]


def build(db: Path, n: int, *, big: bool = True, big_date: str = "2025-02-01") -> None:
    """The dailies of papers 1..n and, after them, an archive of papers 1..n + n // 5."""
    with Store.open(db) as s:
        for d in dailies(n):
            s.import_digest(d)
        if big:
            papers = [paper(i) for i in range(1, n + n // 5 + 1)]
            s.import_digest(
                Digest("archive", source="/data/archive.md", date=big_date, papers=papers)
            )


class Counting:
    """A connection that counts the statements it is asked to run (a call of
    `execute` or `executemany` each, whatever its number of rows)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.calls = 0

    def execute(self, *args: Any) -> sqlite3.Cursor:
        self.calls += 1
        return self.conn.execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        self.calls += 1
        return self.conn.executemany(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def calls_to_remove_archive(db: Path) -> int:
    with Store.open(db) as s:
        [pk] = s.digest_pks(["archive-2025-02-01"])
        with s._write() as conn:
            counting = Counting(conn)
            done = retention.remove(counting, [pk])  # type: ignore[arg-type]
    assert done.digests == ["archive-2025-02-01"]
    return counting.calls


def test_removing_a_big_digest_runs_as_many_statements_for_more_papers(tmp_path):
    """Papers placed again and deleted a chunk at a time: the statements of the
    removal do not grow with its papers (they were four to six per paper)."""
    small, large = tmp_path / "small.db", tmp_path / "large.db"
    build(small, 30)
    build(large, 240)
    assert calls_to_remove_archive(large) == calls_to_remove_archive(small)


def test_removing_the_archive_leaves_the_cache_the_dailies_make(tmp_path):
    """Every paper the dailies list goes back to its place (listing, index rows,
    dates); the archive's own papers go, but a starred one stays."""
    n = 90
    removed, alone = tmp_path / "removed.db", tmp_path / "alone.db"
    build(removed, n)
    build(alone, n, big=False)
    with Store.open(removed) as s:
        # the archive is every paper's newest listing: their place is the archive's
        dates = s._conn().execute("SELECT DISTINCT list_date FROM papers").fetchall()
        assert dates == [("2025-02-01",)]
        plan = s.removal_plan(s.digest_pks(["archive-2025-02-01"]))
        assert (plan.papers_deleted, plan.papers_kept) == (n // 5, 0)
        done = s.remove_digests(s.digest_pks(["archive-2025-02-01"]))
        assert (done.papers_deleted, done.papers_kept) == (n // 5, 0)
    assert assert_reindex_agrees(removed) == results(alone)
    with Store.open(removed) as s, Store.open(alone) as a:
        conn, other = s._conn(), a._conn()
        cols = "id, sort_key, list_date, list_ref, published, starred, read"
        query = f"SELECT {cols} FROM papers ORDER BY sort_key"
        assert conn.execute(query).fetchall() == other.execute(query).fetchall()
        listing = "SELECT key, pk, read, starred FROM listing ORDER BY key"
        assert conn.execute(listing).fetchall() == other.execute(listing).fetchall()
        for word in ("alpha", "模型", "author", "2601"):
            assert [r.id for r in s.search(word, limit=500)] == [
                r.id for r in a.search(word, limit=500)
            ]


def test_an_older_big_digest_goes_without_moving_the_papers_it_shares(tmp_path):
    """Dated before the dailies, the archive placed none of their papers: they
    keep their keys; its own papers go, a starred one stays, dated by it."""
    db = tmp_path / "c.db"
    n = 60
    build(db, n, big_date="2024-12-01")
    keys = "SELECT id, sort_key FROM papers WHERE id <= '2601.00060'"
    with Store.open(db) as s:
        before = s._conn().execute(keys).fetchall()
        assert len(before) == n
        s.set_starred([s.get_paper("2601.00070").rowid])  # type: ignore[union-attr]
        done = s.remove_digests(s.digest_pks(["archive-2024-12-01"]))
        assert (done.papers_deleted, done.papers_kept) == (n // 5 - 1, 1)
        assert s._conn().execute(keys).fetchall() == before
    found = assert_reindex_agrees(db)
    assert len(found[""]) == n + 1
    with Store.open(db) as s:
        assert s.get_paper("2601.00070").paper.published == "2024-12-01"  # type: ignore[union-attr]
        assert [r.id for r in s.search("date:2024-12-01", limit=10)] == ["2601.00070"]


def test_removal_tells_its_progress_a_chunk_at_a_time(tmp_path, monkeypatch):
    """`digests rm` of a 50,000-paper archive was minutes of silence after the
    plan: the store tells the papers deleted or moved so far, of how many."""
    from tui_digest.core.store import rows

    monkeypatch.setattr(rows, "CHUNK", 50)
    db = tmp_path / "c.db"
    build(db, 240)  # 48 papers only in the archive go, 240 move back to the dailies
    steps: list[tuple[int, int]] = []
    with Store.open(db) as s:
        done = s.remove_digests(
            s.digest_pks(["archive-2025-02-01"]), progress=lambda *step: steps.append(step)
        )
    assert done.papers_deleted == 48
    # The total first, before any chunk: the bar read "0/?" meanwhile (reg4 #2).
    assert steps == [(0, 288), (48, 288), (98, 288), (148, 288), (198, 288), (248, 288), (288, 288)]
    assert_reindex_agrees(db)
