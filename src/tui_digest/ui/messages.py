"""Typed messages that carry worker results back to the main screen.

Listing messages carry the worker that produced them: a newer request cancels
the older worker (`Worker.cancel`), and the screen drops every message whose
worker `is_cancelled`, so a slow query never overwrites the answer to a newer
keystroke.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message
from textual.worker import Worker

from tui_digest.core.model import DigestInfo, ListRow
from tui_digest.core.store import Store
from tui_digest.ui.marks import FlagChange

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord


# A NamedTuple, for the reader's start (see core.record).
class ListingRequest(NamedTuple):
    """What a listing worker reads: the query, the view, and what the screen already knows."""

    query: str
    digest: str | None
    keep: bool = False  # leave the current paper under the cursor (a re-read, not a new search)
    total: int | None = None  # the view's total when it is still valid (saves a count)
    # The search box's text it was asked for (`query` adds the quick filters): a
    # refused search keeps the listing of an earlier text, which is the reopen place.
    text: str = ""


class StoreUpgrading(Message):
    """Opening the cache upgrades it (schema `old` to `new`): that takes a while."""

    def __init__(self, old: int, new: int) -> None:
        self.old, self.new = old, new
        super().__init__()


class StoreFailed(Message):
    """The cache could not be opened (`error` says why and what to do): nothing to show."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class StoreOpened(Message):
    def __init__(
        self,
        store: Store,
        sample_name: str = "",
        *,
        digest: str | None = None,
        anchor: int | None = None,
    ) -> None:
        self.store = store
        self.sample_name = sample_name  # set when the bundled sample was just imported
        self.digest = digest  # the view opened (the one closed on, if it still exists)
        self.anchor = anchor  # the paper closed on, if it is still in the cache
        super().__init__()


class CacheDamaged(Message):
    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__()


class ListingMessage(Message):
    """Base of the messages a listing worker posts."""

    def __init__(self, worker: Worker[None], request: ListingRequest) -> None:
        self.worker = worker
        self.request = request
        super().__init__()

    @property
    def stale(self) -> bool:
        """A newer request has replaced the one this answers."""
        return self.worker.is_cancelled


class ListingPage(ListingMessage):
    """The first page of a listing, posted before the count when that is still to come.

    `counted` is False when the page is full: `matches` is then only the page's
    length and `total` may be None, and a `ListingCount` follows. The full id
    array is asked for once the count is known. `error`: shown in the status line
    beside the rows (a ranked search listed unranked: too few stars).
    """

    def __init__(
        self,
        worker: Worker[None],
        request: ListingRequest,
        *,
        matches: int,
        total: int | None,
        rows: list[ListRow],
        counted: bool,
        error: str = "",
        listed_at: int | None = None,
    ) -> None:
        super().__init__(worker, request)
        self.listed_at = listed_at  # the cache's removal count read before the rows
        self.matches = matches
        self.total = total
        self.rows = rows
        self.counted = counted
        self.error = error


class ListingCount(ListingMessage):
    """The count of a listing whose page was posted first.

    `capped`: more than `matches` match (the count stopped there, shown as
    "10,000+"); the exact number comes with the full id array.
    """

    def __init__(
        self,
        worker: Worker[None],
        request: ListingRequest,
        *,
        matches: int,
        total: int,
        capped: bool = False,
    ) -> None:
        super().__init__(worker, request)
        self.matches = matches
        self.total = total
        self.capped = capped


class ListingFailed(ListingMessage):
    """The query was refused (malformed, or a related: search that cannot be
    answered); `error` is shown in the status line.

    The list then shows no papers, unless `incomplete` (still being typed).
    """

    def __init__(
        self,
        worker: Worker[None],
        request: ListingRequest,
        error: str,
        *,
        incomplete: bool = False,
        total: int | None = None,
    ) -> None:
        super().__init__(worker, request)
        self.error = error
        self.incomplete = incomplete  # not finished yet (an open quote): see IncompleteQuery
        self.total = total  # the view's papers, counted when it was not known (a change)


class ListingDone(ListingMessage):
    """The listing thread has returned (whatever it posted): the next search may start."""


class ListingIds(ListingMessage):
    def __init__(
        self,
        worker: Worker[None],
        request: ListingRequest,
        ids: list[int],
        *,
        listed_at: int | None = None,
    ) -> None:
        super().__init__(worker, request)
        self.ids = ids
        self.listed_at = listed_at  # the cache's removal count read before the ids


class RankedIds(ListingMessage):
    """Every id of a ranked listing (sort:foryou, related:ID), best first, and its bars."""

    def __init__(
        self,
        worker: Worker[None],
        request: ListingRequest,
        ids: list[int],
        bars: dict[int, float],
        *,
        listed_at: int | None = None,
    ) -> None:
        super().__init__(worker, request)
        self.ids = ids
        self.bars = bars
        self.listed_at = listed_at  # the cache's removal count read before the ids


class PaperLoaded(Message):
    def __init__(self, rowid: int, record: PaperRecord | None) -> None:
        self.rowid = rowid
        self.record = record
        super().__init__()


class DigestsLoaded(Message):
    def __init__(self, digests: list[DigestInfo]) -> None:
        self.digests = digests
        super().__init__()


class ExportDone(Message):
    def __init__(self, path: Path, count: int, removed: int = 0) -> None:
        self.path = path
        self.count = count
        self.removed = removed  # papers picked that another process removed meanwhile
        super().__init__()


class FlagsChanged(Message):
    """A change to the user's marks was saved (`undo`: it took back an earlier one)."""

    def __init__(self, change: FlagChange, *, quiet: bool, undo: bool) -> None:
        self.change = change
        self.quiet = quiet  # no notification (the dwell timer, `o`)
        self.undo = undo
        super().__init__()


class NothingToUndo(Message):
    """ctrl+z found no change left to take back (posted by the marks' writer)."""


class PaperOpened(Message):
    """A paper's own page (abstract or PDF) was opened in the browser: by `o`/`O`
    (the key, a footer click or the palette) or by a click on its link in the
    detail pane. The screen marks it read as the read timer would, never over a
    read mark set by hand (`ReadingScreen.read_on_open`): post this rather than
    marking it, so the key and the click agree."""

    def __init__(self, rowid: int) -> None:
        self.rowid = rowid
        super().__init__()


class UnreadCounted(Message):
    """Unread papers in the whole cache (each once) and per digest name."""

    def __init__(self, total: int, by_digest: dict[str, int]) -> None:
        self.total = total
        self.by_digest = by_digest
        super().__init__()


class UnreadFound(Message):
    """Where `n` / `N` goes: a paper (in `digest`, which may be another view), or nowhere."""

    def __init__(self, rowid: int | None, digest: str | None, *, switch: bool) -> None:
        self.rowid = rowid
        self.digest = digest
        self.switch = switch  # the paper is in another digest: show that digest first
        super().__init__()
