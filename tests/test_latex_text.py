"""Inline LaTeX shown readably in the reader; whatever is not understood stays as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_digest.core.latex_text import readable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # From the issue
        ("Accuracy up by 3$^2$ points", "Accuracy up by 3² points"),
        (r"\alpha-blending", "α-blending"),
        (r"Vision\mbox{-}Language", "Vision-Language"),
        # arXiv titles
        (r"Pok\'eLLMon: Pok\'emon Battles", "PokéLLMon: Pokémon Battles"),
        (r"$TCP\_\alpha$: congestion", "TCP_α: congestion"),
        (r"$O(n \log n)$ time", "O(n log n) time"),
        (r"$\mathcal{O}(n^2)$", "O(n²)"),
        (r"$10^{-3}$ and $H_2O$", "10⁻³ and H₂O"),
        (r"$x_{ij}$, $\ell_1$, $\mathbb{R}^d$", "xᵢⱼ, ℓ₁, ℝᵈ"),
        (r"$\sim$10\% faster", "∼10% faster"),
        (r"$\leq 5$ and $\geq 2$ and $a \times b$", "≤ 5 and ≥ 2 and a × b"),
        (r"$\frac{1}{2}$ and $\sqrt{n}$", "1/2 and √n"),
        (r"$\left(x\right)$", "(x)"),
        (r"$90^\circ$", "90°"),
        # Accents in names, with and without braces
        (r"Gr{\"o}bner, Erd\H{o}s, Fran\c{c}ois", "Gröbner, Erdős, François"),
        (r"Jos\'{e}, Ho\`{a}ng", "José, Hoàng"),
        (r"Bj\o rn \AA ngstr\"om", "Bjørn Ångström"),
        # Not understood: kept exactly as written
        (r"$\unknown x$ stays", r"$\unknown x$ stays"),
        (r"$a & b$", r"$a & b$"),
        (r"$x^{\heartsuit}$", r"$x^{\heartsuit}$"),
        (r"\cite{x} and \alpha", r"\cite{x} and α"),
        ("costs $5 and more", "costs $5 and more"),
        ("no latex at all, 中文也不变", "no latex at all, 中文也不变"),
        (r"escaped \$5 is a dollar", "escaped $5 is a dollar"),
        ("trailing \\", "trailing \\"),
        ("~10x faster", "~10x faster"),
    ],
)  # fmt: skip
def test_readable(text, shown):
    assert readable(text) == shown


@given(st.text())
def test_never_raises_and_text_without_latex_is_unchanged(text):
    shown = readable(text)
    if "\\" not in text and "$" not in text:
        assert shown == text


@given(st.text(alphabet="$\\{}^_ab1 'αx", max_size=40))
def test_latex_like_noise_never_raises_or_grows_without_bound(text):
    assert len(readable(text)) <= 2 * len(text) + 2


def test_deep_nesting_is_kept_as_written_instead_of_recursing():
    deep_math = "$" + "{" * 5000 + "x" + "}" * 5000 + "$"
    assert readable(deep_math) == deep_math
    deep_text = "\\mbox{" * 5000 + "x" + "}" * 5000
    # The outer eight are read, the rest is left as written.
    assert readable(deep_text) == "\\mbox{" * 4992 + "x" + "}" * 4992
    assert readable("{\\'" * 10_000) == "{\\'" * 10_000
