"""A server that counts no tokens: the report says so instead of "0 tokens, cost 0".

Found by a bug hunt: a server answering without `usage` (as some local servers
do), or with only `total_tokens`, made the summary say `tokens: 0 prompt + 0
completion = 0 in 1 request(s); estimated cost 0.0000`, and max_tokens_per_run
silently never stopped a run.
"""

from __future__ import annotations

import json

import pytest

from fake_llm_server import FakeLLM, Reply, Request, chinese_for
from translate_support import add_papers
from tui_digest.core.store import Store
from tui_digest.translate import prompt
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.runner import translate_papers


def answering(usage: object):
    """A handler translating each paper, its `usage` replaced (None: left out)."""

    def handle(request: Request) -> Reply:
        body = {
            "choices": [{"message": {"role": "assistant", "content": ""}}],
        }
        body["choices"][0]["message"]["content"] = json.dumps(
            chinese_for(request.paper), ensure_ascii=False
        )
        if usage is not None:
            body["usage"] = usage
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return handle


@pytest.fixture
def llm():
    with FakeLLM() as server:
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def config(base_url: str, **kw) -> TranslateConfig:
    return TranslateConfig(
        base_url=base_url,
        model="fake-model",
        enabled=True,
        prompt_price=0.15,
        completion_price=0.6,
        **kw,
    )


@pytest.mark.parametrize("usage", [None, {"total_tokens": 999}, {"prompt_tokens": "12"}])
async def test_no_token_counts_are_said_not_counted_as_zero(store, llm, usage) -> None:
    rowids = add_papers(store, 2)
    llm.handler = answering(usage)
    cfg = config(llm.base_url, concurrency=1, max_tokens_per_run=100)
    report = await translate_papers(store, rowids, cfg)
    assert report.done == 2  # (no ceiling could stop it: nothing was counted)
    summary = report.summary()
    assert "0 prompt + 0 completion" not in summary and "cost 0.0000" not in summary
    assert "the server reported no token counts for 2 answer(s)" in summary
    assert "cost unknown" in summary
    assert "max_tokens_per_run cannot apply: the server reports no token counts" in summary


async def test_some_answers_without_counts_make_the_cost_a_lower_bound(store, llm) -> None:
    rowids = add_papers(store, 2)
    counted = answering({"prompt_tokens": 100, "completion_tokens": 50})
    uncounted = answering(None)
    llm.handler = lambda r: counted(r) if r.paper["arxiv_id"].endswith("1") else uncounted(r)
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    summary = report.summary()
    assert "100 prompt + 50 completion = 150 in 2 request(s)" in summary
    assert "1 answer(s) without token counts" in summary
    assert "estimated cost at least 0.000045" in summary
    assert "max_tokens_per_run" not in summary  # (none configured)


async def test_counts_the_server_sent_are_as_before(store, llm) -> None:
    rowids = add_papers(store, 1)
    llm.handler = answering({"prompt_tokens": 1e3, "completion_tokens": 50})  # a float count
    report = await translate_papers(store, rowids, config(llm.base_url))
    summary = report.summary()
    assert "1000 prompt + 50 completion = 1050 in 1 request(s)" in summary
    assert "no token counts" not in summary and "estimated cost 0.00018" in summary


def test_usage_of_says_when_the_server_counted_nothing() -> None:
    assert prompt.usage_of({"usage": {"prompt_tokens": 12, "completion_tokens": 5}}) == (12, 5)
    assert prompt.usage_of({"usage": {"prompt_tokens": 12.0, "completion_tokens": 0}}) == (12, 0)
    for bad in (
        {},
        [],
        {"usage": None},
        {"usage": {"total_tokens": 999}},
        {"usage": {"prompt_tokens": "12", "completion_tokens": True}},
        {"usage": {"prompt_tokens": -1, "completion_tokens": 5}},
        {"usage": {"prompt_tokens": 1.5, "completion_tokens": 5}},
        {"usage": {"prompt_tokens": float("inf"), "completion_tokens": 5}},
    ):
        assert prompt.usage_of(bad) is None, bad
