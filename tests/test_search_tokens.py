"""index_pair must equal its definition: a contentless FTS5 delete repeats its tokens.

The text column exactly; the prefix column as a set of distinct tokens (its
order means nothing: it is matched one token at a time, and a delete marks
each term of the row deleted whatever its position), in an order that is
deterministic across processes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core.fts_fold import fts_fold
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


def same_pair(got: tuple[str, str], want: tuple[str, str]) -> bool:
    """The same text column, and the same prefix tokens, each once.

    `want` is a reference tokeniser's, which left folding to FTS5's unicode61:
    it is compared folded as the store now folds (`fts_fold`, tested against
    unicode61 itself in tests/test_fts_fold.py). Folding may make two prefixes
    one ("ré" and "re"), as unicode61 did.
    """
    from tui_digest.core.fts_fold import fts_fold, needs_fold

    prefixes = got[1].split()
    if not needs_fold(want[1]):
        assert len(prefixes) == len(set(prefixes)), got[1]  # a repeat would change bm25
    assert want[1].split() == sorted(want[1].split())
    return got[0] == fts_fold(want[0]) and sorted(prefixes) == sorted(fts_fold(want[1]).split())


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT, max_size=4))
def test_index_pair_matches_its_definition(texts):
    assert same_pair(index_pair(*texts), definition(*texts))


def test_examples():
    # The prefix column in first-appearance order: the CJK characters, then
    # each word's 3-, 2- and 1-character prefixes.
    assert index_pair("Diffusion-based 遗忘机制") == (
        "diffusion based 遗忘 忘机 机制 制",
        "遗 忘 机 制 dif di d bas ba b",
    )
    assert index_pair("a b ab abc abcd") == ("a b ab abc abcd", "a b ab abc")


def test_prefix_column_is_the_same_in_every_process():
    """Deterministic whatever PYTHONHASHSEED: a delete written by another
    process must name the same tokens, and a cache built twice is the same."""
    import os
    import subprocess
    import sys

    code = (
        "from tui_digest.core.search_tokens import index_pair;"
        "print(index_pair('Diffusion models 遗忘机制 for LLM', 'Résumé 模型 Straße x1 ab'))"
    )
    outs = set()
    for seed in ("0", "1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        outs.add(out.stdout)
    assert len(outs) == 1, outs


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


# What the rewritten tokeniser must treat exactly as before: full-width
# punctuation and letters, ligatures, combining marks, kana marks and the
# middle dot, Bopomofo (a word script beyond U+3040 that is not CJK), Greek
# final sigma, dotted I, sharp s, an unassigned code point in a CJK range.
MIXED = st.text(
    alphabet="aB z09_-.,é\u0301模型遗忘机制，。：；（）！？“”"
    "Ａｂ１ﬁ①ｶﾞ한국어ー・゛ㄅㄆΣσςİßẞ\u3097\U00020001 \n",
    max_size=60,
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(MIXED, max_size=4))
def test_index_pair_tokenises_as_the_reference(texts):
    """The cheaper tokeniser (issue 13 req 1) writes the index it wrote before."""
    import tokens_reference as ref
    from tui_digest.core.search_tokens import _normalise

    latin: set[str] = set()
    ref_latin: set[str] = set()
    assert same_pair(index_pair(*texts, latin=latin), ref.index_pair(*texts, latin=ref_latin))
    assert latin == ref_latin
    for text in texts:
        assert _normalise(text) == ref._normalise(text)


def test_full_width_pairs_are_nfkc():
    import unicodedata

    from tui_digest.core.search_tokens import FULL_WIDTH

    for wide, narrow in FULL_WIDTH:
        assert unicodedata.normalize("NFKC", wide) == narrow != wide


def _paper_texts(papers):
    for p in papers:
        yield (p.title_en, p.title_zh)
        yield (p.summary_zh, p.abstract_en, p.abstract_zh)
        yield tuple(p.authors)
        yield tuple(p.categories)
        yield (p.id,)


def _assert_identical(papers) -> int:
    import tokens_reference as ref

    n = 0
    for texts in _paper_texts(papers):
        assert same_pair(index_pair(*texts), ref.index_pair(*texts)), texts
        n += 1
    return n


def test_generated_papers_tokenise_as_before():
    """Real-shaped text: `benchmarks/generate.py`'s bilingual papers."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    papers = [p for d in generate.iter_digests(300, seed=7) for p in d.papers]
    assert _assert_identical(papers) >= 1500


def test_real_samples_tokenise_as_before(samples):
    """The real digests in ../shared/samples (skipped without them)."""
    from tui_digest.core.digest_format import read_digest

    papers = []
    for path in sorted(samples.glob("digest-*.md")):
        papers += read_digest(path.read_bytes(), source=str(path)).digest.papers
    assert len(papers) > 700
    _assert_identical(papers)


def test_long_terms_of_many_papers_are_the_union_of_each_papers_terms():
    """The importer folds a batch's words once: the same `terms` as paper by paper."""
    from tui_digest.core.model import Paper
    from tui_digest.core.search_index import long_terms
    from tui_digest.core.store.rows import search_values_terms, search_values_words

    papers = [
        Paper(id="2401.00001", title_en="Résumé Models", abstract_en="Diffusion ＡＢＣＤ models"),
        Paper(
            id="2401.00002",
            title_zh="模型",
            abstract_en="resume diffusion Straße",
            authors=["Jörg Ölz"],
        ),
    ]
    latin: set[str] = set()
    rows = [search_values_words(p, latin) for p in papers]
    each = [search_values_terms(p) for p in papers]
    assert rows == [row for row, _ in each]
    assert long_terms(latin) == set().union(*(terms for _, terms in each))
    assert {"resume", "diffusion", "abcd", "strasse", "jorg"} <= long_terms(latin)


def test_code_point_array_is_four_bytes():
    """`_joined_tokens` writes UTF-32 code units into an `array("I")`."""
    from array import array

    assert array("I").itemsize == 4


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=4), st.lists(TEXT, max_size=3))
def test_authors_and_categories_tokenise_as_separate_texts(authors, categories):
    """Layout 1 tokenises each list as one space-joined text: the same columns.
    Layout 2 keeps each author's tokens apart (`APART` between two names that
    have any), and its categories as layout 1's."""
    import tokens_reference as ref
    from tui_digest.core.search_index import search_row_lists
    from tui_digest.core.search_tokens import APART

    ref_latin: set[str] = set()
    au, pau = ref.index_pair(*authors, latin=ref_latin)
    ca, pca = ref.index_pair(*categories, latin=ref_latin)
    names = [ref.index_pair(a)[0] for a in authors]
    for layout in (1, 2):
        latin: set[str] = set()
        row = search_row_lists("", "", "", "", "", "", "", authors, categories, "", latin=latin,
                               layout=layout)  # fmt: skip
        if layout == 2:
            assert row[2] == f" {APART} ".join(fts_fold(n) for n in names if n)
            assert same_pair((row[2].replace(f" {APART}", ""), row[8]), (au, pau))
        else:
            assert same_pair((row[2], row[8]), (au, pau))
        assert same_pair((row[3], row[9]), (ca, pca))
        assert latin == ref_latin
