"""Chinese words a query separates that a text may write together (found by a
bug hunt: `"扩散 模型"`, `扩散,模型` and `扩散，模型` found nothing, though
papers hold 扩散模型; the Latin `diffusion,model` finds "diffusion model").

Chinese has no spaces: the index cuts a run into pairs (扩散模型: 扩散 散模
模型 型), and text with a comma between (扩散，模型) into two runs (扩散 散 模型
型). A query's gap between two Chinese runs stands for either, as a gap
between Latin words stands for a space, a hyphen or a comma.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import AnyOf, Term, parse_query
from tui_digest.core.search_tokens import cjk_gap_variants
from tui_digest.core.store import Store

PAPERS = [
    Paper(
        id="2401.00001", title_zh="扩散变换器", abstract_zh="本文提出基于Transformer的扩散模型。"
    ),
    Paper(id="2401.00002", title_zh="综述", abstract_zh="扩散，模型与指导调整方法，通过重放。"),
    Paper(id="2401.00003", title_zh="规划", abstract_zh="甲乙，丙丁，戊己，庚辛，壬癸。"),
    Paper(id="2401.00004", title_zh="其他", abstract_zh="甲乙丙丁戊己庚辛壬癸。"),
    Paper(id="2401.00005", title_zh="模型", abstract_zh="扩散的模型。", abstract_en="Diffusion."),
]
ONE, TWO, THREE, FOUR, FIVE = (p.id for p in PAPERS)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "c.db")
    s.import_digest(Digest("d1", date="2024-01-02", papers=PAPERS))
    yield s
    s.close()


def found(store: Store, query: str) -> list[str]:
    rows = store.search(query)
    assert store.count(query) == len(rows)
    return sorted(r.id for r in rows)


@pytest.mark.parametrize(
    "query",
    ['"扩散 模型"', "扩散,模型", "扩散，模型", "扩散、模型", "“扩散　模型”", "扩散;模"],
)
def test_chinese_words_apart_in_the_query_find_them_together_or_apart(store, query):
    assert found(store, query) == [ONE, TWO]


def test_each_gap_stands_for_either_form(store):
    # 指导调整方法，通过: two gaps written together, one with a comma.
    assert found(store, '"指导 调整 方法 通过"') == [TWO]
    assert found(store, "ti:扩散,变换器") == [ONE]
    assert found(store, '"基于transformer的扩散 模型"') == [ONE]
    # Without a gap the run is one word, as before: the comma is not bridged.
    assert found(store, "扩散模型") == [ONE]
    assert found(store, "方法通过") == []
    assert found(store, '-"扩散 模型" -综述') == [THREE, FOUR, FIVE]
    assert found(store, '"扩散 模型" OR 规划') == [ONE, TWO, THREE]


def test_many_gaps_find_the_text_as_typed_or_all_together(store):
    # Past `MAX_GAPS` gaps (a pasted sentence), not every mix of the two.
    assert found(store, "甲乙，丙丁，戊己，庚辛，壬癸") == [THREE, FOUR]
    assert found(store, '"甲乙 丙丁 戊己 庚辛 壬癸"') == [THREE, FOUR]
    assert found(store, "甲乙丙丁戊己庚辛壬癸") == [FOUR]


def test_notes_are_matched_alike(store):
    store.set_note(FIVE, "关于扩散模型的笔记")
    assert found(store, 'note:"扩散 模型"') == [FIVE]
    assert found(store, "note:扩散,模型") == [FIVE]
    assert found(store, '"扩散 模型"') == [ONE, TWO, FIVE]


def shape(node: Term | AnyOf) -> tuple:
    if isinstance(node, Term):
        return (node.text, node.field, node.phrase, node.negated)
    return (node.negated, [[shape(m) for m in option] for option in node.options])


def test_a_gap_becomes_a_group_of_the_forms():
    (group,) = parse_query('ti:"扩散 模型"').groups
    assert shape(group) == (
        False,
        [[("扩散 模型", "ti", True, False)], [("扩散模型", "ti", True, False)]],
    )
    (group,) = parse_query("-扩散,模型").groups
    assert shape(group) == (
        True,
        [[("扩散,模型", None, False, False)], [("扩散模型", None, False, False)]],
    )
    q = parse_query("diffusion,model 扩散模型")
    assert [shape(t) for t in q.terms] == [
        ("diffusion,model", None, False, False),
        ("扩散模型", None, False, False),
    ]
    assert not q.groups


def test_gap_variants():
    assert cjk_gap_variants("扩散 模型") == ["扩散模型"]
    assert cjk_gap_variants("扩散模型") == []
    assert cjk_gap_variants("GPT 模型") == []
    assert cjk_gap_variants("甲 乙，丙") == ["甲乙 丙", "甲 乙丙", "甲乙丙"]
    assert cjk_gap_variants("甲 乙 丙 丁 戊") == ["甲乙丙丁戊"]
