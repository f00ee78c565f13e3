"""Opening a paper reads it as the read timer would: `m` always wins (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import ManualTimers, make_app, settle

from tui_digest.core.store import Store
from tui_digest.ui import messages as msg
from tui_digest.ui import opener

SIZE = (140, 40)


def read_of(cache: Path, paper_id: str) -> bool:
    with Store.open(cache) as store:
        (record,) = store.get_papers(store.list_ids(f"id:{paper_id}"))
        return record.read


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    urls: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        urls.append(url)
        return opener.Outcome(True, "fake-browser")

    monkeypatch.setattr(opener, "open_url", fake_open)
    return urls


@pytest.mark.parametrize("key", ["o", "O"])
async def test_opening_never_overrides_a_hand_set_unread(cache: Path, opened, key) -> None:
    """`m m` then `o` marked the paper read by hand: read for good, across restarts,
    though the README says `m m` leaves it unread for good."""
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "m")
        await settle(pilot)
        paper_id = app.main.detail.record.paper.id
        assert not app.main.detail.record.read
        await pilot.press(key)
        await settle(pilot)
        assert opened and not app.main.detail.record.read
    assert not read_of(cache, paper_id)
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.detail.record.paper.id == paper_id
        await pilot.press(key)  # (after the restart too)
        await settle(pilot)
        assert not app.main.detail.record.read
    assert not read_of(cache, paper_id)


async def test_opening_reads_a_paper_not_marked_by_hand_and_m_still_wins(
    cache: Path, opened
) -> None:
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        assert app.main.detail.record.read  # opening counts as reading
        paper_id = app.main.detail.record.paper.id
        await pilot.press("m")  # ...as the timer's read: `m` takes it back for good
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert not app.main.detail.record.read
    assert not read_of(cache, paper_id)


async def test_a_link_opened_from_the_detail_pane_follows_the_same_rule(cache: Path) -> None:
    """The detail pane says so with msg.PaperOpened (its link click marked nothing)."""
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        detail = app.main.detail
        detail.post_message(msg.PaperOpened(detail.record.rowid))
        await settle(pilot)
        assert detail.record.read
        await pilot.press("k", "m", "m")
        await settle(pilot)
        detail.post_message(msg.PaperOpened(detail.record.rowid))
        await settle(pilot)
        assert not detail.record.read


async def test_an_open_undone_is_not_read_again_by_the_timer(cache: Path, opened) -> None:
    """`j o ctrl+z`, then the read timer started by `j` read the paper 2 s later
    (a regression hunt; the old `o`, a hand mark, had stopped it): the open
    does the timer's work, so the timer waiting on that paper stops."""
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        rowid = app.main.paper_list.current_rowid
        assert app.main.store.get_papers([rowid])[0].read
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not app.main.store.get_papers([rowid])[0].read
        timers.advance(10)
        await settle(pilot)
        assert not app.main.store.get_papers([rowid])[0].read
