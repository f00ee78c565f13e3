"""Line breaking that keeps Latin runs whole inside Chinese text, and the reader's text."""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection

from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.model import ListRow, Paper, PaperRecord
from tui_digest.ui.paper_text import detail_content, row_title
from tui_digest.ui.text_wrap import (
    NO_BREAK_BEFORE,
    WrappingStatic,
    break_offsets,
    wrap_content,
)

# The case: "B30" was split as "B3" / "0上重写".
MIXED = "我们在B30上重写了GPT-4o模型，并在MMLU（大规模多任务）基准上取得了90.5%的准确率。"
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%-]*")


def pieces(text: str, width: int) -> list[str]:
    offsets = break_offsets(text, width)
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]


def runs_kept_whole(text: str, lines: list[str], width: int) -> bool:
    """No run of Latin letters/digits is split, unless it is longer than a line."""
    starts = set()
    pos = 0
    for line in lines[:-1]:
        pos += len(line)
        starts.add(pos)
    for m in LATIN_RUN.finditer(text):
        if len(m.group()) <= width and any(m.start() < s < m.end() for s in starts):
            return False
    return True


@pytest.mark.parametrize("width", range(6, 60))
def test_latin_runs_stay_whole_and_lines_fit(width):
    lines = pieces(MIXED, width)
    assert "".join(lines) == MIXED
    assert all(cell_len(line.rstrip()) <= width for line in lines)
    assert runs_kept_whole(MIXED, lines, width)
    # closing punctuation never starts a line, opening never ends one
    assert not any(line[0] in NO_BREAK_BEFORE for line in lines[1:])
    assert not any(line[-1] in "（“" for line in lines[:-1])


def test_the_reported_split_no_longer_happens():
    assert pieces("重写B30上重写", 7) == ["重写B30", "上重写"]
    assert pieces("实验显示出明显的提升。", 20) == ["实验显示出明显的提", "升。"]


def test_a_run_longer_than_the_line_is_cut_by_cells():
    lines = pieces("见https://example.org/a/very/long/path 了", 10)
    assert all(cell_len(line.rstrip()) <= 10 for line in lines)
    assert "".join(lines) == "见https://example.org/a/very/long/path 了"


words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=30)


@given(words, st.integers(min_value=12, max_value=60))
def test_plain_english_breaks_where_textwrap_does(ws, width):
    text = " ".join(ws)
    lines = [line.rstrip() for line in pieces(text, width)]
    assert lines == textwrap.wrap(text, width, break_on_hyphens=False)


@given(st.text(max_size=200), st.integers(min_value=1, max_value=40))
def test_any_text_is_kept_and_fits(text, width):
    text = text.replace("\n", " ")
    lines = pieces(text, width)
    assert "".join(lines) == text
    # A single character wider than the line is the only thing that may overflow.
    assert all(cell_len(line.rstrip()) <= max(width, 2) for line in lines)


def test_wrap_content_keeps_styles_and_paragraphs():
    content = Content.assemble(("标题", "bold"), "\n\n", MIXED)
    wrapped = wrap_content(content, 12)
    lines = wrapped.plain.split("\n")
    assert lines[:2] == ["标题", ""] and "".join(lines[2:]) == MIXED
    assert any(span.style == "bold" for span in wrapped.spans)
    assert wrap_content(content, 0) is content


class WrapApp(App):
    CSS = "#box { width: 24; height: auto; }"

    def compose(self) -> ComposeResult:
        yield WrappingStatic(Content(MIXED), id="box")


async def test_wrapping_static_breaks_for_its_width_and_rewraps_on_resize():
    app = WrapApp()
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one(WrappingStatic)
        lines = str(box.render()).split("\n")
        assert box.size.height == len(lines) > 1
        assert runs_kept_whole(MIXED, lines, 24)
        assert all(cell_len(line) <= 24 for line in lines)
        box.styles.width = 13
        await pilot.pause()
        narrow = str(box.render()).split("\n")
        assert len(narrow) > len(lines) and box.size.height == len(narrow)
        assert runs_kept_whole(MIXED, narrow, 13)
        assert str(box.visual) == MIXED  # the text itself is unchanged


TITLE = "Don't Half-listen: Capturing Key-part Information in Continual Instruction Tuning"
WRITTEN = f"{TITLE}\n\n{MIXED}\nA second  line"


class SelectApp(App):
    CSS = "#box { width: 24; height: auto; }"

    def compose(self) -> ComposeResult:
        yield WrappingStatic(Content(WRITTEN), id="box")


async def test_copied_text_is_as_written_not_as_wrapped():
    """Text selected with the mouse was copied with the inserted breaks: a "\n"
    in the middle of a title, a sentence, a Chinese word (found by a bug hunt)."""
    app = SelectApp()
    async with app.run_test(size=(40, 30)) as pilot:
        box = app.query_one(WrappingStatic)
        drawn = str(box.render()).split("\n")
        assert len(drawn) > WRITTEN.count("\n") + 3  # (soft wraps were inserted)
        # The whole text, by a drag from the first cell to past the last line.
        region = box.content_region
        await pilot.mouse_down(offset=(region.x, region.y))
        await pilot.hover(offset=(region.x + 10, region.y + 3))
        await pilot.mouse_up(offset=(region.right - 1, region.bottom - 1))
        await pilot.pause()
        assert app.screen.get_selected_text() == WRITTEN
        # Any span of drawn lines: the source's characters between the two points.
        starts, pos = [], 0
        for line in WRITTEN.split("\n"):
            offsets = break_offsets(line, 24)
            starts += [pos + offset for offset in [0, *offsets]]
            pos += len(line) + 1
        assert len(starts) == len(drawn)
        for y0, x0, y1, x1 in [(0, 6, 1, 4), (0, 0, 3, 2), (4, 3, 7, 5), (5, 1, 5, 9)]:
            x0, x1 = min(x0, len(drawn[y0])), min(x1, len(drawn[y1]))
            got = box.get_selection(Selection.from_offsets(Offset(x0, y0), Offset(x1, y1)))
            assert got == (WRITTEN[starts[y0] + x0 : starts[y1] + x1], "\n")


# --- What the reader shows ----------------------------------------------------------------


def test_detail_and_list_show_latex_readably_but_the_paper_keeps_it():
    paper = Paper(
        id="2402.01118",
        title_en=r"Pok\'eLLMon: $^2$ faster with $\alpha$\mbox{-}tuning",
        title_zh=r"Pok\'eLLMon：$\alpha$ 调优",
        abstract_en=r"We reach 90\% with $O(n^2)$ cost and $\unknown$ stays.",
        authors=[r"Paul Erd\H{o}s"],
    )
    record = PaperRecord(1, paper)
    shown = detail_content(record, "both").plain
    assert "PokéLLMon: ² faster with α-tuning" in shown
    assert "PokéLLMon：α 调优" in shown
    assert r"We reach 90% with O(n²) cost and $\unknown$ stays." in shown
    assert "Paul Erdős" in shown
    assert paper.title_en == r"Pok\'eLLMon: $^2$ faster with $\alpha$\mbox{-}tuning"
    assert f"title={{{paper.title_en}}}" in to_bibtex([record])  # exports keep the LaTeX
    row = ListRow(1, paper.id, paper.title_en, paper.title_zh, "", "", "", False, False, 1)
    assert row_title(row, "en") == "PokéLLMon: ² faster with α-tuning"
    assert row_title(row, "zh") == "PokéLLMon：α 调优"
