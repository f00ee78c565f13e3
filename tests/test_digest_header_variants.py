"""Header and suffix variants seen in real digests, and mislabelled encodings."""

from __future__ import annotations

import pytest

from tui_digest.core.digest_format import read_digest, write_digest


def _digest(
    title_en: str,
    abstract_zh: str,
    en_header: str = "arXiv:2402.01234v1 Announce Type: new  Abstract: ",
) -> str:
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        "| [^1] | [T](http://arxiv.org/abs/2402.01234) | 总结。 |\n\n# 详细\n\n"
        f"[^1]: 中文标题\n\n    {title_en}\n\n"
        "    [http://arxiv.org/abs/2402.01234](http://arxiv.org/abs/2402.01234)\n\n"
        f"    总结。\n\n    \n\n    {abstract_zh}\n\n    {en_header}English abstract.\n    \n\n"
    )


def test_cross_listed_suffix_is_stripped_and_typed():
    text = _digest("A Title. (arXiv:2402.01234v1 [cs.LG] CROSS LISTED)", "中文摘要。", "")
    result = read_digest(text)
    paper = result.digest.papers[0]
    assert paper.title_en == "A Title"
    assert (paper.version, paper.announce_type, paper.categories) == ("v1", "cross", ["cs.LG"])
    assert write_digest([paper]) == text


@pytest.mark.parametrize(
    "header",
    [
        "arXiv:2402.01234v1 公布类型：新摘要：",
        "arXiv:2402.01234v1 公告类型:跨领域. ",
        "arXiv:2402.01234v1 公告类型：跨语言。",
        "arXiv:2402.01234v1 公告类型: 跨领域  摘要: ",
        "arXiv:2402.01234v1 公告类型: 跨领域 摘要：",
    ],
)
def test_translated_header_variants_are_stripped_and_kept(header):
    text = _digest("A Title", header + "标注者在数据标记过程中存在分歧。")
    paper = read_digest(text).digest.papers[0]
    assert paper.abstract_zh == "标注者在数据标记过程中存在分歧。"
    assert write_digest([paper]) == text


def test_gb18030_markdown_mislabelled_is_decoded_not_mojibake():
    text = _digest("A Title", "中文摘要。")
    result = read_digest(text.encode("gb18030"), source="x.md")
    paper = result.digest.papers[0]
    assert paper.title_zh == "中文标题" and paper.abstract_zh == "中文摘要。"
    assert any("GB18030" in p.message for p in result.problems)


def test_invalid_utf8_becomes_replacement_character_with_a_note():
    text = _digest("A Title", "中文摘要。").encode().replace("中文摘要".encode(), b"\xff\xfe")
    result = read_digest(text, source="x.md")
    assert "\ufffd" in result.digest.papers[0].abstract_zh
    assert any("U+FFFD" in p.message for p in result.problems)
