"""The reader's side of For you: ranked listings, the score bar, the query edits.

The ranking itself is `rank.listing.rank_listing(child=True)`: training and
similarity run in a child process, and this process only loads the stored
scores (NumPy), so the reader's start and memory do not pay for scikit-learn.
Everything here that touches the cache runs in a thread worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.worker import get_current_worker

from tui_digest.rank import MIN_STARS, NeedsTraining, NotEnoughStars, RankUnavailable
from tui_digest.rank.listing import split_query

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.core.model import DigestInfo
    from tui_digest.core.store import Store
    from tui_digest.ui import messages as msg


class ListingHost(Protocol):
    """What `read_ranked` needs of the listing screen."""

    @property
    def app(self) -> App: ...
    def post_message(self, message: msg.ListingMessage) -> bool: ...
    def set_activity(self, text: str, *, slot: str = "fetch") -> None: ...
    def train_then_reload(self, activity: str) -> None: ...
    def notify(self, message: str, *, title: str = "", timeout: float | None = None,
               markup: bool = True) -> None: ...  # fmt: skip


SORT_TERM = "sort:foryou"
_SORT_RE = re.compile(r"(?i)(?<!\S)sort:foryou(?!\S)")
_RELATED_RE = re.compile(r"(?i)(?<!\S)related:\S+")
BAR_WIDTH = 4
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def is_ranked(query: str) -> bool:
    """Whether the listing of `query` needs the rank layer (False for a malformed query)."""
    if "sort:" not in query.lower() and "related:" not in query.lower():
        return False  # the common case costs no parse
    try:
        return split_query(query).ranked
    except ValueError:
        return False  # the store reports the error in the query language's words


def toggle_foryou(query: str) -> str:
    """`query` with sort:foryou added, or removed when it is there (`f`)."""
    if _SORT_RE.search(query):
        return " ".join(_SORT_RE.sub(" ", query).split())
    return f"{query.strip()} {SORT_TERM}".strip()


def related_query(paper_id: str) -> str:
    """The listing `R` opens: the papers most like `paper_id`."""
    return f"related:{paper_id}"


def today_query(digests: list[DigestInfo]) -> str:
    """The picker's "For you": the newest day's papers, ranked."""
    dates = [d.date for d in digests if d.date]
    return f"date:{max(dates)} {SORT_TERM}" if dates else SORT_TERM


@dataclass(slots=True)
class RankedListing:
    """What a ranked query lists: ids best first, a 0..1 bar value per id, a note."""

    ids: list[int] = field(default_factory=list)
    bars: dict[int, float] = field(default_factory=dict)
    note: str = ""
    problem: str = ""  # set instead of ids: too few stars, the extra missing (the whole story)
    short: str = ""  # the problem in a status line's words
    training: bool = False  # the model must be trained first (wait=False)


def ranked_listing(
    store: Store, query: str, digest: str | None, *, wait: bool = True
) -> RankedListing:
    """In a thread worker: the ranked ids (training in a child process when needed).

    `wait=False`: when the model must be (re)trained first, return at once
    with `training` set instead of waiting for it.
    Raises QueryError for a malformed query or an unknown related: id.
    """
    from tui_digest.rank.listing import rank_listing

    try:
        ranking = rank_listing(store, query, digest=digest, child=True, wait=wait)
    except NeedsTraining as exc:
        return RankedListing(training=True, short=str(exc))
    except NotEnoughStars as exc:
        short = f"For you needs {MIN_STARS} starred papers (you have {exc.n_starred}): press s"
        return RankedListing(problem=str(exc), short=short)
    except RankUnavailable as exc:
        return RankedListing(problem=str(exc), short="For you is not installed: see the note")
    return RankedListing(ranking.ids, bar_values(ranking.ids, ranking.scores), ranking.note)


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


def score_bar(value: float, width: int = BAR_WIDTH) -> str:
    """A bar of `width` cells, filled in eighths: 1.0 is full, 0.0 empty."""
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if full < width else "")
    return bar.ljust(width)


def retrain(db: Path) -> str:
    """In a thread worker, after the stars changed: bring the model up to date.

    Only when For you has been used with this cache (a model exists), so that
    a reader who never ranks never pays for it. Returns "" or what went wrong.
    """
    from tui_digest.rank import background, has_model

    if not has_model(db):
        return ""
    try:
        background.train(db)
    except RankUnavailable as exc:
        return str(exc)
    return ""


def read_ranked(screen: ListingHost, store: Store, request: msg.ListingRequest, first: int) -> None:
    """In the listing thread, for a ranked query: post the first page, then every id.

    Ranking needs every match before the first row can be drawn (the best may
    be the last in listing order), so there is no page-then-count here. When
    the model must be trained first, the screen trains it in another worker
    and reads the listing again afterwards. A
    problem (too few stars, the extra missing) becomes the listing's error in
    the status line, and a notification that explains it.
    """
    from tui_digest.core.query import IncompleteQuery, QueryError
    from tui_digest.ui import messages as msg

    worker = get_current_worker()
    what = "finding related papers…" if "related:" in request.query.lower() else "ranking…"
    screen.app.call_from_thread(screen.set_activity, f"For you: {what}", slot="foryou")
    try:
        ranked = ranked_listing(store, request.query, request.digest, wait=False)
    except QueryError as error:
        incomplete = isinstance(error, IncompleteQuery)
        screen.post_message(msg.ListingFailed(worker, request, str(error), incomplete=incomplete))
        return
    finally:
        screen.app.call_from_thread(screen.set_activity, "", slot="foryou")
    if worker.is_cancelled:
        return
    if ranked.training:
        # Train in another worker: this thread (and so the next search) must
        # not wait for it. The current list stays until the listing is read again.
        screen.app.call_from_thread(screen.train_then_reload, ranked.short)
        return
    if ranked.problem:
        screen.post_message(msg.ListingFailed(worker, request, ranked.short))
        screen.app.call_from_thread(
            screen.notify, ranked.problem, title="For you", timeout=20, markup=False
        )
        return
    rows = store.list_rows(ranked.ids[:first])
    total = request.total
    if total is None:
        total = store.count("", digest=request.digest)
    if worker.is_cancelled:
        return
    screen.post_message(
        msg.ListingPage(
            worker, request, matches=len(ranked.ids), total=total, rows=rows, counted=True
        )
    )
    screen.post_message(msg.RankedIds(worker, request, ranked.ids, ranked.bars))
