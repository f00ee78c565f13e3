"""A search the reader writes into the box (`f`, `R`, a watch, the newest day) leaves
the cursor at its end, so typing after `/` adds to the query (found by a bug hunt:
`f` then `/` and typing wrote " cat:cs.AIsort:foryou")."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle

SIZE = (140, 40)


async def test_typing_after_f_and_r_goes_at_the_end_of_the_query(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"cat:cs.CL", "enter")
        await settle(pilot)
        await pilot.press("f")  # too few stars: the box changes all the same
        await settle(pilot)
        assert main.search_box.value == "cat:cs.CL sort:foryou"
        await pilot.press("slash", *" x")
        assert main.search_box.value == "cat:cs.CL sort:foryou x"
        await pilot.press("enter")
        await settle(pilot)
        paper = main.detail.record
        assert paper is not None
        await pilot.press("R")
        await settle(pilot)
        assert main.search_box.value == f"related:{paper.paper.id}"
        await pilot.press("slash", *" y")
        assert main.search_box.value == f"related:{paper.paper.id} y"


async def test_a_watch_chosen_in_the_picker_leaves_the_cursor_at_the_end(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"retrieval", "enter")
        await settle(pilot)
        main.search_for("cat:cs.LG -protein")  # what choosing a watch does (watch_actions.py)
        await settle(pilot)
        await pilot.press("slash", *" z")
        assert main.search_box.value == "cat:cs.LG -protein z"
