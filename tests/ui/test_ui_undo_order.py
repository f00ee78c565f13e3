"""ctrl+z typed right after `s` / `m` / `M` takes back that change (regression hunt
`regui41` #4).

ctrl+z was a priority binding (so that it worked from the search box): the app
ran it as soon as it read the key, while `s`, `m` and `M` went to the focused
list first and ran from there. Keys that came in one read of the terminal (a
fast typist, a paste, a busy loop) let the undo overtake them: "Nothing to
undo.", then the new mark stayed, or the change before it was undone instead.

The keys are posted to the app the way the terminal driver posts them, all at
once, without waiting in between (`pilot.press` waits after every key).
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from ui_support import make_app, notes, settle

from tui_digest.core.store import Store

SIZE = (140, 40)


def typed(app, *keys: str) -> None:
    """`keys` as one read of the terminal gives them: queued together."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


def flags(cache: Path, rowids: list[int], flag: str) -> list[bool]:
    with Store.open(cache) as store:
        return [getattr(r, flag) for r in store.get_papers(rowids)]


async def test_ctrl_z_right_after_M_undoes_the_M(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = list(app.main.paper_list.ids)
        typed(app, "M", "ctrl+z")
        await settle(pilot)
        assert "Nothing to undo." not in notes(app), notes(app)
        assert not any(flags(cache, everything, "read"))
        assert notes(app)[-1].startswith("Undone: marked"), notes(app)


async def test_ctrl_z_right_after_s_undoes_that_s_not_the_change_before(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        first = papers.current_rowid
        assert first is not None
        await pilot.press("m")  # an earlier change, in the history
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        second = papers.current_rowid
        assert second is not None and second != first
        typed(app, "s", "ctrl+z")
        await settle(pilot)
        assert flags(cache, [first, second], "read") == [True, False]  # the `m` stays
        assert flags(cache, [second], "starred") == [False]  # the `s` is taken back
        assert notes(app)[-1] == "Undone: unstarred 1 paper.", notes(app)


async def test_ctrl_z_typed_in_the_search_box_still_undoes(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        current = app.main.paper_list.current_rowid
        assert current is not None
        typed(app, "s", "slash", "ctrl+z")
        await settle(pilot)
        assert app.focused is app.main.search_box
        assert app.main.search_box.value == ""
        assert flags(cache, [current], "starred") == [False]
        assert notes(app)[-1] == "Undone: unstarred 1 paper.", notes(app)
