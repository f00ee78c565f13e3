"""A large document's new papers tokenised in a child process (issue 13 req 1).

A streamed import reads the next batch in a thread while the importing thread
writes this one (`read_ahead`). Python's sqlite3 lets go of the GIL while
SQLite runs a statement, but the reading thread's own work is Python that
holds it: reading, parsing and hashing the digest, and tokenising the new
papers' search rows. Timed per thread on the 65,536-paper digest (2 cores,
quiet): the reading thread ran 9.7 s of CPU and ended 13.5 s into a 15 s
import, and the importing thread waited 3 s for its batches. Tokenising is
the larger part of that Python (~0.9 of ~1.5 s per 10k papers), and it needs
nothing but the paper's fields, so from a document's second batch on it runs
in a child process, one batch at a time in order, while this process parses
the next batch and writes the last. The importing thread then sets the pace:
the 65k digest (`benchmarks/import_scale.py`, alternated with the code
before, load ~1.7) 15.7 / 16.1 -> 14.0 / 15.1 s. Memory stays within bounds
because batches are now 1,000 papers (`importer.BATCH`): the importing
process's peak 223 -> 202 MB, plus the child's 48 MB.

Only what crosses the pipe costs: the fields go as one tuple per paper (its
texts, and its authors and categories as lists) and the rows come back as
tuples of strings, with one list of words per batch (`Ready.words`). The
rows are those `search_index` makes in this process: the same functions,
deterministic whatever the hash seed (`search_tokens`). A document of one
batch (a daily digest: a few hundred papers) never starts the child, nor does
a machine with one core.

If the child cannot be started, or dies, or its work was cancelled, the batch
is tokenised here instead (the same rows, only slower). An error the
tokeniser raises in the child is raised here, in the importing thread, which
rolls the import back, as an error of the reading thread is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from tui_digest.core import search_index

if TYPE_CHECKING:
    from tui_digest.core.model import Paper
    from tui_digest.core.store.index import Ready

# Read at call time, so tests can change them: the first batch of a document
# that goes to the child (1-based; None: never), and the cores needed.
FROM_BATCH: int | None = 2
MIN_CORES = 2

Fields = tuple[Any, ...]  # `rows.search_fields` of one paper
Made = tuple[list[tuple[str, ...]], list[str]]  # rows, and the batch's Latin/digit words


def tokenise(fields: Sequence[Fields], layout: int) -> Made:
    """The search rows of these papers in `layout` and their Latin/digit words (in the child)."""
    words: set[str] = set()
    rows = [search_index.search_row_lists(*f, latin=words, layout=layout) for f in fields]
    return rows, list(words)


def _child_setup(parent: int) -> None:
    """The child leaves Ctrl+C to the importing process, which stops it: the
    interrupt reaches the terminal's whole process group, and the child would
    print a traceback of its own.

    And it ends with the importing process: killed (`kill -9`, a SIGTERM, a
    cron `timeout`), that process never stops it, and it waited for work for
    ever, holding the command's standard output open, so a pipeline reading
    it never saw its end. It never writes there: /dev/null instead.
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    threading.Thread(target=_end_with, args=(parent,), daemon=True, name="parent").start()


def _end_with(parent: int, every: float = 0.5) -> None:
    """Exit once `parent` is gone (this process is then another's child)."""
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Pending:
    """A batch's rows being made in the child: `ready()` waits for them."""

    def __init__(self, papers: dict[str, Paper], made: Future[Made], layout: int) -> None:
        self.papers = papers  # id -> the paper its row is for, in batch order
        self.made = made
        self.layout = layout  # the rows' (`Ready.layout`)
        self.values: dict[str, tuple[object, ...]] = {}  # `Ready.values`, made in this process

    def ready(self) -> Ready:
        from tui_digest.core.store.index import Ready
        from tui_digest.core.store.rows import search_values_words

        result = Ready(values=self.values, layout=self.layout)
        try:
            rows, words = self.made.result()
        except (BrokenProcessPool, CancelledError):
            # The child died or was stopped: the same rows, made here.
            for pid, paper in self.papers.items():
                row = search_values_words(paper, result.words, self.layout)
                result.rows[pid] = (paper, row)
            return result
        for (pid, paper), row in zip(self.papers.items(), rows, strict=True):
            result.rows[pid] = (paper, row)
        result.words = set(words)
        return result


class Child:
    """One document's child process, started at its first use (`submit`)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._failed = False

    def enabled(self) -> bool:
        """Whether this document's batches may go to a child at all."""
        return FROM_BATCH is not None and not self._failed and cores() >= MIN_CORES

    def wanted(self, batch_number: int) -> bool:
        """Whether the batch numbered so (1-based) should go to the child."""
        return FROM_BATCH is not None and batch_number >= FROM_BATCH and self.enabled()

    def start(self) -> None:
        """Start the child now, so that it is up when its first batch comes
        (starting a Python and importing the tokeniser takes ~0.2 s)."""
        self._call(os.getpid)

    def submit(self, papers: dict[str, Paper], layout: int) -> Pending | None:
        """The rows of `papers` in `layout`, made in the child; None if it cannot be started."""
        from tui_digest.core.store.rows import search_fields

        made = self._call(tokenise, [search_fields(p) for p in papers.values()], layout)
        return None if made is None else Pending(papers, made, layout)

    def _call(self, fn: Any, *args: Any) -> Future[Any] | None:
        if self._failed:
            return None
        try:
            if self._pool is None:
                import multiprocessing

                # spawn, not fork: the importing process has threads running.
                self._pool = ProcessPoolExecutor(
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child_setup,
                    initargs=(os.getpid(),),
                )
            return self._pool.submit(fn, *args)  # (the first submit starts the child)
        except (BrokenProcessPool, OSError, ImportError, NotImplementedError):
            # No process support here (no semaphores, a sandbox), or the child
            # died: this document's batches are tokenised in this process.
            self._failed = True
            self.close()
            return None

    def close(self) -> None:
        """End the child once its queued batches are made (their results stay).

        Called where the batches are made, after the last (`read_ahead`): the
        importing thread waits for that batch anyway, and when it has left
        early, at most two batches' tokenising is waited for.
        """
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)
