"""Highlighting: a query's words as spans of the displayed text (issue 10 req 6)."""

from __future__ import annotations

import pytest

from tui_digest.core.highlight import NO_MATCH, matcher


def marked(query: str, text: str) -> list[str]:
    return [text[a:b] for a, b in matcher(query).spans(text)]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # A word is a prefix of a word, case ignored; the matched prefix only.
        ("diffus", "Diffusion models and diffusion", ["Diffus", "diffus"]),
        ("model", "Large Language Models; remodel", ["Model"]),
        # Chinese: where the characters occur together.
        ("遗忘", "缓解灾难性遗忘与遗 忘", ["遗忘"]),
        ("扩散模型", "新的扩散模型。扩散", ["扩散模型"]),
        ("模", "大型语言模型", ["模"]),
        # Both languages, several words, OR alternatives.
        ("diffusion OR 扩散", "Diffusion 扩散模型", ["Diffusion", "扩散"]),
        (
            "agent (planning OR 规划) -survey",
            "Agent survey of 规划 planning",
            ["Agent", "规划", "planning"],
        ),
        # A phrase: whole words except the last, which is a prefix.
        ('"language mod"', "language modelling languages", ["language", "mod"]),
        # Field qualifiers highlight their word; excluded words and filters do not.
        ("ti:graph -survey is:unread date:2024", "graph survey 2024", ["graph"]),
        ("-(robot OR arm) policy", "robot arm policy", ["policy"]),
        # Latin next to Chinese is a word start; inside a word it is not.
        ("gpt", "用GPT做 ChatGPT", ["GPT"]),
        # Overlapping matches merge into one span.
        ("diff diffusion", "diffusion", ["diffusion"]),
        ("", "anything", []),
        ('"unclosed', "unclosed", []),
    ],
)
def test_spans(query, text, expected):
    assert marked(query, text) == expected


def test_spans_are_offsets_of_the_text_as_displayed():
    text = "Ｄiffusion and 扩散"  # a fullwidth letter is not folded away
    spans = matcher("扩散").spans(text)
    assert spans == [(text.index("扩"), text.index("扩") + 2)]
    assert matcher("is:unread") is not None and not matcher("is:unread")
    assert NO_MATCH.spans("x") == []
