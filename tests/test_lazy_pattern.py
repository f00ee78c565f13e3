"""LazyPattern: a regular expression compiled on first use behaves as the compiled one."""

from __future__ import annotations

import re

import pytest

from tui_digest.core.lazy_pattern import LazyPattern
from tui_digest.core.search_tokens import _WORD_RE, words

TEXT = "Sparse attention 稀疏注意力, café_au-lait x2"


@pytest.mark.parametrize("method", ["match", "fullmatch", "search", "findall", "split"])
def test_every_method_answers_as_the_compiled_pattern(method: str) -> None:
    lazy, compiled = LazyPattern(r"\w+", re.IGNORECASE), re.compile(r"\w+", re.IGNORECASE)
    first, expected = getattr(lazy, method)(TEXT), getattr(compiled, method)(TEXT)
    again = getattr(lazy, method)(TEXT)  # (now the compiled method itself)
    if isinstance(expected, re.Match):
        assert first is not None and again is not None
        assert (first.span(), again.span()) == (expected.span(), expected.span())
    else:
        assert first == again == expected


def test_sub_finditer_and_subn() -> None:
    lazy = LazyPattern(r"[aeiou]")
    assert lazy.sub("", "reader") == "rdr"
    assert lazy.subn("-", "reader") == ("r--d-r", 3)
    assert [m.start() for m in lazy.finditer("reader")] == [1, 2, 4]


def test_it_compiles_once_and_refuses_what_a_pattern_lacks() -> None:
    lazy = LazyPattern(r"x")
    assert "findall" not in vars(lazy)  # nothing compiled yet
    lazy.findall("xx")
    assert vars(lazy)["findall"].__self__ is vars(lazy)["sub"].__self__  # one compiled pattern
    with pytest.raises(AttributeError):
        lazy.no_such_method  # noqa: B018


def test_the_word_splitter_built_on_it_still_splits() -> None:
    assert words("Sparse attention 稀疏注意力, café_au") == [
        "sparse",
        "attention",
        "稀疏注意力",
        "café",
        "au",
    ]
    assert _WORD_RE.pattern.startswith("[")
