"""Items made in a thread one ahead of their use (issue 13 req 1).

An import overlaps Python's work (reading, hashing, tokenising) with SQLite's
(the inserts, during which sqlite3 lets go of the GIL) by making the next item
in a thread while the importing thread writes this one: the next batch of one
document (`store.read_ahead`) and the next small document of many
(`cli_read_ahead`). Both need the same hand-over, so it lives here:

- the queue holds one item, so memory stays flat;
- whatever making the items raises is raised by `__iter__`, in the importing
  thread, at that item's turn;
- leaving the `with` block (an error in the importing thread included) stops
  the thread, waits for it, and passes what was made and never taken to
  `drop` (an item may hold an open file);
- `done` runs in the making thread when it ends, so what that thread opened
  (a read-only connection of its own) is closed by the thread that opened it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_END = object()
POLL = 0.05  # seconds: how often a blocked `put` checks that nobody left


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class OneAhead(Generic[T]):
    """The items of `items`, iterated in a thread one ahead of their use."""

    def __init__(
        self,
        items: Iterable[T],
        *,
        name: str,
        drop: Callable[[T], object] | None = None,
        done: Callable[[], object] | None = None,
    ) -> None:
        self._items = items
        self._drop = drop
        self._done = done
        self._queue: queue.Queue[object] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> OneAhead[T]:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            self._dropped(item)

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]

    def ready(self) -> bool:
        """Whether the next item (or the end) is made, so that taking it will not wait."""
        return not self._queue.empty()

    def _dropped(self, item: object) -> None:
        if self._drop is not None and item is not _END and not isinstance(item, _Failed):
            self._drop(item)  # type: ignore[arg-type]

    def _put(self, item: object) -> bool:
        # Polls `_stop` so that leaving early never leaves this thread blocked.
        while not self._stop.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=POLL)
                return True
        self._dropped(item)
        return False

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(_END)
        except BaseException as exc:  # handed to the importing thread, raised there
            self._put(_Failed(exc))
        finally:
            if self._done is not None:
                self._done()
