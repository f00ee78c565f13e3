"""Fewer cyclic garbage collections while an import runs (issue 13 req 1).

An import allocates containers by the million (each paper's record, lists and
rows; a batch's dicts), and Python's collector runs after every 700 net
allocations of them (`gc.get_threshold()`), walking whatever young objects are
alive then, and now and then all of them. The papers of a batch live until it
is written, so most of what a collection walks is not garbage. Timed with
`perf` on the 65,536-paper digest (2 cores), the collector took ~0.6 s of CPU
spread over the importing and the reading threads, both of which hold the GIL
while it runs: that time comes straight off the import's pace.

So an import raises the first generation's threshold to `GEN0` while it runs
and puts it back after (the gc module's documented `set_threshold`; the
collector stays on, so cycles are still found, only in larger steps). Measured
with `benchmarks/import_scale.py` (see docs/performance.md). The other two
thresholds count collections of the generation below, so they stay as they are.

Imports in several threads at once (the reader's worker and a test, say) share
one raised threshold: the first to start raises it, the last to end restores
what it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

GEN0 = 100_000  # allocations between young collections during an import (700 by default)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The first generation's threshold at least `GEN0` inside, as it was after."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0] and _saved[0] < GEN0:  # (0: automatic collection is off; leave it)
                gc.set_threshold(GEN0, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
