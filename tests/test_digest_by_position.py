"""Footnotes placed by position (hunt `regparse2`, items 4-6): the script of a
paragraph never moves it from the slot its position gives; swapped abstracts
are only warned of, and a stripped footnote (its four-space empty fields lost)
is placed by position as 772077a placed it."""

from __future__ import annotations

import re

from tui_digest.core.digest_format import read_digest

EN = (
    "The dominant sequence transduction models are based on complex recurrent"
    " or convolutional neural networks."
)
ZH = "主流的序列转导模型基于复杂的循环或卷积神经网络。"
IDIOMS = (
    "We evaluate idioms such as 画蛇添足, 守株待兔, 亡羊补牢, 对牛弹琴, 掩耳盗铃"
    " and 井底之蛙 with LLMs."
)


def note(zh: str, en: str, *, strip: bool = False, crlf: bool = False) -> str:
    """The writer's shape (as the hunt's mk.sh writes it), one paper."""
    text = (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        "| [^1] | [Attention Is All You Need](https://arxiv.org/abs/1706.03762)"
        " | 提出Transformer。 |\n\n"
        "# 详细\n\n[^1]: 注意力就是一切\n\n    Attention Is All You Need\n\n"
        "    [https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762)\n\n"
        f"    提出Transformer。\n\n    \n\n    {zh}\n\n    {en}\n    \n"
    )
    if strip:
        text = re.sub(r"[ \t]+$", "", text, flags=re.M)
    return text.replace("\n", "\r\n") if crlf else text


def read(text: str):
    result = read_digest(text.encode(), source="digest-2024-03-18.md")
    (paper,) = result.digest.papers
    return paper, [f"line {p.line}: {p.message}" for p in result.problems]


def test_a_swapped_footnote_without_english_header_keeps_both_abstracts():
    # Before: the English abstract was joined into the Chinese one, abstract_en ''.
    for strip in (False, True):
        for crlf in (False, True):
            paper, problems = read(
                note(EN, f"arXiv:1706.03762v1 公告类型：新 摘要：{ZH}", strip=strip, crlf=crlf)
            )
            assert paper.abstract_zh == EN
            assert ZH in paper.abstract_en
            assert problems == []


def test_swapped_abstracts_with_both_headers_stay_in_place_and_are_warned():
    zh = f"arXiv:1706.03762v1 Announce Type: new Abstract: {EN}"
    en = f"arXiv:1706.03762v1 公告类型：新 摘要：{ZH}"
    for strip in (False, True):
        paper, problems = read(note(zh, en, strip=strip))
        assert EN in paper.abstract_zh and ZH in paper.abstract_en
        (message,) = problems
        assert "line 9" in message and "swapped" in message


def test_a_stripped_english_abstract_quoting_much_chinese_stays_english():
    # Before: joined to the Chinese abstract with "1 paragraph(s) joined", abstract_en ''.
    paper, problems = read(note(ZH, IDIOMS, strip=True))
    assert (paper.abstract_zh, paper.abstract_en) == (ZH, IDIOMS)
    assert problems == []
    headed = f"arXiv:1706.03762v1 Announce Type: new Abstract: {IDIOMS}"
    paper, problems = read(note(ZH, headed, strip=True))
    assert (paper.abstract_zh, paper.abstract_en) == (ZH, IDIOMS)
    assert paper.announce_type == "new"
    assert problems == []


def test_a_stripped_footnote_with_chinese_in_both_slots_is_placed_by_position():
    en = f"arXiv:1706.03762v1 公告类型：新 摘要：{ZH}"
    canonical, _ = read(note(ZH, en))
    paper, problems = read(note(ZH, en, strip=True))
    assert paper.abstract_zh == canonical.abstract_zh == ZH
    assert paper.abstract_en == canonical.abstract_en != ""
    assert problems == []


def test_an_untranslated_chinese_slot_differing_by_punctuation_is_the_chinese_abstract():
    # Before: the Chinese slot's text became summary_en and abstract_zh ''.
    line = "We propose a simple baseline for graph learning"
    paper, _ = read(note(line, line + ".", strip=True))
    assert paper.abstract_zh == line
    assert "summary_en" not in paper.extras
    assert paper.abstract_en == line + "."
    paper, _ = read(note(line, "We propose a simple  baseline for graph learning.", strip=True))
    assert paper.abstract_zh == line


def test_an_early_footnote_out_of_shape_with_swapped_abstracts_keeps_both():
    # The earliest layout (no summaries), the link before the title (loose path).
    # Before: the English abstract became the Chinese summary.
    text = note(EN, f"arXiv:1706.03762v1 公告类型：新 摘要：{ZH}")
    text = text.replace("    提出Transformer。\n\n    \n\n", "")
    title, link = (
        "    Attention Is All You Need\n\n",
        "    [https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762)\n\n",
    )
    text = text.replace(title + link, link + title)
    paper, problems = read(text)
    assert paper.abstract_zh == EN
    assert ZH in paper.abstract_en
    assert not any("joined" in p for p in problems)
