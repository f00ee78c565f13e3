"""Quitting while an export is written (bug hunt `scale` #4).

`q` during a 65,536-paper export said "Saving your changes before quitting…"
for 20 s: it was the export, not changes. The message names it now.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input, Label
from ui_support import make_app, notes, settle

from tui_digest.ui import export_job
from tui_digest.ui.screens.export import ExportScreen

SIZE = (140, 40)


async def test_quitting_during_an_export_names_the_export(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    gate, entered = threading.Event(), threading.Event()
    export_papers = export_job.export_papers

    def held(*args, **kwargs):
        entered.set()
        assert gate.wait(30)  # until the test has pressed q
        return export_papers(*args, **kwargs)

    monkeypatch.setattr(export_job, "export_papers", held)
    target = tmp_path / "out.md"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-ok")
        for _ in range(2000):
            if entered.is_set():
                break
            await pilot.pause(0.005)
        assert entered.is_set()
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.is_running  # still writing: not gone yet
        said = f"Finishing the export to {target} before quitting… (q again: stop it)"
        assert said in notes(app)
        assert not any("Saving your changes" in n for n in notes(app))
        gate.set()
        for _ in range(2000):
            if not app.is_running:
                break
            await pilot.pause(0.005)
        assert not app.is_running
    assert app.return_code == 0
    assert target.read_text("utf-8")


async def test_a_second_q_stops_the_export_and_writes_no_file(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    """Quitting waited for a 65k-paper export with no way out but waiting (left
    undone last session). A second `q` stops it at its next chunk of papers:
    the reader quits and nothing is written at the export's path."""
    gate, entered = threading.Event(), threading.Event()
    export_papers = export_job.export_papers

    def held(*args, **kwargs):
        entered.set()
        assert gate.wait(30)  # until the test has pressed q twice
        return export_papers(*args, **kwargs)

    monkeypatch.setattr(export_job, "export_papers", held)
    target = tmp_path / "out.bib"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-ok")
        for _ in range(2000):
            if entered.is_set():
                break
            await pilot.pause(0.005)
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause(0.1)
        assert "Stopping the export: a file is not written (a pipe keeps what it got)." in notes(
            app
        )
        gate.set()
        for _ in range(2000):
            if not app.is_running:
                break
            await pilot.pause(0.005)
        assert not app.is_running
    assert app.return_code == 0
    assert not target.exists()
    # (nor the atomic write's temporary file beside it)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("cache.db")] == []


async def test_the_export_dialog_counts_with_separators(cache: Path) -> None:
    """ "Export 65536 papers" while the status line said "65,536 selected"."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ExportScreen(65536))
        await pilot.pause()
        title = app.screen.query_one(".dialog-title", Label)
        assert str(title.render()) == "Export 65,536 papers"


async def test_leaving_the_app_stops_a_running_export(cache: Path) -> None:
    """However the reader ends, an export still running (into a pipe whose reader
    does not read, bug hunt regfiles2) is told to stop at its next wait."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from tui_digest.ui.screens.main import MainScreen

        main = app.screen
        assert isinstance(main, MainScreen)
        stop = main._stop_exports
        assert not stop.is_set()
        app.exit()
        await pilot.pause(0.05)
    assert stop.is_set()
