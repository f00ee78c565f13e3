"""`Store`: the one object callers use; each method hands its work to one module.

Modules of the package, one concept each:
- `connection`: the file, pragmas, per-thread connections, write transactions
- `rows`: `papers` rows by column name, a `Paper`'s values for them
- `merge`: what the cache keeps when a paper arrives again
- `importer`: importing one digest
- `days`: which digest a document becomes, its name and original bytes
- `index`: the search index and listing order kept in step
- `queries`: running searches
- `papers`: whole papers, and the generic edit primitives features use
- `enrichment`: what arXiv's API said, in its own table beside the papers
- `claims`: which run is working on which paper (translation runs share work)
- `user_state`: read / starred
- `user_log`: tags, notes, the time of every state change; state files merged
- `watch_lists`, `watch_seen`: each watch's papers; what a watch has shown
- `sources`: digests, source fetch state, totals
- `retention`: removing digests and the papers only they listed
- `backup`: a consistent copy of the cache in one file
- `watch`: noticing other processes' commits
Schema and migrations are `core.schema` (the query compiler shares its
listing-key layout).

`Store`'s methods are grouped by concept: imports (`facade_import`), the
user's state (`facade_user`), digests and sources (`facade_digests`), and
here queries, papers and enrichment. Each group is a class built on
`Connections`; `Store` is their union, so callers see one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal, overload

from tui_digest.core.model import ListRow
from tui_digest.core.store import papers, queries
from tui_digest.core.store.facade_digests import DigestMethods
from tui_digest.core.store.facade_import import ImportMethods
from tui_digest.core.store.facade_user import UserMethods

if TYPE_CHECKING:  # enrichment (and arxiv_meta's classes) load when first used: not at start
    from tui_digest.core.arxiv_meta import ApiEntryLike, EnrichCandidate
    from tui_digest.core.model import Paper, PaperRecord
    from tui_digest.core.store.claims import Claimed
    from tui_digest.core.store.enrichment import Applied
    from tui_digest.core.store.picked import Found, Picked
    from tui_digest.core.store.picked_tags import SelectionTags


class Store(ImportMethods, UserMethods, DigestMethods):
    """The SQLite cache: papers, digests, membership, the user's state, the search index."""

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

    def page_ids(
        self, query: str = "", *, digest: str | None = None, limit: int = 200
    ) -> list[int]:
        """The papers `page` lists first, in its order, without their rows."""
        return queries.page_ids(self._conn(), query, digest, limit)

    # --- Papers ---------------------------------------------------------------

    def get_paper(self, key: int | str) -> PaperRecord | None:
        rec = papers.get_paper(self._conn(), key)
        return None if rec is None else self._annotate([rec])[0]

    def rowid_of(self, paper_id: str) -> int | None:
        """The row of the paper with arXiv id `paper_id`; None when it is not in the cache."""
        return papers.rowid_of(self._conn(), paper_id)

    def get_paper_in(self, rowid: int, digest: str | None) -> PaperRecord | None:
        """The paper at `rowid` as digest `digest` listed it (`get_papers`: that
        listing's type, version and text), or its own with `digest` None: what
        the reader's detail pane shows of the digest viewed."""
        if digest is None:
            return self.get_paper(rowid)
        return next(iter(self.get_papers([rowid], digest=digest)), None)

    def get_papers(self, rowids: Sequence[int], *, digest: str | None = None) -> list[PaperRecord]:
        """The papers at `rowids`, in that order; with `digest`, each with the
        announce type that digest's listing gave it (`papers.get_papers`)."""
        return self._annotate(papers.get_papers(self._conn(), rowids, digest))

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read of this thread inside is of one state of the cache (one read
        transaction: one WAL snapshot), whatever another process commits meanwhile.
        `search --json` and `export` read their ids and then their papers a chunk
        at a time: read apart, a `digests rm` in another shell mid-stream gave a
        mix of before and after (2,377 papers of 2,500, bug hunt regfiles2).
        Inside another transaction of this thread it adds nothing."""
        conn = self._conn()
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def picked_papers(self, picked: Picked) -> tuple[list[PaperRecord], int]:
        """The papers `picked` that are still here, read in one snapshot, and how
        many were removed meanwhile (never replaced by the papers now at their
        row numbers: `picked`). Whole papers: `#` needs only their tags
        (`picked_tags`, which is tested against this)."""
        from tui_digest.core.store.picked import resolve

        conn = self._conn()
        conn.execute("BEGIN")
        try:
            found = resolve(conn, picked)
            return self._annotate(papers.get_papers(conn, found.present)), found.removed
        finally:
            conn.execute("COMMIT")

    def picked_tags(self, picked: Picked) -> tuple[Found, SelectionTags]:
        """The papers `picked` that are still here (`resolve`) and the tags they
        share and count (`picked_tags`), in one snapshot, reading no paper whole."""
        from tui_digest.core.store.picked import resolve
        from tui_digest.core.store.picked_tags import selection_tags

        conn = self._conn()
        conn.execute("BEGIN")
        try:
            found = resolve(conn, picked)
            return found, selection_tags(conn, [found.names[r] for r in found.present])
        finally:
            conn.execute("COMMIT")

    def _annotate(self, recs: list[PaperRecord]) -> list[PaperRecord]:
        """Attach the user's tags and notes (see `user_log`)."""
        from tui_digest.core.store import user_log  # (not before the first frame: issue 13 req 5)

        ids = [r.paper.id for r in recs]
        tags, notes = user_log.tags_of(self._conn(), ids), user_log.notes_of(self._conn(), ids)
        for r in recs:
            r.tags, r.note = tags.get(r.paper.id, []), notes.get(r.paper.id, "")
        return recs

    def update_paper(
        self, rowid: int, change: Callable[[Paper], Paper], *, paper_id: str | None = None
    ) -> Paper | None:
        """Change one stored paper in one transaction (see `papers.update_paper`):
        None when row `rowid` holds no paper, or another one than `paper_id`."""
        with self._write() as conn:
            return papers.update_paper(conn, rowid, change, paper_id=paper_id)

    def update_papers(self, rowids: Sequence[int], change: Callable[[Paper], Paper]) -> int:
        """Change each stored paper of `rowids` in one transaction (see
        `papers.update_paper`); returns how many rows held a paper."""
        with self._write() as conn:
            return sum(papers.update_paper(conn, r, change) is not None for r in rowids)

    def find_incomplete(
        self,
        query: str = "",
        *,
        missing: Mapping[str, Sequence[str]],
        limit: int | None = None,
        marked: str | None = None,
    ) -> list[PaperRecord]:
        """Papers, in listing order, with a field of `missing` empty and one of its
        sources filled (`papers.find_incomplete`); `query` narrows them, and
        `marked` to those whose extras have that key."""
        conn = self._conn()
        ordered = (lambda: queries.list_ids(conn, query, None)) if query.strip() else None
        ids = papers.find_incomplete(conn, ordered, missing=missing, limit=limit, marked=marked)
        return papers.get_papers(conn, ids)

    # --- Claims: which run works on which paper (see `claims`) -----------------

    def claim(
        self, job: str, rowids: Sequence[int], *, run: str, until: float, now: float | None = None
    ) -> Claimed:
        """Claim `rowids` for `run` until `until` (Unix time), in one short write
        transaction; the papers another live run holds are left to it."""
        import time

        from tui_digest.core.store import claims

        when = time.time() if now is None else now
        with self._write() as conn:
            return claims.take(conn, job, rowids, run=run, now=when, until=until)

    def release_claims(self, job: str, run: str, rowids: Sequence[int] | None = None) -> None:
        """Drop `run`'s claims on `rowids` (None: every claim it holds)."""
        from tui_digest.core.store import claims

        with self._write() as conn:
            claims.release(conn, job, run, rowids)

    # --- What arXiv's API said (see `enrichment`) -----------------------------

    def enrich_candidates(
        self, query: str = "", *, digest: str | None = None
    ) -> list[EnrichCandidate]:
        """The papers matching `query` (in listing order) with what arXiv said so far."""
        from tui_digest.core.store import enrichment

        conn = self._conn()
        return enrichment.candidates(conn, queries.list_ids(conn, query, digest))

    def apply_enrichment(
        self,
        asked: Sequence[EnrichCandidate],
        entries: Sequence[ApiEntryLike],
        *,
        asked_at: str,
        invalid: bool = False,
    ) -> Applied:
        """Remember one answer of arXiv's API in one transaction: how many papers
        changed, and which were removed meanwhile (`enrichment.Applied`)."""
        from tui_digest.core.store import enrichment

        with self._write() as conn:
            return enrichment.apply(conn, asked, entries, asked_at=asked_at, invalid=invalid)
