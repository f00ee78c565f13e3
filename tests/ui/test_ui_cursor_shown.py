"""The cursor's row stays on screen when the list changes size: a resized terminal,
`v` (another layout) or `<` / `>` (another split). It was left below the list's
last line, and `s` then starred a paper the user could not see (found by a bug hunt).
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, settle

from tui_digest.ui.widgets.paper_list import PaperList


def cursor_shown(papers: PaperList) -> bool:
    top = int(papers.scroll_offset.y)
    rows = papers.scrollable_content_region.height - 1  # minus the header
    return top <= papers.cursor < top + rows


async def test_a_smaller_terminal_keeps_the_cursor_row_on_screen(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        for _ in range(30):
            await pilot.press("j")
        await settle(pilot)
        assert papers.cursor == 30 and cursor_shown(papers)
        for size in [(120, 20), (60, 20), (120, 40), (80, 14)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert cursor_shown(papers), size


async def test_v_and_the_split_keep_the_cursor_row_on_screen(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert main.effective_layout() == "wide"
        for _ in range(30):
            await pilot.press("j")
        await settle(pilot)
        assert cursor_shown(papers)
        await pilot.press("v")  # stacked: the list gets a share of the height
        await settle(pilot)
        assert main.effective_layout() == "stacked" and cursor_shown(papers)
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign")
        await settle(pilot)
        assert cursor_shown(papers)
        rowid = papers.current_rowid
        await pilot.press("s")  # stars the paper the user sees under the cursor
        await settle(pilot)
        record = main.detail.record
        assert record is not None and record.rowid == rowid and record.starred
