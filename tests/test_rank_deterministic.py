"""For you's order depends only on the stars and the cache (bug hunt `auditrank` #6).

`LinearSVC` was built without `random_state`: liblinear's dual solver shuffles
with NumPy's global generator, so every training of the same stars gave scores
differing by ~1e-5 and, on the real samples, a few swapped neighbours:
`search 'sort:foryou'` changed from run to run with nothing changed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rank_corpus import build, star
from tui_digest.core.readers import read_path
from tui_digest.core.store import Store
from tui_digest.rank import train as rank_train
from tui_digest.rank.listing import rank_listing


def test_two_trainings_on_the_same_stars_give_the_same_scores(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    ids = build(db)
    star(db, ids["rl"][:6])
    first = rank_train.train(db)
    np.random.seed(12345)  # (whatever the global generator holds: not ours to rely on)
    second = rank_train.train(db)
    assert np.array_equal(first.weights, second.weights)
    assert first.bias == second.bias
    assert np.array_equal(first.scores, second.scores)


def _order(db: Path) -> list[str]:
    with Store.open(db) as store:
        return rank_listing(store, "date:2024-02-06 sort:foryou").ids


DIGESTS = (
    "digest-cs.LG-2024-02-06-large.md",
    "digest-cs.LG-2024-07-15-mixed.md",
    "digest-cs.AI-2023-07-27-pipe-in-title.md",
    "digest-cs.AI-2024-02-05-rss-links.md",
)
STARS = "2309.11798 2402.01207 2402.03299 2402.03268 2402.03167 2402.03025 2402.02862 2402.02827"


def test_the_same_stars_give_the_same_order_on_the_real_samples(
    tmp_path: Path, samples: Path
) -> None:
    """The hunt's replay: 1,022 papers, 8 stars; two trainings, then a star added
    and taken back (a third and a fourth): the day's order is the same each time."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        for name in DIGESTS:
            store.import_digest(read_path(samples / name).digest)
        store.set_starred([store.get_paper(i).rowid for i in STARS.split()], True)  # type: ignore[union-attr]
    rank_train.train(db)
    first = _order(db)
    assert len(first) > 700
    rank_train.train(db)
    assert _order(db) == first
    other = next(i for i in first[299:] if i not in STARS.split())
    star(db, [other])
    _order(db)  # (trained on 9 stars)
    star(db, [other], starred=False)
    assert _order(db) == first  # trained again on the 8 stars
