"""Paper text -> one sparse feature row per paper (both languages).

Three blocks of hashed columns:

- English words and adjacent word pairs of the title (counted twice) and the
  abstract, lowercased, split at anything that is not a letter or digit,
  English stop words (scikit-learn's list) and one-character words dropped
  (pairs are formed after dropping them, as scikit-learn does);
- Chinese character pairs of the Chinese title, summary and abstract (pairs
  of two Han/kana/Hangul characters: Chinese has no spaces, and a pair is what
  the search index also uses, `core.search_tokens`);
- categories and authors, one feature each.

Counts are damped (1 + log tf). `weigh` multiplies them by idf over the
cache, normalises and weights each block, and normalises the row, so the dot
product of two rows is their cosine similarity.

Written with NumPy over whole batches rather than scikit-learn's
`HashingVectorizer` (which tokenises in Python per document): 65k papers take
a few seconds instead of half a minute. Words get ids from a `Vocabulary`
that only grows and is saved with the features, so a paper's row never
changes once computed (features are cached and extended, not rebuilt).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

EN_DIM, ZH_DIM, META_DIM = 1 << 19, 1 << 18, 1 << 16
DIM = EN_DIM + ZH_DIM + META_DIM
BLOCKS = ((0, EN_DIM), (EN_DIM, EN_DIM + ZH_DIM), (EN_DIM + ZH_DIM, DIM))
# How much each block counts in the row: English carries most of the meaning
# (the Chinese fields are mostly its translation); authors and categories are
# few but telling. Measured with benchmarks/foryou.py on the real samples
# (mean precision@20 at N = 20): 1/1/1 0.64, 1/0.8/0.6 0.68, 1/0.5/0.3 0.75,
# 1/0.3/0.2 0.78. Its topics are defined by English words, which favours
# English, so Chinese keeps a real share here: papers without English (and
# Chinese-only queries of similarity) depend on it.
BLOCK_WEIGHTS = (1.0, 0.5, 0.3)
MAX_TF = 255  # counts are capped here (the features file keeps one byte a count)

# Multiplicative hashing constants (odd 64-bit, from splitmix64).
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xBF58476D1CE4E5B9)

# Bytes that end an English word: everything but ASCII letters and digits;
# bytes >= 128 (UTF-8 of accented letters) stay inside words.
_SPLIT = bytes(
    b if (48 <= b <= 57 or 97 <= b <= 122 or b >= 128) else (b + 32 if 65 <= b <= 90 else 32)
    for b in range(256)
)
# Han, kana, Hangul code point ranges (as `core.search_tokens`).
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)


@dataclass(slots=True)
class PaperText:
    """The fields the features are made of (one paper)."""

    pk: int
    title_en: str = ""
    abstract_en: str = ""
    title_zh: str = ""
    summary_zh: str = ""
    abstract_zh: str = ""
    authors: Sequence[str] = ()
    categories: Sequence[str] = ()


class Vocabulary:
    """word -> id, only ever growing; ids of stop words and 1-character words are 'stop'."""

    def __init__(self, words: Sequence[bytes] = ()) -> None:
        self._stop_words = {w.encode() for w in ENGLISH_STOP_WORDS}
        self.ids: defaultdict[bytes, int] = defaultdict(itertools.count().__next__)
        self.words: list[bytes] = []
        self.stop = np.zeros(0, bool)
        self.lookup(list(words))

    def to_array(self) -> np.ndarray:
        """The words as one array of bytes (newline-separated: no word holds one)."""
        return np.frombuffer(b"\n".join(self.words), np.uint8)

    @classmethod
    def from_array(cls, array: np.ndarray) -> Vocabulary:
        data = array.tobytes()
        return cls(data.split(b"\n") if data else [])

    def _sync(self) -> None:
        """Record the words added since the last call (ids are insertion order)."""
        if len(self.ids) == len(self.words):
            return
        new = list(itertools.islice(self.ids, len(self.words), None))
        self.words.extend(new)
        flags = np.fromiter(
            (len(w) < 2 or w in self._stop_words or w.isdigit() for w in new), bool, len(new)
        )
        self.stop = np.concatenate([self.stop, flags])

    def lookup(self, tokens: list[bytes]) -> np.ndarray:
        ids = np.fromiter(map(self.ids.__getitem__, tokens), np.int64, len(tokens))
        self._sync()
        return ids


def _hash(values: np.ndarray, dim: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = values.astype(np.uint64) * _K1
        h ^= h >> np.uint64(29)
        h *= _K2
        h ^= h >> np.uint64(32)
    return (h % np.uint64(dim)).astype(np.int64)


def _english(papers: Sequence[PaperText], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every English word and word pair occurrence."""
    tokens: list[bytes] = []
    lengths = np.empty(len(papers), np.int64)
    for i, p in enumerate(papers):
        text = f"{p.title_en} {p.title_en} {p.abstract_en}".encode("utf-8", "surrogatepass")
        words = text.translate(_SPLIT).split()
        tokens.extend(words)
        lengths[i] = len(words)
    ids = vocab.lookup(tokens)
    rows = np.repeat(np.arange(len(papers)), lengths)
    keep = ~vocab.stop[ids]
    ids, rows = ids[keep], rows[keep]
    uni = _hash(ids, EN_DIM)
    same_doc = rows[1:] == rows[:-1]
    pair_rows = rows[1:][same_doc]
    pairs = _hash(ids[:-1][same_doc] * (1 << 24) + ids[1:][same_doc] + 1, EN_DIM)
    return np.concatenate([rows, pair_rows]), np.concatenate([uni, pairs])


def _chinese(papers: Sequence[PaperText]) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every pair of adjacent CJK characters."""
    texts = [f"{p.title_zh}\n{p.summary_zh}\n{p.abstract_zh}\n" for p in papers]
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
    cjk = np.zeros(len(cps), bool)
    for lo, hi in _CJK_RANGES:
        cjk |= (cps >= lo) & (cps <= hi)
    both = cjk[:-1] & cjk[1:]  # never spans documents: each text ends with "\n"
    at = np.flatnonzero(both)
    rows = np.repeat(np.arange(len(papers)), lengths)[at]
    codes = cps[at].astype(np.uint64) * np.uint64(0x110000) + cps[at + 1]
    return rows, _hash(codes, ZH_DIM)


def _meta(papers: Sequence[PaperText], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    tokens: list[bytes] = []
    lengths = np.empty(len(papers), np.int64)
    for i, p in enumerate(papers):
        these = [("c:" + c.lower()).encode() for c in p.categories]
        these += [("a:" + " ".join(a.lower().split())).encode() for a in p.authors]
        tokens.extend(these)
        lengths[i] = len(these)
    ids = vocab.lookup(tokens)
    return np.repeat(np.arange(len(papers)), lengths), _hash(ids, META_DIM)


def raw_counts(papers: Sequence[PaperText], vocab: Vocabulary) -> sp.csr_matrix:
    """Damped term counts, one row per paper (no idf, not normalised)."""
    parts = [_english(papers, vocab), _chinese(papers), _meta(papers, vocab)]
    rows = np.concatenate([r for r, _ in parts])
    cols = np.concatenate([c + offset for (_, c), (offset, _) in zip(parts, BLOCKS, strict=True)])
    x = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(papers), DIM), dtype=np.float32
    )
    x.sum_duplicates()
    np.minimum(x.data, MAX_TF, out=x.data)  # what one byte a count in the file holds
    damp(x.data)
    return x


def damp(tf: np.ndarray) -> np.ndarray:
    """Term counts -> 1 + log(tf), in place when given float32 (as stored in a matrix)."""
    out = tf if tf.dtype == np.float32 else tf.astype(np.float32)
    np.log(out, out=out)
    out += 1.0
    return out


def undamp(values: np.ndarray) -> np.ndarray:
    """The inverse of `damp`, as the bytes the features file keeps (counts <= MAX_TF)."""
    return np.rint(np.exp(values - 1.0)).astype(np.uint8)


def document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    return np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)


def idf_weights(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed idf (scikit-learn's `TfidfTransformer` formula)."""
    return np.log((1.0 + n_docs) / (1.0 + df)).astype(np.float32) + 1.0


# The block of every column (0 English, 1 Chinese, 2 authors and categories).
_COLUMN_BLOCK = np.repeat(np.arange(len(BLOCKS), dtype=np.int64), [hi - lo for lo, hi in BLOCKS])


def _per_block(values: np.ndarray) -> np.ndarray:
    """DIM x blocks matrix holding `values[j]` in column j's block, zero elsewhere."""
    m = np.zeros((DIM, len(BLOCKS)), np.float32)
    m[np.arange(DIM), _COLUMN_BLOCK] = values
    return m


def row_scales(counts: sp.csr_matrix, idf: np.ndarray) -> np.ndarray:
    """rows x blocks: what each block's tf-idf values are multiplied by in `weigh`.

    Each block is normalised to its weight, then the row to length 1.
    """
    sq = np.asarray(counts.power(2) @ _per_block(idf**2), dtype=np.float64)
    norms = np.sqrt(sq)
    weights = np.array(BLOCK_WEIGHTS)[None, :]
    scale = np.divide(weights, norms, out=np.zeros_like(norms), where=norms > 0)
    total = np.sqrt(((weights**2) * (norms > 0)).sum(axis=1, keepdims=True))
    total[total == 0] = 1.0
    return (scale / total).astype(np.float32)


def weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """tf-idf rows: blocks normalised and weighted, rows normalised (cosine = dot)."""
    scales = row_scales(counts, idf)
    x = counts.copy()
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    x.data *= idf[x.indices] * scales[rows, _COLUMN_BLOCK[x.indices]]
    return x


def project(counts: sp.csr_matrix, idf: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """`weigh(counts, idf) @ vector`, without building the weighted matrix.

    Scores every paper of the cache in a few matrix-vector products.
    """
    per_block = np.asarray(counts @ _per_block(idf * vector))
    return (per_block * row_scales(counts, idf)).sum(axis=1).astype(np.float32)
