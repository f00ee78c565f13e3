"""A large streamed document's new papers are tokenised in a child process
(`store.tokenise_child`, issue 13 req 1): the cache must come out exactly as
when they are tokenised in this process, and whatever goes wrong with the
child must cost nothing but speed (or raise, for an error of the tokeniser).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import pytest
from tests.cache_contents import cache_contents as _tables
from tests.hostile.inputs import many_papers

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, importer, tokenise_child
from tui_digest.core.store.index import Ready
from tui_digest.core.store.read_ahead import NewRows, ready_rows
from tui_digest.core.store.rows import paper_values, search_values


def _papers() -> list[Paper]:
    """Papers of varied text (accents and full-width letters are folded for the index)."""
    out = []
    for i, p in enumerate(many_papers(40), 1):
        out.append(
            replace(
                p,
                title_en=f"Café {i}: Ｆｕｌｌ-width graph learning, régime {i % 7}",
                abstract_zh=f"我们提出了第{i}种大型语言模型方法，" + "扩散" * (i % 5),
                abstract_en=f"We study naïve diffusion model {i} and graph neural networks.",
            )
        )
    return out


def _import(db: Path, papers: list[Paper]) -> None:
    with Store.open(db) as store:
        # Some papers are in the cache already: only the new ones get rows.
        store.import_digest(Digest("a", date="2024-03-20", papers=papers[:5]))
        store.import_stream(Digest("b", date="2024-03-19"), iter(papers))


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 7)  # 40 papers: 6 batches
    monkeypatch.setattr(tokenise_child, "MIN_CORES", 1)  # on any machine


def test_rows_made_in_the_child_make_the_same_cache(tmp_path, monkeypatch, small_batches):
    made: list[int] = []
    real_submit = tokenise_child.Child.submit

    def spy(self, papers, layout):
        pending = real_submit(self, papers, layout)
        made.append(0 if pending is None else len(papers))
        return pending

    monkeypatch.setattr(tokenise_child.Child, "submit", spy)
    papers = _papers()
    _import(tmp_path / "child.db", papers)
    monkeypatch.setattr(tokenise_child, "FROM_BATCH", None)
    _import(tmp_path / "here.db", papers)
    # Batches 2-6 (of 7, 7, 7, 7, 7 and 5 papers) went to the child.
    assert made == [7, 7, 7, 7, 5]
    child, here = _tables(tmp_path / "child.db"), _tables(tmp_path / "here.db")
    assert child["papers"] and child["terms"]
    assert child == here
    with Store.open(tmp_path / "child.db") as store:  # and after a restart
        assert len(store.search("régime")) == len(store.search("regime")) == 40
        assert len(store.search('大型语言模型 "naive diffusion"')) == 40
        assert [r.id for r in store.search("第12种")] == [papers[11].id]


def test_the_child_is_another_process(small_batches):
    import os

    child = tokenise_child.Child()
    try:
        started = child._call(os.getpid)
        assert started is not None and started.result(timeout=60) != os.getpid()
    finally:
        child.close()


def test_an_error_of_the_tokeniser_in_the_child_rolls_the_import_back(tmp_path, small_batches):
    papers = _papers()
    papers[20] = replace(papers[20], title_en=None)  # type: ignore[arg-type]  # (a bug's stand-in)
    with Store.open(tmp_path / "c.db") as store:
        with pytest.raises((AttributeError, TypeError)):
            store.import_stream(Digest("b", date="2024-03-19"), iter(papers))
        assert store.count() == 0 and store.digests() == []


def test_a_child_that_died_costs_only_speed(tmp_path, monkeypatch, small_batches):
    """Its batches are tokenised here: the same rows."""

    def broken(self, papers, layout):
        dead: Future = Future()
        dead.set_exception(BrokenProcessPool("the child was killed"))
        return tokenise_child.Pending(papers, dead, layout)

    monkeypatch.setattr(tokenise_child.Child, "submit", broken)
    papers = _papers()
    _import(tmp_path / "dead.db", papers)
    monkeypatch.setattr(tokenise_child, "FROM_BATCH", None)
    _import(tmp_path / "here.db", papers)
    assert _tables(tmp_path / "dead.db") == _tables(tmp_path / "here.db")


def test_no_child_where_processes_cannot_start(tmp_path, monkeypatch, small_batches):
    import multiprocessing

    calls: list[str] = []

    def refuse(method: str):
        calls.append(method)
        raise OSError("no semaphores here")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    papers = _papers()
    _import(tmp_path / "none.db", papers)
    monkeypatch.setattr(tokenise_child, "FROM_BATCH", None)
    _import(tmp_path / "here.db", papers)
    assert calls == ["spawn"]  # tried once, then this document stays in this process
    assert _tables(tmp_path / "none.db") == _tables(tmp_path / "here.db")


def test_small_documents_and_single_cores_start_no_child(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 7)
    started: list[int] = []
    monkeypatch.setattr(tokenise_child.Child, "_call", lambda self, fn, *a: started.append(1))
    with Store.open(tmp_path / "c.db") as store:
        store.import_stream(Digest("one", date="2024-03-19"), iter(_papers()[:6]))
        assert started == []  # less than one batch
        monkeypatch.setattr(tokenise_child, "cores", lambda: 1)
        store.import_stream(Digest("many", date="2024-03-18"), iter(_papers()[6:]))
        assert started == []  # one core
        assert store.count() == 40


def test_new_rows_carry_each_papers_values(tmp_path, small_batches):
    """A paper's `papers` row is made ahead too, and used only for that very object."""
    papers = _papers()
    with Store.open(tmp_path / "c.db") as store:
        rows = NewRows(store._snapshot)
        first = rows([(i, p, b"") for i, p in enumerate(papers[:7], 1)])
        later = rows([(i, p, b"") for i, p in enumerate(papers[7:14], 8)])  # in the child
        rows.close()
    assert isinstance(later, tokenise_child.Pending)
    for made, batch in ((first, papers[:7]), (ready_rows(later), papers[7:14])):
        assert isinstance(made, Ready)
        for p in batch:
            assert made.values_of(p) == paper_values(p)
            assert made.rows[p.id] == (p, search_values(p))
            assert made.values_of(replace(p)) is None


_PARENT = """
import os, sys, time
from tui_digest.core.store import tokenise_child
child = tokenise_child.Child()
print(child._call(os.getpid).result(), flush=True)
time.sleep(120)
"""


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie nobody reaped has ended too)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return any(line.split()[1:2] == ["Z"] for line in f if line.startswith("State:"))
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to see the child")
def test_the_child_ends_with_a_killed_importing_process():
    """`kill -9` (or a cron `timeout`) of an import left the child waiting for ever,
    holding the command's standard output, so a pipeline never saw its end."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(":")))
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, env=env)
    child = int(parent.stdout.readline())
    assert not _gone(child)
    parent.kill()
    # The pipe's end comes: no process holds its write end any more (before, the
    # child did, and this waited for ever: TimeoutExpired).
    out, _ = parent.communicate(timeout=30)
    assert out == b""
    deadline = time.monotonic() + 30
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)  # (waits on the child's exit, bounded; not a timing assumption)
    assert _gone(child)
