"""The generator's per-paper JSON records (core/archive_json.py).

The fixtures follow the shape of the real records in ../shared/samples/papers/
(keys, the 2023 title suffix, the 2024+ abstract headers, the 1,000-character cut).
"""

from __future__ import annotations

import json

import pytest

from tui_digest.core.archive_json import archive_month, read_paper_json
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.model import InputError

OLD = {
    "title": "Recovering Top-Two Answers in Crowdsourcing. (arXiv:2301.00006v2 [cs.HC] UPDATED)",
    "abstract": "Crowdsourcing has emerged as an effective platform for labeling data.",
    "link": "http://arxiv.org/abs/2301.00006",
    "context": "Title: ...\nAbstract: ...",
    "path": "papers/23/01/2301.00006.json",
    "total_tokens": 905,
    "translated_title": "在多项选择众包中恢复前两个答案",
    "translated_abstract": "众包已经成为一种标记大量数据的有效平台。",
    "tldr": "该论文提出了一种多项选择众包任务的模型。",
    "en_tdlr": "This paper proposes a model for multi-choice crowdsourcing tasks.",
}
NEW = {
    "title": "ConceptGuard: Benchmarking Context-Sensitive Unlearning",
    "abstract": "arXiv:2608.20338v1 Announce Type: new  Abstract: Large Language Models "
    "increasingly require selective removal of harmful knowledge.",
    "link": "https://arxiv.org/abs/2608.20338",
    "context": "Title: ConceptGuard",
    "path": "papers/26/08/2608.20338.json",
    "total_tokens": 559,
    "translated_title": "ConceptGuard：大型语言模型中上下文敏感遗忘的基准测试",
    "translated_abstract": "arXiv:2608.20338v1 公告类型：新 摘要："
    "大型语言模型越来越需要选择性移除有害知识。",
    "tldr": "本文提出ConceptGuard基准。",
    "en_tdlr": "This paper introduces ConceptGuard, a benchmark for unlearning.",
}


def _bytes(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=4).encode()


def test_old_record_splits_the_title_suffix() -> None:
    paper = read_paper_json(_bytes(OLD), source="papers/23/01/2301.00006.json")
    assert paper.id == "2301.00006"
    assert paper.version == "v2"
    assert paper.title_en == "Recovering Top-Two Answers in Crowdsourcing"
    assert paper.extras["title_suffix"] == ". (arXiv:2301.00006v2 [cs.HC] UPDATED)"
    assert paper.categories == ["cs.HC"]
    assert paper.announce_type == "updated"
    assert paper.url == "http://arxiv.org/abs/2301.00006"
    assert "link" not in paper.extras
    assert paper.title_zh == OLD["translated_title"]
    assert paper.summary_zh == OLD["tldr"]
    assert paper.summary_en == OLD["en_tdlr"]
    assert paper.abstract_zh == OLD["translated_abstract"]


def test_new_record_splits_both_abstract_headers() -> None:
    paper = read_paper_json(_bytes(NEW))
    assert paper.id == "2608.20338"
    assert paper.version == "v1"
    assert paper.announce_type == "new"
    assert paper.abstract_en.startswith("Large Language Models")
    assert paper.extras["abstract_en_header"] == "arXiv:2608.20338v1 Announce Type: new  Abstract: "
    assert paper.abstract_zh.startswith("大型语言模型")
    assert paper.extras["abstract_zh_header"] == "arXiv:2608.20338v1 公告类型：新 摘要："
    assert paper.url == "https://arxiv.org/abs/2608.20338"


def test_record_matches_the_same_paper_read_from_a_digest() -> None:
    """Archive and digest give the same paper, so merging them changes nothing."""
    paper = read_paper_json(_bytes(NEW))
    digest_paper = read_digest(write_digest([paper])).digest.papers[0]
    # The Markdown carries the English summary in its slot (an extra of the digest
    # paper): exported, it is kept, not dropped (found by a bug hunt).
    assert digest_paper.extras.pop("summary_en") == paper.summary_en != ""
    paper.summary_en = ""
    assert digest_paper == paper


def test_id_from_the_file_name_when_the_link_is_missing() -> None:
    record = dict(NEW, link="", abstract="No header here.")
    paper = read_paper_json(_bytes(record), source="x/papers/26/08/2608.20338.json")
    assert paper.id == "2608.20338"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{\n  "title": "x",\n  oops\n}', ":3: not valid JSON"),
        (b"[1, 2]", "expected a JSON object, found list"),
        (b'{"name": "package"}', "not a paper record"),
        (_bytes(dict(NEW, title=["a"])), "key 'title' is a list"),
        (_bytes(dict(NEW, link="https://example.com/x")), "is not an arXiv link"),
        (_bytes(dict(NEW, link="", abstract="plain")), "no arXiv id"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_bad_records_name_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        read_paper_json(data, source="papers/26/08/bad.json")
    assert str(info.value).startswith("papers/26/08/bad.json")
    assert message in str(info.value)


def test_control_and_bidi_characters_are_stripped() -> None:
    record = dict(NEW, en_tdlr="safe\x1b[31m red\u202e text", tldr="中文\x07摘要")
    paper = read_paper_json(_bytes(record))
    assert paper.summary_en == "safe[31m red text"
    assert paper.summary_zh == "中文摘要"


@pytest.mark.parametrize(
    ("paper_id", "expected"),
    [
        ("2403.10056", ("archive-2024-03", "2024-03-01")),
        ("2301.00006", ("archive-2023-01", "2023-01-01")),
        ("0704.0001", ("archive-2007-04", "2007-04-01")),
        ("hep-th/9901001", ("archive-1999-01", "1999-01-01")),
        ("math.GT/0309136", ("archive-2003-09", "2003-09-01")),
        ("2413.00001", None),
        ("not-an-id", None),
    ],
)
def test_archive_month(paper_id: str, expected: tuple[str, str] | None) -> None:
    assert archive_month(paper_id) == expected


def test_real_records(excerpts) -> None:
    """The two real records of ../shared/samples/papers/, copied whole by the `excerpts` fixture."""
    old = read_paper_json((excerpts / "papers/23/01/2301.00006.json").read_bytes())
    assert (old.id, old.version, old.categories) == ("2301.00006", "v2", ["cs.HC"])
    assert old.summary_en.startswith("This paper proposes a model")
    new = read_paper_json((excerpts / "papers/26/08/2608.20338.json").read_bytes())
    assert (new.id, new.announce_type) == ("2608.20338", "new")
    assert new.abstract_en.startswith("Large Language Models")
    assert new.abstract_zh.startswith("大型语言模型")
    assert new.summary_en.startswith("This paper introduces ConceptGuard")
