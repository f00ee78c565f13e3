"""index_pair must equal its definition exactly: a contentless FTS5 delete repeats it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core.search_tokens import index_pair, is_cjk_run, tokens

TEXT = st.text(alphabet="ab c1_-é模型遗忘ｶﾞ한국어ーＡ .\u3042\U00020001\nß\u0301・ﬁ", max_size=40)


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


@settings(max_examples=300, deadline=None)
@given(
    st.lists(TEXT, min_size=6, max_size=6), st.lists(TEXT, max_size=3), st.lists(TEXT, max_size=3)
)
def test_one_pass_row_and_terms_equal_the_row_and_its_terms(fields, authors, categories):
    """The importer's single tokenising pass gives the same row and `terms` as before."""
    from tui_digest.core.model import Paper
    from tui_digest.core.schema import row_terms
    from tui_digest.core.store.rows import search_values, search_values_terms

    p = Paper(
        id=fields[0],
        title_en=fields[1],
        title_zh=fields[2],
        summary_zh=fields[3],
        abstract_en=fields[4],
        abstract_zh=fields[5],
        authors=authors,
        categories=categories,
        announce_type="replace-cross",
    )
    row = search_values(p)
    assert search_values_terms(p) == (row, row_terms(row))
