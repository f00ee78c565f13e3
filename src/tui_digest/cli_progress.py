"""A transient progress bar for long CLI commands (fetch, translate, import)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def stderr_bar(label: str) -> Any | None:
    """A started rich progress bar on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    bar = progress_bar(label, Console(stderr=True))
    bar.start()
    return bar


def progress_bar(label: str, console: Console, **options: Any) -> Progress:
    """The bar of `stderr_bar` on `console`, not started (`options`: `Progress`'s).

    Task descriptions are shown as plain text (`markup=False`): they are source
    names and paper titles, which are untrusted. Standard output is never
    redirected through the bar, since it may be a pipe.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
        transient=True,
        redirect_stdout=False,
        **options,
    )


class ImportProgress:
    """Papers imported so far, as a bar once the import has taken over a second.

    Short imports show nothing (no flicker); `total` grows as each document is
    read. `bar_factory` and `clock` are injected by tests.
    """

    DELAY = 1.0

    def __init__(
        self,
        *,
        bar_factory: Callable[[str], Any | None] = stderr_bar,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = bar_factory
        self._clock = clock
        self._start = clock()
        self._bar: Any = None
        self._task: Any = None
        self._tried = False  # the factory said no (not a terminal): never ask again
        self.total = 0
        self.done = 0

    def expect(self, papers: int) -> None:
        self.total += papers
        self._show()

    def advance(self, papers: int) -> None:
        self.done = min(self.done + papers, self.total)
        self._show()

    def finish_document(self, papers_so_far: int) -> None:
        """A document is in: count its papers as done whatever was indexed."""
        self.done = papers_so_far
        self._show()

    def streaming(self, papers: int, fraction: float) -> None:
        """Inside a streamed document: `papers` read so far, `fraction` of its bytes.

        Its total is not known before its end: it is estimated from the bytes
        read (the bar's total grows or shrinks a little as the estimate does).
        """
        estimate = round(papers / fraction) if fraction > 0 else papers
        self._show(self.done + papers, self.total + max(estimate, papers))

    def finish_stream(self, papers: int) -> None:
        """A streamed document is in, with `papers` papers."""
        self.total += papers
        self.done = self.total
        self._show()

    def _show(self, done: int | None = None, total: int | None = None) -> None:
        done = self.done if done is None else done
        total = self.total if total is None else total
        if self._bar is None:
            if self._tried or self._clock() - self._start < self.DELAY:
                return
            self._tried = True
            self._bar = self._factory("importing")
            if self._bar is None:
                return
            self._task = self._bar.add_task("papers", total=total)
        self._bar.update(self._task, completed=done, total=total)

    @contextmanager
    def below(self) -> Iterator[None]:
        """Lines printed meanwhile go below the bar, on a line of their own.

        The bar is erased (it is transient) and drawn again after them:
        printed while it was drawn, a document's line went onto the bar's
        own line, and the next drawing erased part of it (bug hunt `scale`).
        """
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
