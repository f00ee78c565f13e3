"""The feature rows: what they are made of, cosine = dot, stable across a reload."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from tui_digest.rank.features import (
    BLOCKS,
    PaperText,
    Vocabulary,
    document_frequency,
    idf_weights,
    project,
    raw_counts,
    weigh,
)

A = PaperText(
    1,
    title_en="Diffusion Models for Image Generation",
    abstract_en="We study the denoising diffusion sampler and its noise schedule.",
    title_zh="用于图像生成的扩散模型",
    abstract_zh="我们研究去噪扩散采样器（DDPM）。",
    authors=["Ada  Lovelace"],
    categories=["cs.CV"],
)
B = PaperText(2, title_en="Policy gradients", abstract_en="A reward for the agent.")
C = PaperText(3, title_zh="强化学习", categories=["cs.LG"])


def _columns(x, row: int, block: int) -> set[int]:
    lo, hi = BLOCKS[block]
    cols = x.indices[x.indptr[row] : x.indptr[row + 1]]
    return {int(c) for c in cols if lo <= c < hi}


def test_each_block_holds_its_own_language():
    vocab = Vocabulary()
    x = raw_counts([A, B, C], vocab)
    assert x.shape[0] == 3
    # English: no stop words ("we", "the", "for", "and", "its") in the vocabulary's kept ids
    kept = {w for w, stop in zip(vocab.words, vocab.stop, strict=True) if not stop}
    assert {b"diffusion", b"denoising", b"image"} <= kept
    assert not {b"we", b"the", b"for", b"its"} & kept
    # B has no Chinese, C no English; A has all three blocks.
    assert _columns(x, 0, 0) and _columns(x, 0, 1) and _columns(x, 0, 2)
    assert _columns(x, 1, 0) and not _columns(x, 1, 1) and not _columns(x, 1, 2)
    assert not _columns(x, 2, 0) and _columns(x, 2, 1) and _columns(x, 2, 2)
    # 强化学习 has three character pairs; Latin inside Chinese text adds none.
    assert len(_columns(x, 2, 1)) == 3


def test_rows_are_unit_length_and_project_is_the_dot_product():
    vocab = Vocabulary()
    x = raw_counts([A, B, C, A], vocab)
    idf = idf_weights(document_frequency(x), x.shape[0])
    w = weigh(x, idf)
    norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0, atol=1e-5)
    assert float((w[0] @ w[3].T).toarray()[0, 0]) == pytest.approx(1.0, abs=1e-5)
    assert float((w[0] @ w[1].T).toarray()[0, 0]) == pytest.approx(0.0, abs=1e-6)
    vec = np.random.default_rng(0).normal(size=x.shape[1]).astype(np.float32)
    assert np.allclose(project(x, idf, vec), w @ vec, atol=1e-4)


def test_a_saved_vocabulary_gives_the_same_rows():
    vocab = Vocabulary()
    first = raw_counts([A, B], vocab)
    again = Vocabulary.from_array(vocab.to_array())
    assert again.words == vocab.words
    second = raw_counts([B, A], again)
    assert (first[0] != second[1]).nnz == 0 and (first[1] != second[0]).nnz == 0


def test_counts_survive_the_one_byte_file_format():
    from tui_digest.rank.features import MAX_TF, damp, undamp

    tf = np.arange(1, MAX_TF + 1, dtype=np.float32)
    assert np.array_equal(undamp(damp(tf.copy())), tf.astype(np.uint8))
    many = PaperText(9, abstract_en="word " * 400)
    x = raw_counts([many], Vocabulary())
    assert float(x.data.max()) == pytest.approx(1 + np.log(MAX_TF))  # capped, not wrapped
