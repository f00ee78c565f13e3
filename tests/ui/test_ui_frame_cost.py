"""What a keystroke in the search box costs the frame that shows its results (issue 13 req 4).

Speed itself is measured in benchmarks/filter.py; these tests guard the structure
that keeps that frame cheap: no layout pass of the screen, the detail pane left
alone until it re-reads the new current paper, list rows drawn from caches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import make_app, settle

from tui_digest.ui.widgets import paper_detail

SIZE = (140, 40)
NEVER = 3600.0  # a detail delay no test waits for: the pane does not follow the cursor


async def test_a_keystroke_lays_out_nothing_and_leaves_the_detail_pane(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(cache, first_run_sample=False, detail_delay=NEVER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.search_box.value = "scal"  # (a search whose every keystroke has matches)
        await settle(pilot)
        main.paper_reread(main.paper_list.current_rowid)  # the pane shows the first match
        await settle(pilot)
        shown = main.detail.record
        assert shown is not None
        main.search_box.focus()  # (a change of focus restyles, and may lay out)
        await settle(pilot)
        layouts: list[object] = []
        main.screen_layout_refresh_signal.subscribe(main, layouts.append)
        rendered: list[object] = []
        original = paper_detail.detail_content

        def counting(*args, **kwargs):
            rendered.append(args[0])
            return original(*args, **kwargs)

        monkeypatch.setattr(paper_detail, "detail_content", counting)
        await pilot.press("i", "n", "g")
        await settle(pilot)
        assert main.search_box.value == "scaling" and main.matches > 0
        # The box's text changed, the list and the status line were redrawn, yet
        # nothing asked for a layout pass (Input's virtual width would have).
        assert layouts == []
        # The pane was not restyled for the new words: it re-reads the new
        # current paper after the detail delay, highlighted then.
        assert rendered == [] and main.detail.record is shown
        main.paper_reread(main.paper_list.current_rowid)
        await settle(pilot)
        assert len(rendered) == 1
        assert main.detail.match.spans("Scaling laws") == [(0, 7)]


async def test_a_row_drawn_again_the_same_way_comes_from_the_cache(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        first, second = papers.render_line(2), papers.render_line(2)
        assert first is second  # the same strip object: nothing was rebuilt
        papers.action_cursor_down()  # the cursor is now on this row: drawn anew
        moved = papers.render_line(2)
        assert moved is not first and moved.text == first.text
        papers.update_flags([papers.current_rowid], starred=True)
        assert "★" in papers.render_line(2).text  # a flag is part of a row's look


async def test_a_keystroke_does_not_repaint_the_screen(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The state the status line shows lives on the screen; a screen that repaints
    # on a change makes Textual redraw every widget on it, not only the list and
    # the status line (a full-screen update on each keystroke).
    app = make_app(cache, first_run_sample=False, detail_delay=NEVER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.search_box.focus()
        await settle(pilot)
        repaints: list[object] = []
        original = main.refresh

        def spy(*regions, **kwargs):
            repaints.append(kwargs)
            return original(*regions, **kwargs)

        monkeypatch.setattr(main, "refresh", spy)
        before = main.matches
        await pilot.press("s", "c", "a", "l")
        await settle(pilot)
        assert main.matches != before and main.query_text == "scal"
        status = main.query_one("#status").render()
        assert f"{main.matches:,} / " in str(status)  # the status line still follows
        assert repaints == []


async def test_rows_follow_the_lists_focus_and_the_theme(cache: Path) -> None:
    # Rows are drawn with styles looked up once per change of what they depend
    # on (PaperList._current_look), not once per frame: the cursor row must
    # still change with the list's focus and with the theme.
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        papers = main.paper_list

        def cursor_style():
            strip = papers.render_line(1 + papers.cursor - int(papers.scroll_offset.y))
            return next(iter(strip)).style

        papers.focus()
        await settle(pilot)
        focused = cursor_style()
        main.search_box.focus()
        await settle(pilot)
        blurred = cursor_style()
        assert blurred != focused
        papers.focus()
        await settle(pilot)
        assert cursor_style() == focused
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        assert cursor_style() not in (focused, blurred)
