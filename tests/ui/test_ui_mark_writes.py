"""The marks' writer (`ReadingScreen.change_marks`): a key pressed while a write ends
never freezes the reader, and a failed write leaves the ones queued behind it to be
written, each saying its own error (bug hunt `auditui` #0 and #5)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from textual.worker import NoActiveWorker, get_current_worker
from ui_support import make_app, notes, settle, status_text, until

from tui_digest.core.store import Store

SIZE = (140, 40)
GUARD_SECONDS = 10.0  # (a frozen loop is given up on after this, and the test fails)


def _writer_thread() -> bool:
    try:
        return get_current_worker().group == "marks"
    except NoActiveWorker:
        return False


def read_flags(cache: Path, rowids: list[int], flag: str) -> list[bool]:
    with Store.open(cache) as store:
        return [getattr(r, flag) for r in store.get_papers(rowids)]


async def test_m_pressed_while_the_writer_waits_for_the_screen_is_handled(cache: Path) -> None:
    """`m` at key-repeat speed froze the reader for good: the writer thread held
    the writes' lock while it waited for the event loop (`call_from_thread`),
    and the loop's next `m` waited for that lock. Here the loop is slow to
    answer the writer (it is drawing a big frame): every call the writer makes
    to the loop waits until the second `m` has been pressed. A loop blocked on
    the lock is let go after GUARD_SECONDS (the writer's call is dropped), and
    the test fails instead of hanging."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        rowid = main.paper_list.current_rowid
        assert rowid is not None
        loop_answers = threading.Event()
        waiting = threading.Event()  # the writer waits for the loop
        froze = threading.Event()
        real = app.call_from_thread

        def slow_loop(callback, *args, **kwargs):
            if _writer_thread():
                waiting.set()
                loop_answers.wait()
                if froze.is_set():
                    return None  # (given up: the loop was blocked, the call is dropped)
            return real(callback, *args, **kwargs)

        def give_up() -> None:
            froze.set()
            loop_answers.set()

        app.call_from_thread = slow_loop  # type: ignore[method-assign]
        guard = threading.Timer(GUARD_SECONDS, give_up)
        guard.start()
        try:
            await pilot.press("m")
            # The first write is done and its thread waits for the loop, or it ended.
            await until(
                pilot,
                lambda: waiting.is_set() or not any(w.group == "marks" for w in app.workers),
                "the first write",
            )
            await pilot.press("m")  # the freeze: this press never returned
            assert not froze.is_set(), "the second m blocked the screen"
            loop_answers.set()
            await settle(pilot)
        finally:
            guard.cancel()
            loop_answers.set()
        assert not froze.is_set(), "the second m blocked the screen"
        await until(pilot, lambda: "saving marks" not in status_text(app), "the writes' end")
        assert read_flags(cache, [rowid], "read") == [False]  # m m: read, then unread


class FailingMarks:
    """`Store.mark` whose first calls fail (a full disk for a moment); each call
    waits until the test lets it run, so the keys after it queue behind it."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.go = threading.Event()
        self.entered = threading.Event()
        self._real = Store.mark

    def patch(self, monkeypatch) -> None:
        def mark(store: Store, *args, **kwargs):
            return self.call(store, *args, **kwargs)

        monkeypatch.setattr(Store, "mark", mark)

    def call(self, store: Store, *args, **kwargs):
        self.entered.set()
        assert self.go.wait(30)
        self.calls += 1
        if self.errors:
            raise sqlite3.OperationalError(self.errors.pop(0))
        return self._real(store, *args, **kwargs)


async def test_marks_queued_behind_a_failed_write_are_saved_before_quitting(
    cache: Path, monkeypatch
) -> None:
    """After one failed write the writes queued behind it were never run: "saving
    marks…" stayed, and `q` quit at once, losing them without a word. Now each
    queued write runs and says its own error, the status line clears, and `q`
    waits for them: reopened, the reader has the marks that could be saved."""
    failing = FailingMarks(["database or disk is full", "disk I/O error"])
    failing.patch(monkeypatch)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = list(app.main.paper_list.ids[:3])
        await pilot.press("s")  # paper 1: fails (disk full)
        await until(pilot, failing.entered.is_set, "the first write")
        await pilot.press("j", "s", "j", "m")  # paper 2's star fails too, paper 3's m is kept
        await pilot.press("q")  # while all three are still to be written
        await pilot.pause(0.1)
        assert app.is_running  # it waits for the marks
        failing.go.set()
        await until(pilot, lambda: not app.is_running, "the reader to quit")
    assert failing.calls == 3
    said = notes(app)
    assert any("Could not save the papers' marks: database or disk is full" in n for n in said)
    assert any("Could not save the papers' marks: disk I/O error" in n for n in said)
    # Reopened: paper 3's read mark was saved, the failed stars were not.
    monkeypatch.setattr(Store, "mark", failing._real)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = {r.rowid: r for r in app.main.store.get_papers(ids)}
        assert [rows[i].read for i in ids] == [False, False, True]
        assert [rows[i].starred for i in ids] == [False, False, False]


async def test_a_failed_write_clears_saving_marks(cache: Path, monkeypatch) -> None:
    """One failed `s`: "saving marks…" stayed on the status line after the error
    had gone, until some later write ended. Now it goes with the failed write."""
    failing = FailingMarks(["database or disk is full"])
    failing.patch(monkeypatch)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await until(pilot, lambda: "saving marks" in status_text(app), "saving marks…")
        failing.go.set()
        await until(pilot, lambda: "saving marks" not in status_text(app), "saving marks to go")
        assert any("database or disk is full" in n for n in notes(app))


async def test_q_between_two_marks_writes_waits_for_the_second(cache: Path) -> None:
    """Between one write's end and the start of the next no marks worker runs:
    `q` then must still wait for the marks queued (it looked only at workers)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        ids = list(main.paper_list.ids[:2])
        real_next = main._write_next
        held: list[bool] = []

        def hold_after_first() -> None:
            if main._writer is not None and not held:
                held.append(True)  # the first write ended: the next waits for the test
                return
            real_next()

        main._write_next = hold_after_first  # type: ignore[method-assign]
        await pilot.press("m", "j", "m")
        await until(pilot, lambda: bool(held), "the first write's end")
        assert not any(w.group == "marks" and not w.is_finished for w in app.workers)
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.is_running  # the second m is still to be written
        real_next()
        await until(pilot, lambda: not app.is_running, "the reader to quit")
    assert read_flags(cache, ids, "read") == [True, True]


async def test_marks_queued_when_the_saves_stop_are_refused_once(cache: Path, monkeypatch) -> None:
    """A write that finds the saves stopped (the cache replaced under the reader:
    `ui.follow`) leaves the marks queued behind it unsaveable: they are dropped
    with one sentence, not one failed write each."""
    failing = FailingMarks(["database disk image is malformed"])
    failing.patch(monkeypatch)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = app.main.store
        assert store is not None
        await pilot.press("s")
        await until(pilot, failing.entered.is_set, "the first write")
        await pilot.press("j", "s", "j", "m")
        store.readonly, store.readonly_why = True, "the cache was replaced under the reader"
        failing.go.set()
        await until(pilot, lambda: not app.main.marks_unsaved, "the writes' end")
        assert failing.calls == 1
        said = notes(app)
        assert sum("cannot be saved" in n for n in said) == 1, said
        assert "saving marks" not in status_text(app)
