"""Ranked listings in the listing thread: `sort:foryou` and `related:ID` (ui/foryou.py).

The ranking itself is `rank.listing.rank_listing(child=True)`: training and
similarity run in a child process, and this process only loads the stored
scores (NumPy), so the reader's start and memory do not pay for scikit-learn.
Loaded by `ui/listing_read.py` the first time a query is ranked: not at the
start (issue 13 req 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

from textual.worker import get_current_worker

from tui_digest.rank import (
    MIN_STARS,
    Abandoned,
    NeedsTraining,
    NotEnoughStars,
    NothingUnstarred,
    RankUnavailable,
    all_starred_message,
    few_stars_message,
)
from tui_digest.ui.foryou import is_ranked, toggle_foryou
from tui_digest.ui.key_hints import hint_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    from tui_digest.core.store import Store
    from tui_digest.ui import messages as msg


class ListingHost(Protocol):
    """What `read_ranked` needs of the listing screen."""

    @property
    def app(self) -> App: ...
    def post_message(self, message: msg.ListingMessage) -> bool: ...
    def set_activity(self, text: str, *, slot: str = "fetch") -> None: ...
    def train_then_reload(self, activity: str, store: Store, keep: bool) -> None: ...
    def notify(self, message: str, *, title: str = "", timeout: float | None = None,
               markup: bool = True) -> None: ...  # fmt: skip


@dataclass(slots=True)
class RankedListing:
    """What a ranked query lists: ids best first, a 0..1 bar value per id, a note."""

    ids: list[int] = field(default_factory=list)
    bars: dict[int, float] = field(default_factory=dict)
    note: str = ""
    problem: str = ""  # set instead of ids: too few stars, the extra missing (the whole story)
    short: str = ""  # the problem in a status line's words
    training: bool = False  # the model must be trained first (wait=False)
    unsaved: str = ""  # ranked, but its files could not be saved: why (`rank.files`)


class Unranked(NamedTuple):
    """What the listing thread lists when a ranked query is not ranked (yet)."""

    query: str  # the search without its sort:foryou
    error: str = ""  # why it cannot be ranked, for the status line ("" while training)


def unranked_query(query: str) -> str | None:
    """`query` without sort:foryou, or None when nothing can be listed without the
    rank layer (`related:ID` selects its papers)."""
    unranked = toggle_foryou(query)
    return unranked if unranked != query and not is_ranked(unranked) else None


def reader_keys(app: App[object]) -> tuple[str, str, str]:
    """(star, For you, starred): the keys the few-stars notice names, as bound now."""
    return hint_key(app, "main.star"), hint_key(app, "main.foryou"), hint_key(app, "main.starred")


def ranked_listing(
    store: Store,
    query: str,
    digest: str | None,
    *,
    wait: bool = True,
    stop: Callable[[], bool] | None = None,
    keys: tuple[str, str, str] = ("s", "f", "*"),
) -> RankedListing:
    """In a thread worker: the ranked ids (training in a child process when needed).

    `keys`: the (star, For you, starred) keys as bound now (`reader_keys`), which
    the few-stars notice names; the defaults otherwise.

    `wait=False`: when the model must be (re)trained first, return at once
    with `training` set instead of waiting for it. `stop`: see `rank_listing`
    (raises `Abandoned`).
    Raises QueryError for a malformed query or an unknown related: id.
    """
    from tui_digest.rank.listing import rank_listing

    try:
        ranking = rank_listing(store, query, digest=digest, child=True, wait=wait, stop=stop)
    except NeedsTraining as exc:
        return RankedListing(training=True, short=str(exc))
    except NotEnoughStars as exc:
        short = (
            f"For you needs {MIN_STARS} starred papers (you have {exc.n_starred}): press {keys[0]}"
        )
        problem = few_stars_message(exc.n_starred, reader_keys=keys)
        return RankedListing(problem=problem, short=short)
    except NothingUnstarred as exc:
        short = "For you needs papers you have not starred: all are starred"
        problem = all_starred_message(exc.n_starred, reader_keys=keys)
        return RankedListing(problem=problem, short=short)
    except RankUnavailable as exc:
        return RankedListing(problem=str(exc), short="For you is not installed: see the note")
    bars = bar_values(ranking.ids, ranking.scores)
    return RankedListing(ranking.ids, bars, ranking.note, unsaved=ranking.unsaved)


def bar_values(ids: list[int], scores: list[float]) -> dict[int, float]:
    """Scores scaled to 0..1 over the listing (best = 1): what the bar draws.

    Model scores have no fixed scale, so the bar shows a paper's score between
    the listing's lowest and highest.
    """
    if not ids:
        return {}
    lo, hi = min(scores), max(scores)
    span = hi - lo
    return {pk: (s - lo) / span if span > 0 else 1.0 for pk, s in zip(ids, scores, strict=True)}


def _tell_unsaved(screen: ListingHost, unsaved: str) -> None:
    """Say once per reader that the ranking's files could not be saved (it ranks all the same)."""
    from tui_digest.rank import background

    if background.first_time(unsaved):
        screen.app.call_from_thread(
            screen.notify, unsaved, title="For you", timeout=10, markup=False
        )


def read_ranked(
    screen: ListingHost, store: Store, request: msg.ListingRequest, first: int
) -> Unranked | None:
    """In the listing thread, for a ranked query: post the first page, then every id.

    Returns what to list unranked instead (`sort:foryou` taken out) when the
    model must be trained first or cannot rank, else None.

    Ranking needs every match before the first row can be drawn (the best may
    be the last in listing order), so there is no page-then-count here. When
    the model must be trained first, the screen trains it in another worker
    and reads the listing again afterwards. A problem (too few stars, the
    extra missing) lists the query's papers unranked with the problem in the
    status line, and a notification that explains it; a `related:` query,
    which has no unranked form, fails with it (no papers shown).
    """
    from tui_digest.core.query import IncompleteQuery, QueryError
    from tui_digest.ui import messages as msg

    worker = get_current_worker()
    what = "finding related papers…" if "related:" in request.query.lower() else "ranking…"
    screen.app.call_from_thread(screen.set_activity, f"For you: {what}", slot="foryou")
    stop = lambda: worker.is_cancelled  # noqa: E731  (a newer search: end the child)
    listed_at = store.removals()  # (before the ids: see `core/store/picked.py`)
    try:
        ranked = ranked_listing(
            store,
            request.query,
            request.digest,
            wait=False,
            stop=stop,
            keys=reader_keys(screen.app),
        )
    except QueryError as error:
        incomplete = isinstance(error, IncompleteQuery)
        screen.post_message(msg.ListingFailed(worker, request, str(error), incomplete=incomplete))
        return None
    except Abandoned:
        return None
    finally:
        # A cancelled ranking leaves the slot to the listing that replaced it
        # (`ListingScreen.reload` clears it, or the next ranking sets it): its
        # clearing could land after the next ranking's "For you: …".
        if not worker.is_cancelled:
            screen.app.call_from_thread(screen.set_activity, "", slot="foryou")
    if worker.is_cancelled:
        return None
    if ranked.training:
        # Train in another worker: this thread (and so the next search) must
        # not wait for it. Meanwhile the query's papers are listed unranked: the
        # list kept showing the view before (All papers under For you's search).
        screen.app.call_from_thread(screen.train_then_reload, ranked.short, store, request.keep)
        unranked = unranked_query(request.query)
        return Unranked(unranked) if unranked is not None else None  # (ui/listing_read.py)
    if ranked.problem:
        # Listed unranked as while training: the list kept showing the view
        # before (another digest under For you's `date:` search, which `M` then
        # marked read; found by a bug hunt).
        screen.app.call_from_thread(
            screen.notify, ranked.problem, title="For you", timeout=20, markup=False
        )
        unranked = unranked_query(request.query)
        if unranked is not None:
            return Unranked(unranked, ranked.short)
        screen.post_message(msg.ListingFailed(worker, request, ranked.short))
        return None
    _tell_unsaved(screen, ranked.unsaved)
    rows = store.list_rows(ranked.ids[:first])
    total = request.total
    if total is None:
        total = store.count("", digest=request.digest)
    if worker.is_cancelled:
        return None
    screen.post_message(
        msg.ListingPage(
            worker,
            request,
            matches=len(ranked.ids),
            total=total,
            rows=rows,
            counted=True,
            listed_at=listed_at,
        )
    )
    ids = msg.RankedIds(worker, request, ranked.ids, ranked.bars, listed_at=listed_at)
    screen.post_message(ids)
    return None
