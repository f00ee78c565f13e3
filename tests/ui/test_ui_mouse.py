"""The mouse (issue 16 item 7): a click moves the cursor, the wheel scrolls the pane
under the pointer, a click on a link in the detail opens it (http/https only)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from ui_support import ManualTimers, make_app, settle

SIZE = (140, 22)


async def wheel(pilot: Pilot, x: int, y: int, *, down: bool = True, times: int = 3) -> None:
    """Wheel turns at screen (x, y), posted to the app as the terminal driver does."""
    kind = events.MouseScrollDown if down else events.MouseScrollUp
    for _ in range(times):
        pilot.app.post_message(kind(None, x, y, 0, 0, 0, False, False, False, x, y))
        await pilot.pause()


def link_cell(app) -> tuple[int, int, str]:
    """Where the detail pane draws a link (screen cell), and its URL."""
    detail = app.main.detail
    region = detail.content_region
    for y in range(region.y, region.bottom):
        for x in range(region.x, region.right):
            link = app.screen.get_style_at(x, y).link
            if link:
                return x, y, link
    raise AssertionError("no link drawn in the detail pane")


async def test_a_click_moves_the_cursor_to_the_row(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        app.main.detail.focus()
        await pilot.click("#papers", offset=(10, 4))  # row 0 is the header
        await settle(pilot)
        assert papers.cursor == 3 and papers.has_focus
        assert not papers.selected  # a click moves; space selects
        record = app.main.detail.record
        assert record is not None and record.rowid == papers.ids[3]
        await pilot.press("space")
        assert papers.selected == {papers.ids[3]}


async def test_the_wheel_scrolls_the_pane_under_the_pointer(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers, detail = app.main.paper_list, app.main.detail
        app.main.paper_list.focus()
        assert papers.scroll_y == 0 and detail.scroll_y == 0
        assert detail.max_scroll_y > 0  # the footnote is taller than the pane
        d = detail.content_region
        await wheel(pilot, d.x + 2, d.y + 2)
        assert detail.scroll_y > 0 and papers.scroll_y == 0
        assert papers.has_focus  # scrolling does not take the focus
        p = papers.content_region
        await wheel(pilot, p.x + 5, p.y + 3)
        assert papers.scroll_y > 0
        scrolled = detail.scroll_y
        await wheel(pilot, p.x + 5, p.y + 3, down=False)
        assert papers.scroll_y == 0 and detail.scroll_y == scrolled
        assert papers.cursor == 0  # the wheel scrolls, it does not move the cursor


async def test_a_click_on_a_link_in_the_detail_opens_it(cache: Path, monkeypatch) -> None:
    from tui_digest.ui import opener

    opened: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        opened.append(url)
        return opener.Outcome(True, "fake-browser")

    monkeypatch.setattr(opener, "open_url", fake_open)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        x, y, link = link_cell(app)
        assert link.startswith("https://arxiv.org/abs/")
        await pilot.click(offset=(x, y))
        await settle(pilot)
        assert opened == [link]
        # A click on text that is not a link opens nothing.
        d = app.main.detail.content_region
        await pilot.click(offset=(d.x, d.y))
        await settle(pilot)
        assert opened == [link]


async def test_a_stored_javascript_link_is_not_a_link(cache: Path, monkeypatch) -> None:
    from tui_digest.ui import opener

    opened: list[str] = []
    monkeypatch.setattr(opener, "open_url", lambda url, **_: opened.append(url))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the newer digest's second paper: url javascript:alert(1)
        await settle(pilot)
        record = app.main.detail.record
        assert record is not None and record.paper.url == "javascript:alert(1)"
        d = app.main.detail.content_region
        links = {
            app.screen.get_style_at(x, y).link
            for y in range(d.y, d.bottom)
            for x in range(d.x, d.right)
        }
        assert links <= {None, ""}
        assert opened == []


async def test_a_click_below_the_last_row_moves_nothing(cache: Path) -> None:
    """The empty area under a short listing is not a row: a click there only
    focuses the list. It moved the cursor to the last paper (clamped), and the
    read timer then marked that paper read (found by a bug hunt)."""
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.show_digest("digest-cs.LG-2024-02-06")  # 8 papers, in a list of 30+ lines
        await settle(pilot)
        assert len(papers.ids) == 8 and papers.cursor == 0
        main.detail.focus()
        await pilot.click("#papers", offset=(10, 25))
        await settle(pilot)
        assert papers.has_focus
        assert papers.cursor == 0
        assert timers.waiting == 0  # no read timer started
        last = papers.ids[-1]
        timers.advance(60)
        await settle(pilot)
        assert main.store is not None
        record = main.store.get_paper(last)
        assert record is not None and not record.read


async def test_a_click_on_the_current_row_starts_the_read_timer(cache: Path) -> None:
    """At launch (or after a search) the cursor is on row 1 without the user having
    chosen it; clicking that row chooses it, as a click on any other row does.
    It was ignored (the cursor did not move), so the paper read stayed unread."""
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert papers.cursor == 0 and timers.waiting == 0  # the launch starts no timer
        first = papers.ids[0]
        await pilot.click("#papers", offset=(10, 1))  # row 0 is the header
        await settle(pilot)
        assert papers.cursor == 0 and timers.waiting == 1
        timers.advance(60)
        await settle(pilot)
        assert main.store is not None
        record = main.store.get_paper(first)
        assert record is not None and record.read


async def test_a_click_on_a_link_in_the_reading_view_opens_it(cache: Path, monkeypatch) -> None:
    """The reading view (enter) draws the same links, and the pdf one: a click
    opens them as in the detail pane. It did nothing there."""
    from tui_digest.ui import opener
    from tui_digest.ui.screens.paper_view import PaperView

    opened: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        opened.append(url)
        return opener.Outcome(True, "fake-browser")

    monkeypatch.setattr(opener, "open_url", fake_open)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaperView)
        cells: dict[str, tuple[int, int]] = {}
        for y in range(40):
            for x in range(140):
                link = screen.get_style_at(x, y).link
                if link:
                    cells.setdefault(link, (x, y))
        assert any(link.startswith("https://arxiv.org/abs/") for link in cells)
        assert any(link.startswith("https://arxiv.org/pdf/") for link in cells)
        for x, y in cells.values():
            await pilot.click(offset=(x, y))
            await settle(pilot)
        assert sorted(opened) == sorted(cells)
        assert app.screen is screen  # still reading


async def test_a_click_on_the_papers_own_link_reads_it_as_o_does(cache: Path, monkeypatch) -> None:
    """`o` marked the paper read (never over a hand mark) and a click on the same
    link in the detail pane or the reading view marked nothing (found by a bug
    hunt): a click on the paper's own page now counts as `o`, in both."""
    from tui_digest.core.store import Store
    from tui_digest.ui import opener
    from tui_digest.ui.screens.paper_view import PaperView

    monkeypatch.setattr(opener, "open_url", lambda url, **_: opener.Outcome(True, "fake"))
    with Store.open(cache) as store:  # every paper unread, none by hand
        store.change_flag("read", store.list_ids(), False)
    import sqlite3

    with sqlite3.connect(cache) as conn:  # the archive's stored links are http (a regression hunt)
        conn.execute("UPDATE papers SET url = 'http://arxiv.org/abs/' || id")
    conn.close()
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())

    def read(rowid: int) -> bool:
        return app.main.store.get_papers([rowid])[0].read

    async def click_pdf_link_full_screen() -> None:
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaperView)
        cell = next(
            (x, y)
            for y in range(40)
            for x in range(140)
            if (screen.get_style_at(x, y).link or "").startswith("https://arxiv.org/pdf/")
        )
        await pilot.click(offset=cell)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        first = app.main.paper_list.current_rowid
        x, y, link = link_cell(app)  # the detail pane's abstract link
        assert link.startswith("http://arxiv.org/abs/")
        await pilot.click(offset=(x, y))
        await settle(pilot)
        assert read(first)
        app.main.paper_list.focus()  # (the click focused the detail pane)
        await pilot.press("j", "m", "m")  # the second: unread by hand
        await settle(pilot)
        second = app.main.paper_list.current_rowid
        await click_pdf_link_full_screen()
        assert not read(second)  # the hand mark wins
        await pilot.press("j")
        await settle(pilot)
        third = app.main.paper_list.current_rowid
        await click_pdf_link_full_screen()
        assert read(third) and len({first, second, third}) == 3


async def test_a_double_or_triple_click_on_a_link_opens_it_once(cache: Path, monkeypatch) -> None:
    """Textual sends a Click for every release, the second of a double click with
    chain=2: a double click on a link opened two browser tabs (a triple click three),
    in the detail pane and in the reading view (found by a bug hunt)."""
    from tui_digest.ui import opener
    from tui_digest.ui.screens.paper_view import PaperView

    opened: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        opened.append(url)
        return opener.Outcome(True, "fake-browser")

    monkeypatch.setattr(opener, "open_url", fake_open)
    app = make_app(cache, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        x, y, link = link_cell(app)
        for times in (2, 3):
            opened.clear()
            await pilot.click(offset=(x, y), times=times)
            await settle(pilot)
            assert opened == [link], times
        app.main.paper_list.focus()
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaperView)
        pdf = next(
            (x, y)
            for y in range(40)
            for x in range(140)
            if (screen.get_style_at(x, y).link or "").startswith("https://arxiv.org/pdf/")
        )
        opened.clear()
        await pilot.click(offset=pdf, times=2)
        await settle(pilot)
        assert len(opened) == 1 and "/pdf/" in opened[0]
