"""Reading and tokenising a streamed document ahead of its writes (issue 13 req 1).

A streamed import does two kinds of work: Python's (reading and parsing the
digest, compressing its bytes, hashing entries, tokenising search rows) and
SQLite's (the inserts, FTS5's above all). Python's sqlite3 lets go of the GIL
while SQLite executes a statement, so `ReadAhead` runs the first kind for the
next batch in a thread of its own while the importing thread writes this one
(as single statements, `bulk`, or it would wait for the GIL after every row).

What stays as it was: the import is one transaction on one connection, used
only by the importing thread; the queue between the threads holds one batch,
so memory stays flat. The reading thread learns which papers are new through
a read-only connection of its own, which sees the cache as it was before the
import (the import holds the write lock, so nothing else commits meanwhile);
it cannot see the import's own rows and need not: a paper the import added
came earlier in the stream, so it knows that id already. A row made for a
paper that then turns out not to be new is not used (`index.Ready`). Whatever
the reading thread raises (a bad document: the reader's message, its file and
line) is raised in the importing thread, which rolls the transaction back.

A document of more than one batch has its new papers tokenised in a child
process from the second batch on (`tokenise_child`): that Python then no
longer holds this process's GIL. Each paper's `papers` row is made here,
ahead, too (`Ready.values`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from tui_digest.core.model import Paper
from tui_digest.core.one_ahead import OneAhead
from tui_digest.core.search_index import ROW_LAYOUT, row_layout
from tui_digest.core.store import importer
from tui_digest.core.store.index import Ready
from tui_digest.core.store.rows import in_chunks, paper_values, search_values_words
from tui_digest.core.store.tokenise_child import Child, Pending

Entry = tuple[int, Paper, bytes]  # (ref, paper, hash), as `DigestImport.add` takes them


def ready_rows(made: Ready | Pending | None) -> Ready | None:
    """The rows `NewRows` made for a batch, once made (in the importing thread)."""
    return made.ready() if isinstance(made, Pending) else made


class ReadAhead(OneAhead[tuple[list[Entry], Ready | Pending | None]]):
    """The batches of `batches`, produced in a thread one batch ahead of their use.

    `prepare(batch)`, when given, runs in that thread too and its result comes
    with the batch (`ready_rows` gives its rows); `prepare.close()` is called
    there when it ends. Use as a context manager (`one_ahead.OneAhead`):
    leaving it (an error in the importing thread included) stops the thread
    and waits for it.
    """

    def __init__(self, batches: Iterable[list[Entry]], prepare: NewRows | None = None) -> None:
        made = ((batch, prepare(batch) if prepare is not None else None) for batch in batches)
        done = prepare.close if prepare is not None else None
        super().__init__(made, name="import-read-ahead", done=done)


class WordDicts(list[dict[str, None]]):
    """One paper's Latin/digit words as the tokeniser found them: each text's
    dict of distinct words, kept as it is (`search_tokens.WordSink`).

    A set per paper cost a fifth of the tokenising time of a document read
    ahead (10k papers of daily digests: `NewRows` 1.03 s of CPU, 0.85 s with
    one set for all): building it inserts every word again, where the dicts
    are made anyway. Only the rows used are joined into `terms` (`index_rows`).
    """

    update = list.append  # what `index_pair` calls with each text's dict


class NewRows:
    """`ReadAhead`'s `prepare` for a new digest: the search rows of its new papers.

    New: not met earlier in this stream, and not in the cache before the
    import (asked through `connect()`, a read-only connection of this thread's
    own, closed by `close`). Without `connect`, the store is not asked: a
    document read before the previous one's import commits (`prepare_document`)
    gets rows for all its papers, and its import uses those of the papers that
    turn out new when it writes (`index.Ready`: a row made but not used is
    left out, its words too).

    With `connect` (one large document), rows from the second batch on are
    made in a child process (`tokenise_child`): a `Pending` is returned.
    The rows are made in the cache's row layout, read through `connect`;
    without it, in the current one (`index_rows` makes its own for a cache
    of another).
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection] | None) -> None:
        self._connect = connect
        self._conn: sqlite3.Connection | None = None
        self._seen: set[str] = set()
        self._batches = 0
        self._child = Child()
        self._layout = ROW_LAYOUT

    def __call__(self, batch: list[Entry]) -> Ready | Pending:
        first: dict[str, Paper] = {}
        for _, paper, _ in batch:
            if paper.id and paper.id not in self._seen and paper.id not in first:
                first[paper.id] = paper
        self._seen.update(first)
        for known in self._existing(list(first)):
            del first[known]
        ready = Ready(layout=self._layout)  # (read by `_existing`)
        if self._connect is None:  # which are new is known only when written
            ready.words_of = {}
            for pid, paper in first.items():
                words = WordDicts()
                ready.rows[pid] = (paper, search_values_words(paper, words))
                ready.words_of[pid] = words
            ready.values = {pid: paper_values(paper) for pid, paper in first.items()}
            return ready
        self._batches += 1
        if self._batches == 1 and len(batch) >= importer.BATCH and self._child.enabled():
            self._child.start()  # a document of more than one batch, probably
        # Submitted before the values are made, so that the child starts sooner.
        wanted = first and self._child.wanted(self._batches)
        pending = self._child.submit(first, self._layout) if wanted else None
        values = {pid: paper_values(paper) for pid, paper in first.items()}
        if pending is not None:
            pending.values = values
            return pending
        ready.values = values
        for pid, paper in first.items():
            ready.rows[pid] = (paper, search_values_words(paper, ready.words, self._layout))
        return ready

    def _existing(self, ids: list[str]) -> list[str]:
        if self._connect is None:
            return []
        if self._conn is None:
            self._conn = self._connect()
            self._layout = row_layout(self._conn)
        found: list[str] = []
        for chunk, marks in in_chunks(ids):
            found += [
                r[0]
                for r in self._conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk)
            ]
        return found

    def close(self) -> None:
        self._child.close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
