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


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Two currency dollars are not a formula (found by a bug hunt): Pandoc's
        # rule, a closing `$` neither after a space nor before a digit.
        ("Cuts cost from $0.50 to $0.05 per query", "Cuts cost from $0.50 to $0.05 per query"),
        ("GPT-4 costs $30/M tokens vs $60/M", "GPT-4 costs $30/M tokens vs $60/M"),
        ("between $100 and $200", "between $100 and $200"),
        ("Costs $5 and $10 per query", "Costs $5 and $10 per query"),
        ("$5-$10 per hour, $5/$10", "$5-$10 per hour, $5/$10"),
        ("Earn $1 Million", "Earn $1 Million"),
        # A price, then a formula: each read for what it is.
        (r"costs $5 while $\alpha$ stays", "costs $5 while α stays"),
        (r"a $5 budget and $x^2$ cost", "a $5 budget and x² cost"),
        # What authors write stays a formula: a space after a control word,
        # spaces on both sides (spaces TeX ignores, as at a formula's ends),
        # numbers in maths.
        (r"with $\epsilon $ error", "with ϵ error"),
        (r"with $ \alpha $ error", "with α error"),
        (r"$\alpha $-blending", "α-blending"),
        (r"in $2$ dimensions, $10^{-3}$", "in 2 dimensions, 10⁻³"),
    ],
)  # fmt: skip
def test_dollar_amounts_are_kept_and_formulas_still_read(text, shown):
    assert readable(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Operator names stand apart from their operands, as TeX sets them
        # (found by a bug hunt: `O(nlog n)`).
        (r"$O(n\log n)$", "O(n log n)"),
        (r"$k\log k$ heaps", "k log k heaps"),
        (r"$\log\log n$", "log log n"),
        (r"$n\log{n}$", "n log n"),
        (r"$2\max_i x_i$", "2 maxᵢ xᵢ"),
        (r"$\sin^2x$", "sin² x"),
        (r"$\operatorname{softmax}(z)$, $n\operatorname{polylog}n$", "softmax(z), n polylog n"),
        # ... but not from what encloses them or a sign before them.
        (r"$\log(n)$, $\exp(-x)$, $-\log p(x)$", "log(n), exp(-x), -log p(x)"),
        (r"$(\log n)$", "(log n)"),
        # Relations and binary operators: a space on both sides, or none.
        (r"$a\leq b$", "a ≤ b"),
        (r"$k\times k$", "k × k"),
        (r"$x\in X$, $f\colon$", r"x ∈ X, $f\colon$"),
        (r"$\mathbb{R}^d\to\mathbb{R}$", "ℝᵈ → ℝ"),
        (r"$x\leq-1$", "x ≤ -1"),
        (r"$x \leq y$", "x ≤ y"),
        (r"$a\leq(b)$", "a ≤ (b)"),
        # Alone or at an end, a sign has nothing to stand apart from.
        (r"3$\times$ faster, $\times 2$, $2\times$, $\pm$", "3× faster, × 2, 2×, ±"),
        (r"$\pm1$ and $a=\log n$", "±1 and a=log n"),
        # Scripts keep their characters together.
        (r"$x^{n-1}$, $2^{\log n}$", r"xⁿ⁻¹, $2^{\log n}$"),
    ],
)  # fmt: skip
def test_operators_and_relations_are_spaced_as_tex_sets_them(text, shown):
    assert readable(text) == shown
