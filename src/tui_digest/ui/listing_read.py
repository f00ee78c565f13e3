"""The listing thread's reads: the first page, then (when the page is full) the count.

Runs in `ListingScreen`'s listing worker (`group="listing"`). The page comes
first and is posted at once, so the rows are drawn before the count is known;
the count follows (`Store.page(count=False)` says when the page already is the
count). The worker checks `is_cancelled` between its statements: a newer
keystroke cancels it, and the screen drops any message it posts after that.

The count stops at COUNT_CAP (the status line shows "10,000+"): at 500k
papers a common word's full count costs several pages' time. The full id
array, read after it in its own worker, brings the exact number
(`ListingScreen.on_listing_ids`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui_digest.core.query import IncompleteQuery, QueryError
from tui_digest.ui import messages as msg
from tui_digest.ui.foryou import is_ranked

if TYPE_CHECKING:
    from tui_digest.core.store import Store
    from tui_digest.ui.foryou_read import ListingHost

FIRST_PAGE = 120  # rows read with the first frame: more than any terminal shows
COUNT_CAP = 10_000  # a listing's count stops here ("10,000+") until its ids arrive


def read_listing(
    screen: ListingHost,
    store: Store,
    request: msg.ListingRequest,
    *,
    post: Callable[[msg.ListingMessage], object] | None = None,
) -> None:
    """In a listing thread: post the first page, then the count; always `ListingDone`.

    `post`: how the messages leave (default `screen.post_message`; the first
    listing's are held for the screen's first frame, see ui/held_messages.py).
    """
    post = post or screen.post_message
    worker = get_current_worker()
    problem = ""  # shown in the status line beside the rows (a ranking that cannot rank)
    try:
        if worker.is_cancelled:
            return  # a newer keystroke already asked again
        query, digest = request.query, request.digest
        # Read before the rows: a removal after it makes the rows' numbers untrusted
        # for a selection (`core/store/picked.py`), never the other way round.
        listed_at = store.removals()
        if is_ranked(query):  # sort:foryou, related:ID: every id first (ui/foryou_read.py)
            from tui_digest.ui.foryou_read import read_ranked  # (not at start: issue 13 req 5)

            unranked = read_ranked(screen, store, request, FIRST_PAGE)
            if unranked is None:
                return
            # For you trains first (its papers, unranked, until it has ranked
            # them) or cannot rank (too few stars: `problem` says so).
            request = request._replace(query=unranked.query)
            query, problem = unranked.query, unranked.error
        try:
            counted_matches, rows = store.page(query, digest=digest, limit=FIRST_PAGE, count=False)
        except QueryError as error:
            incomplete = isinstance(error, IncompleteQuery)
            # The view's total is unknown after another process changed the
            # cache: counted here, or the status line kept the total from
            # before a `prune` while the query was refused (bug hunt `maint` #3).
            # An unfinished one too: reopened on it, the line said "0 / …" for
            # good (bug hunt s41 #3). (Only when the view's total is unknown:
            # typing on reuses it.)
            known = request.total
            if known is None and not worker.is_cancelled:
                known = store.count("", digest=digest)
            failed = msg.ListingFailed(
                worker, request, str(error), incomplete=incomplete, total=known
            )
            post(failed)
            return
        counted = counted_matches is not None
        matches = len(rows) if counted_matches is None else counted_matches
        total = request.total
        if total is None and counted and not query:
            total = matches
        if worker.is_cancelled:
            return
        page = msg.ListingPage(
            worker,
            request,
            matches=matches,
            total=total,
            rows=rows,
            counted=counted,
            error=problem,
            listed_at=listed_at,
        )
        post(page)
        # A selective query's page may know its count and be full: the count
        # message still follows, to have the ids read (`on_listing_count`).
        if (counted and total is not None and matches <= len(rows)) or worker.is_cancelled:
            return
        capped = False
        if not counted:
            matches = store.count(query, digest=digest, cap=COUNT_CAP)
            capped, matches = matches > COUNT_CAP, min(matches, COUNT_CAP)
        if total is None:
            total = store.count("", digest=digest) if query or capped else matches
        if not worker.is_cancelled:
            post(msg.ListingCount(worker, request, matches=matches, total=total, capped=capped))
    finally:
        post(msg.ListingDone(worker, request))
