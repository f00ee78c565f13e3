"""The reader's export into a pipe whose consumer stopped reading can be stopped
(bug hunt regfiles2, item 1).

The consumer has the FIFO open (`sleep 300 < ff`) but reads nothing: once the
pipe was full the worker sat in `write` for good, and the second `q` ("Stopping
the export"), ctrl+q and SIGTERM did nothing. The write now waits in short
slices and looks at the stop flag between them (`polled_write`).
"""

from __future__ import annotations

import importlib.util
import os
import select
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui_digest.core import polled_write
from tui_digest.core.store import Store
from tui_digest.ui.export_job import ExportStopped, export_papers

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db = tmp_path_factory.mktemp("pipe-stop") / "cache.db"
    with Store.open(db) as store:
        for digest in module.make_digests(300, seed=7):
            store.import_digest(digest, source_name=f"{digest.name}.md")
    return db


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_stop_ends_an_export_blocked_on_a_full_pipe(monkeypatch, tmp_path, cache, fmt) -> None:
    fifo = tmp_path / "ff"
    os.mkfifo(fifo)
    stalled = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open, never read
    blocked = threading.Event()
    real_select = select.select

    def watched(r, w, x, timeout=None):
        blocked.set()  # the pipe is full: the write waits for room
        return real_select(r, w, x, timeout)

    monkeypatch.setattr(polled_write, "select", SimpleNamespace(select=watched))
    stop = threading.Event()
    outcome: list[BaseException | int] = []

    def work() -> None:
        with Store.open(cache, readonly=True) as store:
            try:
                outcome.append(export_papers(store, store.list_ids(""), fmt, fifo, stop=stop))
            except BaseException as exc:  # (the test reads it below)
                outcome.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        assert blocked.wait(timeout=30), "the export never waited for room in the pipe"
        stop.set()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the stop did not end the blocked export"
    finally:
        os.close(stalled)  # (frees a stuck write with EPIPE)
        worker.join(timeout=30)
    assert len(outcome) == 1
    assert isinstance(outcome[0], ExportStopped)
    assert str(outcome[0]) == "the pipe's reader is not reading"
