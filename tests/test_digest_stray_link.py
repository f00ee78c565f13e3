"""A stray link paragraph at the end of a footnote (bug hunt `fuzz` #3): only
the link is dropped; the footnote's own English abstract before it, which
names the footnote's paper, stays with it (it was taken for the next paper's
title and dropped with the link)."""

from __future__ import annotations

from tui_digest.core.digest_format import read_digest

URL1 = "https://arxiv.org/abs/2403.10056"
URL2 = "https://arxiv.org/abs/2403.05518"
STRAY = "https://arxiv.org/abs/2401.00002"
EN1 = "Instruction tuning for large language models can drive them to produce results."
EN2 = "While chain-of-thought prompting has the potential to improve explainability."


def note(ref: int, url: str, title: str, en: str, header: bool) -> str:
    abstract = f"arXiv:{url[-10:]}v1 Announce Type: cross  Abstract: {en}" if header else en
    return (
        f"[^{ref}]: 中文标题{ref}\n\n    {title}\n\n    [{url}]({url})\n\n"
        f"    提出了一种方法{ref}。\n\n    \n\n    摘要内容{ref}，本文提出了一种新方法。\n\n"
        f"    {abstract}\n    \n"
    )


def digest(header: bool) -> str:
    first = note(1, URL1, "Don't Half-listen", EN1, header) + f"\n    [{STRAY}]({STRAY})\n\n"
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        f"| [^1] | [Don't Half-listen]({URL1}) | 提出了一种方法1。 |\n"
        f"| [^2] | [Bias-Augmented]({URL2}) | 提出了一种方法2。 |\n\n# 详细\n\n"
        + first
        + note(2, URL2, "Bias-Augmented", EN2, header)
    )


def read(text: str):
    result = read_digest(text.encode(), source="d.md")
    return {p.id: p for p in result.digest.papers}, [p.format("d.md") for p in result.problems]


def test_a_stray_link_after_a_headed_english_abstract_drops_only_the_link():
    # Before: "[^1]: no English abstract" and "2 paragraph(s) after footnote [^1]
    # belong to no footnote"; the abstract of 2403.10056 was lost.
    papers, messages = read(digest(header=True))
    assert papers["2403.10056"].abstract_en == EN1
    assert papers["2403.10056"].announce_type == "cross"
    assert papers["2403.05518"].abstract_en == EN2
    (message,) = messages
    assert "1 paragraph(s) after footnote [^1] belong to no footnote" in message
    assert STRAY in message


def test_a_deleted_header_still_gives_the_title_to_no_footnote():
    # The next paper's title before its link is still not merged into [^1].
    text = digest(header=True).replace(f"    [{STRAY}]({STRAY})\n\n", "")
    text = text.replace("[^2]: 中文标题2\n\n", "")
    papers, messages = read(text)
    assert papers["2403.10056"].abstract_en == EN1
    assert papers["2403.05518"].abstract_en == ""
    assert any("paragraph(s) after footnote [^1] belong to no footnote" in m for m in messages)


def test_a_stray_link_after_an_abstract_too_long_for_a_title_drops_only_the_link():
    # The 2023 layout has no abstract header: an abstract is told by its length.
    long_en = " ".join([EN1] * 8)
    text = digest(header=False).replace(EN1, long_en)
    papers, messages = read(text)
    assert papers["2403.10056"].abstract_en == long_en
    (message,) = messages
    assert "1 paragraph(s) after footnote [^1] belong to no footnote" in message
