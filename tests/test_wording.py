"""Counts told in words, the one way every message says them."""

from __future__ import annotations

import pytest

from tui_digest.core.wording import counted, plural


@pytest.mark.parametrize(
    ("n", "said"), [(0, "0 papers"), (1, "1 paper"), (2, "2 papers"), (12000, "12,000 papers")]
)
def test_counted(n, said):
    assert counted(n, "paper") == said


def test_plural_keeps_the_words_before_the_noun():
    assert counted(1, "missed day") == "1 missed day"
    assert plural(3, "source") == "sources" and plural(1, "source") == "source"
