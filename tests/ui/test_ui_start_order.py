"""What the reader leaves until after its first frame, and that all of it still happens
(issue 13 req 5: the first frame waits for nothing it does not show).

The timing is ui_support.make_app's (manual timers, no detail delay): the test
looks at what had started when the first page was applied, then lets the app
settle and checks that everything deferred arrived. No sleeps.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.dom import DOMNode
from ui_support import make_app, settle, status_text

from tui_digest.ui.screens.listing import ListingScreen
from tui_digest.ui.settings import settings_path

SIZE = (140, 40)
CONFIG = """\
[fetch]
interval_minutes = 90

[reader]
read_after_seconds = 7

[[watches]]
name = "protein"
query = "protein"
"""
# Worker groups that count or read the config: none may run before the first frame.
AFTER_FIRST_FRAME = {"unread", "watches", "watch-config", "read-config", "reader-config"}


@pytest.fixture
def seen_at_first_page(monkeypatch) -> dict[str, object]:
    """The groups of the workers started before the first listing page was applied."""
    started: list[str] = []
    seen: dict[str, object] = {}
    run_worker = DOMNode.run_worker  # what @work and the refresher call

    def recording_run_worker(self, *args, **kwargs):
        worker = run_worker(self, *args, **kwargs)
        started.append(worker.group)
        return worker

    apply = ListingScreen.on_listing_page

    def on_listing_page(self: ListingScreen, message) -> None:
        if not seen:
            seen["groups"] = set(started)
            seen["unread_total"] = getattr(self, "unread_total", "missing")
        apply(self, message)

    monkeypatch.setattr(DOMNode, "run_worker", recording_run_worker)
    monkeypatch.setattr(ListingScreen, "on_listing_page", on_listing_page)
    return seen


async def test_counts_and_config_wait_for_the_first_frame_then_arrive(
    cache: Path, seen_at_first_page: dict[str, object]
) -> None:
    Path(os.environ["TUI_DIGEST_CONFIG"]).write_text(CONFIG, encoding="utf-8")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        groups = seen_at_first_page["groups"]
        assert isinstance(groups, set)
        assert "listing" in groups  # (the set is real: the listing's own worker is in it)
        assert not groups & AFTER_FIRST_FRAME
        assert seen_at_first_page["unread_total"] is None
        # ...and after the first frame, all of it:
        assert main.unread_total == 38
        assert "38 unread" in status_text(app)
        assert main.unread_by_digest == {
            "digest-cs.LG-2024-02-05": 30,
            "digest-cs.LG-2024-02-06": 8,
        }
        assert {w.name: (w.unread, len(w.hits)) for w in main.watch_hits} == {"protein": (6, 6)}
        assert main.refresher.interval_minutes == 90
        assert main.dwell.read_after == 7
        assert main.detail.record is not None  # the current paper is shown


async def test_a_failing_first_query_still_starts_the_counts(cache: Path) -> None:
    # Reopened on a search that no longer parses: the first "listing" is its error.
    settings_path().write_text('{"query": "cat:"}', encoding="utf-8")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.error  # the query's problem is shown
        assert app.main.unread_total == 38
