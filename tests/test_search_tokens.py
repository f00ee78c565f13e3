"""index_pair must equal its definition exactly: a contentless FTS5 delete repeats it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core.search_tokens import index_pair, is_cjk_run, tokens

TEXT = st.text(alphabet="ab c1_-é模型遗忘ｶﾞ한국어ーＡ .\u3042\U00020001\n", max_size=40)


def definition(*texts: str) -> tuple[str, str]:
    toks = [t for text in texts for t in tokens(text)]
    short: set[str] = set()
    for t in toks:
        if is_cjk_run(t):
            short.update(t)  # every CJK character
        else:
            short.update((t[:1], t[:2], t[:3]))  # 1-3 character prefixes
    return " ".join(toks), " ".join(sorted(short))


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT, max_size=4))
def test_index_pair_matches_its_definition(texts):
    assert index_pair(*texts) == definition(*texts)


def test_examples():
    assert index_pair("Diffusion-based 遗忘机制") == (
        "diffusion based 遗忘 忘机 机制 制",
        "b ba bas d di dif 制 忘 机 遗",
    )
