"""Small documents read whole ahead, imported several to one write transaction.

`tui-digest import` of a day's or a history's digests reads each small
digest whole in a thread (`cli_read_ahead`) and used to import each in its
own transaction. The real daily history is ~70 papers a digest (issue 13:
155 digests, 28 MB), and each commit cost the importing thread, which sets
the pace, ~4.5 ms (154 digests of 67 papers: 0.66-0.70 s of commits, 0.28 s
once grouped): FTS5 writing out and merging its pending index data, the
write-ahead log's commit and its checkpoints. So documents join one
transaction until it holds `MAX_PAPERS` papers or has been open
`MAX_SECONDS`, then it is committed. (Inside a group FTS5 still writes a
segment per document: each multi-row statement opens a savepoint, and FTS5
writes its pending data out at each, `fts5SavepointMethod` in SQLite's
ext/fts5/fts5_main.c. Inserting the same 10,000 search rows into an empty
index took 1.8 s of CPU at 67 papers a statement, 1.3 s at ~470 and 0.95 s
at 2,000; holding a group's rows back to its commit was measured and not
adopted: docs/performance.md.)

Each document is still all or nothing, and the others never pay for it:

- a document that brings nothing to keep (identical to its source's latest
  digest, or empty) writes nothing, since what it lists is known before its
  first write (`Store._write_prepared`);
- when a document fails, the transaction is rolled back and every document
  it held is imported again alone, as before: the others are kept, and the
  failing one reports its own error;
- an outcome is handed back only once it is final (committed, or failed
  alone), so a caller that prints it never reports a document a crash could
  still take back. A crash loses at most the open transaction's documents,
  none of them reported, the cache as before them.

The reader's own writes wait for the lock meanwhile, as they do for any
import (`connection`); `MAX_SECONDS` bounds how long a group holds it, and
`cli_import` commits the group whenever the next document is not read yet,
so the lock is never held while the reading thread works.

Measured (`benchmarks/import_scale.py --shape daily`, alternated with the code
before, 2-core machine at load 1.4-1.8): 10,000 papers as 142 digests of
20-120 papers, 3.54-3.56 -> 3.19-3.24 s, CPU 4.53-4.60 -> 4.38-4.44 s, peak
57 -> 84 MB (1,000 papers a group: 3.25-3.36 s, 70 MB); 65,536 papers as 161
digests of 150-700, 19.7-19.8 -> 18.2-18.4 s. The same cache size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    import sqlite3

    from tui_digest.core.model import Digest, ImportStats, Paper
    from tui_digest.core.store.import_options import ImportOptions
    from tui_digest.core.store.index import Ready
    from tui_digest.core.text_stream import KeptBytes

T = TypeVar("T")

# A document's papers as `facade_import.prepare_papers` makes them: batches of
# (ref, paper, hash) with the search rows made ahead for them.
Prepared = Sequence[tuple[list[tuple[int, "Paper", bytes]], "Ready | None"]]


class GroupStore(Protocol):
    """What a group needs of the store (`facade_import.ImportMethods`)."""

    def _writable(self) -> sqlite3.Connection: ...

    def _begin(self, conn: sqlite3.Connection, attempts: int) -> None: ...

    def _importing(self) -> AbstractContextManager[None]: ...

    def _write_prepared(
        self,
        conn: sqlite3.Connection,
        digest: Digest,
        prepared: Prepared,
        kept: KeptBytes | None,
        options: ImportOptions,
    ) -> ImportStats: ...

    def import_stream(
        self,
        digest: Digest,
        papers: Iterable[Paper],
        *,
        kept: KeptBytes | None = None,
        source_name: str = "",
        category: str = "",
        prepared: Prepared | None = None,
        revive_removed: bool = False,
    ) -> ImportStats: ...


# Papers a transaction holds before it is committed. The group's documents
# stay in memory until then (their papers, to import one alone again after a
# failure): 2,000 took the 142-digest import's peak 57 -> 85 MB, 1,000 to 70 MB
# for a little more time (3.25-3.36 against 3.19-3.24 s).
MAX_PAPERS = 2000
# The longest a group keeps the write lock while documents still come.
MAX_SECONDS = 1.0


@dataclass(slots=True, eq=False)
class GroupDoc(Generic[T]):
    """A document read whole ahead, with whatever the caller needs back (`tag`)."""

    digest: Digest
    prepared: Prepared
    kept: KeptBytes | None
    category: str
    tag: T  # (it also keeps alive what `kept` belongs to)
    source_name: str = ""  # what its digests are named after (`ImportOptions`)

    @property
    def papers(self) -> int:
        return sum(len(batch) for batch, _ in self.prepared)


# A document and what became of it: its stats, or the error it failed with.
Outcome = tuple[GroupDoc[T], "ImportStats | Exception"]


class ImportGroup(Generic[T]):
    """Documents imported into one open transaction, committed in groups.

    `add` each document in order, then `commit`; both return the outcomes
    that became final, in the order the documents came, and close their kept
    bytes. Use as a context manager: leaving it on an error rolls back what
    is not committed (and closes what it held).
    """

    def __init__(
        self,
        store: GroupStore,
        *,
        clock: Callable[[], float] = time.monotonic,
        revive_removed: bool = False,
    ) -> None:
        self._store = store
        self._revive = revive_removed  # (`ImportOptions.revive_removed`)
        self._clock = clock
        self._pending: list[tuple[GroupDoc[T], ImportStats]] = []
        self._papers = 0
        self._opened = 0.0
        self._stack: ExitStack | None = None
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> ImportGroup[T]:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            return  # (the caller commits: it wants the outcomes)
        dropped = [doc for doc, _ in self._pending]
        self._rollback()
        _close_kept(dropped)

    def add(self, doc: GroupDoc[T]) -> list[Outcome[T]]:
        """Import `doc` into the open transaction (opened if none)."""
        from tui_digest.core.store.import_options import ImportOptions

        try:
            conn = self._open()
            options = ImportOptions(
                source_name=doc.source_name, category=doc.category, revive_removed=self._revive
            )
            stats = self._store._write_prepared(conn, doc.digest, doc.prepared, doc.kept, options)
        except Exception:
            return self._alone([*(d for d, _ in self._pending), doc])
        # Its search rows are written: a document imported again alone (after
        # a failure) makes them anew, and the group holds half the memory.
        doc.prepared = [(batch, None) for batch, _ in doc.prepared]
        self._pending.append((doc, stats))
        self._papers += doc.papers
        if self._papers >= MAX_PAPERS or self._clock() - self._opened >= MAX_SECONDS:
            return self.commit()
        return []

    def commit(self) -> list[Outcome[T]]:
        """Commit the open transaction; the outcomes of its documents."""
        if self._conn is None:
            return []
        try:
            self._conn.execute("COMMIT")
        except Exception:
            return self._alone([d for d, _ in self._pending])
        done: list[Outcome[T]] = list(self._pending)
        self._close()
        _close_kept(doc for doc, _ in done)
        return done

    def _open(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        conn = self._store._writable()
        stack = ExitStack()
        stack.enter_context(self._store._importing())
        try:
            self._store._begin(conn, 1)
        except BaseException:
            stack.close()
            raise
        self._conn, self._stack, self._opened = conn, stack, self._clock()
        return conn

    def _alone(self, docs: list[GroupDoc[T]]) -> list[Outcome[T]]:
        """Roll back, then import each of `docs` in a transaction of its own."""
        self._rollback()
        out: list[Outcome[T]] = []
        for doc in docs:
            try:
                stats = self._store.import_stream(
                    doc.digest,
                    (),
                    kept=doc.kept,
                    source_name=doc.source_name,
                    category=doc.category,
                    prepared=doc.prepared,
                    revive_removed=self._revive,
                )
            except Exception as exc:
                out.append((doc, exc))
            else:
                out.append((doc, stats))
        _close_kept(docs)
        return out

    def _rollback(self) -> None:
        conn = self._conn
        try:
            # SQLite may have rolled back already (SQLITE_FULL does).
            if conn is not None and conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            self._close()

    def _close(self) -> None:
        stack, self._stack, self._conn = self._stack, None, None
        self._pending, self._papers = [], 0
        if stack is not None:
            stack.close()


def _close_kept(docs: Iterable[GroupDoc[T]]) -> None:
    """Close the kept bytes of documents whose outcome is final (or dropped)."""
    for doc in docs:
        if doc.kept is not None:
            doc.kept.close()
