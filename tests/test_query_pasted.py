"""Queries as users type or paste them: Chinese next to Latin text or
punctuation in one word, paper ids as the reader shows them, full-width
operators from a Chinese input method (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_tokens import query_tokens
from tui_digest.core.store import Store

PAPERS = [
    Paper(
        id="2401.00001",
        version="v1",
        title_en="Diffusion transformers",
        title_zh="扩散变换器",
        summary_zh="本文提出基于Transformer的扩散模型",
        abstract_zh="大型语言模型（LLMs）的指导调整。新型连续指导调整方法，通过动态重放数据。",
        authors=["Wei Li"],
        categories=["cs.LG"],
    ),
    Paper(
        id="2401.00002",
        version="v2",
        title_en="A survey of planning",
        title_zh="规划综述",
        summary_zh="大模型GPT规划",
        abstract_en="A survey.",
        authors=["Na Zhang"],
        categories=["cs.AI"],
    ),
]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "p.db")
    s.import_digest(Digest("d1", date="2024-01-02", papers=PAPERS))
    yield s
    s.close()


def found(store: Store, query: str) -> list[str]:
    rows = store.search(query)
    assert store.count(query) == len(rows)
    return [r.id for r in rows]


@pytest.mark.parametrize(
    "query",
    [
        "基于Transformer",
        "基于transformer的扩散",
        "Transformer的",
        "新型连续指导调整方法，通过动态重放数据",
        "大型语言模型（LLMs）的指导调整",
        '"大型语言模型（LLMs）的指导调整"',
        "模型（LLMs",
    ],
)
def test_chinese_next_to_latin_or_punctuation_in_one_word(store, query):
    assert found(store, query) == ["2401.00001"]


def test_chinese_next_to_latin_in_one_word_other_paper(store):
    assert found(store, "大模型GPT") == ["2401.00002"]
    assert found(store, "型GPT") == ["2401.00002"]
    # The run is still contiguous: a gap in the text is not bridged.
    assert found(store, "基于的Transformer") == []


def test_query_tokens_keep_the_run_end_before_another_piece():
    # The index writes a run's last character after its bigrams
    # ("基于 于 transformer"); the query must too, or the phrase never lines up.
    assert query_tokens("基于Transformer") == [
        ("基于", False),
        ("于", False),
        ("transformer", True),
    ]
    # At the end of the word the run's bigrams alone (a prefix of what follows).
    assert query_tokens("灾难性") == [("灾难", False), ("难性", False)]
    assert query_tokens("GPT模型") == [("gpt", True), ("模型", False)]


@pytest.mark.parametrize(
    "query",
    [
        "2401.00002",
        "2401.00002v2",
        "2401.00002V1",
        "arXiv:2401.00002",
        "arxiv:2401.00002v1",
        "https://arxiv.org/abs/2401.00002",
        "arxiv.org/abs/2401.00002v2",
        "http://arxiv.org/pdf/2401.00002v2.pdf",
        "(arXiv:2401.00002),",
        "id:2401.00002v3",
        "id:arXiv:2401.00002",
        "2401.00002v2 OR 2401.99999",
        # Full width, as a Chinese input method types it or an abstract writes it.
        "arXiv：2401.00002",
        "ａｒＸｉｖ:2401.00002",
        "arXiv:２４０１．００００２",
        "ａｒＸｉｖ：２４０１．００００２ｖ２",
        "id:arXiv：2401.00002",
        "（arXiv：2401.00002），",
    ],
)
def test_a_paper_id_as_shown_or_copied_finds_the_paper(store, query):
    assert found(store, query) == ["2401.00002"]


def test_an_excluded_id_with_version_excludes_the_paper(store):
    assert found(store, "-2401.00002v1") == ["2401.00001"]
    # A word that merely contains an id is text.
    assert found(store, "x2401.00002v1") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("－survey", ["2401.00001"]),
        ("−survey", ["2401.00001"]),
        ("ti：survey", ["2401.00002"]),
        ("ｔｉ:survey", ["2401.00002"]),
        ("ｔｉ：ｓｕｒｖｅｙ", ["2401.00002"]),
        ("is:ｕｎｒｅａｄ", ["2401.00001", "2401.00002"]),
        ("“survey of”", ["2401.00002"]),
        ("＂survey of＂", ["2401.00002"]),
        ("“of survey”", []),
        ("（survey ＯＲ 扩散）", ["2401.00001", "2401.00002"]),
        ("－（survey OR planning）", ["2401.00001"]),
        ("ｓｏｒｔ：relevance　survey", ["2401.00002"]),
        # Chinese text keeps its punctuation as text.
        ("模型（LLMs）的指导", ["2401.00001"]),
        ("（LLMs）的指导", ["2401.00001"]),
    ],
)
def test_full_width_operators_from_a_chinese_input_method(store, query, expected):
    assert found(store, query) == expected


def test_a_date_filter_never_matches_an_undated_paper(tmp_path):
    # Found by a bug hunt: `date:..2023` listed the papers with no date (kept,
    # starred, after their digest was removed; no published date). A paper
    # kept so is now dated by the first day a removed digest listed it
    # (`retention.remove`), and a paper a same-day update of its day's list
    # dropped by that day (`importer._replace`); those a cache kept before
    # stay undated.
    s = Store.open(tmp_path / "d.db")
    s.import_digest(Digest("old", date="2023-05-01", papers=[PAPERS[0]]))
    other = Paper(id="2401.00003", title_en="Something else")
    day = {"source": "/data/gone.md", "date": "2024-01-02"}
    s.import_digest(Digest("gone", papers=[PAPERS[1], other], **day))
    s.import_digest(Digest("gone", papers=[other], **day))  # (the same day's list again)
    assert found(s, "") == ["2401.00003", "2401.00002", "2401.00001"]
    assert found(s, "date:2024-01-02") == ["2401.00003", "2401.00002"]
    assert found(s, "date:..2023") == ["2401.00001"]
    assert found(s, "date:..2023-12-31 survey") == []
    assert found(s, "date:1970..2023") == ["2401.00001"]
    assert found(s, "-date:..2023") == ["2401.00003", "2401.00002"]
    s.close()


def test_a_tag_is_searched_as_saving_stores_it(store):
    # Found by a bug hunt: `+'old stuff'` is saved as old-stuff, and
    # tag:"old stuff" found nothing.
    store.edit_tags(["2401.00001"], add=["old stuff"])
    assert store.all_tags() == [("old-stuff", 1)]
    for query in ('tag:"old stuff"', 'tag:"Old   Stuff"', "tag:old-stuff", 'tag:"+old stuff"'):
        assert found(store, query) == ["2401.00001"], query
    assert found(store, '-tag:"old stuff"') == ["2401.00002"]
    assert found(store, 'tag:"old stuff" OR survey') == ["2401.00001", "2401.00002"]
