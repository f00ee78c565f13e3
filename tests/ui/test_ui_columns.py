"""Titles first (issue 12 req 1): column widths, hidden empty columns, the
summary toggle, the movable split and the automatic stacking, each kept
between runs (a new app on the same cache and settings)."""

from __future__ import annotations

from pathlib import Path

from real_titles import LONG_TITLE, NO_CATEGORIES, WITH_CATEGORIES, build_real_cache
from ui_support import make_app, notes, settle

from tui_digest.core.model import ListRow
from tui_digest.ui.settings import Settings
from tui_digest.ui.widgets.list_columns import column_widths, filled_columns
from tui_digest.ui.widgets.paper_list import PaperList

WIDE = (160, 45)


def line(papers: PaperList, y: int) -> str:
    return "".join(segment.text for segment in papers.render_line(y))


def title_cells(papers: PaperList) -> int:
    """Cells of title text the list shows (the column less its separating space)."""
    return papers.widths()[4] - 1


async def test_titles_get_60_cells_side_by_side_at_160_columns(tmp_path: Path) -> None:
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert main.effective_layout() == "wide"
        assert main.detail.region.x > papers.region.x  # side by side
        assert title_cells(papers) >= 60
        rows = [line(papers, y) for y in range(1, 8)]
        assert any(LONG_TITLE[:60] in row for row in rows)
        # The detail pane still gets a useful share.
        assert main.detail.size.width >= 50


async def test_a_wide_terminal_has_room_for_the_summary_beside_the_title(tmp_path: Path) -> None:
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        assert title_cells(papers) >= 60
        assert papers.widths()[5] >= 20
        assert "Summary" in line(papers, 0)
        assert any("在有限的成对比较下学习度量" in line(papers, y) for y in range(1, 4))


async def test_columns_empty_on_the_loaded_page_are_hidden(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db", NO_CATEGORIES, WITH_CATEGORIES)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert "Category" in line(papers, 0)  # all papers: the 2023 ones have one
        main.show_digest(NO_CATEGORIES)
        await settle(pilot)
        assert "Category" not in line(papers, 0)
        assert papers.widths()[3] == 0 and "category" not in papers.filled
        wide_title = papers.widths()[4]
        main.show_digest(WITH_CATEGORIES)
        await settle(pilot)
        assert "Category" in line(papers, 0)
        assert "cs.SD" in line(papers, 1)  # the first paper's category
        assert papers.widths()[4] == wide_title - 10  # the room came from the title


def test_filled_columns_and_widths() -> None:
    row = ListRow(1, "2401.00001", "T", "", "", "", "", False, False, 0)
    assert filled_columns([row]) == set()
    assert column_widths(100, "both", filled=frozenset()) == (4, 0, 0, 0, 96, 0)
    full = ListRow(2, "2401.00002", "T", "标题", "总结", "2024-01-02", "cs.LG", False, False, 3)
    assert filled_columns([row, full]) == {"ref", "date", "category", "summary"}
    # Titles first: the summary only gets what is left beside 60 cells of title.
    marks, ref, date, category, title, summary = column_widths(95, "both")
    assert (title, summary) == (95 - marks - ref - date - category, 0)
    assert column_widths(131, "both")[4:] == (61, 39)
    assert column_widths(131, "both", summary=False)[4:] == (100, 0)
    assert column_widths(131, "en")[5] == 0


async def test_c_toggles_the_summary_column_and_the_choice_is_kept(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        before = papers.widths()[4]
        await pilot.press("c")
        assert papers.widths()[5] == 0 and "Summary" not in line(papers, 0)
        assert papers.widths()[4] > before
        assert "在有限的成对比较下学习度量" not in line(papers, 1)  # drawn rows too
        assert notes(app)[-1] == "Summary column off."
    assert Settings.load().summary is False
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        papers = again.main.paper_list
        assert papers.widths()[5] == 0 and "Summary" not in line(papers, 0)
        await pilot.press("c")
        assert papers.widths()[5] >= 20 and "Summary" in line(papers, 0)
    assert Settings.load().summary is True


async def test_turning_the_summary_on_in_a_narrow_list_says_where_it_went(tmp_path: Path) -> None:
    Settings(summary=False).save()
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert app.main.paper_list.widths()[5] == 0  # no room beside a full title
        assert "once the list is wider" in notes(app)[-1]


async def test_the_split_moves_with_angle_brackets_and_is_kept(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pane = app.main.query_one("#summary-pane")
        assert pane.size.width == 96  # 60 % of 160
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert pane.size.width == 104
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign")
        await pilot.pause()
        assert pane.size.width == 80
        assert app.main.detail.size.width > 70
    assert Settings.load().split == 50
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pane = again.main.query_one("#summary-pane")
        assert pane.size.width == 80
        for _ in range(10):
            await pilot.press("less_than_sign")
        await pilot.pause()
        assert pane.size.width == 40  # 25 %: the narrowest
        assert notes(again)[-1] == "The list is at its narrowest."
        # Said once, not a toast per key (60 presses stacked 60 toasts: a bug hunt).
        assert notes(again).count("The list is at its narrowest.") == 1
        await pilot.press("greater_than_sign", "less_than_sign", "less_than_sign")
        await pilot.pause()
        assert notes(again).count("The list is at its narrowest.") == 2  # moved, then again


async def test_the_stacked_split_is_its_own_and_kept(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(90, 40)) as pilot:
        await settle(pilot)
        pane = app.main.query_one("#summary-pane")
        before = pane.size.height
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert pane.size.height > before
        after = pane.size.height
    settings = Settings.load()
    assert (settings.split_stacked, settings.split) == (65, 60)
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=(90, 40)) as pilot:
        await settle(pilot)
        assert again.main.query_one("#summary-pane").size.height == after


async def test_a_short_stacked_list_keeps_its_header_and_rows(tmp_path: Path) -> None:
    """At its lowest split (25 %) on a 30x10 terminal the stacked list showed only
    its header: the cursor's row was never in view and j/k moved an invisible
    cursor; the edge of a height was called "narrowest" (bug hunt `terminal`)."""
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(10):
            await pilot.press("less_than_sign")
        await pilot.pause()
        assert notes(app)[-1] == "The list is at its shortest."
        for _ in range(12):
            await pilot.press("greater_than_sign")
        await pilot.pause()
        assert notes(app)[-1] == "The list is at its tallest."
        for _ in range(12):
            await pilot.press("less_than_sign")
        await pilot.resize_terminal(30, 10)
        await settle(pilot)
        papers = app.main.paper_list
        assert papers.size.height >= 3  # the header and two rows
        await pilot.press("j", "j")
        await settle(pilot)
        assert papers.cursor == 2
        assert "Ref" in line(papers, 0)
        top = papers.scroll_offset.y
        assert top <= papers.cursor < top + papers.size.height - 1  # (in view, below the header)
        assert app.main.detail.size.height >= 1  # (the detail pane keeps a row)


async def test_the_layout_stacks_below_100_columns_and_returns_when_widened(
    tmp_path: Path,
) -> None:
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        panes = main.query_one("#panes")
        assert panes.has_class("wide")
        await pilot.resize_terminal(99, 40)
        await pilot.pause()
        assert panes.has_class("stacked") and not panes.has_class("wide")
        assert main.detail.region.y > papers.region.y  # list above detail
        assert papers.size.width == 99
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        assert panes.has_class("wide") and main.detail.region.x > papers.region.x
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert title_cells(papers) >= 60
    assert Settings.load().layout == "auto"  # resizing chose nothing


async def test_v_flips_the_layout_and_back_to_following_the_width(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        panes = app.main.query_one("#panes")
        await pilot.press("v")
        await pilot.pause()
        assert panes.has_class("stacked")
        assert Settings.load().layout == "stacked"  # kept at any width
        await pilot.resize_terminal(220, 60)
        await pilot.pause()
        assert panes.has_class("stacked")
        await pilot.press("v")  # side by side again: what "auto" gives here
        await pilot.pause()
        assert panes.has_class("wide")
        assert Settings.load().layout == "auto"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert panes.has_class("stacked")  # so it stacks again by itself
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.main.query_one("#panes").has_class("wide")


def test_layout_settings_round_trip_and_refuse_odd_values(tmp_path: Path, monkeypatch) -> None:
    import json

    path = tmp_path / "s.json"
    monkeypatch.setenv("TUI_DIGEST_SETTINGS", str(path))
    Settings(summary=False, split=45, split_stacked=70).save()
    loaded = Settings.load()
    assert (loaded.summary, loaded.split, loaded.split_stacked) == (False, 45, 70)
    path.write_text(json.dumps({"summary": "no", "split": 99, "split_stacked": True}))
    loaded = Settings.load()
    assert (loaded.summary, loaded.split, loaded.split_stacked) == (True, 80, 55)


async def test_turning_off_a_summary_column_that_had_no_room_says_so(tmp_path: Path) -> None:
    """At 120 columns side by side the column has no room: the first `c` said
    "Summary column off." of a column the user never saw (bug hunt `readme` #7)."""
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.paper_list.widths()[5] == 0  # on, but no room beside a full title
        await pilot.press("c")
        said = notes(app)[-1]
        assert said.startswith("Summary column off") and "not shown" in said


async def test_c_in_the_english_view_says_on_and_off_as_they_are(tmp_path: Path) -> None:
    """It said "on (the English view has no summary column)" for both presses."""
    Settings(language="en").save()
    app = make_app(build_real_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        assert app.main.paper_list.language == "en"
        await pilot.press("c")
        assert notes(app)[-1] == "Summary column off (the English view has no summary column)."
        await pilot.press("c")
        assert notes(app)[-1] == "Summary column on (the English view has no summary column)."
