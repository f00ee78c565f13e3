"""A footnote label holding an invisible character (bug hunt `fuzz` #4b) is named
with the character escaped, so the user can find it: "[^8\\u202e] is not a
number" (it said "[^8] is not a number", the character dropped or printed
raw, invisible)."""

from __future__ import annotations

import pytest

from tui_digest.core.digest_format import read_digest

URL = "https://arxiv.org/abs/2403.10056"


def digest(label: str) -> str:
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        f"| [^8] | [A title]({URL}) | 摘要。 |\n\n# 详细\n\n"
        f"[^{label}]: 标题\n\n    A title\n\n    [{URL}]({URL})\n\n    摘要。\n"
    )


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("8\u202e", "[^8\\u202e]"),
        ("8\u200b", "[^8\\u200b]"),
        ("8\u2060", "[^8\\u2060]"),
        ("\U000e00418", "[^\\U000e0041" + "8]"),
        ("8\x1b", "[^8\\x1b]"),
        ("x", "[^x]"),
        ("八", "[^八]"),
    ],
)
def test_a_label_is_named_with_its_invisible_characters_escaped(label, shown):
    result = read_digest(digest(label).encode(), source="d.md")
    messages = [p.format("d.md") for p in result.problems]
    assert f"d.md:9: warning: footnote label {shown} is not a number; skipped" in messages
