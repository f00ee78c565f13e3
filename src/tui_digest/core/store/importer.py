"""Importing one digest: merge its papers, record its membership, keep the index.

One digest is one write transaction (the caller's), fed in batches so that a
169 MB document never has to be held whole (issue 13 req 1): `DigestImport`
takes `add(batch)` as many times as needed, then `finish()`. Each step reads
as one rule:

1. `start`: for a same-day update, what each ref brought last time.
2. `add`: entries that bring exactly what they brought last time are skipped
   unread; the rest are merged into the papers table (`merge.merge_paper`),
   as a revision when the digest's previous version listed the paper too.
   A new paper of a new digest is indexed at once (its listing key holds the
   new digest's number, so no other row can have it); every other paper
   whose text changed loses its old search row now and gets its new one in
   `finish`, read back from the papers table.
3. `finish`: membership is rewritten when it changed; papers whose newest
   appearance moved get a new listing key and their search rows move with
   them (every old row is deleted before any new one is inserted: keys may
   swap places).

A whole document in memory (`incoming_papers`) has its repeated ids merged
before; a stream meets them as they come (`add(..., repeats=True)`), and the
entry's hash then covers every occurrence.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from tui_digest.core import arxiv_meta, schema
from tui_digest.core.arxiv_meta import ArxivMeta
from tui_digest.core.extras import Extra
from tui_digest.core.listing_key import placements as placements_of
from tui_digest.core.model import ARCHIVE_KIND, Digest, ImportStats, Paper
from tui_digest.core.search_index import set_fts_options
from tui_digest.core.store.bulk import insert_rows
from tui_digest.core.store.index import Ready, index_rows, unindex_rows
from tui_digest.core.store.listing_facts import listing_categories, listing_kinds
from tui_digest.core.store.merge import listed_as, merge_paper, version_number
from tui_digest.core.store.paper_rows import PaperRow, paper_rows_in
from tui_digest.core.store.rows import (
    INSERT_PAPER,
    UPDATE_PAPER,
    in_chunks,
    paper_hash,
    paper_values,
    update_values,
)

# ref -> (paper pk, paper id, hash of what that entry brought last time, its
# listing's version and type)
Previous = dict[int, tuple[int, str, bytes | None, str, str]]
# Papers merged per batch: a few MB of text, one id lookup, one multi-row
# statement per table. A streamed document has three batches alive at once
# (written, tokenised in the child process, parsed: `read_ahead`); at 2,000
# the 65k-paper import peaked at 272-275 MB, plus the child's 66 MB, at 1,000
# at 205 MB plus 48 MB, in the same time (FTS5 then writes a segment per
# 1,000 rows; the cache came out 470.3 -> 471.8 MB).
BATCH = 1000


def _arxiv_said(conn: sqlite3.Connection, held: dict[str, PaperRow]) -> dict[str, ArxivMeta]:
    """What arXiv's API said (found) of the papers already `held`: reapplied after
    each merge (`arxiv_meta.apply_to`), since an announcement's lists replace the
    stored ones (`merge_paper`) and arXiv is not asked again for a version it gave."""
    if not held:
        return {}
    return {k: m for k, m in arxiv_meta.load(conn, held).items() if m.found}


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


def repeat_hash(first: bytes, again: bytes) -> bytes:
    """The hash of an entry whose id came again in the same streamed document."""
    return hashlib.blake2b(first + again, digest_size=16).digest()


def listing(batches: Iterable[Iterable[tuple[int, Paper, bytes]]]) -> list[tuple[int, str, bytes]]:
    """(ref, id, hash) of every entry of a document given whole, by ref: what
    `DigestImport.membership` gives once its batches are added, known before
    anything is written (an id met again adds to its first entry's hash)."""
    entries: dict[str, list] = {}  # id -> [ref, hash]
    for batch in batches:
        for ref, paper, h in batch:
            if not paper.id:
                continue
            entry = entries.get(paper.id)
            if entry is None:
                entries[paper.id] = [ref, h]
            else:
                entry[1] = repeat_hash(entry[1], h)
    return sorted((ref, pid, h) for pid, (ref, h) in entries.items())


def listed(batches: Iterable[Iterable[tuple[int, Paper, bytes]]]) -> list[tuple[int, str, str]]:
    """(ref, version, type) of every entry of a document given whole, as
    `DigestImport` would keep them in `membership` (an id met again: `listed_as`)."""
    entries: dict[str, list] = {}  # id -> [ref, version, type]
    for batch in batches:
        for ref, paper, _ in batch:
            if not paper.id:
                continue
            entry = entries.get(paper.id)
            if entry is None:
                entries[paper.id] = [ref, paper.version, paper.announce_type]
            else:
                entry[1], entry[2] = listed_as(entry[1], entry[2], paper)
    return [(ref, version, kind) for ref, version, kind in entries.values()]


@dataclass
class DigestImport:
    """The state of one import inside its transaction: `start`, `add`…, `finish`."""

    conn: sqlite3.Connection
    now: str
    dpk: int  # the digest row (see `days.choose` / `days.create`)
    date: str  # its day
    old_date: str  # its day before this import (= `date` for a new digest)
    existing: bool  # a same-day update of a digest imported before
    stats: ImportStats = field(default_factory=ImportStats)
    previous: Previous = field(default_factory=dict)
    # Ids the digest's previous version listed: their entries are the same
    # source's revised text (`merge_paper(revision=True)`).
    revised: set[str] = field(default_factory=set)
    # id -> [ref, pk, hash, version, announce type]: the last two what this
    # document says of the paper (`listed_as`), kept as its listing's in `membership`.
    entries: dict[str, list] = field(default_factory=dict)
    new_pks: set[int] = field(default_factory=set)
    unindexed: set[int] = field(default_factory=set)  # pks whose search row comes in `finish`
    next_pk: int = 0
    progress: Callable[[int], object] | None = None  # papers indexed so far, in steps
    # New papers' rows as single statements: another thread reads ahead (`bulk`).
    bulk: bool = False
    kind: str = ""  # the document's (`Digest.kind`, set by `touch`)

    def start(self) -> None:
        """What each ref brought last time (a same-day update); the digest touched."""
        if self.existing:
            self.previous = {
                ref: (pk, pid, h, version, kind)
                for ref, pk, pid, h, version, kind in self.conn.execute(
                    "SELECT m.ref, m.paper, p.id, m.hash, m.version, m.announce_type "
                    "FROM membership m "
                    "JOIN papers p ON p.pk = m.paper WHERE m.digest = ?",
                    (self.dpk,),
                )
            }
            self.revised = {pid for _, pid, _, _, _ in self.previous.values()}
            if self._is_archive():
                self.revised -= self._listed_elsewhere()
        self.next_pk = self.conn.execute("SELECT coalesce(max(pk), 0) FROM papers").fetchone()[0]
        # Caches indexed before FTS_HASH_SIZE / FTS_PAGE_SIZE get them with their next import.
        set_fts_options(self.conn)

    def _is_archive(self) -> bool:
        """Whether this digest is an archive month (`ARCHIVE_KIND`)."""
        row = self.conn.execute("SELECT kind FROM digests WHERE pk = ?", (self.dpk,)).fetchone()
        return row is not None and row[0] == ARCHIVE_KIND

    def _listed_elsewhere(self) -> set[str]:
        """Ids of this digest that a digest other than an archive month lists.

        An archive month is dated the 1st by convention, not by a listing: it
        is no newer list of such a paper, so its record does not revise the
        daily digest's text (it only fills empty fields, as a record does the
        first time). It did once the month was re-filed with one more record,
        and the same record re-imported replaced the title and abstract, as
        "updated" (regression hunt `regarchive` #3). A paper only archive months
        list is still revised by a corrected record."""
        return {
            pid
            for (pid,) in self.conn.execute(
                "SELECT DISTINCT p.id FROM membership m "
                "JOIN papers p ON p.pk = m.paper "
                "WHERE m.digest = ? AND EXISTS (SELECT 1 FROM membership o "
                "JOIN digests d ON d.pk = o.digest "
                "WHERE o.paper = m.paper AND d.kind != ?)",
                (self.dpk, ARCHIVE_KIND),
            )
        }

    def touch(self, kind: str) -> None:
        self.kind = kind
        if self.existing:
            self.conn.execute(
                "UPDATE digests SET date = ?, kind = ?, updated_at = ? WHERE pk = ?",
                (self.date, kind, self.now, self.dpk),
            )

    # --- add -----------------------------------------------------------------

    def add(
        self,
        batch: Iterable[tuple[int, Paper, bytes]],
        *,
        repeats: bool = False,
        ready: Ready | None = None,
    ) -> None:
        """Merge a batch of (ref, paper, hash) entries (refs rising).

        `ready`: search rows of new papers made ahead (`read_ahead`).
        """
        todo: list[tuple[int, Paper]] = []
        again: list[tuple[Paper, bytes]] = []
        for ref, paper, h in batch:
            if not paper.id:
                continue
            if paper.id in self.entries:
                if repeats:
                    again.append((paper, h))
                continue
            was = self.previous.get(ref)
            listed = [paper.version, paper.announce_type]
            if was is not None and was[1] == paper.id and not any(listed):
                # The same digest again, saying nothing of the version or type
                # (an archive record of title and link): what it said before
                # stays. It became "", and the listing lost its "v1 new" (a
                # regression hunt, once a listing no longer took the paper's).
                listed = [was[3], was[4]]
            if was is not None and was[1] == paper.id and was[2] == h:
                self.entries[paper.id] = [ref, was[0], h, *listed]
                self.stats.unchanged += 1
            else:
                self.entries[paper.id] = [ref, 0, h, *listed]
                todo.append((ref, paper))
        self._merge(todo, ready)
        for paper, h in again:
            self._repeat(paper, h)

    def _merge(self, todo: Sequence[tuple[int, Paper]], ready: Ready | None = None) -> None:
        ids = [p.id for _, p in todo]
        found: dict[str, PaperRow] = {r.id: r for r in paper_rows_in(self.conn, "id", ids)}
        metas = _arxiv_said(self.conn, found)
        new_rows: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        gone: list[tuple[int, Paper]] = []  # search rows to delete (old text)
        fresh: list[tuple[int | None, Paper]] = []  # search rows to insert now
        for ref, paper in todo:
            row = found.get(paper.id)
            if row is None:
                self.next_pk += 1
                pk = self.next_pk
                when = self.date or paper.published
                key = schema.sort_key(when, self.dpk, ref)
                values = ready.values_of(paper) if ready is not None else None
                if values is None:
                    values = paper_values(paper)
                new_rows.append((pk, *values, self.now, key, when, ref))
                self.new_pks.add(pk)
                if self.existing:
                    self.unindexed.add(pk)  # its key may still be held by a row that moves
                else:
                    fresh.append((key, paper))
                self.stats.new += 1
                self.stats.new_ids.add(paper.id)
            else:
                pk = row.pk
                old = row.paper()
                merged = merge_paper(old, paper, revision=paper.id in self.revised)
                if paper.id in metas:  # arXiv's answer outlives any announcement
                    self._apply(merged, pk, paper, metas[paper.id])
                if merged != old and _remembers_only(old, merged):
                    updates.append(update_values(merged, pk))  # (nothing to index)
                    self.stats.unchanged += 1
                elif merged != old:
                    gone.append((row.sort_key, old))
                    updates.append(update_values(merged, pk))
                    self.unindexed.add(pk)
                    self.stats.updated += 1
                    self.stats.updated_ids.add(paper.id)
                else:
                    self.stats.unchanged += 1
            self.entries[paper.id][1] = pk
        unindex_rows(self.conn, gone)
        insert_rows(self.conn, INSERT_PAPER, new_rows, bulk=self.bulk)
        self.conn.executemany(UPDATE_PAPER, updates)
        index_rows(self.conn, fresh, self.progress, ready=ready, bulk=self.bulk)

    def _repeat(self, paper: Paper, h: bytes) -> None:
        """An id met again in a streamed document: merge it into the row it made."""
        entry = self.entries[paper.id]
        entry[2] = repeat_hash(entry[2], h)
        # The listing's type by the rule of a paper's (as `incoming_papers` merges
        # a document held whole): a newer version's, else the first one given.
        entry[3], entry[4] = listed_as(entry[3], entry[4], paper)
        row = next(paper_rows_in(self.conn, "pk", [entry[1]]))
        old = row.paper()
        merged = merge_paper(old, paper)
        meta = _arxiv_said(self.conn, {row.id: row}).get(row.id)
        if meta is not None:
            self._apply(merged, row.pk, paper, meta)
        if merged == old:
            return
        if row.pk not in self.unindexed and not _remembers_only(old, merged):
            unindex_rows(self.conn, [(row.sort_key, old)])
            self.unindexed.add(row.pk)
        self.conn.execute(UPDATE_PAPER, update_values(merged, row.pk))

    def _apply(self, merged: Paper, pk: int, paper: Paper, meta: ArxivMeta) -> None:
        """Apply arXiv's answer to `merged` (the row at `pk` with this document's
        `paper`), knowing whether its abstract is whole: the kinds of the documents
        listing it at its version, this one's too when it gave that version."""
        kinds = listing_kinds(self.conn, pk, merged.version, besides=self.dpk)
        if version_number(paper.version) == version_number(merged.version):
            kinds.add(self.kind)
        # The categories this document and the digests listing it give it.
        listed = [*paper.categories, *self._category(), *listing_categories(self.conn, pk)]
        whole = arxiv_meta.abstract_is_whole(kinds)
        arxiv_meta.apply_to(merged, meta, whole=whole, listed=listed)

    def _category(self) -> list[str]:
        """This digest's category (its source's), as a list of at most one."""
        row = self.conn.execute("SELECT category FROM digests WHERE pk = ?", (self.dpk,)).fetchone()
        return [row[0]] if row and row[0] else []

    # --- finish --------------------------------------------------------------

    def membership(self) -> list[tuple[int, str, bytes]]:
        """(ref, id, hash) of every entry, by ref (what `days` compares)."""
        return sorted((ref, pid, h) for pid, (ref, _, h, _, _) in self.entries.items())

    def listed(self) -> list[tuple[int, str, str]]:
        """(ref, version, type) of every entry (what `days.relabels` compares)."""
        return [(ref, version, kind) for ref, _, _, version, kind in self.entries.values()]

    def finish(self) -> ImportStats:
        entries = sorted(
            (ref, pk, h, version, kind) for ref, pk, h, version, kind in self.entries.values()
        )
        self._membership(entries)
        placements = self._replace(self._affected(entries))
        self.conn.executemany(
            "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
            [(*place, pk) for pk, place in placements.items()],
        )
        self._index_rest()
        self.stats.ids = set(self.entries)
        return self.stats

    def _membership(self, entries: list[tuple[int, int, bytes, str, str]]) -> None:
        """Rewrite this digest's membership when it changed.

        Each row keeps the version and type this document gave its paper: one
        paper is `new` in one category's listing and `cross` in another's (schema
        `_add_listing_types`), v1 `new` one day and v2 `replace` the next
        (`_add_listing_versions`). A type or version alone differing (a row an
        upgrade made) is a change too.
        """
        before = sorted(
            (ref, pk, h, version, kind) for ref, (pk, _, h, version, kind) in self.previous.items()
        )
        if entries != before:
            self.conn.execute("DELETE FROM membership WHERE digest = ?", (self.dpk,))
            # Multi-row when the next document is read meanwhile (`bulk`):
            # `executemany` waited for the GIL after each of a digest's rows.
            insert_rows(
                self.conn,
                "INSERT INTO membership(digest, ref, paper, hash, version, announce_type) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(self.dpk, *entry) for entry in entries],
                bulk=self.bulk,
            )
            self.conn.execute("UPDATE digests SET count = ? WHERE pk = ?", (len(entries), self.dpk))

    def _affected(self, entries: list[tuple[int, int, bytes, str, str]]) -> set[int]:
        """Existing papers whose listing key may move.

        Every member when the date changed, else the papers whose entry in this
        digest is new, gone or moved.
        """
        if self.date != self.old_date:
            affected = {e[1] for e in entries} | {was[0] for was in self.previous.values()}
        else:
            was_at = {(ref, was[0]) for ref, was in self.previous.items()}
            now_at = {(ref, pk) for ref, pk, *_ in entries}
            affected = {pk for _, pk in was_at ^ now_at}
        affected -= self.new_pks
        return affected

    def _replace(self, affected: set[int]) -> dict[int, tuple[int, str, int]]:
        """New (sort_key, list_date, list_ref) of the affected papers that moved.

        The search row of a paper that moves is deleted here (its text is the
        stored one, unless `add` already deleted it); it is inserted again by
        `_index_rest`, after every delete.
        """
        placements: dict[int, tuple[int, str, int]] = {}
        gone: list[tuple[int, Paper]] = []
        dropped = {was[0] for was in self.previous.values()} - {e[1] for e in self.entries.values()}
        # A chunk's places in one query (`listing_key.placements`): a paper at a
        # time, re-importing an archive of 50,000 known papers asked 50,000 times.
        for chunk, _ in in_chunks(sorted(affected)):
            rows = list(paper_rows_in(self.conn, "pk", chunk))
            published = {row.pk: self._published(row, dropped) for row in rows}
            places = placements_of(self.conn, published)
            for row in rows:
                place = places[row.pk]
                if place[0] != row.sort_key:
                    placements[row.pk] = place
                    if row.pk not in self.unindexed:
                        gone.append((row.sort_key, row.paper()))
                        self.unindexed.add(row.pk)
        unindex_rows(self.conn, gone)  # at once: in key order (see `index`)
        return placements

    def _published(self, row: PaperRow, dropped: set[int]) -> str:
        """The date `row` is placed by: its own, or for a paper a revision of the
        day's list left out and no digest lists now, that day's."""
        if row.pk in dropped and not row.published and self.old_date and self._unlisted(row.pk):
            # Left out by a revision of the day's list, listed by no digest
            # now: without a date, `date:` never found it again. The day
            # that listed it is the earliest date known, as `retention`
            # gives a kept paper of a removed digest (arXiv's date
            # replaces it when the paper is enriched).
            self.conn.execute(
                "UPDATE papers SET published = ? WHERE pk = ?", (self.old_date, row.pk)
            )
            return self.old_date
        return row.published

    def _unlisted(self, pk: int) -> bool:
        """Whether no digest lists paper `pk` (after `_membership`)."""
        found = self.conn.execute("SELECT 1 FROM membership WHERE paper = ? LIMIT 1", (pk,))
        return found.fetchone() is None

    def _index_rest(self) -> None:
        """Search rows of the papers `add` and `_replace` left unindexed, read back."""
        pks = sorted(self.unindexed)
        for i in range(0, len(pks), BATCH):
            rows = paper_rows_in(self.conn, "pk", pks[i : i + BATCH])
            index_rows(self.conn, [(r.sort_key, r.paper()) for r in rows], self.progress)


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
    """Merge `digest` (held whole) into digest row `dpk` inside the caller's transaction."""
    job = DigestImport(conn, now, dpk, day, old_date, existing, progress=progress)
    job.start()
    job.touch(digest.kind)
    items = [(ref, paper, incoming.hashes[pid]) for pid, (ref, paper) in incoming.papers.items()]
    for i in range(0, len(items), BATCH):
        job.add(items[i : i + BATCH])
    return job.finish()


def _remembers_only(old: Paper, merged: Paper) -> bool:
    """Whether `merged` differs from `old` only by the categories the documents
    gave it (`Extra.LISTED_CATEGORIES`, remembered for arXiv's next answer):
    nothing shown, searched or exported, so not "updated". Another category's
    feed listing an enriched paper counted it updated, and re-indexed it
    (regression hunt `regmend` #5)."""
    key = Extra.LISTED_CATEGORIES
    if old.extras.get(key) == merged.extras.get(key):
        return False
    extras = {k: v for k, v in merged.extras.items() if k != key}
    if key in old.extras:
        extras[key] = old.extras[key]
    return replace(merged, extras=extras) == old
