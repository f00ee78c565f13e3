"""Removing digests, and the papers no remaining digest lists (issue 16 item 1).

One transaction per removal: the digests go (their membership and kept bytes
cascade), then every paper they listed is either placed again from the
digests that still list it, kept at its orphan place when the user starred
it, or deleted. The search index is contentless and keyed by the listing key
(see `index`), so each moved or deleted paper's old index row is deleted with
exactly the values it was inserted with; `reindex` then gives the same result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui_digest.core import digest_day
from tui_digest.core.listing_key import placements
from tui_digest.core.model import ARCHIVE_KIND
from tui_digest.core.search_index import FTS_DELETE, FTS_INSERT, row_layout
from tui_digest.core.store import removed_lists, undo_log, user_log
from tui_digest.core.store.index import unindex_rows
from tui_digest.core.store.paper_rows import paper_rows
from tui_digest.core.store.rows import in_chunks, search_values

# The `source` of the bundled sample digest (`ui.sample`): it goes by itself
# once the first real digest arrives (`drop_sample`).
SAMPLE_SOURCE = "bundled sample"


@dataclass(slots=True)
class Removal:
    """What removing some digests does (or did): digest names, papers deleted, papers kept."""

    digests: list[str]
    papers_deleted: int = 0
    papers_kept: int = 0  # listed by no digest any more, kept: starred, tagged or noted
    papers_loose: int = 0  # of papers_deleted, those no digest listed before (`loose_before`)
    # The removal count (`undo_log.removals`) this removal moved the cache to;
    # None when it removed no paper (the count did not move).
    removal_count: int | None = None
    # Names asked about (`Store.remove_digests(named=)`) that another digest
    # carries now: removed and imported again since the question, left alone.
    returned: list[str] = field(default_factory=list)


def older_than(conn: sqlite3.Connection, day: str) -> list[int]:
    """The digests dated before `day` (YYYY-MM-DD); undated digests are never old."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT pk FROM digests WHERE date != '' AND date < ? ORDER BY date, pk", (day,)
        )
    ]


def drop_sample(conn: sqlite3.Connection) -> Removal:
    """Remove the bundled sample digest, if the cache holds it (caller's transaction)."""
    pks = [r[0] for r in conn.execute("SELECT pk FROM digests WHERE source = ?", (SAMPLE_SOURCE,))]
    return remove(conn, pks) if pks else Removal([])


def loose_before(conn: sqlite3.Connection, day: str) -> list[int]:
    """Papers no digest lists, first seen before `day`, that the user did not mark.

    A same-day update that drops papers from its day's list leaves them in no
    digest (searchable, but in no day's view): `prune` removes them as it removes
    the papers of the digests it removes, once they are as old as those.
    `day` is local and `added_at` a UTC stamp: compared with the UTC moment of
    `day`'s local midnight (bug hunt `tz` #2: with the date's text, a paper
    first seen early on `day` in Shanghai went, being the evening before in UTC).
    """
    loose = [
        r[0]
        for r in conn.execute(
            "SELECT pk FROM papers WHERE added_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.paper = papers.pk)",
            (digest_day.day_start_utc(day),),
        )
    ]
    marked = set(_starred(conn, loose))
    return [pk for pk in loose if pk not in marked]


def plan(conn: sqlite3.Connection, pks: Sequence[int], loose: Sequence[int] = ()) -> Removal:
    """What `remove` would do, without changing anything."""
    names = _names(conn, pks)
    orphans = _orphans(conn, pks)
    starred = _starred(conn, orphans)
    return Removal(names, len(orphans) - len(starred) + len(loose), len(starred), len(loose))


def remove(
    conn: sqlite3.Connection,
    pks: Sequence[int],
    loose: Sequence[int] = (),
    progress: Callable[[int, int], object] | None = None,
) -> Removal:
    """Remove digests `pks` inside the caller's write transaction, and the `loose`
    papers (`loose_before`). `progress(done, total)`: papers deleted or moved in
    the index so far, of how many, after each chunk.

    Set-based, a chunk of papers at a time (bug hunt `scale` #1: removing a
    50,000-paper archive whose papers the daily digests list took 375 s and
    253 MB, one paper at a time): only the papers that go, and those whose
    listing key changes, are read, and their index rows are moved in key order.
    """
    names = _names(conn, pks)
    orphans = set(_orphans(conn, pks)) | set(loose)
    starred = set(_starred(conn, sorted(orphans - set(loose))))
    affected = _places(conn, _members(conn, pks) + list(loose))
    first_listed = _first_listed(conn, pks, starred)
    # Remembered, so that no catch-up of missed days brings them back (schema),
    # nor a fetch of the same list (`removed_lists`).
    removed_lists.remember_removed(conn, pks, SAMPLE_SOURCE)
    marks = ",".join("?" * len(pks))
    # With its category, for `publish` to withdraw the day (schema 23); a day
    # held already (an empty day, `days.hold_day`) gains it.
    conn.execute(
        "INSERT INTO removed_days(source, date, category) SELECT source, date, category "
        f"FROM digests WHERE pk IN ({marks}) AND date != '' AND source != ? "
        "ORDER BY pk ON CONFLICT(source, date) DO UPDATE SET category = excluded.category "
        "WHERE excluded.category != ''",
        (*pks, SAMPLE_SOURCE),
    )
    conn.execute(f"DELETE FROM digests WHERE pk IN ({marks})", tuple(pks))
    gone = [pk for pk in affected if pk in orphans and pk not in starred]
    staying = {pk: place for pk, place in affected.items() if pk not in orphans or pk in starred}
    # Kept, listed by no digest now: without a date, `date:` never found it
    # again (README: kept papers stay "at their publication date"; found by a
    # bug hunt). The first day a digest announced it is the earliest date
    # known, as `merge_paper` keeps `published` (arXiv's date replaces it
    # when the paper is enriched). An archive month is dated the 1st by
    # convention, not by a listing (bug hunt `archive` #6): it places the
    # paper in its month, so `date:` still finds it, but is no `published`.
    dated = {pk: day for pk, (day, _) in first_listed.items() if not staying[pk][1]}
    conn.executemany(
        "UPDATE papers SET published = ? WHERE pk = ?",
        [(day, pk) for pk, day in dated.items() if first_listed[pk][1]],
    )
    staying.update((pk, (staying[pk][0], day)) for pk, day in dated.items())
    moves = _moves(conn, staying)
    step = _Steps(len(gone) + len(moves), progress)
    _delete_papers(conn, gone, step)
    _move(conn, moves, step)
    count = None
    if gone:
        undo_log.forget(conn)  # their row numbers may go to the next papers added
        count = undo_log.removals(conn)
    return Removal(names, len(gone), len(starred), len(loose), count)


def _places(conn: sqlite3.Connection, pks: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Each paper's listing key and published date, by key (the index's order)."""
    found: list[tuple[int, int, str]] = []
    for chunk, marks in in_chunks(pks):
        found += conn.execute(
            f"SELECT pk, sort_key, published FROM papers WHERE pk IN ({marks})", chunk
        )
    found.sort(key=lambda row: row[1])
    return {pk: (key, published) for pk, key, published in found}


def _delete_papers(conn: sqlite3.Connection, gone: Sequence[int], step: _Steps) -> None:
    """Delete papers `gone` (in key order) and their index rows, a chunk at a time."""
    for chunk, marks in in_chunks(gone):
        indexed = [
            (row.sort_key, row.paper()) for row in paper_rows(conn, f"pk IN ({marks})", chunk)
        ]
        unindex_rows(conn, indexed)
        ids = [paper.id for _, paper in indexed]
        conn.executemany("DELETE FROM arxiv_meta WHERE id = ?", ((pid,) for pid in ids))
        conn.execute(f"DELETE FROM papers WHERE pk IN ({marks})", chunk)
        # Claims are by row number, which goes to the next paper added: a live
        # run's claim on a removed paper held that one (bug hunt s41 `auditstore` #1).
        conn.execute(f"DELETE FROM claims WHERE paper IN ({marks})", chunk)
        user_log.await_return(conn, ids)  # (their read marks, should they come back)
        step(len(chunk))


class _Steps:
    """Papers done of `total`, told to `progress` (if any) after each chunk."""

    def __init__(self, total: int, progress: Callable[[int, int], object] | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        if progress is not None:  # the total at once: a bar read "0/?" until the first chunk
            progress(0, total)

    def __call__(self, papers: int) -> None:
        self.done += papers
        if self.progress is not None:
            self.progress(self.done, self.total)


Move = tuple[int, int, int, str, int]  # (old key, pk, new key, list date, list ref)


def _moves(conn: sqlite3.Connection, staying: dict[int, tuple[int, str]]) -> list[Move]:
    """Where papers `staying` (pk -> old key, published) are placed now, by the
    digests that still list them: those whose key changes, by old key."""
    moves: list[Move] = []
    for papers, _ in in_chunks(list(staying)):
        placed = placements(conn, {pk: staying[pk][1] for pk in papers})
        for pk, (key, date, ref) in placed.items():
            if key != staying[pk][0]:
                moves.append((staying[pk][0], pk, key, date, ref))
    moves.sort()
    return moves


def re_place(
    conn: sqlite3.Connection,
    pks: Sequence[int],
    progress: Callable[[int, int], object] | None = None,
) -> None:
    """Papers `pks` placed again by the digests that list them, with their index
    rows: after a digest's date changed (`schema_redate`). `progress(done, total)`:
    papers moved so far, after each chunk."""
    staying: dict[int, tuple[int, str]] = {}
    for chunk, marks in in_chunks(list(pks)):
        rows = conn.execute(
            f"SELECT pk, sort_key, published FROM papers WHERE pk IN ({marks})", chunk
        )
        staying.update((pk, (key, published)) for pk, key, published in rows)
    moves = _moves(conn, staying)
    _move(conn, moves, _Steps(len(moves), progress))


def _move(conn: sqlite3.Connection, moves: Sequence[Move], step: _Steps) -> None:
    """Move papers to their new places, and their index rows (the rowid is the key).

    A chunk at a time, in old-key order: each paper's index values are made
    once, deleted at its old key and inserted at its new one (its text is
    unchanged, so are its words in `terms`).
    """
    layout = row_layout(conn)
    for chunk, marks in in_chunks(moves):
        values = {
            row.pk: search_values(row.paper(), layout)
            for row in paper_rows(conn, f"pk IN ({marks})", [move[1] for move in chunk])
        }
        conn.executemany(FTS_DELETE, [(old, *values[pk]) for old, pk, _, _, _ in chunk])
        conn.executemany(
            "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
            [(key, date, ref, pk) for _, pk, key, date, ref in chunk],
        )
        new = sorted((key, pk) for _, pk, key, _, _ in chunk)
        conn.executemany(FTS_INSERT, [(key, *values[pk]) for key, pk in new])
        step(len(chunk))


def still_named(conn: sqlite3.Connection, pks: Sequence[int], names: Sequence[str]) -> list[int]:
    """Those of digests `pks` whose name is one of `names` now."""
    wanted = set(names)
    marks = ",".join("?" * len(pks))
    rows = conn.execute(f"SELECT pk, name FROM digests WHERE pk IN ({marks})", tuple(pks))
    return sorted(pk for pk, name in rows if name in wanted)


def named_elsewhere(
    conn: sqlite3.Connection, names: Sequence[str], pks: Sequence[int]
) -> list[str]:
    """Those of `names` that a digest other than `pks` is called now: another
    process removed the one asked about and imported it again (a new row)."""
    asked = set(pks)
    returned = []
    for name in names:  # (one look per name: a prune plans thousands of digests)
        rows = conn.execute("SELECT pk FROM digests WHERE name = ?", (name,))
        if {r[0] for r in rows} - asked:
            returned.append(name)
    return returned


def _names(conn: sqlite3.Connection, pks: Sequence[int]) -> list[str]:
    marks = ",".join("?" * len(pks))
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM digests WHERE pk IN ({marks}) ORDER BY date, pk", tuple(pks)
        )
    ]


def _first_listed(
    conn: sqlite3.Connection, pks: Sequence[int], kept: set[int]
) -> dict[int, tuple[str, bool]]:
    """Of the `kept` papers, the first day a dated digest of `pks` listed each, and
    whether a listing gave that day (False: only an archive month's 1st, `ARCHIVE_KIND`)."""
    if not kept:
        return {}
    marks = ",".join("?" * len(pks))
    rows = conn.execute(
        "SELECT m.paper, min(CASE WHEN d.kind != ? THEN d.date END), min(d.date) "
        "FROM membership m JOIN digests d ON d.pk = m.digest "
        f"WHERE m.digest IN ({marks}) AND d.date != '' GROUP BY m.paper",
        (ARCHIVE_KIND, *pks),
    )
    return {pk: (listed or month, bool(listed)) for pk, listed, month in rows if pk in kept}


def _members(conn: sqlite3.Connection, pks: Sequence[int]) -> list[int]:
    marks = ",".join("?" * len(pks))
    return [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT paper FROM membership WHERE digest IN ({marks})", tuple(pks)
        )
    ]


def _orphans(conn: sqlite3.Connection, pks: Sequence[int]) -> list[int]:
    """Papers of `pks` that no other digest lists."""
    marks = ",".join("?" * len(pks))
    return [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT m.paper FROM membership m WHERE m.digest IN ({marks}) "
            f"AND NOT EXISTS (SELECT 1 FROM membership o WHERE o.paper = m.paper "
            f"AND o.digest NOT IN ({marks}))",
            (*pks, *pks),
        )
    ]


def _starred(conn: sqlite3.Connection, pks: Sequence[int]) -> list[int]:
    """Of `pks`, the papers the user marked (starred, tagged or noted): prune keeps them."""
    marked: set[int] = set()
    for chunk, marks in in_chunks(pks):
        marked.update(
            r[0]
            for r in conn.execute(
                f"SELECT pk FROM papers p WHERE pk IN ({marks}) AND (starred "
                "OR EXISTS (SELECT 1 FROM paper_tags t WHERE t.id = p.id) "
                "OR EXISTS (SELECT 1 FROM paper_notes n WHERE n.id = p.id))",
                chunk,
            )
        )
    return [pk for pk in pks if pk in marked]
