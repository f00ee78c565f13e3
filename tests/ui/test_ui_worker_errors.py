"""One toast per failed background task, in words (bug hunt `auditui` #3, #4).

#3: `failure_text` looked at the worker's state *now*, not at the state the
message reports: when the loop was busy as a worker failed fast, its queued
PENDING and RUNNING messages were handled after the failure, and each said
"Could not …" again (three toasts for one failure).
#4: a worker started without a description was named by Textual's repr of the
function: "Could not <function ask_to_remove.<locals>.count at 0x…>: …".
"""

from __future__ import annotations

from pathlib import Path

from textual.worker import Worker, WorkerState
from ui_support import make_app, notes, settle, until

from tui_digest.ui.digest_removal import ask_to_remove
from tui_digest.ui.workers import failure_text

SIZE = (120, 40)
OLDER = "digest-cs.LG-2024-02-05"


def boom() -> None:
    raise ValueError("boom")


async def test_a_failure_is_said_once_whatever_order_the_messages_come_in(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.run_worker(boom, thread=True, description="do a thing", exit_on_error=False)
        await until(pilot, lambda: notes(app), "the failure said")
        assert worker.state == WorkerState.ERROR
        assert notes(app).count("Could not do a thing: boom") == 1
        # The PENDING and RUNNING messages, handled after the failure (a busy loop):
        for state in (WorkerState.PENDING, WorkerState.RUNNING):
            app.on_worker_state_changed(Worker.StateChanged(worker, state))
        await pilot.pause()
        assert notes(app).count("Could not do a thing: boom") == 1


async def test_a_worker_without_a_description_is_never_named_by_its_repr(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.run_worker(boom, thread=True, exit_on_error=False)
        await until(pilot, lambda: notes(app), "the failure said")
        assert failure_text(worker, WorkerState.ERROR) == "Could not finish a task: boom"
        assert "Could not finish a task: boom" in notes(app)
        assert not [n for n in notes(app) if "<" in n], notes(app)


async def test_a_failed_count_before_removing_a_digest_says_what_failed(
    cache: Path, monkeypatch
) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = app.main.store

        def fails(*args, **kwargs):
            raise OSError("disk I/O error")

        monkeypatch.setattr(store, "removal_plan", fails)
        ask_to_remove(app.main, OLDER)
        await until(pilot, lambda: notes(app), "the failure said")
        assert [n for n in notes(app) if n.startswith("Could not")] == [
            "Could not count what removing the digest takes away: disk I/O error"
        ]


def test_the_stand_ins_textual_makes_up_are_never_shown() -> None:
    from types import SimpleNamespace

    for made_up in (
        "<function f.<locals>.g at 0x7f>",
        "<coroutine object run at 0x7f>",
        "_load(self, store)",
        "",
    ):
        worker = SimpleNamespace(description=made_up, error=ValueError("boom"))
        assert failure_text(worker, WorkerState.ERROR) == "Could not finish a task: boom"  # type: ignore[arg-type]
    worker = SimpleNamespace(description="remove the digest d (1)", error=ValueError("x"))
    assert failure_text(worker, WorkerState.ERROR) == "Could not remove the digest d (1): x"  # type: ignore[arg-type]


def test_every_worker_of_the_reader_is_started_with_a_description() -> None:
    """Each `run_worker(...)` and `@work(...)` under ui/ names its task in words
    ("Could not <description>: …"); the repr stand-in is only a last resort."""
    import ast

    import tui_digest.ui as ui

    missing: list[str] = []
    for path in sorted(Path(ui.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        started = [c for c in calls if getattr(c.func, "attr", "") == "run_worker"]
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                started += [
                    d
                    for d in fn.decorator_list
                    if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "work"
                ]
        missing += [
            f"{path.name}:{c.lineno}"
            for c in started
            if not any(k.arg == "description" for k in c.keywords)
        ]
    assert not missing, missing
