"""Features of the whole cache, training on the stars, scoring, similarity.

Everything heavy lives here (numpy, scipy, scikit-learn); callers import it
only when they rank: the CLI commands that need it, and the reader through a
subprocess (`python -m tui_digest.rank train`), so its memory never holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from tui_digest.rank import check_trainable
from tui_digest.rank.corpus import cache_state, iter_texts, read_only, starred_pks
from tui_digest.rank.features import (
    DIM,
    PaperText,
    Vocabulary,
    damp,
    document_frequency,
    idf_weights,
    project,
    raw_counts,
    undamp,
    weigh,
)
from tui_digest.rank.files import (
    Model,
    is_current,
    load_features,
    rows_unchanged,
    save_features,
)

# At most this many unstarred papers train the model (a deterministic sample):
# with balanced class weights more negatives barely move the ranking, and it
# bounds training time whatever the cache size.
MAX_NEGATIVES = 20_000
BATCH = 5_000
# The newest papers whose features are recomputed on every update (see
# update_features): about two days of cs.AI + cs.CL + cs.LG.
REFRESH = 2_000
# Regularisation of the linear SVM, from benchmarks/foryou.py on the real
# samples (mean precision@20 at N = 20: C=0.01 0.53, 0.1 0.58, 0.3 0.65,
# 1.0 0.68). A linear SVM, as arxiv-sanity uses: liblinear's logistic
# regression was ten times slower on these wide, sparse rows.
C = 1.0


class Features:
    """Damped counts of every paper (rows in pk order) and their pks.

    `unsaved`: why they could not be saved ("" when saved or unchanged).
    """

    def __init__(
        self, pks: np.ndarray, counts: sp.csr_matrix, vocab: Vocabulary, unsaved: str = ""
    ) -> None:
        self.pks = pks
        self.counts = counts
        self.vocab = vocab
        self.unsaved = unsaved

    def rows(self, pks: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers, found mask) of `pks` in this matrix."""
        want = np.asarray(pks, dtype=np.int64)
        if not len(self.pks):
            return np.zeros(len(want), np.int64), np.zeros(len(want), bool)
        at = np.minimum(np.searchsorted(self.pks, want), len(self.pks) - 1)
        return at, self.pks[at] == want


def _counts_of(rows: list[tuple], vocab: Vocabulary) -> sp.csr_matrix:
    return raw_counts([PaperText(*r) for r in rows], vocab)


def update_features(db: Path) -> Features:
    """The cached features, extended with papers added since (saved when they changed:
    a failed save is said in `Features.unsaved`, and they are used all the same).

    The newest REFRESH papers are read again each time: their text is what
    changes after an import (a machine translation fills the Chinese fields, a
    digest adds them to an arXiv entry). Rebuilt from scratch when papers the
    cache had were deleted since (a new paper may then reuse a deleted one's pk).
    """
    a = load_features(db)
    if a is not None and _rows_still_there(db, a["pks"], str(a["last_id"])):
        pks = a["pks"]
        counts = sp.csr_matrix(
            (damp(a["data"]), a["indices"], a["indptr"]), shape=tuple(int(v) for v in a["shape"])
        )
        vocab = Vocabulary.from_array(a["vocab"])
    else:
        pks = np.zeros(0, np.int64)
        counts = sp.csr_matrix((0, DIM), dtype=np.float32)
        vocab = Vocabulary()
    keep = max(0, len(pks) - REFRESH)
    after = int(pks[keep - 1]) if keep else 0
    new_pks: list[int] = []
    parts: list[sp.csr_matrix] = []
    with read_only(db) as conn:
        batch: list[tuple] = []
        for row in iter_texts(conn, after_pk=after):
            batch.append(row)
            if len(batch) >= BATCH:
                parts.append(_counts_of(batch, vocab))
                new_pks.extend(r[0] for r in batch)
                batch = []
        if batch:
            parts.append(_counts_of(batch, vocab))
            new_pks.extend(r[0] for r in batch)
        found = (
            conn.execute("SELECT id FROM papers WHERE pk = ?", (new_pks[-1],)).fetchone()
            if new_pks
            else None
        )
    tail = sp.vstack(parts, format="csr", dtype=np.float32) if parts else None
    old_tail = counts[keep:]
    if tail is None or (
        new_pks == pks[keep:].tolist()
        and tail.shape == old_tail.shape
        and (tail != old_tail).nnz == 0
    ):
        return Features(pks, counts, vocab)  # nothing new, nothing changed
    counts = sp.vstack([counts[:keep], tail], format="csr", dtype=np.float32)
    pks = np.concatenate([pks[:keep], np.asarray(new_pks, np.int64)])
    unsaved = save_features(
        db,
        pks,
        found[0] if found else "",
        vocab.to_array(),
        undamp(counts.data),
        counts.indices,
        counts.indptr,
        counts.shape,
    )
    return Features(pks, counts, vocab, unsaved)


def _rows_still_there(db: Path, pks: np.ndarray, last_id: str) -> bool:
    """Whether the cache still has exactly the papers up to the last cached pk.

    SQLite gives a new row the highest pk + 1, so only a deleted last paper's
    pk can be reused: its arXiv id tells.
    """
    if not len(pks):
        return True
    with read_only(db) as conn:
        (n,) = conn.execute("SELECT count(*) FROM papers WHERE pk <= ?", (int(pks[-1]),)).fetchone()
        row = conn.execute("SELECT id FROM papers WHERE pk = ?", (int(pks[-1]),)).fetchone()
    return int(n) == len(pks) and row is not None and row[0] == last_id


def train(db: Path) -> Model:
    """Train on the stars against the rest of the cache; score every paper; save
    (what could not be saved is said in `Model.unsaved`).

    Raises `NotEnoughStars` below `MIN_STARS` stars, `NothingUnstarred` when
    every paper is starred (`check_trainable`).
    """
    with read_only(db) as conn:
        state = cache_state(conn)
        stars = starred_pks(conn)
    check_trainable(len(stars), state.n_papers)
    feats = update_features(db)
    n = feats.counts.shape[0]
    idf = idf_weights(document_frequency(feats.counts), n)
    pos_rows, found = feats.rows(stars)
    pos_rows = pos_rows[found]
    is_pos = np.zeros(n, bool)
    is_pos[pos_rows] = True
    neg_rows = np.flatnonzero(~is_pos)
    if len(neg_rows) > MAX_NEGATIVES:
        rng = np.random.default_rng(int(state.stars[:8], 16))
        neg_rows = np.sort(rng.choice(neg_rows, MAX_NEGATIVES, replace=False))
    rows = np.concatenate([pos_rows, neg_rows])
    x = weigh(feats.counts[rows], idf)
    y = np.concatenate([np.ones(len(pos_rows)), np.zeros(len(neg_rows))])

    # A fixed seed: liblinear's dual solver visits the rows in a random order,
    # drawn from NumPy's global generator without one, so each training of the
    # same stars gave slightly different scores and For you's order changed with
    # nothing changed (bug hunt `auditrank` #6).
    clf = LinearSVC(C=C, class_weight="balanced", random_state=0)
    clf.fit(x, y)
    weights = clf.coef_.ravel().astype(np.float32)
    bias = float(clf.intercept_[0])
    scores = score_counts(feats.counts, idf, weights, bias)
    model = Model(
        weights=weights,
        bias=bias,
        idf=idf,
        stars=state.stars,
        n_starred=len(pos_rows),
        n_papers=n,
        max_pk=int(feats.pks[-1]) if n else 0,
        score_pks=feats.pks,
        scores=scores,
    )
    model.last_id = _id_at(db, model.max_pk)
    saved = model.save(db)
    model.unsaved = feats.unsaved or saved
    return model


def _id_at(db: Path, pk: int) -> str:
    """The arXiv id of paper `pk` ("" if none): what `files.rows_unchanged` checks."""
    with read_only(db) as conn:
        row = conn.execute("SELECT id FROM papers WHERE pk = ?", (pk,)).fetchone()
    return str(row[0]) if row else ""


def score_counts(
    counts: sp.csr_matrix, idf: np.ndarray, weights: np.ndarray, bias: float
) -> np.ndarray:
    return project(counts, idf, weights) + np.float32(bias)


def rescore(db: Path, model: Model) -> Model:
    """Score papers added since `model` was trained (same weights); save."""
    feats = update_features(db)
    new = feats.pks > model.max_pk
    if not new.any():
        model.unsaved = feats.unsaved
        return model
    scores = score_counts(feats.counts[np.flatnonzero(new)], model.idf, model.weights, model.bias)
    model.score_pks = np.concatenate([model.score_pks, feats.pks[new]])
    model.scores = np.concatenate([model.scores, scores])
    model.max_pk = int(feats.pks[-1])
    model.last_id = _id_at(db, model.max_pk)
    saved = model.save(db)
    model.unsaved = feats.unsaved or saved
    return model


def ensure_model(db: Path) -> Model:
    """A model current for the cache's stars and size: loaded, rescored or retrained."""
    with read_only(db) as conn:
        state = cache_state(conn)
    check_trainable(state.n_starred, state.n_papers)
    model = Model.load(db)
    with read_only(db) as conn:
        unchanged = model is not None and rows_unchanged(conn, model)
    if model is None or not unchanged or not is_current(model, state):
        return train(db)
    if state.max_pk > model.max_pk:
        return rescore(db, model)
    return model


class Similar(NamedTuple):
    pks: np.ndarray  # most similar first
    sims: np.ndarray
    unsaved: str = ""  # why the features could not be saved ("" when they were)


def similar(db: Path, pk: int, among: Sequence[int] | None = None) -> Similar:
    """The papers like paper `pk` (cosine similarity above 0), most similar first:
    (pks, similarities, unsaved), never `pk` itself.

    `among`: only these papers (a query's or a digest's), else the whole cache.
    Ranked among them, not picked from the whole cache's nearest (a `related:`
    search with a query found mostly nothing: the query's papers were rarely
    among the 50 nearest of the whole cache).
    """
    none = np.zeros(0, np.int64), np.zeros(0, np.float32)
    feats = update_features(db)
    at, found = feats.rows([pk])
    if not found[0]:
        return Similar(*none, feats.unsaved)
    n = feats.counts.shape[0]
    idf = idf_weights(document_frequency(feats.counts), n)
    query = weigh(feats.counts[int(at[0])], idf).toarray().ravel()
    if among is None:
        rows = np.arange(n)
        sims = project(feats.counts, idf, query)
    else:
        rows, known = feats.rows(np.unique(np.asarray(among, dtype=np.int64)))
        rows = rows[known]
        sims = project(feats.counts[rows], idf, query) if len(rows) else none[1]
    keep = (sims > 0) & (rows != int(at[0]))
    rows, sims = rows[keep], sims[keep]
    order = np.argsort(-sims, kind="stable")
    return Similar(feats.pks[rows[order]], sims[order], feats.unsaved)


def related(
    db: Path, pk: int, limit: int = 20, among: Sequence[int] | None = None
) -> list[tuple[int, float]]:
    """The `limit` papers most similar to paper `pk` (of `among`), best first: `similar`."""
    pks, sims, _unsaved = similar(db, pk, among)
    return [(int(p), float(s)) for p, s in zip(pks[:limit], sims[:limit], strict=True)]
