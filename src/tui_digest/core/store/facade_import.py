"""`Store`'s import entry points: a document whole (`import_digest`) or streamed.

Both file a document under its source's digest for its day (see `days`) in
one write transaction, and differ only in how the papers arrive: a list in
memory, or an iterable taken in batches (`importer.DigestImport`). What the
caller says about the document beyond its content is the same for both and
travels as one `ImportOptions`; `raw`/`kept` (the bytes to keep) differ.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui_digest.core import digest_day, schema
from tui_digest.core.cache_access import readonly_uri
from tui_digest.core.model import IDENTICAL, NEW_DIGEST, NO_NEW_PAPERS, SAME_DAY, ImportStats
from tui_digest.core.store import days
from tui_digest.core.store.connection import Connections
from tui_digest.core.store.removed_lists import removed_list
from tui_digest.core.store.rows import paper_hash

if TYPE_CHECKING:
    from tui_digest.core.model import Digest, Paper
    from tui_digest.core.store.import_group import ImportGroup, Prepared
    from tui_digest.core.store.import_options import ImportOptions
    from tui_digest.core.store.importer import DigestImport
    from tui_digest.core.text_stream import KeptBytes

# `importer` and `retention` are imported by the functions that import: a
# reader that only reads (its first frame) never loads them (issue 13 req 5).

IMPORT_CACHE_KIB = -8000  # PRAGMA cache_size of a streamed import (negative: KiB)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _categorised(paper: Paper, category: str) -> Paper:
    """`paper`, given the source's `category` when it carries none (both import paths)."""
    if category and not paper.categories:
        return replace(paper, categories=[category])
    return paper


def _with_category(digest: Digest, category: str) -> Digest:
    """The digest with `category` given to its papers that carry none."""
    return replace(digest, papers=[_categorised(p, category) for p in digest.papers])


class _Unchanged(Exception):
    """Raised inside a streamed import's transaction to roll it back: nothing to keep
    but `fixes`, the listings to relabel afterwards (`days.relabels`)."""

    def __init__(self, stats: ImportStats, fixes: list[tuple[str, str, int, int, int]]) -> None:
        super().__init__(stats.outcome)
        self.stats, self.fixes = stats, fixes


def _batches(papers: Iterable[Paper], category: str) -> Iterator[list[tuple[int, Paper, bytes]]]:
    """(ref, paper, hash) in batches of `importer.BATCH`; refs count every paper from 1."""
    from tui_digest.core.store import importer

    batch: list[tuple[int, Paper, bytes]] = []
    for ref, paper in enumerate(papers, 1):
        paper = _categorised(paper, category)
        batch.append((ref, paper, paper_hash(paper)))
        if len(batch) >= importer.BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def prepare_papers(papers: Iterable[Paper], category: str = "") -> Prepared:
    """A document's papers read, hashed and tokenised whole, without asking the store.

    For a small document read in a thread while the previous one is written
    (`cli_import`): what is new is decided when it is imported, not now, since
    the previous document's papers are not committed yet. Rows are made for
    every paper (the first of each id); the import uses those of its new ones.
    """
    from tui_digest.core.store.read_ahead import NewRows, ready_rows

    rows = NewRows(None)  # (never the child: that needs `connect`)
    return [(batch, ready_rows(rows(batch))) for batch in _batches(papers, category)]


def _create(
    conn: sqlite3.Connection, digest: Digest, day: str, options: ImportOptions, now: str
) -> days.Target:
    """The new digest row a document becomes (see `days.create`)."""
    return days.create(
        conn, digest, day=day, source_name=options.source_name, category=options.category, now=now
    )


def _start(
    conn: sqlite3.Connection,
    digest: Digest,
    target: days.Target,
    day: str,
    options: ImportOptions,
    now: str,
) -> tuple[days.Target, DigestImport]:
    """The digest row a document goes to (created if new), and its import started."""
    from tui_digest.core.store import importer

    if target.outcome == NEW_DIGEST:
        target = _create(conn, digest, day, options, now)
    job = importer.DigestImport(
        conn,
        now,
        target.pk,
        day,
        target.old_date or day,
        target.outcome == SAME_DAY,
        progress=options.progress,
        bulk=True,
    )
    job.start()
    job.touch(digest.kind)
    return target, job


def _nothing_to_keep(
    conn: sqlite3.Connection,
    digest: Digest,
    held: int,
    listed: list[tuple[int, str, bytes]],
    options: ImportOptions,
    day: str,
    made: int = 0,
) -> ImportStats | None:
    """The outcome of a document that lists nothing, exactly what a digest of its
    source lists (`held`: `days.identical`'s, 0 if none), or a list the user
    removed from its source, or of a day removed from it (unless imported by
    hand: `removed_lists`; `made`: the digest row this import made, 0 if none);
    None when it is to be kept."""
    if not listed:
        return ImportStats(outcome=NO_NEW_PAPERS)
    ids = {pid for _, pid, _ in listed}  # (a fetch counts each paper once: `SourceResult.add`)
    if held:
        same = days.latest_target(conn, held)
        return ImportStats(unchanged=len(listed), digest=same.name, outcome=IDENTICAL, ids=ids)
    key = days.source_key(digest)
    dated = bool(digest.date)
    if removed_list(
        conn, key, listed, revive=options.revive_removed, day=day, dated=dated, exclude=made
    ):
        # (no digest holds it)
        return ImportStats(unchanged=len(listed), outcome=IDENTICAL, ids=ids)
    return None


def _end(
    conn: sqlite3.Connection,
    digest: Digest,
    target: days.Target,
    job: DigestImport,
    kept: KeptBytes | None,
) -> ImportStats:
    """Finish a document's import: its membership and listing, its kept bytes,
    and what every kept import does last."""
    stats = job.finish()
    if kept is not None:
        days.keep_compressed(conn, target.pk, *kept.compressed())
    else:
        days.keep_bytes(conn, target.pk, None)
    _settle(conn, digest)
    stats.digest, stats.outcome = target.name, target.outcome
    return stats


def _settle(conn: sqlite3.Connection, digest: Digest) -> None:
    """What every kept import does last, inside its transaction."""
    from tui_digest.core.store import retention, user_log

    if days.source_key(digest) != retention.SAMPLE_SOURCE:
        # The first real digest replaces the bundled sample (issue 16 item 1).
        retention.drop_sample(conn)
    user_log.apply_arrived(conn)  # read/starred imported before the paper came


class ImportMethods(Connections):
    """Importing documents into the cache; part of `Store`."""

    # The local date of "now" for digests whose document, file name and
    # response say nothing (an instance attribute to inject a clock).
    today: Callable[[], str] = staticmethod(digest_day.local_today)
    # The UTC stamp of an import (a paper's `added_at`; an instance attribute
    # to inject a clock).
    now: Callable[[], str] = staticmethod(_now)

    def import_digest(
        self,
        digest: Digest,
        *,
        raw: bytes | None = None,
        source_name: str = "",
        category: str = "",
        last_modified: str = "",
        today: str = "",
        progress: Callable[[int], object] | None = None,
        revive_removed: bool = False,
    ) -> ImportStats:
        """File one document under its source's digest for its day (see `days`).

        `raw`: the bytes it was read from, kept so the digest exports exactly.
        The other keywords are those of `ImportOptions`.
        """
        from tui_digest.core.store import importer
        from tui_digest.core.store.import_options import ImportOptions  # (not at start)

        options = ImportOptions(
            source_name, category, last_modified, today, progress, revive_removed
        )
        if category:
            digest = _with_category(digest, category)
        incoming = importer.incoming_papers(digest)  # hashed before taking the write lock
        if not incoming.papers:
            return ImportStats(outcome=NO_NEW_PAPERS)  # an empty document removes nothing
        day = self._day(digest, options)
        now = self.now()
        with self._importing(), self._write() as conn:
            target = days.choose(conn, digest, incoming, day, revive=revive_removed)
            if target.outcome == IDENTICAL:
                if target.pk:  # (not a removed list: no digest holds it)
                    days.relabel(
                        conn,
                        target.pk,
                        [(ref, p.version, p.announce_type) for ref, p in incoming.papers.values()],
                    )
                return ImportStats(
                    unchanged=len(incoming.papers),
                    digest=target.name,
                    outcome=IDENTICAL,
                    ids=set(incoming.papers),
                )
            days.refuse_cut(conn, digest, target, incoming.papers)
            if target.outcome == SAME_DAY:
                day = target.old_date  # (a revision of an earlier day's list keeps its day)
            if target.outcome == NEW_DIGEST:
                target = _create(conn, digest, day, options, now)
            stats = importer.import_into(
                conn,
                digest,
                incoming,
                now,
                dpk=target.pk,
                day=day,
                old_date=target.old_date or day,
                existing=target.outcome == SAME_DAY,
                progress=options.progress,
            )
            days.keep_bytes(conn, target.pk, raw)
            _settle(conn, digest)
        stats.digest, stats.outcome = target.name, target.outcome
        return stats

    def import_stream(
        self,
        digest: Digest,
        papers: Iterable[Paper],
        *,
        kept: KeptBytes | None = None,
        source_name: str = "",
        category: str = "",
        last_modified: str = "",
        today: str = "",
        progress: Callable[[int], object] | None = None,
        prepared: Prepared | None = None,
        revive_removed: bool = False,
        listed_ids: Callable[[], Iterable[str]] | None = None,
    ) -> ImportStats:
        """`import_digest` for a document read as it is imported (`DigestStream`).

        `digest` names the document (its papers list is not used); `papers`
        are taken in batches, so memory does not grow with the document. Still
        one transaction: whatever fails (the stream raising at its end
        included) leaves nothing of it. Whether the document is identical to
        its source's latest digest, or empty, is known only at the end: the
        transaction is then rolled back, as if nothing had been written.
        `kept`: the compressed original bytes, kept for `export --digest`.
        `prepared`: the papers already read (`prepare_papers`); `papers` is then
        not read. `listed_ids`: the ids the document lists, read ahead of its
        papers (a first reading of a file), asked for only when its source has
        a digest of its day: the document is then filed by the same rules as
        one read whole (another list of the day is its `-2`, a revision revises
        the list it shares the most with). Without it, a streamed document
        revises the day's newest digest whatever it lists.
        """
        from tui_digest.core.store.import_options import ImportOptions  # (not at start)
        from tui_digest.core.store.read_ahead import NewRows, ReadAhead, ready_rows

        options = ImportOptions(
            source_name, category, last_modified, today, progress, revive_removed
        )
        if prepared is not None:
            with self._importing(), self._write() as conn:
                return self._write_prepared(conn, digest, prepared, kept, options)
        now = self.now()
        day = self._day(digest, options)
        try:
            with self._importing(), self._write() as conn:
                target, latest = days.choose_streamed(conn, digest, day)
                if target.outcome == SAME_DAY and listed_ids is not None:
                    ids = set(listed_ids())
                    target, _ = days.choose_streamed(conn, digest, day, ids=ids)
                    target = days.revision_or_new(conn, target, ids, day=day)
                target, job = _start(conn, digest, target, day, options, now)
                # The next batch is read (and its new papers tokenised) in a
                # thread while this one is written (`read_ahead`). A same-day
                # update indexes its new papers at the end (`DigestImport`).
                rows = None if job.existing else NewRows(self._snapshot)
                with ReadAhead(_batches(papers, category), rows) as ahead:
                    for batch, made in ahead:
                        job.add(batch, repeats=True, ready=ready_rows(made))
                listed = job.membership()
                held = days.identical(
                    conn, days.source_key(digest), day, latest, listed, undated=not digest.date
                )
                made_pk = target.pk if target.outcome == NEW_DIGEST else 0
                unchanged = _nothing_to_keep(conn, digest, held, listed, options, day, made_pk)
                if unchanged is not None:
                    same = unchanged.outcome == IDENTICAL and unchanged.digest
                    raise _Unchanged(
                        unchanged, days.relabels(conn, held, job.listed()) if same else []
                    )
                if digest.cut and target.outcome == SAME_DAY:  # (known at its end: rolled back)
                    # The day as it was before this import wrote its papers.
                    with closing(self._snapshot()) as before:
                        days.refuse_cut(before, digest, target, (pid for _, pid, _ in listed))
                return _end(conn, digest, target, job, kept)
        except _Unchanged as unchanged:
            if unchanged.fixes:  # (after the rollback: only these rows are written)
                with self._write() as conn:
                    conn.executemany(days.RELABEL, unchanged.fixes)
            return unchanged.stats

    def import_group(self, *, revive_removed: bool = False) -> ImportGroup[Any]:
        """Small documents read whole ahead, imported several to a transaction
        (`import_group`): `add` each, then `commit`. `revive_removed`: as
        `ImportOptions` has it, for every document."""
        from tui_digest.core.store.import_group import ImportGroup

        return ImportGroup(self, revive_removed=revive_removed)

    def _write_prepared(
        self,
        conn: sqlite3.Connection,
        digest: Digest,
        prepared: Prepared,
        kept: KeptBytes | None,
        options: ImportOptions,
    ) -> ImportStats:
        """A document read whole ahead (`prepare_papers`), inside the caller's transaction.

        What it lists is known before anything is written, so a document that
        brings nothing to keep (identical to its source's latest digest, or
        without papers) writes nothing: it needs no rollback, and may share a
        transaction with others (`import_group`).
        """
        from tui_digest.core.store import importer

        day = self._day(digest, options)
        listed = importer.listing(b for b, _ in prepared)
        ids = {pid for _, pid, _ in listed}
        target, latest = days.choose_streamed(conn, digest, day, earlier=True, ids=ids)
        held = days.identical(
            conn, days.source_key(digest), day, latest, listed, undated=not digest.date
        )
        unchanged = _nothing_to_keep(conn, digest, held, listed, options, day)
        if unchanged is not None:
            if unchanged.outcome == IDENTICAL and unchanged.digest:
                days.relabel(conn, held, importer.listed(b for b, _ in prepared))
            return unchanged
        target = days.revision_or_new(conn, target, ids, day=day)
        days.refuse_cut(conn, digest, target, (pid for _, pid, _ in listed))
        if target.outcome == SAME_DAY:
            day = target.old_date  # (a revision of an earlier day's list keeps its day)
        target, job = _start(conn, digest, target, day, options, self.now())
        for batch, ready in prepared:
            job.add(batch, repeats=True, ready=None if job.existing else ready)
        return _end(conn, digest, target, job, kept)

    def _snapshot(self) -> sqlite3.Connection:
        """A read-only connection: the cache as it was before a running import."""
        return sqlite3.connect(readonly_uri(self.path), uri=True, timeout=self.busy_ms / 1000)

    def _day(self, digest: Digest, options: ImportOptions) -> str:
        """The day a document is filed under (see `digest_day.digest_day`)."""
        return digest_day.digest_day(
            digest.date, digest.source, options.last_modified, options.today or self.today()
        )

    @contextmanager
    def _importing(self) -> Iterator[None]:
        """What every import runs under, put back after it: the garbage collector
        running less often (`import_gc`), and a small page cache (with the
        reader's 32 MB one, SQLite's memory grew with the transaction, ~3 KB per
        paper, 220 MB for 65k papers; with 8 MB it stays flat, at the same speed)."""
        from tui_digest.core.store.import_gc import fewer_collections

        conn = self._conn()
        with fewer_collections():
            conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
            try:
                yield
            finally:
                conn.execute(f"PRAGMA cache_size = {self.cache_kib}")

    def reindex(self) -> int:
        """Rebuild the search index from the papers table, and the notes' search
        forms from the notes; returns papers indexed.

        (A reader of an older release left open across an upgrade saves notes
        in its own search form, which the new rules never found: `reindex`,
        the repair the README names, did not touch them; found by a bug hunt.)"""
        with self._write() as conn:
            schema.refold_notes(conn)
            return schema.rebuild_search_index(conn)

    def check_room_to_reindex(self) -> None:
        """`NoRoomToReindex` when the disk has too little room for `reindex`."""
        from tui_digest.core.store.compaction import check_room_to_rebuild

        check_room_to_rebuild(self._writable(), self.path)

    def compact(self) -> tuple[int, int]:
        """Rewrite the cache without its free pages (SQLite's VACUUM); (bytes before, after).

        A rebuilt index leaves the old one's pages free: the file keeps them
        for later papers until it is compacted. VACUUM is one transaction, so
        a crash leaves the cache as it was (https://www.sqlite.org/lang_vacuum.html).
        """
        from tui_digest.core.store.compaction import vacuum

        return vacuum(self._writable(), self.path, self._as_cache_error)
