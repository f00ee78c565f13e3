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
from collections.abc import Sequence
from dataclasses import dataclass

from tui_digest.core import schema
from tui_digest.core.model import Paper
from tui_digest.core.store import removed_lists, undo_log, user_log
from tui_digest.core.store.index import index_rows, unindex_rows
from tui_digest.core.store.paper_rows import paper_rows

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
    """
    loose = [
        r[0]
        for r in conn.execute(
            "SELECT pk FROM papers WHERE added_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.paper = papers.pk)",
            (day,),
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


def remove(conn: sqlite3.Connection, pks: Sequence[int], loose: Sequence[int] = ()) -> Removal:
    """Remove digests `pks` inside the caller's write transaction, and the `loose`
    papers (`loose_before`)."""
    names = _names(conn, pks)
    affected = _members(conn, pks) + list(loose)
    orphans = set(_orphans(conn, pks)) | set(loose)
    starred = set(_starred(conn, sorted(orphans - set(loose))))
    old = _indexed(conn, affected)
    marks = ",".join("?" * len(pks))
    first_listed = _first_listed(conn, pks, starred)
    # Remembered, so that no catch-up of missed days brings them back (schema),
    # nor a fetch of the same list (`removed_lists`).
    removed_lists.remember_removed(conn, pks, SAMPLE_SOURCE)
    conn.execute(
        "INSERT OR IGNORE INTO removed_days(source, date) SELECT source, date FROM digests "
        f"WHERE pk IN ({marks}) AND date != '' AND source != ?",
        (*pks, SAMPLE_SOURCE),
    )
    conn.execute(f"DELETE FROM digests WHERE pk IN ({marks})", tuple(pks))
    deleted = 0
    for pk, (key, paper) in old.items():
        if pk in orphans and pk not in starred:
            unindex_rows(conn, [(key, paper)])
            conn.execute("DELETE FROM arxiv_meta WHERE id = ?", (paper.id,))
            conn.execute("DELETE FROM papers WHERE pk = ?", (pk,))
            user_log.await_return(conn, paper.id)  # (its read mark, should it come back)
            deleted += 1
            continue
        published = conn.execute("SELECT published FROM papers WHERE pk = ?", (pk,)).fetchone()[0]
        if pk in starred and not published and pk in first_listed:
            # Kept, listed by no digest now: without a date, `date:` never
            # found it again (README: kept papers stay "at their publication
            # date"; found by a bug hunt). The first day a digest announced it
            # is the earliest date known, as `merge_paper` keeps `published`
            # (arXiv's date replaces it when the paper is enriched).
            published = first_listed[pk]
            conn.execute("UPDATE papers SET published = ? WHERE pk = ?", (published, pk))
        new_key, list_date, list_ref = schema.placement(conn, pk, published)
        if new_key != key:
            unindex_rows(conn, [(key, paper)])
            conn.execute(
                "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
                (new_key, list_date, list_ref, pk),
            )
            index_rows(conn, [(new_key, paper)])
    if deleted:
        undo_log.forget(conn)  # their row numbers may go to the next papers added
    return Removal(names, deleted, len(starred), len(loose))


def _names(conn: sqlite3.Connection, pks: Sequence[int]) -> list[str]:
    marks = ",".join("?" * len(pks))
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM digests WHERE pk IN ({marks}) ORDER BY date, pk", tuple(pks)
        )
    ]


def _first_listed(conn: sqlite3.Connection, pks: Sequence[int], kept: set[int]) -> dict[int, str]:
    """Of the `kept` papers, the first day a dated digest of `pks` listed each."""
    if not kept:
        return {}
    marks = ",".join("?" * len(pks))
    rows = conn.execute(
        "SELECT m.paper, min(d.date) FROM membership m JOIN digests d ON d.pk = m.digest "
        f"WHERE m.digest IN ({marks}) AND d.date != '' GROUP BY m.paper",
        tuple(pks),
    )
    return {pk: day for pk, day in rows if pk in kept}


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
    kept = []
    for pk in pks:
        starred, pid = conn.execute("SELECT starred, id FROM papers WHERE pk = ?", (pk,)).fetchone()
        if (
            starred
            or conn.execute(
                "SELECT EXISTS (SELECT 1 FROM paper_tags WHERE id = ?)"
                " OR EXISTS (SELECT 1 FROM paper_notes WHERE id = ?)",
                (pid, pid),
            ).fetchone()[0]
        ):
            kept.append(pk)
    return kept


def _indexed(conn: sqlite3.Connection, pks: Sequence[int]) -> dict[int, tuple[int, Paper]]:
    """Each paper's listing key and the paper as indexed (to delete its index row exactly)."""
    out: dict[int, tuple[int, Paper]] = {}
    for pk in pks:
        for row in paper_rows(conn, "pk = ?", (pk,)):
            out[pk] = (row.sort_key, row.paper())
    return out
