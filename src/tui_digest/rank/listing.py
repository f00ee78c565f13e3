"""Listings ranked by the model (`sort:foryou`) or by similarity (`related:ID`).

The store answers the rest of the query in listing order; this layer reorders
(or, for `related:`, selects) its ids. Light to import: numpy and
scikit-learn are loaded only when a ranked query actually runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.query import open_groups, parse_query

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui_digest.core.store import Store

RELATED_LIMIT = 50  # papers a related: listing holds at most (the reader's; the CLI's --limit)
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
    # sort:relevance is the store's own (FTS5 rank): only sort:foryou is ours.
    sort = q.sort if q.sort == "foryou" else None
    if sort is None and q.related is None:
        return RankedQuery(text)
    rest = " ".join(_RANK_TERM.sub(lambda m: _cut(text, m), text).split())
    return RankedQuery(rest, sort, q.related)


def _cut(text: str, m: re.Match[str]) -> str:
    """What stays of the ranking term `m`: the ")"s at its end that close a
    group open before it (`ti:(graph sort:foryou)`), taken with it before:
    the store then read `ti:(graph` and refused it (a regression hunt)."""
    term = m[0]
    closes = len(term) - len(term.rstrip(")")) - term.count("(")
    keep = min(max(closes, 0), open_groups(text[: m.start()]))
    return f" {')' * keep} "


@dataclass(slots=True)
class Ranking:
    """Ids in ranked order, their scores (same order), and what to tell the user."""

    ids: list[int]
    scores: list[float] = field(default_factory=list)
    note: str = ""
    matches: int | None = None  # related: how many are similar at all (ids: the best of them)
    unsaved: str = ""  # why the ranking's files could not be saved ("" when they were)

    @property
    def found(self) -> int:
        """How many papers the query found (more than `ids` when cut at a limit)."""
        return len(self.ids) if self.matches is None else self.matches


def rank_listing(
    store: Store,
    text: str,
    *,
    digest: str | None = None,
    child: bool = False,
    wait: bool = True,
    stop: Callable[[], bool] | None = None,
    related_limit: int = RELATED_LIMIT,
) -> Ranking:
    """The query's ids, ranked when it asks for it (trains or rescores as needed).

    `related:ID` lists the `related_limit` papers of the rest of the query (of
    the digest) most like ID, best first.

    `child`: train and compute similarity in a child process (`rank.background`,
    for the reader) instead of in this one (the CLI). `wait=False` (with
    `child`): raise `NeedsTraining` instead of training, so the caller can
    train elsewhere and ask again. `stop` (with `child`): asked while the
    related: child runs; it ends the child and raises `Abandoned` when True.
    Raises `CannotRank` for sort:foryou with too few stars (`NotEnoughStars`)
    or every paper starred (`NothingUnstarred`), `QueryError`
    for an unknown related: id, `RankUnavailable` without the rank extra.
    """
    rq = split_query(text)
    if not rq.ranked:
        return Ranking(store.list_ids(text, digest=digest))
    if rq.related is not None:
        return _related(store, rq, digest, child, stop, related_limit)
    ids = store.list_ids(rq.rest, digest=digest)
    model = _child_model(store.path, wait) if child else _train_module().ensure_model(store.path)
    scores, _known = model.lookup(ids)
    order = sorted(range(len(ids)), key=lambda i: -float(scores[i]))
    return Ranking(
        [ids[i] for i in order],
        [float(scores[i]) for i in order],
        f"ranked For you (trained on {model.n_starred} starred papers)",
        unsaved=model.unsaved,
    )


def _child_model(db: Path, wait: bool = True):
    """The stored model, brought up to date by a child process when it is not.

    A model the child could not save (a read-only cache, a full disk) is kept
    in this process's memory (`background.kept_model`) and used the same way.
    """
    from tui_digest.rank import NeedsTraining, NotEnoughStars, background, check_trainable
    from tui_digest.rank.corpus import cache_state, read_only

    files = _files_module()
    candidates = (files.Model.load(db), background.kept_model(db))
    with read_only(db) as conn:
        state = cache_state(conn)
        fresh = [
            m
            for m in candidates
            if m is not None and files.rows_unchanged(conn, m) and files.is_fresh(m, state)
        ]
    check_trainable(state.n_starred, state.n_papers)  # (no training bound to fail)
    model = fresh[0] if fresh else None
    if model is None:
        if not wait:
            raise NeedsTraining(state.n_starred)
        background.train(db)
        model = background.kept_model(db) or files.Model.load(db)
    if model is None:
        raise NotEnoughStars(state.n_starred)  # the stars changed while it trained
    return model


def _related(
    store: Store,
    rq: RankedQuery,
    digest: str | None,
    child: bool,
    stop: Callable[[], bool] | None,
    limit: int,
) -> Ranking:
    """The `limit` papers most like rq.related among the query's (the digest's)."""
    from tui_digest.core.query import QueryError

    record = store.get_paper(rq.related or "")
    if record is None:
        raise QueryError(f"related:{rq.related}: no paper with that id in the cache")
    # Ranked among the query's papers, not the whole cache's nearest filtered
    # by it: those were rarely the query's (found by a bug hunt).
    among = store.list_ids(rq.rest, digest=digest) if rq.rest.strip() or digest else None
    if child:
        from tui_digest.rank import background

        found, similar, unsaved = background.related(store.path, record.rowid, limit, stop, among)
        ids, scores = [pk for pk, _ in found], [s for _, s in found]
    else:
        pks, sims, unsaved = _train_module().similar(store.path, record.rowid, among)
        ids, scores, similar = pks[:limit].tolist(), sims[:limit].tolist(), len(pks)
    note = f"papers most like {record.paper.id} (cosine similarity)"
    return Ranking(ids, scores, note, matches=similar, unsaved=unsaved)


def _train_module():
    from tui_digest.rank import RankUnavailable

    try:
        from tui_digest.rank import train
    except ImportError as exc:
        raise RankUnavailable(_missing(exc)) from None
    return train


def _files_module():
    from tui_digest.rank import RankUnavailable

    try:
        from tui_digest.rank import files
    except ImportError as exc:
        raise RankUnavailable(_missing(exc)) from None
    return files


def _missing(exc: ImportError) -> str:
    return f"ranking needs the optional extra: pip install 'tui-digest[rank]' (missing: {exc.name})"
