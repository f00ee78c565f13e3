"""Listings ranked by the model (`sort:foryou`) or by similarity (`related:ID`).

The store answers the rest of the query in listing order; this layer reorders
(or, for `related:`, selects) its ids. Light to import: numpy and
scikit-learn are loaded only when a ranked query actually runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_digest.core.query import parse_query

if TYPE_CHECKING:
    from tui_digest.core.store import Store

RELATED_LIMIT = 50  # papers a related: listing holds at most
# The ranking terms, removed from the text before the store sees it. Parsing
# first (parse_query) has already validated them.
_RANK_TERM = re.compile(r"(?i)(?<!\S)(?:sort|related):[^\s\"]+")


@dataclass(slots=True)
class RankedQuery:
    rest: str  # the query without its ranking terms
    sort: str | None = None
    related: str | None = None

    @property
    def ranked(self) -> bool:
        return self.sort is not None or self.related is not None


def split_query(text: str) -> RankedQuery:
    """Separate `sort:` and `related:` from the rest (raises QueryError when malformed)."""
    q = parse_query(text)
    if q.sort is None and q.related is None:
        return RankedQuery(text)
    rest = " ".join(_RANK_TERM.sub(" ", text).split())
    return RankedQuery(rest, q.sort, q.related)


@dataclass(slots=True)
class Ranking:
    """Ids in ranked order, their scores (same order), and what to tell the user."""

    ids: list[int]
    scores: list[float] = field(default_factory=list)
    note: str = ""


def rank_listing(store: Store, text: str, *, digest: str | None = None) -> Ranking:
    """The query's ids, ranked when it asks for it (trains or rescores as needed).

    Raises `NotEnoughStars` for sort:foryou with too few stars, `QueryError`
    for an unknown related: id, `RankUnavailable` without the rank extra.
    """
    rq = split_query(text)
    if not rq.ranked:
        return Ranking(store.list_ids(text, digest=digest))
    train = _train_module()
    if rq.related is not None:
        return _related(store, rq, train, digest)
    ids = store.list_ids(rq.rest, digest=digest)
    model = train.ensure_model(store.path)
    scores, _known = model.lookup(ids)
    order = sorted(range(len(ids)), key=lambda i: -float(scores[i]))
    return Ranking(
        [ids[i] for i in order],
        [float(scores[i]) for i in order],
        f"ranked For you (trained on {model.n_starred} starred papers)",
    )


def _related(store: Store, rq: RankedQuery, train, digest: str | None) -> Ranking:
    from tui_digest.core.query import QueryError

    record = store.get_paper(rq.related or "")
    if record is None:
        raise QueryError(f"related:{rq.related}: no paper with that id in the cache")
    found = train.related(store.path, record.rowid, limit=RELATED_LIMIT)
    if rq.rest.strip() or digest is not None:
        allowed = set(store.list_ids(rq.rest, digest=digest))
        found = [(pk, s) for pk, s in found if pk in allowed]
    return Ranking(
        [pk for pk, _ in found],
        [s for _, s in found],
        f"papers most like {record.paper.id} (cosine similarity)",
    )


def _train_module():
    from tui_digest.rank import RankUnavailable

    try:
        from tui_digest.rank import train
    except ImportError as exc:
        raise RankUnavailable(
            "ranking needs the optional extra: pip install 'tui-digest[rank]' "
            f"(missing: {exc.name})"
        ) from None
    return train
