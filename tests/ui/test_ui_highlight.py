"""Search words highlighted in the list's title cell and the detail pane (issue 10 req 6)."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, make_paper, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.paper_text import MATCH

SIZE = (140, 40)


def _title_segments(app, y: int = 1) -> list[tuple[str, bool]]:
    """(text, highlighted) of the first row's segments (y=0 is the header)."""
    papers = app.main.paper_list
    match = papers.get_component_rich_style("paper-list--match")
    strip = papers.render_line(y)
    return [
        (seg.text, bool(seg.style and seg.style.underline and match.underline)) for seg in strip
    ]


async def test_search_words_are_highlighted_in_list_and_detail(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # No search: nothing highlighted.
        assert not any(on for _, on in _title_segments(app))
        app.main.search_box.value = "retriev OR 扩散"
        await settle(pilot)
        assert app.main.matches > 0
        marked = [text for text, on in _title_segments(app) if on]
        assert marked and all(t.lower() == "retriev" or t == "扩散" for t in marked)
        detail = app.main.detail
        content = detail.body.visual
        plain = str(content)
        spans = [plain[s.start : s.end] for s in content.spans if s.style == MATCH]
        assert spans and {s.lower() for s in spans} <= {"retriev", "扩散"}
        # A new search replaces the highlights; clearing it removes them.
        app.main.search_box.value = ""
        await settle(pilot)
        assert not any(on for _, on in _title_segments(app))
        content = detail.body.visual
        assert not [s for s in content.spans if s.style == MATCH]


async def test_marks_and_matches_keep_the_cursor_and_selection_background(cache: Path) -> None:
    """The ★/↻ cells and a highlighted word on the cursor bar (or a selected row)
    are drawn on the row's background, not the list's: no notch, no dark box
    inside the bar (bug hunt s41 auditwidgets #1)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "retriev OR 扩散"
        await settle(pilot)
        papers = app.main.paper_list
        papers.focus()
        await pilot.press("s", "space", "k")  # star the first row, select it, back on it
        await settle(pilot)
        for y, row_style in ((1, "cursor"), (2, None)):
            strip = papers.render_line(y)
            backgrounds = {seg.style.bgcolor for seg in strip if seg.style and seg.text}
            assert len(backgrounds) == 1, (y, backgrounds)
            if row_style == "cursor":
                cursor = papers.get_component_rich_style("paper-list--cursor").bgcolor
                assert backgrounds == {cursor}
        assert [seg for seg in papers.render_line(1) if seg.text == "★"], "row 1 is starred"
        await pilot.press("j")  # the starred row selected, not under the cursor
        await settle(pilot)
        strip = papers.render_line(1)
        backgrounds = {seg.style.bgcolor for seg in strip if seg.style and seg.text}
        assert len(backgrounds) == 1, backgrounds


async def test_a_category_search_marks_no_title(tmp_path: Path) -> None:
    """`cat:cs.LG` underlined "LG" in "LGM" and "CS" in "CSI" in the list and the
    detail pane (bug hunt s41 auditwidgets #4): only the categories line now."""
    db = tmp_path / "cache.db"
    paper = make_paper(1, title_en="LGM and CSI sensing")
    paper.categories = ["cs.LG"]
    with Store.open(db) as store:
        store.import_digest(Digest("d-1", date="2024-02-06", papers=[paper]))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "cat:cs.LG"
        await settle(pilot)
        assert app.main.matches == 1
        assert not any(on for _, on in _title_segments(app))
        content = app.main.detail.body.visual
        plain = str(content)
        spans = [plain[s.start : s.end] for s in content.spans if s.style == MATCH]
        assert spans == ["cs", "LG"]
