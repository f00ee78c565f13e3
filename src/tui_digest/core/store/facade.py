"""`Store`: the one object callers use; each method hands its work to one module.

Modules of the package, one concept each:
- `connection`: the file, pragmas, per-thread connections, write transactions
- `rows`: `papers` rows by column name, a `Paper`'s values for them
- `merge`: what the cache keeps when a paper arrives again
- `importer`: importing one digest
- `index`: the search index and listing order kept in step
- `queries`: running searches
- `papers`: whole papers, and the generic edit primitives features use
- `enrichment`: what arXiv's API said, in its own table beside the papers
- `user_state`: read / starred
- `user_log`: tags, notes, the time of every state change; state files merged
- `sources`: digests, source fetch state, totals
- `retention`: removing digests and the papers only they listed
- `backup`: a consistent copy of the cache in one file
Schema and migrations are `core.schema` (the query compiler shares its
listing-key layout).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Literal, overload

from tui_digest.core import digest_day, schema
from tui_digest.core.arxiv_meta import ApiEntryLike, EnrichCandidate
from tui_digest.core.model import (
    IDENTICAL,
    NEW_DIGEST,
    NO_NEW_PAPERS,
    SAME_DAY,
    Digest,
    DigestInfo,
    ImportStats,
    ListRow,
    Paper,
    PaperRecord,
)
from tui_digest.core.store import (
    backup,
    days,
    enrichment,
    importer,
    papers,
    queries,
    retention,
    sources,
    user_log,
    user_state,
    watch_lists,
    watch_seen,
)
from tui_digest.core.store.connection import Connections
from tui_digest.core.store.rows import paper_hash
from tui_digest.core.store.watch import CacheWatch
from tui_digest.core.text_stream import KeptBytes


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _with_category(digest: Digest, category: str) -> Digest:
    """The digest with `category` given to its papers that carry none."""
    papers = [p if p.categories else replace(p, categories=[category]) for p in digest.papers]
    return replace(digest, papers=papers)


IMPORT_CACHE_KIB = -8000  # PRAGMA cache_size of a streamed import (negative: KiB)


class _Unchanged(Exception):
    """Raised inside a streamed import's transaction to roll it back: nothing to keep."""

    def __init__(self, stats: ImportStats) -> None:
        super().__init__(stats.outcome)
        self.stats = stats


def _batches(papers: Iterable[Paper], category: str) -> Iterator[list[tuple[int, Paper, bytes]]]:
    """(ref, paper, hash) in batches of `importer.BATCH`; refs count every paper from 1."""
    batch: list[tuple[int, Paper, bytes]] = []
    for ref, paper in enumerate(papers, 1):
        if category and not paper.categories:
            paper = replace(paper, categories=[category])
        batch.append((ref, paper, paper_hash(paper)))
        if len(batch) >= importer.BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Store(Connections):
    """The SQLite cache: papers, digests, membership, the user's state, the search index."""

    # The local date of "now" for digests whose document, file name and
    # response say nothing (an instance attribute to inject a clock).
    today: Callable[[], str] = staticmethod(digest_day.local_today)

    # --- Import ---------------------------------------------------------------

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
    ) -> ImportStats:
        """File one document under its source's digest for its day (see `days`).

        `raw`: the bytes it was read from, kept so the digest exports exactly.
        `source_name`: what its digests are named after (default: the
        document's name without its date). `category`: the source's arXiv
        category, given to papers that have none. `last_modified`: the HTTP
        `Last-Modified`, one of the fallbacks for the digest's day. `today`:
        the local date of the fetch or import (default: `self.today()`).
        `progress(n)`: n more papers indexed (for a progress bar; called from
        inside the transaction, so it must not touch the store).
        """
        if category:
            digest = _with_category(digest, category)
        incoming = importer.incoming_papers(digest)  # hashed before taking the write lock
        if not incoming.papers:
            return ImportStats(outcome=NO_NEW_PAPERS)  # an empty document removes nothing
        day = digest_day.digest_day(
            digest.date, digest.source, last_modified, today or self.today()
        )
        now = _now()
        with self._import_cache(), self._write() as conn:
            target = days.choose(conn, digest, incoming, day)
            if target.outcome == IDENTICAL:
                return ImportStats(
                    unchanged=len(incoming.papers), digest=target.name, outcome=IDENTICAL
                )
            if target.outcome == NEW_DIGEST:
                target = days.create(
                    conn, digest, day=day, source_name=source_name, category=category, now=now
                )
            stats = importer.import_into(
                conn,
                digest,
                incoming,
                now,
                dpk=target.pk,
                day=day,
                old_date=target.old_date or day,
                existing=target.outcome == SAME_DAY,
                progress=progress,
            )
            days.keep_bytes(conn, target.pk, raw)
            if days.source_key(digest) != retention.SAMPLE_SOURCE:
                # The first real digest replaces the bundled sample (issue 16 item 1).
                retention.drop_sample(conn)
            user_log.apply_arrived(conn)  # read/starred imported before the paper came
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
    ) -> ImportStats:
        """`import_digest` for a document read as it is imported (`DigestStream`).

        `digest` names the document (its papers list is not used); `papers`
        are taken in batches, so memory does not grow with the document. Still
        one transaction: whatever fails (the stream raising at its end
        included) leaves nothing of it. Whether the document is identical to
        its source's latest digest, or empty, is known only at the end: the
        transaction is then rolled back, as if nothing had been written.
        `kept`: the compressed original bytes, kept for `export --digest`.
        """
        day = digest_day.digest_day(
            digest.date, digest.source, last_modified, today or self.today()
        )
        now = _now()
        try:
            with self._import_cache(), self._write() as conn:
                target, latest = days.choose_streamed(conn, digest, day)
                if target.outcome == NEW_DIGEST:
                    target = days.create(
                        conn, digest, day=day, source_name=source_name, category=category, now=now
                    )
                job = importer.DigestImport(
                    conn,
                    now,
                    target.pk,
                    day,
                    target.old_date or day,
                    target.outcome == SAME_DAY,
                    progress=progress,
                )
                job.start()
                job.touch(digest.kind)
                for batch in _batches(papers, category):
                    job.add(batch, repeats=True)
                listed = job.membership()
                if not listed:
                    raise _Unchanged(ImportStats(outcome=NO_NEW_PAPERS))
                if latest and days.lists_exactly(conn, latest, listed):
                    same = days.latest_target(conn, latest)
                    raise _Unchanged(
                        ImportStats(unchanged=len(listed), digest=same.name, outcome=IDENTICAL)
                    )
                stats = job.finish()
                if kept is not None:
                    days.keep_compressed(conn, target.pk, *kept.compressed())
                else:
                    days.keep_bytes(conn, target.pk, None)
                if days.source_key(digest) != retention.SAMPLE_SOURCE:
                    retention.drop_sample(conn)
                user_log.apply_arrived(conn)
        except _Unchanged as unchanged:
            return unchanged.stats
        stats.digest, stats.outcome = target.name, target.outcome
        return stats

    @contextmanager
    def _import_cache(self) -> Iterator[None]:
        """A small page cache while importing: with the reader's 32 MB one, SQLite's
        memory grew with the transaction (~3 KB per paper, 220 MB for 65k papers);
        with 8 MB it stays flat, at the same speed."""
        conn = self._conn()
        conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {self.cache_kib}")

    def reindex(self) -> int:
        """Rebuild the search index from the papers table; returns papers indexed."""
        with self._write() as conn:
            return schema.rebuild_search_index(conn)

    # --- Queries --------------------------------------------------------------

    def count(self, query: str = "", *, digest: str | None = None, cap: int | None = None) -> int:
        """Papers matching `query`; with `cap`, at most cap + 1 (above `cap`: "cap+")."""
        return queries.count(self._conn(), query, digest, cap)

    def list_ids(self, query: str = "", *, digest: str | None = None) -> list[int]:
        return queries.list_ids(self._conn(), query, digest)

    def list_rows(self, rowids: Sequence[int], *, digest: str | None = None) -> list[ListRow]:
        """The list rows of `rowids`; with `digest`, each with that digest's ref and date."""
        return queries.rows_in_digest(self._conn(), rowids, digest)

    def search(
        self, query: str = "", *, digest: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[ListRow]:
        return queries.search(self._conn(), query, digest, limit, offset)

    @overload
    def page(
        self,
        query: str = "",
        *,
        digest: str | None = None,
        limit: int = 200,
        offset: int = 0,
        count: Literal[True] = True,
    ) -> tuple[int, list[ListRow]]: ...
    @overload
    def page(
        self,
        query: str = "",
        *,
        digest: str | None = None,
        limit: int = 200,
        offset: int = 0,
        count: Literal[False],
    ) -> tuple[int | None, list[ListRow]]: ...
    def page(
        self,
        query: str = "",
        *,
        digest: str | None = None,
        limit: int = 200,
        offset: int = 0,
        count: bool = True,
    ) -> tuple[int | None, list[ListRow]]:
        """(total matches, one page of rows): what a listing shows, from one plan.
        `count=False`: None instead of counting when the page is full."""
        return queries.page(self._conn(), query, digest, limit, offset, count=count)

    # --- Papers ---------------------------------------------------------------

    def get_paper(self, key: int | str) -> PaperRecord | None:
        rec = papers.get_paper(self._conn(), key)
        return None if rec is None else self._annotate([rec])[0]

    def get_papers(self, rowids: Sequence[int]) -> list[PaperRecord]:
        return self._annotate(papers.get_papers(self._conn(), rowids))

    def _annotate(self, recs: list[PaperRecord]) -> list[PaperRecord]:
        """Attach the user's tags and notes (see `user_log`)."""
        ids = [r.paper.id for r in recs]
        tags, notes = user_log.tags_of(self._conn(), ids), user_log.notes_of(self._conn(), ids)
        for r in recs:
            r.tags, r.note = tags.get(r.paper.id, []), notes.get(r.paper.id, "")
        return recs

    def update_paper(self, rowid: int, change: Callable[[Paper], Paper]) -> Paper | None:
        """Change one stored paper in one transaction (see `papers.update_paper`)."""
        with self._write() as conn:
            return papers.update_paper(conn, rowid, change)

    def find_incomplete(
        self,
        query: str = "",
        *,
        empty_any: Sequence[str],
        filled_any: Sequence[str],
        limit: int | None = None,
    ) -> list[PaperRecord]:
        """Papers, in listing order, with a field of `empty_any` empty and one of
        `filled_any` filled; `query` narrows them with the search language."""
        conn = self._conn()
        ordered = (lambda: queries.list_ids(conn, query, None)) if query.strip() else None
        ids = papers.find_incomplete(
            conn, ordered, empty_any=empty_any, filled_any=filled_any, limit=limit
        )
        return papers.get_papers(conn, ids)

    # --- What arXiv's API said (see `enrichment`) -----------------------------

    def enrich_candidates(
        self, query: str = "", *, digest: str | None = None
    ) -> list[EnrichCandidate]:
        """The papers matching `query` (in listing order) with what arXiv said so far."""
        conn = self._conn()
        return enrichment.candidates(conn, queries.list_ids(conn, query, digest))

    def apply_enrichment(
        self,
        asked: Sequence[EnrichCandidate],
        entries: Sequence[ApiEntryLike],
        *,
        asked_at: str,
        invalid: bool = False,
    ) -> int:
        """Remember one answer of arXiv's API in one transaction; returns papers changed."""
        with self._write() as conn:
            return enrichment.apply(conn, asked, entries, asked_at=asked_at, invalid=invalid)

    # --- User state -----------------------------------------------------------

    # Patient: a concurrent import may hold the write lock for a while; the
    # user's marks wait for it rather than fail (see `connection`).
    def change_flag(self, flag: str, rowids: Sequence[int], value: bool) -> list[int]:
        """Set "read" or "starred" to `value`; the papers that changed (what undo needs)."""
        with self._write(patient=True) as conn:
            return user_state.change_flag(conn, flag, rowids, value)

    def toggle_flag(self, flag: str, rowids: Sequence[int]) -> tuple[bool, list[int]]:
        """Set the flag on all `rowids` unless all have it, then clear it (one transaction)."""
        with self._write(patient=True) as conn:
            return user_state.toggle_flag(conn, flag, rowids)

    def count_unread(self) -> int:
        return user_state.count_unread(self._conn())

    def unread_by_digest(self) -> dict[str, int]:
        return user_state.unread_by_digest(self._conn())

    def set_read(self, rowids: Sequence[int], read: bool = True) -> None:
        with self._write(patient=True) as conn:
            user_state.set_flag(conn, "read", rowids, read)

    def set_starred(self, rowids: Sequence[int], starred: bool = True) -> None:
        with self._write(patient=True) as conn:
            user_state.set_flag(conn, "starred", rowids, starred)

    # --- Tags, notes, state that travels (see `user_log`) ------------------------

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        """arXiv ids of papers by row, in the given order (unknown rows left out)."""
        return [r.paper.id for r in papers.get_papers(self._conn(), rowids)]

    def edit_tags(
        self,
        ids: Sequence[str],
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        *,
        at: str | None = None,
    ) -> int:
        """Add/remove tags on papers by arXiv id; returns how many papers changed."""
        with self._write() as conn:
            return user_log.edit_tags(conn, ids, add, remove, at or user_log.stamp())

    def set_note(self, paper_id: str, note: str, *, at: str | None = None) -> bool:
        """Set (or clear, with "") the note of a paper by arXiv id; False when unchanged."""
        with self._write() as conn:
            return user_log.set_note(conn, paper_id, note, at or user_log.stamp())

    def all_tags(self) -> list[tuple[str, int]]:
        return user_log.all_tags(self._conn())

    def export_state(self) -> list[user_log.Change]:
        return list(user_log.export_changes(self._conn()))

    def merge_state(self, changes: Sequence[user_log.Change]) -> user_log.MergeResult:
        """Merge a state file's changes in one transaction (newest change wins)."""
        with self._write() as conn:
            return user_log.merge(conn, changes)

    def watch_hits(self, watches: Sequence[tuple[str, str]]) -> watch_lists.WatchIndex:
        """Each (name, query) watch's papers and unread count (see `watch_lists`)."""
        return watch_lists.find_hits(self._conn(), watches)

    def watch_unread(self, index: watch_lists.WatchIndex) -> dict[str, int]:
        """Unread papers per watch of papers found before (after reading: no new search)."""
        return watch_lists.unread_counts(self._conn(), index)

    def watch_unseen(self, watch: str, rowids: Sequence[int]) -> list[int]:
        """The papers of `rowids` not yet shown by `watch --since-last-run` for `watch`."""
        return watch_seen.unseen(self._conn(), watch, rowids)

    def mark_watch_seen(self, watch: str, rowids: Sequence[int]) -> None:
        with self._write() as conn:
            watch_seen.mark_seen(conn, watch, rowids, user_log.stamp())

    # --- Digests, stats, sources ------------------------------------------------

    def digests(self, *, unread: bool = False) -> list[DigestInfo]:
        """Every digest, newest day first (`unread`: count each one's unread papers)."""
        return sources.digests(self._conn(), unread=unread)

    def digest_name(self, name: str) -> str | None:
        """The digest called `name`, or whose alias (an older name) is `name`; None if none."""
        conn = self._conn()
        return queries.canonical_name(conn, name) if days.resolve(conn, name) else None

    def original_bytes(self, name: str) -> bytes | None:
        """The bytes digest `name` was read from, when the cache kept them."""
        return days.original_bytes(self._conn(), name)

    def stats(self) -> dict[str, object]:
        return sources.stats(self._conn(), self.path)

    def watch(self) -> CacheWatch:
        """A watcher of other connections' changes to papers and digests (see `watch`)."""
        return CacheWatch(self.path)

    def is_empty(self) -> bool:
        return sources.is_empty(self._conn())

    def backup(self, target: str | Path, *, overwrite: bool = False) -> Path:
        """Write a consistent, compacted copy of the cache to `target` (see `backup`)."""
        return backup.backup(self._conn(), self.path, target, overwrite=overwrite)

    def get_source_state(self, name: str) -> dict[str, object] | None:
        return sources.get_source_state(self._conn(), name)

    def set_source_state(self, name: str, **fields: object) -> None:
        sources.check_source_fields(fields)
        with self._write() as conn:
            sources.set_source_state(conn, name, fields)

    # --- Retention (see `retention`) --------------------------------------------

    def digest_pks(self, names: Sequence[str]) -> list[int]:
        """The digests called (or aliased) `names`; a ValueError names the unknown ones."""
        conn = self._conn()
        found = {name: days.resolve(conn, name) for name in names}
        missing = [name for name, pk in found.items() if pk is None]
        if missing:
            raise ValueError(
                "no digest named " + ", ".join(map(repr, missing)) + " (see `tui-digest digests`)"
            )
        return sorted({pk for pk in found.values() if pk is not None})

    def digests_older_than(self, day: str) -> list[int]:
        """The digests dated before `day` (YYYY-MM-DD)."""
        return retention.older_than(self._conn(), day)

    def removal_plan(self, pks: Sequence[int]) -> retention.Removal:
        """What `remove_digests(pks)` would remove, without changing anything."""
        return retention.plan(self._conn(), pks)

    def remove_digests(self, pks: Sequence[int]) -> retention.Removal:
        """Remove digests and the unstarred papers only they listed, in one transaction."""
        if not pks:
            return retention.Removal([])
        with self._write() as conn:
            return retention.remove(conn, pks)
