"""Two translation runs at once share the work through claims in the cache.

A cron `fetch` with `after_fetch = true` while the reader's `t` (or another
`tui-digest translate`) works sent the same papers twice, both billed, and the
second run said "done (nothing left to fill)" and "translated 2" (found by a
bug hunt).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading

import pytest

from fake_llm_server import FakeLLM, Reply, chinese_for
from test_translate_runner import ENV, IDS, config, import_feed
from tui_digest.core.store import Store
from tui_digest.translate.rules import translation_candidates
from tui_digest.translate.runner import JOB, translate_papers


@pytest.fixture
def llm():
    with FakeLLM() as server:
        yield server


def held_until_released(llm: FakeLLM, paper_id: str) -> tuple[threading.Event, threading.Event]:
    """The first request for `paper_id` waits (in the server) until `release` is set;
    `arrived` says it came. Every other request is answered at once."""
    arrived, release = threading.Event(), threading.Event()
    first = [True]

    def handle(request):
        paper = request.paper
        if paper.get("arxiv_id") == paper_id and first[0]:
            first[0] = False
            arrived.set()
            release.wait(10)  # (the test sets it; 10 s only if it never does)
        return Reply.answer(chinese_for(paper))

    llm.handler = handle
    return arrived, release


async def test_a_second_run_skips_claimed_papers_and_says_so(tmp_path, llm) -> None:
    path = tmp_path / "cache.db"
    first_store, second_store = Store.open(path), Store.open(path)  # two "processes"
    try:
        import_feed(first_store)
        arrived, release = held_until_released(llm, IDS[0])
        cfg = config(llm, concurrency=1)
        # Both runs chose the same papers before either sent anything.
        chosen_first = translation_candidates(first_store)
        chosen_second = translation_candidates(second_store)
        assert [r.paper.id for r in chosen_first] == [r.paper.id for r in chosen_second] == IDS
        first = asyncio.create_task(translate_papers(first_store, chosen_first, cfg, environ=ENV))
        assert await asyncio.to_thread(arrived.wait, 10)  # the first run sent IDS[0]
        second = await translate_papers(second_store, chosen_second, cfg, environ=ENV)
        release.set()
        first_report = await first
    finally:
        release.set()
        first_store.close()

    try:
        # Each paper was asked for once: no paper billed twice.
        asked = sorted(r.paper["arxiv_id"] for r in llm.requests)
        assert asked == sorted(IDS)
        by_id = {o.id: o for o in second.outcomes}
        # The paper the first run was translating was left to it, and said so.
        assert by_id[IDS[0]].status == "elsewhere"
        assert "being translated by another run (pid" in by_id[IDS[0]].line()
        assert second.done == 2 and "translated 2" in second.summary()
        assert "1 left to another run or filled meanwhile" in second.summary()
        # The first run found the others filled: reported as such, not as translated.
        assert first_report.done == 1
        filled = [o for o in first_report.outcomes if o.status == "elsewhere"]
        assert sorted(o.id for o in filled) == sorted(IDS[1:])
        assert all("filled meanwhile" in o.line() for o in filled)
        assert all("nothing left to fill" not in o.line() for o in first_report.outcomes)
        # Every paper is translated, and no claim is left behind.
        for paper_id in IDS:
            record = second_store.get_paper(paper_id)
            assert record is not None and record.paper.title_zh.startswith("译题：")
        conn = second_store._conn()
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
    finally:
        second_store.close()


async def test_an_answer_for_a_paper_filled_meanwhile_is_not_called_translated(
    tmp_path, llm
) -> None:
    """A digest filled the paper while its answer was on the way: the tokens were
    spent, but the run does not say it translated it."""
    path = tmp_path / "cache.db"
    store = Store.open(path)
    try:
        import_feed(store)
        arrived, release = held_until_released(llm, IDS[0])
        chosen = translation_candidates(store, limit=1)
        run = asyncio.create_task(translate_papers(store, chosen, config(llm), environ=ENV))
        assert await asyncio.to_thread(arrived.wait, 10)

        def by_hand(paper):
            paper.title_zh, paper.summary_zh, paper.abstract_zh = "人工标题", "人工总结", "人工摘要"
            return paper

        store.update_paper(chosen[0].rowid, by_hand)
        release.set()
        report = await run
        assert (report.done, report.elsewhere) == (0, 1)
        assert "translated 0" in report.summary()
        assert "filled meanwhile" in report.outcomes[0].line()
        assert report.usage.requests == 1  # (what it cost is still counted)
        assert store.get_paper(IDS[0]).paper.title_zh == "人工标题"
    finally:
        release.set()
        store.close()


def finished_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def test_a_claim_lasts_across_a_restart_and_ends_with_its_process_or_its_time(tmp_path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        import_feed(store)
        rowids = store.list_ids()
        # A live process of this host (our parent) holds the first; a gone one the second.
        conn = store._conn()
        conn.executemany(
            "INSERT INTO claims(job, paper, run, pid, host, since, until) "
            "VALUES (?, ?, ?, ?, ?, 1000, 5000)",
            [
                (JOB, rowids[0], "other", os.getppid(), socket.gethostname()),
                (JOB, rowids[1], "gone", finished_pid(), socket.gethostname()),
            ],
        )
    with Store.open(path) as store:  # restarted
        got = store.claim(JOB, rowids, run="mine", until=4000, now=2000)
        assert sorted(got.got) == sorted(rowids[1:])
        assert list(got.held) == [rowids[0]] and got.held[rowids[0]].pid == os.getppid()
        # Taking them again is fine for the same run; another run now finds them held.
        assert sorted(store.claim(JOB, rowids[1:], run="mine", until=4000, now=2001).got) == sorted(
            rowids[1:]
        )
        assert store.claim(JOB, rowids[1:], run="later", until=4000, now=2002).got == []
        store.release_claims(JOB, "mine")
        assert store.claim(JOB, rowids[1:], run="later", until=4000, now=2003).held == {}
    with Store.open(path) as store:
        # Past its `until`, the live process's claim is taken over (a hung run).
        assert store.claim(JOB, rowids[:1], run="mine", until=9000, now=5000).got == rowids[:1]
