"""Footnotes a paragraph short, long or out of order (hunt `format`, fixtures in
fixtures/digests/misplaced, one-paper digests of 1706.03762 with one change each):
each paragraph lands in the field it is, and the footnote's line is named."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.digest_format import read_digest

HERE = Path(__file__).parent / "fixtures" / "digests" / "misplaced"
ZH_ABSTRACT = "主流的序列转导模型……"
EN_ABSTRACT = "The dominant sequence transduction models..."
TITLE = "Attention Is All You Need"


def read(name: str, text: str | None = None):
    data = (HERE / name).read_bytes() if text is None else text
    result = read_digest(data, source=name)
    (paper,) = result.digest.papers
    return paper, result.problems


def note_problems(problems):
    return [p.message for p in problems if p.line == 9]


def test_summary_slot_text_without_chinese_abstract_stays_the_english_summary():
    paper, problems = read("r3.md")
    assert paper.extras.get("summary_en") == "An English one-liner."
    assert paper.abstract_zh == ""
    assert paper.summary_zh == "提出Transformer。"
    assert paper.abstract_en == EN_ABSTRACT
    (message,) = note_problems(problems)
    assert "[^1]" in message and "no Chinese abstract" in message


def test_a_detail_summary_unlike_the_cell_is_not_the_chinese_abstract():
    paper, problems = read("r6.md")
    assert paper.abstract_zh == ""
    assert paper.summary_zh == "提出了Transformer架构。"
    assert paper.abstract_en == EN_ABSTRACT
    assert "no Chinese abstract" in note_problems(problems)[0]


def test_a_two_paragraph_english_abstract_keeps_every_field():
    paper, problems = read("r4.md")
    assert paper.summary_zh == "提出Transformer。"
    assert "summary_en" not in paper.extras
    assert paper.abstract_zh == ZH_ABSTRACT
    assert paper.abstract_en == EN_ABSTRACT + "\n\nSecond paragraph."
    assert (paper.version, paper.announce_type) == ("v1", "new")
    (message,) = note_problems(problems)
    assert "joined to the English abstract" in message


def test_a_missing_link_paragraph_keeps_the_english_title():
    paper, problems = read("r2.md")
    assert paper.title_en == TITLE
    assert paper.summary_zh == "提出Transformer。"
    assert "summary_en" not in paper.extras
    assert (paper.abstract_zh, paper.abstract_en) == (ZH_ABSTRACT, EN_ABSTRACT)
    assert paper.id == "1706.03762"
    assert "no [link](link) paragraph" in note_problems(problems)[0]


def test_a_link_paragraph_before_the_title_is_warned_and_placed():
    text = (HERE / "r2.md").read_text(encoding="utf-8")
    link = "    [https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762)\n\n"
    text = text.replace(
        "    Attention Is All You Need\n\n", link + "    Attention Is All You Need\n\n"
    )
    paper, problems = read("r2.md", text)
    assert paper.title_en == TITLE
    assert paper.summary_zh == "提出Transformer。"
    assert (paper.abstract_zh, paper.abstract_en) == (ZH_ABSTRACT, EN_ABSTRACT)
    (message,) = note_problems(problems)
    assert "after the link" in message


def test_a_lone_chinese_abstract_with_its_translated_header_is_chinese():
    paper, problems = read("r1.md")
    assert paper.abstract_zh == ZH_ABSTRACT
    assert paper.abstract_en == ""
    assert paper.extras["abstract_zh_header"] == "arXiv:1706.03762v1 公告类型: 新 摘要："
    assert paper.version == "v1"
    assert "no English abstract" in note_problems(problems)[0]


def test_swapped_abstracts_stay_where_their_position_puts_them_and_are_warned():
    # regparse2: moving abstracts by their script lost text; they stay in place.
    text = (HERE / "r2.md").read_text(encoding="utf-8")
    zh, en = (line for line in text.split("\n") if line.startswith("    arXiv:"))
    link = "    [https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762)"
    text = text.replace(zh, "@").replace(en, zh).replace("@", en)
    text = text.replace(f"{TITLE}\n\n", f"{TITLE}\n\n{link}\n\n")
    paper, problems = read("r2.md", text)
    assert paper.abstract_zh == en.strip()
    assert paper.abstract_en == zh.strip()
    (message,) = note_problems(problems)
    assert "swapped" in message and "kept in place" in message


def test_a_footnote_without_its_english_title_takes_the_rows():
    paper, problems = read("r5.md")
    assert paper.title_en == TITLE
    assert paper.summary_zh == "提出Transformer。"
    assert (paper.abstract_zh, paper.abstract_en) == (ZH_ABSTRACT, EN_ABSTRACT)
    (message,) = note_problems(problems)
    assert "English title" in message and "table row" in message


def test_a_row_linking_another_paper_than_its_footnote_is_warned():
    paper, problems = read("r7.md")
    assert paper.id == "1706.03762"
    (message,) = note_problems(problems)
    assert "line 5" in message and "2403.19999" in message and "1706.03762" in message


def test_a_title_ending_in_a_backslash_keeps_its_row():
    paper, problems = read("r8.md")
    assert paper.title_en == TITLE + " \\"
    assert problems == []


def test_the_standard_shapes_give_no_warning():
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    paper, problems = read("r7.md", text)
    assert problems == []
    early = text.replace("    提出Transformer。\n\n    \n\n", "")
    paper, problems = read("r7.md", early)
    assert problems == []
    assert (paper.abstract_zh, paper.abstract_en) == (ZH_ABSTRACT, EN_ABSTRACT)
    assert paper.extras["layout"] == "early"


def test_a_chinese_title_under_an_empty_footnote_label_is_the_chinese_title():
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    text = text.replace("[^1]: 注意力就是一切\n\n", "[^1]:\n    注意力就是一切\n\n")
    paper, problems = read("r7.md", text)
    assert (paper.title_zh, paper.title_en) == ("注意力就是一切", TITLE)
    (message,) = note_problems(problems)
    assert "Chinese title" in message


def test_blank_lines_kept_indented_by_an_editor_place_as_before():
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    head, notes = text.split("[^1]:")
    notes = notes.replace("\n\n", "\n    \n")
    paper, problems = read("r7.md", head + "[^1]:" + notes)
    assert paper.title_en == TITLE
    assert paper.summary_zh == "提出Transformer。"
    assert (paper.abstract_zh, paper.abstract_en) == (ZH_ABSTRACT, EN_ABSTRACT)
    assert problems == []
