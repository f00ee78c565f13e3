"""Importing one digest: merge its papers, record its membership, keep the index.

One digest is one write transaction (the caller's). The work is spread over
`DigestImport`'s steps so each reads as one rule:

1. `incoming_papers` (before the transaction): one entry per id at its first
   ref, and a hash of what each entry brings.
2. `days` picks the digest row (that day's, or a new one); for a same-day
   update, remember what each ref brought last time.
3. Entries that bring exactly what they brought last time are skipped unread.
4. The rest are merged into the papers table (`merge.merge_paper`).
5. Membership is rewritten when it changed.
6. Papers whose newest appearance moved get a new listing key; their search
   rows move with them (every old row is deleted before any new one is
   inserted: keys may swap places).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_digest.core import schema
from tui_digest.core.model import Digest, ImportStats, Paper
from tui_digest.core.store.index import index_rows, placement, unindex_rows
from tui_digest.core.store.merge import merge_paper
from tui_digest.core.store.rows import (
    INSERT_PAPER,
    UPDATE_PAPER,
    PaperRow,
    paper_hash,
    paper_rows_in,
    paper_values,
    update_values,
)

# ref -> (paper pk, paper id, hash of what that entry brought last time)
Previous = dict[int, tuple[int, str, bytes | None]]


@dataclass(slots=True)
class Incoming:
    """A digest's papers as the store takes them: id -> (first ref, merged paper)."""

    papers: dict[str, tuple[int, Paper]]
    hashes: dict[str, bytes]


def incoming_papers(digest: Digest) -> Incoming:
    """One row per id, at its first ref; a repeated id still merges its data."""
    papers: dict[str, tuple[int, Paper]] = {}
    for ref, paper in enumerate(digest.papers, 1):
        if not paper.id:
            continue
        if paper.id in papers:
            first_ref, first = papers[paper.id]
            papers[paper.id] = (first_ref, merge_paper(first, paper))
        else:
            papers[paper.id] = (ref, paper)
    return Incoming(papers, {pid: paper_hash(p) for pid, (_, p) in papers.items()})


@dataclass
class DigestImport:
    """The state of one import inside its transaction; `run()` does it."""

    conn: sqlite3.Connection
    digest: Digest
    incoming: Incoming
    now: str
    dpk: int  # the digest row (see `days.choose` / `days.create`)
    date: str  # its day
    old_date: str  # its day before this import (= `date` for a new digest)
    existing: bool  # a same-day update of a digest imported before
    stats: ImportStats = field(default_factory=ImportStats)
    previous: Previous = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)  # id -> pk
    new_rows: list[tuple[object, ...]] = field(default_factory=list)
    changed: dict[int, Paper] = field(default_factory=dict)  # pk -> merged paper
    current: dict[int, Paper] = field(default_factory=dict)  # papers whose text is known
    keys: dict[int, int] = field(default_factory=dict)  # existing pk -> key before
    fts_old: list[tuple[int, Paper]] = field(default_factory=list)  # rows to delete
    fts_new: dict[int, Paper] = field(default_factory=dict)  # pk -> row to (re)insert
    progress: Callable[[int], object] | None = None  # papers indexed so far, in steps

    def run(self) -> ImportStats:
        self._previous()
        self._touch_digest()
        todo = self._skip_unchanged()
        self._merge(todo)
        entries = self._membership()
        placements = self._replace(self._affected(entries))
        self._write_index(placements)
        return self.stats

    # --- steps ---------------------------------------------------------------

    def _previous(self) -> None:
        """What each ref of the digest brought last time (a same-day update)."""
        if not self.existing:
            return
        self.previous = {
            ref: (pk, pid, h)
            for ref, pk, pid, h in self.conn.execute(
                "SELECT m.ref, m.paper, p.id, m.hash FROM membership m "
                "JOIN papers p ON p.pk = m.paper WHERE m.digest = ?",
                (self.dpk,),
            )
        }

    def _touch_digest(self) -> None:
        if self.existing:
            self.conn.execute(
                "UPDATE digests SET date = ?, kind = ?, updated_at = ? WHERE pk = ?",
                (self.date, self.digest.kind, self.now, self.dpk),
            )

    def _skip_unchanged(self) -> list[str]:
        """Ids to merge; an entry that brings what it brought last time changes nothing."""
        todo: list[str] = []
        hashes = self.incoming.hashes
        for pid, (ref, _) in self.incoming.papers.items():
            was = self.previous.get(ref)
            if was is not None and was[1] == pid and was[2] == hashes[pid]:
                self.members[pid] = was[0]
                self.stats.unchanged += 1
            else:
                todo.append(pid)
        return todo

    def _merge(self, todo: list[str]) -> None:
        found: dict[str, PaperRow] = {r.id: r for r in paper_rows_in(self.conn, "id", todo)}
        next_pk = self.conn.execute("SELECT coalesce(max(pk), 0) FROM papers").fetchone()[0]
        for pid in todo:
            ref, paper = self.incoming.papers[pid]
            row = found.get(pid)
            if row is None:
                next_pk += 1
                self._add(next_pk, ref, paper)
                self.members[pid] = next_pk
            else:
                self._merge_into(row, paper)
                self.members[pid] = row.pk
        self.conn.executemany(INSERT_PAPER, self.new_rows)
        self.conn.executemany(
            UPDATE_PAPER, [update_values(p, pk) for pk, p in self.changed.items()]
        )

    def _add(self, pk: int, ref: int, paper: Paper) -> None:
        when = self.date or paper.published
        key = schema.sort_key(when, self.dpk, ref)
        self.new_rows.append((pk, *paper_values(paper), self.now, key, when, ref))
        self.keys[pk] = key
        self.fts_new[pk] = paper
        self.stats.new += 1

    def _merge_into(self, row: PaperRow, paper: Paper) -> None:
        old = row.paper()
        self.keys[row.pk] = row.sort_key
        merged = merge_paper(old, paper)
        self.current[row.pk] = merged
        if merged != old:
            self.changed[row.pk] = merged
            self.fts_old.append((row.sort_key, old))
            self.fts_new[row.pk] = merged
            self.stats.updated += 1
        else:
            self.stats.unchanged += 1

    def _membership(self) -> list[tuple[int, int, bytes]]:
        """Rewrite this digest's membership when it changed; returns (ref, pk, hash)s."""
        hashes = self.incoming.hashes
        entries = sorted(
            (ref, self.members[pid], hashes[pid]) for pid, (ref, _) in self.incoming.papers.items()
        )
        before = sorted((ref, pk, h) for ref, (pk, _, h) in self.previous.items())
        if entries != before:
            self.conn.execute("DELETE FROM membership WHERE digest = ?", (self.dpk,))
            self.conn.executemany(
                "INSERT INTO membership(digest, ref, paper, hash) VALUES (?, ?, ?, ?)",
                [(self.dpk, ref, pk, h) for ref, pk, h in entries],
            )
            self.conn.execute("UPDATE digests SET count = ? WHERE pk = ?", (len(entries), self.dpk))
        return entries  # type: ignore[return-value]

    def _affected(self, entries: list[tuple[int, int, bytes]]) -> set[int]:
        """Existing papers whose listing key may move.

        Every member when the date changed, else the papers whose entry in this
        digest is new, gone or moved.
        """
        if self.date != self.old_date:
            affected = {pk for _, pk, _ in entries} | {pk for pk, _, _ in self.previous.values()}
        else:
            was_at = {(ref, pk) for ref, (pk, _, _) in self.previous.items()}
            now_at = {(ref, pk) for ref, pk, _ in entries}
            affected = {pk for _, pk in was_at ^ now_at}
        # In place, as before the split: the set's iteration order decides the
        # order of FTS deletes, which shapes the index's segments (cache size).
        affected -= {r[0] for r in self.new_rows}  # type: ignore[misc]
        return affected

    def _replace(self, affected: set[int]) -> dict[int, tuple[int, str, int]]:
        """New (sort_key, list_date, list_ref) of the affected papers that moved."""
        missing = [pk for pk in affected if pk not in self.keys]
        for row in paper_rows_in(self.conn, "pk", missing):
            self.keys[row.pk] = row.sort_key
            self.current[row.pk] = row.paper()
        placements: dict[int, tuple[int, str, int]] = {}
        for pk in affected:
            place = placement(self.conn, pk, self.current[pk].published)
            if place[0] != self.keys[pk]:
                placements[pk] = place
                if pk not in self.changed:
                    self.fts_old.append((self.keys[pk], self.current[pk]))
                    self.fts_new[pk] = self.current[pk]
        return placements

    def _write_index(self, placements: dict[int, tuple[int, str, int]]) -> None:
        # Every old FTS row goes before any new one: keys may swap places.
        unindex_rows(self.conn, self.fts_old)
        self.conn.executemany(
            "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
            [(*place, pk) for pk, place in placements.items()],
        )
        index_rows(
            self.conn,
            [
                (placements[pk][0] if pk in placements else self.keys.get(pk), p)
                for pk, p in self.fts_new.items()
            ],
            self.progress,
        )


def import_into(
    conn: sqlite3.Connection,
    digest: Digest,
    incoming: Incoming,
    now: str,
    *,
    dpk: int,
    day: str,
    old_date: str,
    existing: bool,
    progress: Callable[[int], object] | None = None,
) -> ImportStats:
    """Merge `digest` into digest row `dpk` inside the caller's write transaction."""
    job = DigestImport(conn, digest, incoming, now, dpk, day, old_date, existing)
    job.progress = progress
    return job.run()
