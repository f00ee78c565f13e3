"""A transient progress bar for long CLI commands (fetch, translate, import)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def stderr_bar(label: str, *, counts: bool = True) -> Any | None:
    """A started rich progress bar on stderr when it is a terminal, else None.
    `counts`: done/total beside the bar (items); else a percentage (`ImportProgress`).

    None on a dumb terminal too (`TERM=dumb` or `unknown`: Emacs' shell): one that
    cannot move the cursor got an empty line each time the bar stopped, one per
    imported document (found by a bug hunt)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)
    if console.is_dumb_terminal:
        return None
    bar = progress_bar(label, console, counts=counts)
    bar.start()
    return bar


def import_bar(label: str) -> Any | None:
    """`stderr_bar` for `ImportProgress`: a percentage of bytes, the papers told apart."""
    return stderr_bar(label, counts=False)


def progress_bar(label: str, console: Console, *, counts: bool = True, **options: Any) -> Progress:
    """The bar of `stderr_bar` on `console`, not started (`options`: `Progress`'s).

    Task descriptions are shown as plain text (`markup=False`): they are source
    names and paper titles, which are untrusted. Standard output is never
    redirected through the bar, since it may be a pipe.
    """
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        _counts_column() if counts else TaskProgressColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
        transient=True,
        redirect_stdout=False,
        **options,
    )


def _counts_column() -> Any:
    """Done/total with thousands grouped ("500/1,251"), as the lines around
    the bar count; rich's `MofNCompleteColumn` wrote "500/1251", and "0/?"
    while the total was not known (regression hunt reg4 #2)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Counts(ProgressColumn):
        def render(self, task: Task) -> Text:
            done = f"{int(task.completed):,}"
            if task.total is not None:
                done += f"/{int(task.total):,}"
            return Text(done, style="progress.download")

    return Counts()


class ImportProgress:
    """How far an import is, as a bar once it has taken over a second.

    The bar counts the inputs' bytes, all known before the first is read
    (`plan`): a total that grew a document at a time kept a folder's bar full
    and a big digest's total rising (bug hunt `scale` #3). Inside a document,
    reading its bytes is half of it and indexing its papers the other half:
    a changed paper is indexed only once the whole document is read, and an
    import of 50,000 updates stood full for half its time. A document counts
    as done once imported, never before. Short imports show nothing (no
    flicker). `bar_factory` and `clock` are injected by tests.
    """

    DELAY = 1.0

    def __init__(
        self,
        *,
        bar_factory: Callable[[str], Any | None] = import_bar,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = bar_factory
        self._clock = clock
        self._start = clock()
        self._bar: Any = None
        self._task: Any = None
        self._tried = False  # the factory said no (not a terminal): never ask again
        # `reading` comes from the thread that reads a streamed digest ahead
        # (`read_ahead`), `indexed` from the importing one: one bar, one update at a time.
        self._lock = threading.RLock()
        self.total = 0  # bytes of every input (0: not known, as for a pipe)
        self.files = 0
        self.done = 0  # bytes of the documents imported
        self.papers = 0  # papers of the documents imported
        self._file = 0
        self._size = 0  # the current document's bytes
        self._read = 0.0  # the fraction of them read
        self._listed = 0  # its papers read so far, or listed by its table
        self._indexed = 0  # its papers indexed so far

    def plan(self, sizes: Sequence[int]) -> None:
        """The inputs' sizes in bytes, before the first is read."""
        self.total = sum(sizes)
        self.files = len(sizes)

    def start_document(self, size: int) -> None:
        """A document of `size` bytes (0: not known) is read next."""
        self._file += 1
        self._size = size
        self._read, self._listed, self._indexed = 0.0, 0, 0
        self._show()

    def reading(self, papers: int, fraction: float, listed: int = 0) -> None:
        """`papers` read so far, `fraction` of the document's bytes, `listed`
        papers in all as far as known (its table lists them before the first)."""
        self._read = min(max(fraction, 0.0), 1.0)
        self._listed = max(papers, listed)
        self._show()

    def indexed(self, papers: int) -> None:
        """The store indexed `papers` more of the document's papers."""
        self._indexed += papers
        self._show()

    def finish_document(self, papers: int) -> None:
        """The document is imported, with `papers` papers."""
        self.done += self._size
        self.papers += papers
        self._size, self._read, self._listed, self._indexed = 0, 0.0, 0, 0
        self._show()

    def _fraction(self) -> float:
        """How much of the current document is done: never all of it."""
        indexed = min(1.0, self._indexed / self._listed) if self._listed else 0.0
        return min(0.99, (self._read + indexed) / 2)

    def _describe(self) -> str:
        papers = self.papers + self._listed
        text = f"{papers:,} paper{'s' if papers != 1 else ''}"
        if self.files > 1:
            text += f", file {min(self._file, self.files):,} of {self.files:,}"
        return text

    def _show(self) -> None:
        with self._lock:
            self._update()

    def _update(self) -> None:
        if self._bar is None:
            if self._tried or self._clock() - self._start < self.DELAY:
                return
            self._tried = True
            self._bar = self._factory("importing")
            if self._bar is None:
                return
            self._task = self._bar.add_task("", total=None)
        total: int | None = self.total or None  # (unknown: rich shows a pulsing bar)
        done = self.done + round(self._size * self._fraction())
        if total is not None:  # the end only once the last document is imported
            done = min(done, total - 1 if self._size or self._file < self.files else total)
        self._bar.update(self._task, completed=done, total=total, description=self._describe())

    @contextmanager
    def below(self) -> Iterator[None]:
        """Lines printed meanwhile go below the bar, on a line of their own.

        The bar is erased (it is transient) and drawn again after them:
        printed while it was drawn, a document's line went onto the bar's
        own line, and the next drawing erased part of it (bug hunt `scale`).
        """
        with self._lock:  # (no update from the reading thread meanwhile)
            if self._bar is None:
                yield
                return
            self._bar.stop()
            try:
                yield
            finally:
                sys.stdout.flush()  # (before the bar is drawn again after it)
                sys.stderr.flush()
                self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def say_wait(line: str) -> None:
    """A wait between two attempts of a request, said on stderr as it begins (above
    a progress bar): a 429 answered with `Retry-After: 300` held `fetch` for
    minutes without a word, and `enrich` and `translate` too (found by bug hunts)."""
    from tui_digest.core.sanitize import clean_line

    print(f"tui-digest: {clean_line(line, 500)}", file=sys.stderr, flush=True)
