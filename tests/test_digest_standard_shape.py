"""A footnote of the writer's shape is placed by position, whatever its abstracts
hold; one whose empty lines an editor stripped is placed by that shape too
(regression hunt `regformat`, fixtures in fixtures/digests/regformat: one-paper
digests of 1706.03762 in the seed's layout, each with one change)."""

from __future__ import annotations

import json
from pathlib import Path

from tui_digest.cli import main
from tui_digest.core.digest_format import read_digest

HERE = Path(__file__).parent / "fixtures" / "digests" / "regformat"
EN_HEADER = "arXiv:1706.03762v1 Announce Type: new  Abstract: "
EN = (
    "The dominant sequence transduction models are based on complex recurrent "
    "or convolutional neural networks."
)
ZH = "主流的序列转导模型基于复杂的循环或卷积神经网络。"
SUMMARY = "提出Transformer。"


def read(name: str, text: str | None = None):
    data = (HERE / name).read_bytes() if text is None else text
    result = read_digest(data, source=name)
    (paper,) = result.digest.papers
    return paper, [p.message for p in result.problems]


def strip_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def test_an_untranslated_chinese_abstract_with_its_english_header_stays_in_its_place():
    """r1: the Chinese slot holds the English abstract, header and all (a
    translation that left it): both abstracts as written, no warning."""
    paper, problems = read("r1.md")
    assert paper.abstract_zh == EN_HEADER + EN
    assert paper.abstract_en == EN
    assert paper.extras["abstract_en_header"] == EN_HEADER
    assert (paper.summary_zh, paper.version, paper.announce_type) == (SUMMARY, "v1", "new")
    assert problems == []


def test_a_chinese_abstract_under_an_untranslated_header_stays_chinese():
    """r2: only the header was left in English: the Chinese text stays the Chinese abstract."""
    paper, problems = read("r2.md")
    assert paper.abstract_zh == EN_HEADER + ZH
    assert paper.abstract_en == EN
    assert problems == []


def test_both_read_the_same_with_their_empty_lines_stripped():
    for name in ("r1.md", "r2.md"):
        text = (HERE / name).read_text(encoding="utf-8")
        assert read(name, strip_trailing(text)) == read(name)


def test_an_english_abstract_quoting_chinese_stays_english_when_stripped():
    """r3: no four-space lines, and the English abstract holds Chinese in its first words."""
    paper, problems = read("r3.md")
    assert paper.abstract_zh == ZH
    assert paper.abstract_en.startswith("We introduce CMMLU (中文大规模多任务语言理解)")
    assert paper.summary_zh == SUMMARY
    assert "summary_en" not in paper.extras
    assert problems == []


def test_a_chinese_abstract_opening_with_a_formula_is_no_english_summary():
    """r4: no four-space lines, and the Chinese abstract's Chinese comes after a formula."""
    paper, problems = read("r4.md")
    assert paper.abstract_zh.startswith("Let $f:")
    assert paper.abstract_zh.endswith("我们证明了该收敛率。")
    assert paper.abstract_en == EN
    assert "summary_en" not in paper.extras
    assert problems == []


def test_an_untranslated_chinese_abstract_without_header_stripped_stays_in_its_place():
    text = (HERE / "r3.md").read_text(encoding="utf-8")
    text = text.replace(ZH, EN).replace(
        "We introduce CMMLU (中文大规模多任务语言理解), a benchmark for Chinese LLMs.", EN
    )
    paper, problems = read("r3.md", text)
    assert (paper.abstract_zh, paper.abstract_en) == (EN, EN)
    assert "summary_en" not in paper.extras
    assert problems == []


def test_no_summary_and_no_chinese_abstract_stripped_is_no_warning():
    """The format doc's allowed variation (only the English abstract after the
    link), with the empty fields' four-space lines stripped."""
    text = (HERE / "r3.md").read_text(encoding="utf-8")
    text = text.replace(f"    {SUMMARY}\n", "").replace(f"    {ZH}\n", "")
    text = text.replace(f"| {SUMMARY} |", "|  |")
    paper, problems = read("r3.md", text)
    assert (paper.summary_zh, paper.abstract_zh) == ("", "")
    assert paper.abstract_en.startswith("We introduce CMMLU")
    assert problems == []


def _cli(capsys, db: Path, *args: str) -> str:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "warning" not in err, err
    return out


def test_an_untranslated_archive_record_round_trips_through_markdown(tmp_path, capsys):
    """The generator's record whose translation left the English abstract
    (translated_abstract = abstract, header and all): exported to Markdown and
    read back, the Chinese abstract kept its 1,000 characters instead of being
    joined into the English one with a warning."""
    abstract = EN_HEADER + (EN + " ") * 9
    record = {
        "title": "Attention Is All You Need",
        "abstract": abstract,
        "link": "https://arxiv.org/abs/1706.03762",
        "translated_title": "注意力就是一切",
        "translated_abstract": abstract,
        "tldr": SUMMARY,
        "en_tdlr": "Proposes the Transformer.",
    }
    source = tmp_path / "papers" / "17" / "06" / "1706.03762.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    _cli(capsys, tmp_path / "a.db", "import", str(tmp_path / "papers"))
    before = json.loads(_cli(capsys, tmp_path / "a.db", "export", "--format", "json"))
    exported = tmp_path / "digest-rt-2017-06-01.md"
    _cli(capsys, tmp_path / "a.db", "export", "--format", "markdown", "-o", str(exported))
    _cli(capsys, tmp_path / "b.db", "import", str(exported))
    after = json.loads(_cli(capsys, tmp_path / "b.db", "export", "--format", "json"))
    fields = ("summary_zh", "summary_en", "abstract_zh", "abstract_en", "version", "title_en")
    assert [{k: p[k] for k in fields} for p in after] == [{k: p[k] for k in fields} for p in before]
    assert after[0]["abstract_zh"] == abstract
