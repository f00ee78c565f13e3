"""A 2023-style footnote (abstracts without the `arXiv:` headers) with a
paragraph after the writer's closing four-space line (bug hunt `fuzz` #2):
the English abstract stays English, and Latin text is never joined to the
Chinese abstract."""

from __future__ import annotations

from tui_digest.core.digest_format import read_digest

SUMMARY = "本文中提出了一种离散优化方法来解决压缩感知问题。"
ZH = "本文研究了压缩感知问题，即找到最稀疏的向量。"
EN = (
    "We study the Compressed Sensing (CS) problem, "
    "which is the problem of finding the most sparse vector."
)
TITLE = "Compressed Sensing: A Discrete Optimization Approach."
URL = "http://arxiv.org/abs/2306.04647"


def digest(extra: str) -> str:
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        f"| [^1] | [{TITLE}]({URL}) | {SUMMARY} |\n\n# 详细\n\n"
        "[^1]: 压缩感知：离散优化方法\n\n"
        f"    {TITLE} (arXiv:2306.04647v1 [eess.SP])\n\n"
        f"    [{URL}]({URL})\n\n"
        f"    {SUMMARY}\n\n    \n\n"
        f"    {ZH}\n\n"
        f"    {EN}\n    \n\n"
        f"    {extra}\n"
    )


def read(text: str):
    result = read_digest(text.encode(), source="d.md")
    (paper,) = result.digest.papers
    return paper, [p.message for p in result.problems]


def test_a_latin_paragraph_after_the_closing_line_joins_the_english_abstract():
    # Before: abstract_zh = ZH + "\n\n" + EN, abstract_en = the stray paragraph,
    # "[^1]: 1 paragraph(s) joined to the Chinese abstract".
    extra = "Code is available at https://github.com/example/cs."
    paper, problems = read(digest(extra))
    assert paper.summary_zh == SUMMARY
    assert paper.abstract_zh == ZH
    assert paper.abstract_en == f"{EN}\n\n{extra}"
    (message,) = problems
    assert "[^1]" in message and "1 more paragraph(s) joined to the English abstract" in message


def test_a_chinese_paragraph_after_the_closing_line_joins_the_chinese_abstract():
    # Before: both abstracts and the stray paragraph in abstract_zh, "no English abstract".
    extra = "代码见项目网页。"
    paper, problems = read(digest(extra))
    assert paper.summary_zh == SUMMARY
    assert paper.abstract_zh == f"{ZH}\n\n{extra}"
    assert paper.abstract_en == EN
    (message,) = problems
    assert "[^1]" in message and "1 paragraph(s) joined to the Chinese abstract" in message
    assert "no English abstract" not in message
