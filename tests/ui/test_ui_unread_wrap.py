"""`n`/`N` come round to the unread papers of the view they are in (README: "round
past the last"): after the other digests, the current view is searched from its
other end. Before, "No more unread papers here." while the status line counted
unread papers above the cursor (below it for `N`)."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, notes, settle

from tui_digest.core.store import Store
from tui_digest.ui.screens.paper_view import PaperView

SIZE = (140, 40)
OLDER, NEWER = "digest-cs.LG-2024-02-05", "digest-cs.LG-2024-02-06"


async def test_n_on_all_papers_wraps_to_the_first_unread(cache: Path) -> None:
    with Store.open(cache) as store:
        ids = store.list_ids("")
        store.set_read([ids[0], ids[-1]], True)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert main.digest is None and papers.ids == ids
        await pilot.press("G", "n")
        await settle(pilot)
        assert papers.current_rowid == ids[1]
        assert not any("No more unread" in n for n in notes(app))
        await pilot.press("g", "N")  # and N from the top comes round from the bottom
        await settle(pilot)
        assert papers.current_rowid == ids[-2]


async def test_n_in_the_only_digest_left_wraps_within_it(cache: Path) -> None:
    with Store.open(cache) as store:
        store.set_read(store.list_ids("", digest=OLDER), True)
        newer = store.list_ids("", digest=NEWER)
        store.set_read(newer[-1:], True)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.show_digest(NEWER)
        await settle(pilot)
        await pilot.press("G", "n")
        await settle(pilot)
        assert main.digest == NEWER and papers.current_rowid == newer[0]
        assert not any("No more unread" in n for n in notes(app))


async def test_n_in_the_reading_view_wraps_too(cache: Path) -> None:
    with Store.open(cache) as store:
        ids = store.list_ids("")
        store.set_read(ids[-1:], True)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        await pilot.press("G", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        await pilot.press("n")
        await settle(pilot)
        assert papers.current_rowid == ids[0]
        assert isinstance(app.screen, PaperView)
        assert not any("No more unread" in n for n in notes(app))


async def test_n_says_none_left_when_every_paper_is_read(cache: Path) -> None:
    with Store.open(cache) as store:
        store.set_read(store.list_ids(""), True)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert any("No more unread papers here." in n for n in notes(app))
