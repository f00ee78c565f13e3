"""Titles, summaries, abstracts and authors are searched as the reader shows them.

The reader makes simple inline LaTeX readable (`core.latex_text`): `na\\"ive` is
shown as naïve, `$\\theta$` as θ, `\\textit{segment}` as segment. Indexed only
as written, those words were not there to find (`na ive`, `theta`, `textit
segment`). Row layout 2 indexes the shown text, then the written words it
lacks, apart (`search_index._shown_pair`). The texts below are from the real
digests in ../shared/samples (cs.AI 2023-07-27, cs.LG 2024-02-06).
"""

from __future__ import annotations

import pytest

from tui_digest.core.latex_text import readable
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

NAIVE = Paper(
    id="2401.00001",
    title_en="Adjoint sensitivity for diffusion models",
    abstract_en=(
        "The sampling procedure of DPMs involves recursive calls to the denoising UNet, "
        'na\\"ive gradient backpropagation requires storing the intermediate states.'
    ),
    authors=['Kurt G\\"odel'],
)
THETA = Paper(
    id="2401.00002",
    title_en="$\\alpha$-Divergence Loss Function for Neural Density Ratio Estimation",
    title_zh="用于神经密度比估计的$\\alpha$-散度损失函数",
    abstract_en="We learn $\\boldsymbol{\\theta}$ with an $\\ell_0$ penalty.",
    summary_en="A model that `selects' the right \\textit{segment} of the input.",
)
PLAIN = Paper(
    id="2401.00003",
    title_en="Naive Bayes revisited",
    abstract_en="Alpha blending of the right segments; theta functions.",
)
# Operator names are shown apart from their operands (`n log n`, found by a bug hunt).
SORTING = Paper(
    id="2401.00004",
    title_en="Fast Sorting in $O(n\\log n)$ Time for $k\\log k$ Heaps",
    abstract_en="Cuts the cost from $0.50 to $0.05 per query; $\\log\\log n$ rounds.",
)

# query -> the papers that show it (as the reader shows them: `readable`)
SHOWN = {
    "naïve": [NAIVE, PLAIN],  # (accents are ignored, as everywhere)
    '"naive gradient"': [NAIVE],
    '"naïve gradient backpropagation"': [NAIVE],
    "gödel": [NAIVE],
    'au:"kurt godel"': [NAIVE],
    "α": [THETA],
    "α-divergence": [THETA],
    '"α divergence loss"': [THETA],
    "ti:α-散度": [THETA],
    "θ": [THETA],
    "ℓ₀": [THETA],
    '"the right segment"': [THETA],
    # The words as written still find what they found before.
    "alpha": [THETA, PLAIN],
    "theta": [THETA, PLAIN],
    "textit": [THETA],
    "godel": [NAIVE],
    '"right segment"': [THETA],
    # No phrase runs from the shown text into the written words.
    '"input textit"': [],
    '"backpropagation na"': [],
    '"n log n"': [SORTING],
    '"k log k"': [SORTING],
    '"log log n rounds"': [SORTING],
    "nlog": [],
    "ti:loglog": [],
}


def _ids(papers: list[Paper]) -> list[str]:
    return sorted(p.id for p in papers)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    with Store.open(tmp_path_factory.mktemp("latex") / "c.db") as s:
        s.import_digest(Digest("d1", date="2024-01-01", papers=[NAIVE, THETA, PLAIN, SORTING]))
        yield s


def test_the_texts_show_those_words():
    assert "naïve gradient" in readable(NAIVE.abstract_en)
    assert readable(NAIVE.authors[0]) == "Kurt Gödel"
    assert readable(THETA.title_en).startswith("α-Divergence")
    assert "θ with an ℓ₀ penalty" in readable(THETA.abstract_en)
    assert "the right segment of" in readable(THETA.summary_en)
    assert readable(SORTING.title_en) == "Fast Sorting in O(n log n) Time for k log k Heaps"
    assert readable(SORTING.abstract_en).startswith("Cuts the cost from $0.50 to $0.05 per")


@pytest.mark.parametrize(("query", "papers"), SHOWN.items())
def test_what_the_reader_shows_is_found(store, query, papers):
    assert sorted(r.id for r in store.search(query, limit=10)) == _ids(papers)


def test_relevance_and_reindex_keep_the_answers(store):
    assert [r.id for r in store.search("θ sort:relevance")] == [THETA.id]
    before = {q: sorted(r.id for r in store.search(q, limit=10)) for q in SHOWN}
    store.reindex()  # the rows made from the papers table: the same
    assert {q: sorted(r.id for r in store.search(q, limit=10)) for q in SHOWN} == before
