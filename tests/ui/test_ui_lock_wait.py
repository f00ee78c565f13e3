"""A mark waiting for another process's write (bug hunt scalebulk, item 3).

While another tui-digest process imported a big digest, `s` showed only
"saving marks…" for a minute, `q` said "Saving your changes before quitting…"
until the import ended, and a second `q` did nothing. The reader now says it
waits for another process, and a second `q` says what quitting now would lose
and how long it has waited. Another process's write is a second SQLite
connection holding the write lock; the clock is the test's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from ui_support import make_app, notes, settle, status_text, until

from tui_digest.core.store import Store, connection
from tui_digest.core.when import Clock

SIZE = (120, 40)
WAITING = "waiting for another tui-digest process"


class _Now:
    def __init__(self) -> None:
        self.at = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


def _starred(cache: Path, rowid: int) -> bool:
    with Store.open(cache, readonly=True) as store:
        return store.get_papers([rowid])[0].starred


async def test_a_mark_waiting_for_another_process_says_so_and_q_tells_what_it_would_lose(
    cache: Path, monkeypatch
) -> None:
    monkeypatch.setattr(connection, "TELL_WAIT_AFTER_MS", 20)  # (told after 1 s otherwise)
    now = _Now()
    app = make_app(cache, first_run_sample=False, clock=Clock(now=now, zone=dt.UTC))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        assert rowid is not None and not _starred(cache, rowid)
        other = sqlite3.connect(cache, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # another process's import, writing
        try:
            await pilot.press("s")
            await until(
                pilot,
                lambda: WAITING in status_text(app),
                "the status line",
                detail=lambda: status_text(app),
            )
            assert any(WAITING in n.lower() for n in notes(app)), notes(app)
            await pilot.press("q")
            await until(pilot, lambda: any("before quitting" in n for n in notes(app)), "q's note")
            quitting = [n for n in notes(app) if "before quitting" in n][-1]
            assert WAITING in quitting, quitting
            now.at += dt.timedelta(seconds=42)
            await pilot.press("q")  # did nothing
            await until(
                pilot,
                lambda: any("would lose" in n for n in notes(app)),
                "q again",
                detail=lambda: notes(app),
            )
            again = [n for n in notes(app) if "would lose" in n][-1]
            assert "42 s" in again and "marks" in again, again
            assert app.is_running  # the marks cannot be kept anywhere else: it waits
        finally:
            other.execute("COMMIT")
            other.close()
        await until(pilot, lambda: not app.is_running, "the exit once the mark is saved")
    assert app.return_code == 0
    assert _starred(cache, rowid)


async def test_the_wait_is_no_longer_said_once_the_lock_is_free(cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(connection, "TELL_WAIT_AFTER_MS", 20)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        other = sqlite3.connect(cache, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("s")
            await until(pilot, lambda: WAITING in status_text(app), "the status line")
        finally:
            other.execute("COMMIT")
            other.close()
        await until(
            pilot, lambda: any(n.startswith("Starred 1 paper") for n in notes(app)), "the star"
        )
        await settle(pilot)
        assert WAITING not in status_text(app)
        assert rowid is not None and _starred(cache, rowid)
