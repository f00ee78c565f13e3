"""A listing request that cancels one whose thread never began (ui/listing_thread.py).

A Textual thread worker cancelled before its thread began never runs, so it
never posts the `ListingDone` the next request waits for: the list froze (it
stopped following searches and fetches) when a request came in the same
event-loop turn as the one before, or while that one's job still waited for a
pool thread (a loaded machine). Both windows are opened here on purpose: two
requests in one turn, and a default executor whose only thread is kept busy.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ui_support import make_app, make_paper, settle, status_text

from tui_digest.core.model import Digest
from tui_digest.core.store import Store

SIZE = (140, 40)


def import_elsewhere(cache: Path, count: int) -> None:
    """`count` new papers through another connection (as a cron fetch would)."""
    papers = [make_paper(700 + i) for i in range(count)]
    digest = Digest(name="digest-cs.IR-2024-02-07", date="2024-02-07", papers=papers)
    with Store.open(cache) as other:
        other.import_digest(digest)


async def listing_follows(pilot, main, matches: int) -> None:
    """The list shows `matches` papers, and the next request is not stuck behind a dead one."""
    await settle(pilot)
    assert not main.listing_busy
    assert main.matches == matches and main.listing_ready
    assert f"{matches} / {matches}" in status_text(pilot.app)


async def test_two_requests_in_one_turn(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert main.matches == 38
        import_elsewhere(cache, 2)
        # The second cancels the first before its worker's task took a step.
        main.cache_changed()
        main.cache_changed()
        await listing_follows(pilot, main, 40)
        main.search_box.value = "retrieval"  # and the list still follows a search
        await settle(pilot)
        assert 0 < main.matches < 40 and main.query_text == "retrieval"


async def test_a_request_while_the_last_one_waits_for_a_thread(cache: Path) -> None:
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="one-thread")
    loop.set_default_executor(pool)  # (the loop shuts it down when the test ends)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        import_elsewhere(cache, 3)
        gate = threading.Event()
        blocker = loop.run_in_executor(None, gate.wait, 10)  # the pool's one thread is busy
        try:
            main.cache_changed()
            await pilot.pause()  # its worker took its step: its job waits for the thread
            assert main.listing_busy and not main.listing_ready
            main.cache_changed()  # cancels that job, which then never runs
            await pilot.pause()  # (the job is cancelled from the loop's next turn)
        finally:
            gate.set()
        assert await blocker
        await listing_follows(pilot, main, 41)
