"""Keys pressed before the screen has caught up act on the paper the user sees
(bug hunt `auditui` #7): `R` on the cursor's paper, not the detail pane's; the
reading view's `o`/`y` on the paper it shows; each `n` of a burst one move.

A long `detail_delay` keeps the detail pane from following the cursor, as it
lags the cursor by a moment in a real terminal."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from ui_support import make_app, notes, settle, until

from tui_digest.core.store import Store
from tui_digest.ui.screens.paper_view import PaperView

SIZE = (140, 40)
LAGGING = 3600.0  # the detail pane never catches up during the test


async def test_R_lists_the_papers_related_to_the_cursor_s_paper(cache: Path) -> None:
    """`j` then `R` searched `related:` the paper the detail pane still showed."""
    pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")
    app = make_app(cache, first_run_sample=False, detail_delay=LAGGING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        await pilot.press("j", "j")
        rowid = papers.current_rowid
        assert rowid is not None
        shown = papers.shown_id(rowid)
        assert shown is not None
        assert main.detail.record is None or main.detail.record.rowid != rowid
        await pilot.press("R")
        assert main.search_box.value == f"related:{shown}"
        await settle(pilot)


async def test_the_reading_view_copies_and_opens_the_paper_it_shows(cache: Path) -> None:
    """`J` then `y`/`o` in the reading view said "No paper is shown yet." while the
    view showed the paper: they asked the hidden detail pane, which lags."""
    app = make_app(cache, first_run_sample=False, detail_delay=LAGGING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, PaperView)
        await pilot.press("J")
        await settle(pilot)
        record = view.record
        assert record is not None and record.rowid == papers.current_rowid
        await pilot.press("y")
        await settle(pilot)
        assert "No paper is shown yet." not in notes(app)
        assert app.clipboard == f"https://arxiv.org/abs/{record.paper.id}"
        await pilot.press("o")  # opening it reads it (the read timer's kind of read)
        await settle(pilot)
        assert "No paper is shown yet." not in notes(app)
        with Store.open(cache) as store:
            assert store.get_papers([record.rowid])[0].read


async def test_a_burst_of_n_moves_once_per_press(cache: Path, monkeypatch) -> None:
    """Ten `n` pressed faster than the unread papers were read moved once: each
    looked from the cursor as it was, and all found the same paper. The search
    for unread papers here waits until all the presses are in."""
    pressed = threading.Event()
    list_ids = Store.list_ids

    def slow_unread(store: Store, query: str, *args, **kwargs):
        if "is:unread" in query:
            assert pressed.wait(30)
        return list_ids(store, query, *args, **kwargs)

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        ids = list(papers.ids)
        assert papers.cursor == 0
        monkeypatch.setattr(Store, "list_ids", slow_unread)
        await pilot.press(*"nnnn")
        pressed.set()
        await until(pilot, lambda: papers.current_rowid == ids[4], "four moves")
        await settle(pilot)
        assert papers.current_rowid == ids[4]
        await pilot.press("N")  # and back one
        await settle(pilot)
        assert papers.current_rowid == ids[3]
