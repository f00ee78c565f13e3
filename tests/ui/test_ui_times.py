"""Times in the reader (issue 16 item 5): local zone, short and relative, clock injected."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ui_support import ManualTimers, make_app, settle

from tui_digest.core.store import Store
from tui_digest.core.when import Clock
from tui_digest.ui.screens.sources import SourcesScreen

UTC8 = dt.timezone(dt.timedelta(hours=8))


def at(stamp: str) -> Clock:
    moment = dt.datetime.fromisoformat(stamp)
    return Clock(now=lambda: moment, zone=UTC8)


async def sources_text(cache: Path, clock: Clock) -> str:
    app = make_app(cache, first_run_sample=False, clock=clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        return app.screen.text.plain


async def test_the_sources_screen_shows_fetch_times_local_and_relative(cache: Path) -> None:
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[[sources]]\nname = "ai"\nurl = "https://example.org/ai.md"\n\n'
        '[[sources]]\nname = "cl"\nurl = "https://example.org/cl.md"\n'
    )
    with Store.open(cache) as store:
        store.set_source_state(
            "ai",
            url="https://example.org/ai.md",
            last_checked="2026-08-19T01:14:00Z",
            last_status="new 3",
        )
        store.set_source_state(
            "cl",
            url="https://example.org/cl.md",
            last_checked="2026-08-18T13:40:00Z",
            last_success="2026-08-16T05:00:00Z",
            last_status="failed (HTTP 503)",
            last_error="HTTP 503",
        )
    text = await sources_text(cache, at("2026-08-19T10:00:00+08:00"))
    assert "last fetch  today 09:14" in text
    assert "last fetch  yesterday 21:40" in text
    assert "last success  3 days ago" in text
    assert "T01:14" not in text  # no raw UTC stamps
    # A week later (the cache reopened): the same stamps read as dates.
    text = await sources_text(cache, at("2026-08-26T10:00:00+08:00"))
    assert "last fetch  2026-08-19 09:14" in text
    assert "last success  2026-08-16 13:00" in text


async def test_the_sources_screen_shows_another_urls_result_as_never_fetched(cache: Path) -> None:
    """A source that keeps its name but has another URL in the config: its last result
    was of the old URL, so the new one reads as never fetched (found by a bug hunt)."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[[sources]]\nname = "ai"\nurl = "https://example.org/ai.md"\n')
    with Store.open(cache) as store:
        store.set_source_state(
            "ai",
            url="http://127.0.0.1:9/gh/other.md",
            last_checked="2026-08-19T01:14:00Z",
            last_status="new 3",
        )
    text = await sources_text(cache, at("2026-08-19T10:00:00+08:00"))
    assert "never fetched" in text
    assert "new 3" not in text and "last fetch" not in text


class MovingClock:
    """The reader's injected now, moved by the test."""

    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __call__(self) -> dt.datetime:
        return self.when


async def test_the_open_sources_screen_rolls_over_at_local_midnight(cache: Path) -> None:
    """Bug hunt `tz` #4: the screen rendered its relative times once and kept
    "today 23:59" after midnight until it was closed and opened again."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[[sources]]\nname = "ai"\nurl = "https://example.org/ai.md"\n')
    with Store.open(cache) as store:
        store.set_source_state(
            "ai", url="https://example.org/ai.md", last_checked="2026-12-02T15:59:00Z",
            last_status="new 3",
        )  # fmt: skip
    now = MovingClock(dt.datetime(2026, 12, 2, 23, 59, 40, tzinfo=UTC8))
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers, clock=Clock(now, UTC8))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        assert "last fetch  today 23:59" in screen.text.plain
        # Midnight passes (the timer was set for it, a second after).
        now.when = dt.datetime(2026, 12, 3, 0, 0, 30, tzinfo=UTC8)
        timers.advance(50)
        await settle(pilot)
        assert "last fetch  yesterday 23:59" in screen.text.plain
        # And the next one, the screen still open.
        now.when = dt.datetime(2026, 12, 4, 0, 0, 30, tzinfo=UTC8)
        timers.advance(24 * 3600)
        await settle(pilot)
        assert "last fetch  2 days ago" in screen.text.plain
        # Closed, it sets no more timers.
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SourcesScreen)
        assert timers.waiting == 0
