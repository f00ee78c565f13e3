"""The ranking's files next to the cache: features, model and scores.

`<cache.db>.rank/` holds two NumPy archives, each written to a temporary file
and renamed over the old one (a crash mid-write leaves the previous file):

- `features.npz`: damped term counts of every paper (CSR arrays) and the pk
  of each row. Hashed features do not depend on other papers, so new papers
  are appended without recomputing the old ones.
- `model.npz`: the weights, idf, what it was trained on (stars fingerprint,
  counts) and the score of every paper at training time.

Archives are read with `allow_pickle=False`: nothing in them can run code.
They only keep what can be computed again: when they cannot be written (a
read-only cache, a full disk) the ranking goes on without them, and the save
returns the sentence that says so (`unsaved_message`).
Only numpy is imported here (no scikit-learn): the reader loads scores with it.
"""

from __future__ import annotations

import io
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tui_digest.rank import rank_dir
from tui_digest.rank.corpus import CacheState

__all__ = [
    "FORMAT",
    "Model",
    "can_save",
    "is_current",
    "is_fresh",
    "load_features",
    "rank_dir",
    "rows_unchanged",
    "save_features",
    "unsaved_message",
]

FORMAT = 3  # bump when the feature layout changes: old files are then rebuilt
# Retrain (not only rescore) once the cache has grown by this fraction: the
# unstarred papers the model was trained against no longer represent it.
REGROW = 0.25


def _save(path: Path, **arrays: np.ndarray) -> str:
    """Write the archive `path`: "" when saved, else why not (`unsaved_message`)."""
    from tui_digest.core import atomic_file

    buffer = io.BytesIO()
    # numpy's stub types **kwds like its bool keyword (allow_pickle); arrays are meant.
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_file.write_atomic(path, buffer.getvalue(), overwrite=True)  # complete or absent
    except OSError as exc:
        return unsaved_message(path.parent, exc)
    return ""


def can_save(db: Path) -> bool:
    """Whether the rank files of the cache at `db` look as if they can be written
    (a folder, or room to make one, on writable media), without writing."""
    from tui_digest.core.cache_access import on_readonly_media

    folder = rank_dir(db)
    if folder.exists():
        return (
            folder.is_dir() and os.access(folder, os.W_OK) and not on_readonly_media(folder / "x")
        )
    here = folder.parent
    while not here.exists() and here != here.parent:
        here = here.parent
    return here.is_dir() and os.access(here, os.W_OK) and not on_readonly_media(folder)


def unsaved_message(folder: Path, exc: OSError) -> str:
    """The sentence for rank files that could not be written in `folder`: the
    reason in words (no errno number, no exception class)."""
    if folder.exists() and not folder.is_dir():
        reason = "a file is in its place"
    else:
        reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
    return (
        f"For you could not save its files in {folder} ({reason}); it ranks without "
        "them, working them out again each time"
    )


def _load(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays of `path`, or None when it is missing, unreadable or another format."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, KeyError):
        return None
    if int(arrays.get("format", np.array(-1))) != FORMAT:
        return None
    return arrays


@dataclass(slots=True)
class Model:
    weights: np.ndarray  # float32, one per feature column
    bias: float
    idf: np.ndarray  # float32, one per feature column
    stars: str  # fingerprint of the starred set it was trained on
    n_starred: int
    n_papers: int  # papers in the cache when trained
    max_pk: int  # papers up to this pk were scored
    score_pks: np.ndarray  # int64, ascending
    scores: np.ndarray  # float32, aligned with score_pks
    # The arXiv id of the paper at `max_pk`: a paper removed since may have left
    # its pk to a new one (`rows_unchanged`), whose score this is not.
    last_id: str = ""
    # Why the ranking's files could not be saved ("" when they were): not stored.
    unsaved: str = ""

    def save(self, db: Path) -> str:
        """Write `model.npz`: "" when saved, else why not (`unsaved_message`)."""
        return _save(
            rank_dir(db) / "model.npz",
            format=np.array(FORMAT),
            weights=self.weights,
            bias=np.array(self.bias),
            idf=self.idf,
            stars=np.array(self.stars),
            counts=np.array([self.n_starred, self.n_papers, self.max_pk]),
            score_pks=self.score_pks,
            scores=self.scores,
            last_id=np.array(self.last_id),
        )

    @classmethod
    def load(cls, db: Path) -> Model | None:
        a = _load(rank_dir(db) / "model.npz")
        if a is None:
            return None
        n_starred, n_papers, max_pk = (int(v) for v in a["counts"])
        return cls(
            weights=a["weights"],
            bias=float(a["bias"]),
            idf=a["idf"],
            stars=str(a["stars"]),
            n_starred=n_starred,
            n_papers=n_papers,
            max_pk=max_pk,
            score_pks=a["score_pks"],
            scores=a["scores"],
            last_id=str(a["last_id"]) if "last_id" in a else "",
        )

    def lookup(self, pks: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(scores, known): the stored score of each pk and whether it had one."""
        want = np.asarray(pks, dtype=np.int64)
        if not len(self.score_pks):
            return np.zeros(len(want), np.float32), np.zeros(len(want), bool)
        at = np.searchsorted(self.score_pks, want)
        at = np.minimum(at, len(self.score_pks) - 1)
        known = self.score_pks[at] == want
        return np.where(known, self.scores[at], 0.0).astype(np.float32), known


def save_features(
    db: Path, pks: np.ndarray, last_id: str, vocab: np.ndarray, data, indices, indptr, shape
) -> str:
    """Write `features.npz`: "" when saved, else why not (`unsaved_message`)."""
    return _save(
        rank_dir(db) / "features.npz",
        format=np.array(FORMAT),
        pks=pks,
        last_id=np.array(last_id),  # the arXiv id of the last row (see update_features)
        vocab=vocab,
        data=data,
        indices=indices,
        indptr=indptr,
        shape=np.array(shape),
    )


def load_features(db: Path) -> dict[str, np.ndarray] | None:
    return _load(rank_dir(db) / "features.npz")


def is_current(model: Model | None, state: CacheState) -> bool:
    """Whether `model` was trained on these stars and a cache of about this size."""
    return (
        model is not None
        and model.stars == state.stars
        and state.n_papers <= model.n_papers * (1 + REGROW) + 50
    )


def is_fresh(model: Model | None, state: CacheState) -> bool:
    """Current, and every paper of the cache has a stored score."""
    return model is not None and is_current(model, state) and state.max_pk <= model.max_pk


def rows_unchanged(conn: sqlite3.Connection, model: Model) -> bool:
    """Whether the papers the model scored are still those rows: none removed.

    SQLite gives a new row the highest pk + 1, so removing the newest papers
    (`digests rm`, `prune`) leaves their pks to the next ones imported, which
    then got the removed papers' scores (`sort:foryou` ranked them so). The
    count of rows up to `max_pk` and the id at `max_pk` tell.
    """
    if not len(model.score_pks):
        return True
    (n,) = conn.execute("SELECT count(*) FROM papers WHERE pk <= ?", (model.max_pk,)).fetchone()
    row = conn.execute("SELECT id FROM papers WHERE pk = ?", (model.max_pk,)).fetchone()
    return int(n) == len(model.score_pks) and row is not None and row[0] == model.last_id
