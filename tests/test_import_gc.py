"""Fewer garbage collections while an import runs (`store.import_gc`, issue 13 req 1).

The collector's first threshold is raised inside an import, in whichever
thread runs it, and put back as it was when the last import ends, also when
one fails; a collector the program switched off stays off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from tests.hostile.inputs import many_papers

from tui_digest.core.model import Digest, InputError
from tui_digest.core.store import Store, import_gc
from tui_digest.core.store.import_gc import GEN0, fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_inside_and_restored_after() -> None:
    with fewer_collections():
        assert gc.get_threshold() == (GEN0, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the import failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_imports_restore_once_the_last_ends() -> None:
    """Two threads: the first to end must not lower it under the other."""
    inside = threading.Barrier(2)
    first_done = threading.Event()
    seen: list[tuple[int, ...]] = []

    def first() -> None:
        with fewer_collections():
            inside.wait()
        first_done.set()

    thread = threading.Thread(target=first)
    thread.start()
    with fewer_collections():
        inside.wait()
        first_done.wait()
        seen.append(gc.get_threshold())
    thread.join()
    assert seen == [(GEN0, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
    assert import_gc._depth == 0


def test_a_collector_switched_off_stays_off() -> None:
    gc.set_threshold(0)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_a_higher_threshold_is_left_as_it_is() -> None:
    gc.set_threshold(GEN0 * 2, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (GEN0 * 2, 10, 10)
    assert gc.get_threshold() == (GEN0 * 2, 10, 10)


def _digest(n: int, prefix: str) -> Digest:
    return Digest("d", date="2024-03-18", papers=many_papers(n, prefix=prefix))


def test_imports_raise_it_while_they_run_and_restore_it(tmp_path: Path) -> None:
    """Streamed and whole, through the store, as the CLI and the reader call them;
    a failed import restores it too."""
    store = Store.open(tmp_path / "c.db")
    during: list[int] = []

    def progress(_: int) -> None:
        during.append(gc.get_threshold()[0])

    digest = _digest(30, "24")
    store.import_stream(replace(digest, papers=[]), iter(digest.papers), progress=progress)
    streamed = len(during)
    assert streamed and set(during) == {GEN0}
    assert gc.get_threshold() == (700, 10, 10)

    store.import_digest(replace(_digest(20, "23"), name="e"), progress=progress)
    assert len(during) > streamed and set(during) == {GEN0}
    assert gc.get_threshold() == (700, 10, 10)

    def failing() -> Iterator:
        yield from _digest(3, "22").papers
        raise InputError("bad.md:9: the stream broke")

    with pytest.raises(InputError):
        store.import_stream(Digest("f", date="2024-03-19"), failing())
    assert gc.get_threshold() == (700, 10, 10)
    store.close()
    # Nothing else changed: the papers of both imports are there, the failed one's not.
    reopened = Store.open(tmp_path / "c.db")
    assert reopened.count() == 50
    reopened.close()
