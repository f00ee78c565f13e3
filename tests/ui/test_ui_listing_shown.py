"""Keys that act on "the listing" act on the one on screen (found by a bug hunt on a
65k-paper cache): M and n read the query the shown listing was made from, not the
box's (a newer search not answered yet, or an unfinished one that kept the list),
and an unranked search does not wait behind a ranking's child process."""

from __future__ import annotations

import threading
from pathlib import Path

from ui_support import make_app, notes, settle

from tui_digest.core.store import Store
from tui_digest.ui import foryou_read
from tui_digest.ui.foryou_read import RankedListing

SIZE = (140, 40)


def read_marks(db: Path) -> int:
    with Store.open(db, readonly=True) as store:
        return store.count("is:read")


def fake_related(monkeypatch, ids: list[int], gate: threading.Event | None = None) -> None:
    """related: ranks to `ids` (after `gate` opens): no model, no child process."""

    def ranked(store, query, digest, *, wait=True, stop=None, keys=None) -> RankedListing:
        if gate is not None:
            gate.wait(timeout=30)
        return RankedListing(list(ids), {pk: 1.0 for pk in ids})

    monkeypatch.setattr(foryou_read, "ranked_listing", ranked)


async def test_m_marks_the_shown_related_listing_while_a_new_search_is_read(
    cache: Path, monkeypatch
) -> None:
    fake_related(monkeypatch, [3, 5, 7, 9, 11])
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("R")
        await settle(pilot)
        assert main.paper_list.ids == [3, 5, 7, 9, 11]
        # The search is cleared, and M comes before the new listing is read
        # (in the same turn of the event loop, as _search_changed does it).
        main.query_text = ""
        main.reload()
        main.action_mark_all_read()
        await settle(pilot)
        assert main.matches == 38
        assert read_marks(cache) == 5
        assert "Marked 5 papers read · ctrl+z undoes" in notes(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert read_marks(cache) == 0


async def test_m_and_n_on_an_unfinished_query_act_on_the_kept_listing(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"retrieval", "enter")
        await settle(pilot)
        shown = list(main.paper_list.ids)
        assert 1 < len(shown) < 38
        await pilot.press("slash", *' "agent', "enter")
        await settle(pilot)
        assert main.error and main.paper_list.ids == shown  # kept, and says why
        await pilot.press("n")
        await settle(pilot)
        assert main.paper_list.cursor == 1
        await pilot.press("M")
        await settle(pilot)
        assert not [n for n in notes(app) if "Could not" in n]
        assert read_marks(cache) == len(shown)
        assert f"Marked {len(shown)} papers read · ctrl+z undoes" in notes(app)


async def test_a_search_cleared_during_a_ranking_is_listed_at_once(
    cache: Path, monkeypatch
) -> None:
    gate = threading.Event()
    gate.set()
    fake_related(monkeypatch, [3, 5, 7], gate)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("R")
        await settle(pilot)
        assert main.paper_list.ids == [3, 5, 7]
        gate.clear()  # the next ranking takes as long as the test wants (a slow child)
        await pilot.press("slash", "end", *" x")
        assert main.listing_busy
        await pilot.press("ctrl+u", "enter")
        try:
            for _ in range(200):
                if main.shown_request is not None and main.shown_request.query == "":
                    break
                await pilot.pause()
            assert main.shown_request is not None and main.shown_request.query == ""
            assert main.matches == 38 and main.paper_list.bars is None
        finally:
            gate.set()
        await settle(pilot)
        # The ranking's late answer is dropped.
        assert main.query_text == "" and main.matches == 38
        assert len(main.paper_list.ids) == 38 and main.paper_list.bars is None
