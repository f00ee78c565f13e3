"""Importing a digest of papers the cache holds places them a chunk at a time.

Each known paper a digest lists may move in the listing (a later day lists
it): its place was asked one paper at a time, 50,000 queries for an archive of
known papers (bug hunt `scale`; `listing_key.placements` asks a chunk at once).
The places and the search results are those a paper at a time gave.
"""

from __future__ import annotations

from pathlib import Path

from test_retention import assert_reindex_agrees
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def _papers(n: int) -> list[Paper]:
    return [
        Paper(id=f"2601.{i:05d}", title_en=f"Known paper {i}", abstract_en="x") for i in range(n)
    ]


def _appearance_queries(db: Path, n: int) -> tuple[int, list[tuple]]:
    with Store.open(db) as store:
        store.import_digest(Digest("a", source="/a.md", date="2025-01-10", papers=_papers(n)))
        asked: list[str] = []
        store._conn().set_trace_callback(asked.append)
        store.import_digest(Digest("b", source="/b.md", date="2025-01-11", papers=_papers(n)))
        store._conn().set_trace_callback(None)
        places = (
            store._conn()
            .execute("SELECT id, sort_key, list_date, list_ref FROM papers ORDER BY id")
            .fetchall()
        )
    return sum("FROM membership m JOIN digests d" in q for q in asked), places


def test_known_papers_a_later_day_lists_are_placed_a_chunk_at_a_time(tmp_path: Path) -> None:
    small, _ = _appearance_queries(tmp_path / "small.db", 20)
    big, places = _appearance_queries(tmp_path / "big.db", 1200)
    assert big <= small + 2, (small, big)  # (it was one query per paper: 20 and 1,200)
    assert {p[2] for p in places} == {"2025-01-11"}  # every paper moved to the later day
    assert [p[3] for p in places] == list(range(1, 1201))  # at its place in that digest
    assert_reindex_agrees(tmp_path / "big.db")
