"""Dropping the FTS5 column filter for some terms never changes what matches."""

from __future__ import annotations

import pytest

from tui_digest.core import query, query_fts
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

TEXTS = [
    ("Cross attention for replacement models", "跨注意力模型", "new"),
    ("Updated results on anything new", "更新的结果", "replace-cross"),
    ("A survey of GANs and ganglion cells", "神经网络综述", "cross"),
    ("Replace the model: crossing domains", "图神经网络模型", "replace"),
    ("Diffusion models any day", "扩散模型", "updated"),
    ("Neural nets", "网络", ""),
]
QUERIES = [
    "cross", "crossing", "replace", "replacement", "updated", "new", "any", "anything",
    "model", "models", "模型", "神经网络", "图神经网络", "网络", "网", "gan", '"gan"',
    '"cross attention"', "diffus", "-cross", "-模型 neural", "model -replace", "type:cross",
    "type:replace 模型", "ti:cross", "abs:模型", "survey -ganglion",
    # phrases: one token that only a text column holds is enough to drop it
    '"a survey of"', '"of gans"', '"the model"', '"any day"', '"replace cross"',
    '"cross attention for"', "-\"of gans\" survey", "ti:\"a survey\"", '"更新的"',
]  # fmt: skip


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "c.db")
    papers = [
        Paper(
            id=f"2401.{i:05d}",
            title_en=en,
            title_zh=zh,
            abstract_en=f"{en}. More text about {en.lower()}.",
            announce_type=kind,
        )
        for i, (en, zh, kind) in enumerate(TEXTS)
    ]
    s.import_digest(Digest("d", date="2024-01-01", papers=papers))
    yield s
    s.close()


@pytest.mark.parametrize("q", QUERIES)
def test_same_matches_with_and_without_the_column_filter(store, monkeypatch, q):
    fast = store.list_ids(q)
    monkeypatch.setattr(
        query_fts,
        "_columns",
        lambda fields, phrases: "{" + " ".join(fields) + "} : ",
    )
    assert store.list_ids(q) == fast


def test_type_words_are_not_matched_in_the_type_column(store):
    # "cross" as a word matches the two papers whose text has it, not every cross-list
    assert len(store.list_ids("cross")) == 2
    assert "{" in query_fts.fts_term(query.parse_query("cross").terms[0])
    assert "{" not in query_fts.fts_term(query.parse_query("模型").terms[0])


def test_a_phrase_with_one_text_only_token_has_no_filter():
    def term(text: str) -> str:
        return query_fts.fts_term(query.parse_query(text).terms[0])

    assert "{" not in term('"chain of thought"')  # "chain" is in no prefix column
    assert "{" in term('"of the"')  # both may be prefix tokens, adjacent there
    assert "{" in term('"replace cross"')  # both type words
