"""The prompt we send and the checks the model's answer must pass."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_digest.core.model import Paper
from tui_digest.translate import prompt
from tui_digest.translate.prompt import MalformedAnswer, parse_answer

GOOD = {"title_zh": "标题", "summary_zh": "本文提出一种方法。", "abstract_zh": "摘要全文。"}


def paper(**kw) -> Paper:
    base = {"id": "2404.00026", "title_en": "Ink and Ideas", "abstract_en": "We study ink."}
    return Paper(**{**base, **kw})


def test_messages_carry_title_and_abstract_as_json() -> None:
    messages = prompt.build_messages(paper(title_en='A "quoted" title', abstract_en="Line 1\nL2"))
    assert [m["role"] for m in messages] == ["system", "user"]
    assert '"title_zh"' in messages[0]["content"] and "ONE" in messages[0]["content"]
    user = messages[1]["content"]
    embedded = json.loads(user[user.index("{") :])
    assert embedded == {
        "arxiv_id": "2404.00026",
        "title": 'A "quoted" title',
        "abstract": "Line 1\nL2",
    }


def test_long_abstract_is_cut_in_the_prompt() -> None:
    user = prompt.build_messages(paper(abstract_en="x" * 50_000))[1]["content"]
    assert len(user) < prompt.MAX_PROMPT_ABSTRACT + 500


def test_request_body() -> None:
    body = prompt.build_request("m1", prompt.build_messages(paper()))
    assert body["model"] == "m1" and len(body["messages"]) == 2
    assert "response_format" not in body


def test_good_answer_plain_and_fenced() -> None:
    text = json.dumps(GOOD, ensure_ascii=False)
    for content in (text, f"```json\n{text}\n```", f"```\n{text}\n```", f"\n  {text}  \n"):
        t = parse_answer(content)
        assert t.fields() == GOOD


def test_answer_is_cleaned() -> None:
    dirty = {
        "title_zh": "标题\x1b[31m红\n第二行",
        "summary_zh": "一句\u202e话。",
        "abstract_zh": "第一段\r\n第二段\x07",
    }
    t = parse_answer(json.dumps(dirty, ensure_ascii=False))
    assert t.title_zh == "标题[31m红 第二行"
    assert t.summary_zh == "一句话。"
    assert t.abstract_zh == "第一段\n第二段"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty answer"),
        ("Sure, here it is", "not JSON"),
        ("[1, 2]", "not an object"),
        (json.dumps({"title_zh": "标题", "summary_zh": "一句。"}), "missing abstract_zh"),
        (json.dumps({**GOOD, "summary_zh": 3}), "summary_zh is not a string"),
        (json.dumps({**GOOD, "title_zh": "  "}), "title_zh is empty"),
        (json.dumps({**GOOD, "title_zh": "\x1b\x07"}), "title_zh is empty"),
        (json.dumps({**GOOD, "abstract_zh": "An English echo."}), "abstract_zh has no Chinese"),
        ("```json\nnot json\n```", "not JSON"),
    ],
)
def test_malformed_answers(content, problem) -> None:
    with pytest.raises(MalformedAnswer, match=problem):
        parse_answer(content)


def test_empty_abstract_allowed_only_when_the_paper_has_none() -> None:
    content = json.dumps({**GOOD, "abstract_zh": ""}, ensure_ascii=False)
    with pytest.raises(MalformedAnswer):
        parse_answer(content)
    t = parse_answer(content, needs_abstract=False)
    assert t.fields() == {"title_zh": "标题", "summary_zh": "本文提出一种方法。"}


def test_completion_content_and_usage() -> None:
    response = {
        "choices": [{"message": {"role": "assistant", "content": "x"}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5},
    }
    assert prompt.completion_content(response) == "x"
    assert prompt.usage_of(response) == (12, 5)
    # (None: the server counted nothing; tests/test_translate_no_usage.py)
    assert prompt.usage_of({"usage": {"prompt_tokens": "12", "completion_tokens": True}}) is None
    assert prompt.usage_of([]) is None
    for bad in ({}, {"choices": []}, {"choices": [{"message": {"content": None}}]}):
        with pytest.raises(MalformedAnswer):
            prompt.completion_content(bad)


def test_retry_messages_echo_the_bad_answer_and_the_problem() -> None:
    first = prompt.build_messages(paper())
    again = prompt.retry_messages(first, "oops" * 2000, "not JSON")
    assert again[:2] == first
    assert again[2]["role"] == "assistant" and len(again[2]["content"]) == prompt.MAX_ECHOED_REPLY
    assert "not JSON" in again[3]["content"]


@given(st.text(max_size=300))
def test_any_text_is_either_a_clean_translation_or_malformed(text) -> None:
    try:
        t = parse_answer(text)
    except MalformedAnswer:
        return
    for value in t.fields().values():
        assert value == value.strip() and not any(ord(c) < 32 and c not in "\n\t" for c in value)


@given(
    st.fixed_dictionaries(
        {k: st.text(alphabet="标题摘要 ab\n\x1b", min_size=0, max_size=30) for k in prompt.FIELDS}
    )
)
def test_json_answers_never_store_controls_or_empty_fields(fields) -> None:
    try:
        t = parse_answer(json.dumps(fields, ensure_ascii=False))
    except MalformedAnswer:
        # Refused only for a field without Chinese, or mostly Latin letters ("aaaaa摘").
        assert any(
            not prompt._CJK_RE.search(v) or prompt.not_chinese(v, prompt.LATIN_PER_IDEOGRAPH)
            for v in fields.values()
        )
        return
    assert all(t.fields()[k] for k in prompt.FIELDS)
    assert "\x1b" not in t.title_zh + t.summary_zh + t.abstract_zh
    assert "\n" not in t.title_zh + t.summary_zh


# --- an answer in another language (bug hunt) ----------------------------------------


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title_zh", "大規模言語モデルの研究"),  # Japanese: kana among the ideographs
        ("summary_zh", "これは論文です。研究"),
        ("title_zh", "대규모 언어 모델 연구 的"),  # Korean, one stray ideograph
        ("abstract_zh", "Title: An English abstract 的"),  # English, one stray ideograph
        ("abstract_zh", "We propose a new method for training language models 模型."),
    ],
)
def test_an_answer_that_is_not_chinese_is_refused(field: str, text: str) -> None:
    """Found by a bug hunt: one ideograph anywhere passed, so a Japanese title and
    an English abstract with a stray 的 were stored as the Chinese translation,
    marked done and never retried."""
    fields = {"title_zh": "标题", "summary_zh": "本文提出一种方法。", "abstract_zh": "摘要全文。"}
    fields[field] = text
    with pytest.raises(MalformedAnswer, match=rf"{field} is not Chinese"):
        prompt.check_fields(fields)


def test_a_title_keeping_a_long_english_name_is_chinese() -> None:
    """A real human title of the cs.CV samples (7 Latin letters per ideograph):
    refused as "mostly Latin letters" with the abstracts' limit (review)."""
    title = "SAMM（Segment Any Medical Model）：用于SAM的3D Slicer集成"
    fields = {"title_zh": title, "summary_zh": "本文提出一种方法。", "abstract_zh": "摘要全文。"}
    assert prompt.check_fields(fields).title_zh == title
    with pytest.raises(MalformedAnswer, match="title_zh is not Chinese"):
        prompt.check_fields({**fields, "title_zh": "Segment Any Medical Model for 3D Slicer 的"})


@pytest.mark.parametrize(
    "text",
    [
        "GPT-4技术报告",
        "SWE-bench：语言模型能否解决真实世界的GitHub问题？",
        "DeepSeek-Coder-V2：突破代码智能领域闭源模型的壁垒",
        "Llama 2：开放基础与微调聊天模型",
        "BERTScore：用BERT评估文本生成",
        r"我们证明了 $\mathbb{E}[\|\nabla f(x)\|^2] \le \epsilon$ 的收敛速率，"
        r"并用 \texttt{PyTorch} 在 ImageNet 上验证，代码见 https://github.com/example/repository。",
        "本文研究基于人类反馈的强化学习（RLHF）。",
    ],
)
def test_chinese_with_names_latex_and_links_is_accepted(text: str) -> None:
    fields = {"title_zh": text, "summary_zh": text, "abstract_zh": text}
    assert prompt.check_fields(fields).title_zh == text
