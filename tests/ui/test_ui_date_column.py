"""Titles first (issue 12 req 1), the Date column: hidden while every loaded
row of the listing shows the same date, back once they show two.

"Loaded" is the same basis as the other optional columns (list_columns.ColumnFill):
the listing's first page, then every window the list reads as it scrolls; a
column appears during one listing but never goes away until the next.
"""

from __future__ import annotations

from pathlib import Path

from real_titles import NO_CATEGORIES, WITH_CATEGORIES, build_real_cache
from ui_support import build_cache, make_app, settle, status_text

from tui_digest.core.model import ListRow
from tui_digest.ui.listing_read import FIRST_PAGE
from tui_digest.ui.widgets.list_columns import ColumnFill, column_widths, filled_columns
from tui_digest.ui.widgets.paper_list import PaperList

WIDE = (160, 45)
DATE = 2  # in PaperList.widths(): marks, ref, date, category, title, summary
TITLE = 4


def row(rowid: int, date: str) -> ListRow:
    return ListRow(rowid, f"2401.{rowid:05d}", "T", "", "", date, "", False, False, rowid)


def header(papers: PaperList) -> str:
    return "".join(segment.text for segment in papers.render_line(0))


def test_one_date_leaves_the_column_out_two_bring_it() -> None:
    assert "date" not in filled_columns([row(1, "2024-07-15"), row(2, "2024-07-15")])
    assert "date" in filled_columns([row(1, "2024-07-15"), row(2, "2023-07-27")])
    # A row without a date beside dated ones: the column tells them apart.
    assert "date" in filled_columns([row(1, "2024-07-15"), row(2, "")])
    assert "date" not in filled_columns([row(1, ""), row(2, "")])
    # Rows loaded later count with the first page: a second date shows the
    # column, and it stays when the rows loaded after show the first date again.
    fill = ColumnFill()
    assert "date" not in fill.add([row(1, "2024-07-15")])
    assert "date" not in fill.add([row(2, "2024-07-15")])
    assert "date" in fill.add([row(3, "2023-07-27")])
    assert "date" in fill.add([row(4, "2024-07-15")])
    assert fill.add([]) == {"ref", "date"}
    # The freed cells go to the title: at 160 columns side by side (95 cells
    # of list) a one-day digest has no summary beside a 85-cell title.
    with_date = column_widths(95, "both", filled=frozenset({"ref", "date", "summary"}))
    one_day = column_widths(95, "both", filled=frozenset({"ref", "summary"}))
    assert with_date[DATE] == 11 and one_day[DATE] == 0
    assert one_day[TITLE] == with_date[TITLE] + 11 and one_day[5] == 0


async def test_switching_digests_toggles_the_date_column(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db", NO_CATEGORIES, WITH_CATEGORIES)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        # All papers: two days, so each row says which.
        assert "Date" in header(papers) and papers.widths()[DATE] == 11
        two_days = papers.widths()[TITLE]
        main.show_digest(WITH_CATEGORIES)  # one day, with categories like All papers
        await settle(pilot)
        assert "Date" not in header(papers) and papers.widths()[DATE] == 0
        assert papers.filled == {"ref", "category", "summary"}
        assert papers.widths()[TITLE] == two_days + 11  # the title gets the cells
        # The day is still on screen: the digest's name in the status line.
        assert "2023-07-27" in status_text(app)
        main.show_digest(None)
        await settle(pilot)
        assert "Date" in header(papers) and papers.widths()[TITLE] == two_days
        main.show_digest(NO_CATEGORIES)
        await settle(pilot)
        assert "Date" not in header(papers) and "2024-07-15" in status_text(app)


async def test_a_search_that_finds_one_day_hides_the_date_column(tmp_path: Path) -> None:
    cache = build_real_cache(tmp_path / "c.db", NO_CATEGORIES, WITH_CATEGORIES)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.search_box.value = "date:2023-07-27"
        await settle(pilot)
        assert main.matches == 10  # the 2023 digest's papers, across All papers
        assert "Date" not in header(papers) and papers.widths()[DATE] == 0
        main.search_box.value = "date:2023..2024"
        await settle(pilot)
        assert main.matches == 30
        assert "Date" in header(papers) and papers.widths()[DATE] == 11
        main.search_box.value = "date:2024-07-15"
        await settle(pilot)
        assert "Date" not in header(papers)


async def test_a_second_day_past_the_first_page_shows_the_column_as_it_loads(
    tmp_path: Path,
) -> None:
    """All papers whose first page is one day: the column comes when the list
    reads rows of the next day (scrolling), as a Category would, and stays."""
    newer = FIRST_PAGE + 10
    cache = build_cache(tmp_path / "c.db", n_first=40, n_second=newer)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert main.matches == newer + 40
        assert "Date" not in header(papers)  # 120 rows, all 2024-02-06
        await pilot.press("G")  # the end: the older day's rows are read
        await settle(pilot)
        assert "Date" in header(papers) and papers.widths()[DATE] == 11
        await pilot.press("g")  # back to the first day's rows: the column stays
        await settle(pilot)
        assert "Date" in header(papers)
        main.show_digest("digest-cs.LG-2024-02-06")  # a new listing starts again
        await settle(pilot)
        assert "Date" not in header(papers)
