"""The collector is paused while the reader starts and resumed after its first frame
(ui/start_gc.py, issue 13 req 5); apps that did not pause it leave it alone.

The pausing runs in child processes: freezing objects is process-wide, and a
test process that froze its apps would keep them alive for every later test.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from ui_support import make_app, settle

from tui_digest.ui import start_gc

SIZE = (120, 30)


def run_child(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.split()


def test_the_command_line_start_pauses_the_collector_before_importing_the_app(
    cache: Path,
) -> None:
    code = f"""
import gc, sys
from textual.app import App
seen = []
def run(self, *args, **kwargs):  # instead of taking over the terminal
    seen.append(gc.isenabled())
App.run = run
before = "tui_digest.ui.app" in sys.modules
from tui_digest.ui.launch import run_reader
run_reader({str(cache)!r})
print(before, seen[0], gc.isenabled())
"""
    # Paused before the app module was imported, and still paused when it runs.
    assert run_child(code) == ["False", "False", "False"]


def test_a_paused_start_collects_again_after_the_first_listing_frame(cache: Path) -> None:
    code = f"""
import asyncio, gc
from tui_digest.ui import start_gc
start_gc.pause()
from tui_digest.ui.app import make_app
from tui_digest.ui.screens.listing import ListingScreen

at_first_page = []
apply = ListingScreen.on_listing_page
def on_listing_page(self, message):
    at_first_page.append(gc.isenabled())
    apply(self, message)
ListingScreen.on_listing_page = on_listing_page

async def main():
    app = make_app({str(cache)!r}, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(500):
            if not start_gc.paused():
                break
            await pilot.pause()
        print(at_first_page[0], gc.isenabled(), gc.get_freeze_count() > 0,
              app.main.paper_list.current_rowid is not None)
asyncio.run(main())
"""
    # Paused when the first page was applied; collecting (and the start frozen) after.
    assert run_child(code) == ["False", "True", "True", "True"]


async def test_an_app_that_did_not_pause_leaves_the_collector_alone(cache: Path) -> None:
    assert gc.isenabled() and not start_gc.paused()
    frozen = gc.get_freeze_count()
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.paper_list.current_rowid is not None  # the first frame came
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen


def test_resume_happens_once_and_only_after_a_pause() -> None:
    frozen = gc.get_freeze_count()
    start_gc.resume()  # nothing paused: nothing to do
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()  # someone else turned it off: pause() does not take that over
    try:
        start_gc.pause()
        assert not start_gc.paused()
        start_gc.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()
