"""The listing half of the main screen: opening the cache and keeping the list current.

`ListingScreen` owns the state the status line shows (as reactives the status
line is bound to) and turns it into store reads in thread workers:

- one listing worker at a time (`group="listing"`): keystrokes that arrive
  while it runs cancel it and are coalesced into one request for the latest
  state, started when its thread returns (`ListingDone`);
- a worker checks `is_cancelled` between its statements, and the screen drops
  any message from a cancelled worker;
- the page comes first and is drawn at once; the count and the full id array
  follow (`Store.page(count=False)` says when the page already is the count).
  The count stops at `listing_read.COUNT_CAP` (the status line shows
  "10,000+"); the id array, read after it in its own worker, brings the
  exact number.

`MainScreen` (screens/main.py) adds the detail pane, the user's marks and the keys.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.reactive import var
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from tui_digest.core.errors import CacheError, UpgradeStopped
from tui_digest.core.model import DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui import first_run
from tui_digest.ui import messages as msg
from tui_digest.ui.foryou import is_ranked
from tui_digest.ui.held_messages import HeldMessages
from tui_digest.ui.listing_read import read_listing
from tui_digest.ui.listing_thread import ListingThreads
from tui_digest.ui.sample import load_sample_digest
from tui_digest.ui.screens.cache_screen import CacheScreen
from tui_digest.ui.signals import signals_of
from tui_digest.ui.widgets.paper_detail import PaperDetail
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from tui_digest.ui.news import CacheChanged

# How long the screen's first frame waits for the first page (ui/held_messages.py):
# long enough for any cache that opens normally (a few ms of work), short enough
# that a cache held by an import still shows "Opening the cache…" at once.
FIRST_PAGE_HOLD = 0.25
FIRST_PAGE_MESSAGES = (msg.ListingPage, msg.ListingFailed, msg.ListingDone, msg.StoreFailed)


class ListingScreen(CacheScreen):
    # --- state shown in the status line (bound in MainScreen.compose) -----------
    # `var`s, not repainting reactives: the status line they are bound to draws
    # them, and a screen that repaints itself makes Textual redraw every widget
    # on it (a full-screen update on every keystroke: ~5 of the 14 ms of event
    # loop CPU a keystroke took on the real-data cache, benchmarks/filter.py).
    digest: var[str | None] = var(None)  # None: all papers
    unread_only = var(False)
    starred_only = var(False)
    matches = var(0)  # papers matching (the first page's length while counting)
    total: var[int | None] = var(None)  # papers in the view; None: not counted yet
    counting = var(False)  # the page is shown, its count is still being read
    error = var("")  # a malformed query, in the query language's words
    note = var("")  # e.g. "sample data: ..."
    activity = var("")  # what background jobs are doing
    selected = var(0)  # papers in the selection
    language = var("both")
    # Ranked listings train a model first: MainScreen has this from ForYouActions.
    train_then_reload: Callable[[str, Store, bool], None]
    # The search text (the box's, kept after enter).
    query_text = var("")

    def __init__(
        self, db_path: Path | None, *, first_run_sample: bool = True, frame_hold: float = 0.03
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.first_run_sample = first_run_sample
        self.frame_hold = frame_hold  # see Timing.frame_hold
        # Put the cursor on this paper when the next listing arrives (the paper
        # the reader was closed on, or where `n` jumped), else at the top.
        self.resume_rowid: int | None = None  # not `anchor`: that is a Widget method
        self.restore_paper = ""  # arXiv id of the paper to reopen on
        self.listing_ready = False  # the first page of the latest request is shown
        self._cache_verified = False
        # The view the last total counted (a new search in the same view reuses it).
        self._view_total: tuple[str | None, int] | None = None
        self._latest: Worker[None] | None = None  # the newest listing request's worker
        self._busy: Worker[None] | None = None  # the listing worker whose thread runs
        self._threads = ListingThreads()  # has the busy one's thread begun? (listing_thread.py)
        # Set as the reader quits: an upgrade of the cache under way stops (its
        # step rolls back). The quit waited for it, on a blank screen that
        # ignored Ctrl+C: 47 s on 24,500 papers (bug hunt `upgrade2` #1).
        self.upgrade_stop = threading.Event()
        self._queued: bool | None = None  # the `keep` of the request waiting for it
        self._busy_ranked = False  # the busy thread ranks (its child process takes seconds)
        # The request the listing on screen came from. The box (`effective_query`)
        # may already say something else: a newer request not answered yet, or
        # an unfinished query that kept this listing. Keys that act on "the
        # listing" (M, n) read this one: with the box's, M after clearing a
        # related: search marked the whole cache read (found by a bug hunt).
        self.shown_request: msg.ListingRequest | None = None
        self._ids_worker: Worker[None] | None = None
        self._held = ExitStack()  # an App.batch_update() kept open across a search
        self._hold_timer: Timer | None = None
        # The cache changed under the listing (a fetch or a translation): the next
        # listing recounts the total and drops the rows the list has cached.
        self._stale = False
        self._own_removals: set[int] = set()  # removal counts of its own (`unselect_removed`)
        self._rows_digest: str | None = None  # the digest the drawn rows belong to
        self._activity: dict[str, str] = {}
        self.incomplete_error = ""  # why the query typed so far does not parse yet
        self.open_failure = ""  # why the cache could not be opened (keys that need it say it)
        self._first_shown = False  # the first listing (or its error) has been applied

    @property
    def listing_busy(self) -> bool:
        """A listing thread is running (its results, or a queued request, are coming)."""
        return self._busy is not None

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one("#detail", PaperDetail)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one("#search", SearchBox)

    async def on_mount(self) -> None:
        signals_of(self.app).cache_changed.subscribe(self, self.cache_changed)
        self.search_box.edited = self._hold_frame
        # The first frame waits a moment for the first page (see ui/held_messages.py).
        opening = HeldMessages(self, lambda m: isinstance(m, FIRST_PAGE_MESSAGES))
        self._busy = self._latest = self._open_store(
            self.effective_query(), self.query_text, self.digest, self.restore_paper, opening
        )
        # Reopened on a `related:` search, the first listing ranks: a search typed
        # meanwhile must not wait for it, and takes its "For you: …" away (`reload`;
        # it stayed for the whole session: bug hunt `latency` #1).
        self._busy_ranked = is_ranked(self.effective_query())
        for message in await opening.release(FIRST_PAGE_HOLD):
            getattr(self, message.handler_name)(message)  # as Textual would dispatch it
            if isinstance(message, msg.StoreOpened):
                self.app.post_message(message)  # (it bubbles up to the app)

    # --- opening the cache ---------------------------------------------------------

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False,
          description="open the cache")  # fmt: skip
    def _open_store(
        self, query: str, text: str, digest: str | None, paper: str, opening: HeldMessages
    ) -> None:
        """Open the cache (importing the sample on a first run), then the first listing.

        `digest` and `paper` are where the reader was closed; a digest that is
        gone gives all papers, a paper that is gone the top of the list. The
        messages go through `opening` (held for the screen's first frame).
        """
        try:
            if not self._threads.begin(get_current_worker()):
                return  # cancelled before it began (the reader is closing)
            try:
                store = Store.open(
                    self.db_path,
                    quick_start=True,
                    on_upgrade=lambda old, new: opening.post(msg.StoreUpgrading(old, new)),
                    stop_upgrade=self.upgrade_stop,
                )
            except UpgradeStopped:
                return  # (the reader is quitting; the next start upgrades it)
            except CacheError as error:
                # Said where the papers would be, for as long as the reader runs: a
                # toast (the worker's error) went, and "Opening the cache…" stayed.
                opening.post(msg.StoreFailed(str(error)))
                return
            sample_name = ""
            if self.first_run_sample and not store.readonly and store.is_empty():
                sample = load_sample_digest()
                store.import_digest(sample)
                sample_name = sample.name
            digests = store.digests()
            if digest is not None and digest not in {d.name for d in digests}:
                digest = None
            # Only its row: the whole record (with its tags, notes and what arXiv's
            # API said) is the detail pane's, read after the first frame.
            anchor = store.rowid_of(paper) if paper else None
            opening.post(msg.StoreOpened(store, sample_name, digest=digest, anchor=anchor))
            # Reopened at a paper: a listing that keeps its place (a ranking
            # trained first keeps it too: ForYouActions.train_then_reload).
            first = msg.ListingRequest(query, digest, keep=anchor is not None, text=text)
            self._read_listing(store, first, post=opening.post)
            opening.post(msg.DigestsLoaded(digests))
        finally:
            opening.finished()

    def on_store_upgrading(self, message: msg.StoreUpgrading) -> None:
        # In the place of "Opening the cache…": a 30k-paper cache took ~20 s.
        self.detail.show_message(f"Upgrading the cache (schema {message.old} → {message.new})…")

    def on_store_failed(self, message: msg.StoreFailed) -> None:
        self._busy, self._queued = None, None  # no listing can follow without a store
        self.error = "the cache could not be opened"
        self.open_failure = message.error
        self.matches, self.total, self.counting = 0, 0, False
        self.shown_request = None
        self.paper_list.set_listing(0, [])
        self.detail.show_message(message.error)
        self._release_frame()

    def no_store_note(self) -> str:
        """What a key that needs the cache says while there is none: why it could not
        be opened, once that is known ("still opening" was said for good, found by a
        bug hunt)."""
        if self.open_failure:
            return f"The cache could not be opened: {self.open_failure}"
        return "The cache is still opening; try again in a moment."

    def on_store_opened(self, message: msg.StoreOpened) -> None:
        self.store = message.store
        self.digest, self.resume_rowid = message.digest, message.anchor
        store = message.store
        # Inside a digest each row shows that digest's ref and date.
        self.paper_list.fetch_rows = lambda ids: store.list_rows(ids, digest=self._rows_digest)
        for notice in message.store.notices:  # a corrupt cache moved aside, read-only, ...
            self.notify(notice, title="Cache", severity="warning", timeout=15, markup=False)
        if message.sample_name:
            self.note = first_run.note(self.app)
            self.notify(
                first_run.welcome(self.app, message.sample_name),
                title="First run",
                markup=False,
                timeout=15,
            )
        self.store_ready()

    def store_ready(self) -> None:
        """Called once the cache is open (subclasses start what needs it)."""

    def first_listing_drawn(self) -> None:
        """Called once, after the frame that shows the first listing (or why it failed).

        Subclasses start here what the first screen does not show (unread and
        watch counts, the config's settings): their threads would compete with
        the first page for the GIL, and their work grows with the cache (issue
        13 req 5: the first frame stays independent of the cache's size).
        """

    def _listing_shown(self) -> None:
        if not self._first_shown:
            self._first_shown = True
            self.call_after_refresh(self.first_listing_drawn)

    # --- asking for a listing -------------------------------------------------------

    def effective_query(self) -> str:
        parts = [self.query_text.strip()]
        if self.unread_only:
            parts.append("is:unread")
        if self.starred_only:
            parts.append("is:starred")
        return " ".join(part for part in parts if part)

    def reload(self, *, keep: bool = False) -> None:
        """Ask for the listing the current state describes; the newest request wins.

        Runs at once when no listing thread is busy; otherwise the busy one is
        cancelled and only the latest request runs once its thread returns (at
        once if its thread had not begun: then it never will, listing_thread.py).
        `keep` leaves the current paper under the cursor (after an import)
        instead of starting again at the top (a new search).
        """
        if self.store is None:
            return
        self.listing_ready = False
        busy = self._busy
        for worker in (self._latest, self._ids_worker):
            if worker is not None and worker is not busy:
                worker.cancel()  # its pending messages are dropped from now on
        if busy is not None and self._threads.cancel(busy):  # wait for its ListingDone
            self._queued = keep if self._queued is None else self._queued and keep
            if not (self._busy_ranked and not is_ranked(self.effective_query())):
                return
            # A ranking's child process runs for seconds (related: at 65k papers
            # 7-15 s), and an unranked listing queued behind it left the old
            # ranked rows up under the new search. Its thread is left to finish;
            # its messages are dropped (cancelled) and its ListingDone is not the
            # busy one's. Another ranked request still waits: one child at a time.
            # Its child is ended within a moment (rank.background.run_command's
            # `stop`); its "For you: …" goes now.
            keep, self._queued = self._queued, None
            self.set_activity("", slot="foryou")
        self._busy = None
        self._start_listing(keep)

    def _start_listing(self, keep: bool) -> None:
        store = self.store
        if store is None:
            return
        # The view's total only changes with the digest (or an import): reuse it.
        known = self._view_total
        same_view = known is not None and known[0] == self.digest and not self._stale
        request = msg.ListingRequest(
            self.effective_query(),
            self.digest,
            keep,
            known[1] if same_view and known else None,
            self.query_text,
        )
        self._busy_ranked = is_ranked(request.query)
        self._busy = self._latest = self._listing(store, request)

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False,
          description="search the cache")  # fmt: skip
    def _listing(self, store: Store, request: msg.ListingRequest) -> None:
        if self._threads.begin(get_current_worker()):
            self._read_listing(store, request)

    def _read_listing(
        self,
        store: Store,
        request: msg.ListingRequest,
        post: Callable[[msg.ListingMessage], object] | None = None,
    ) -> None:
        """In a listing thread: the first page, then the count (`listing_read`).

        `post`: how the messages leave (default `post_message`).
        """
        read_listing(self, store, request, post=post)

    def on_listing_done(self, message: msg.ListingDone) -> None:
        if message.worker is not self._busy:
            return
        self._busy = None
        if self._queued is None:
            self._release_frame()  # nothing newer is coming for a held frame
        else:
            keep, self._queued = self._queued, None
            self._start_listing(keep)

    # --- applying a listing ---------------------------------------------------------

    def on_listing_page(self, message: msg.ListingPage) -> None:
        if message.stale:
            return
        request = message.request
        fresh, self._stale = self._stale, False
        if request.digest != self._rows_digest:
            # Rows drawn for another digest carry that digest's refs and dates.
            fresh, self._rows_digest = True, request.digest
        if message.total is not None:
            self._view_total = (request.digest, message.total)
        elif self._view_total is not None and self._view_total[0] != request.digest:
            self._view_total = None
        self.shown_request = request
        self.matches, self.error, self.incomplete_error = message.matches, message.error, ""
        self.counting = not message.counted
        self.total = self._view_total[1] if self._view_total else None
        papers = self.paper_list
        if not request.keep:
            self.drop_waiting_keys()
        keep = papers.current_rowid if request.keep else None
        if self.resume_rowid is not None:
            keep, self.resume_rowid = self.resume_rowid, None
        # A full page may have more rows after it: one more (placeholder) row
        # until the count says how many.
        shown = message.matches + (1 if self.counting else 0)
        if not is_ranked(request.query):
            papers.set_bars(None)  # a ranked listing's bars come with its ids (RankedIds)
        papers.set_listing(shown, message.rows, keep=keep, fresh=fresh, listed_at=message.listed_at)
        papers.set_highlight(request.query)
        # Without `keep` the cursor moved (`set_listing` said so): the detail pane
        # re-reads its paper after the frame and shows the new highlights then.
        self.detail.set_highlight(request.query, redraw=keep is not None)
        self.listing_ready = True
        if fresh and keep is not None and keep == papers.current_rowid:
            self.paper_reread(keep)  # same paper, maybe new text (a translation)
        if not message.rows:
            self.detail.show_message(
                "No papers match." if self.effective_query() else "No papers here yet."
            )
        self._release_frame()
        self._listing_shown()
        if papers.listed and not papers.awaiting_ids:
            # The page is all of it (or it is empty): no ids will come, and the
            # reading view kept its "N / M" (regression hunt `regui` #5).
            self.listing_ids_set()

    def drop_waiting_keys(self) -> None:
        """Another listing replaces this one: a G or select-all waiting for its
        ids is not done on the next (said for the select-all)."""
        if self.paper_list.forget_waiting():
            self.notify("Select all was not done: the listing changed.", markup=False)

    def paper_reread(self, rowid: int) -> None:
        """The current paper may have new text (subclasses re-read the detail pane)."""

    def on_listing_count(self, message: msg.ListingCount) -> None:
        if message.stale:
            return
        if not self._cache_verified:
            # The full integrity check reads the whole cache: after the first
            # frame, in a thread, so start-up does not grow with the cache.
            self._cache_verified = True
            self.call_after_refresh(self._verify_cache)
        self._view_total = (message.request.digest, message.total)
        # A capped count stays "counting" ("10,000+") until the ids bring the number.
        self.matches, self.counting, self.total = message.matches, message.capped, message.total
        papers = self.paper_list
        papers.set_total(message.matches)
        papers.listing_arrived()  # (the page may have been all of it)
        if message.capped or message.matches > len(papers.ids) or papers.awaiting_ids:
            # The full id array (22 ms at 100k) is read after this frame is drawn:
            # building it holds the GIL, and the frame should not wait on it.
            self.call_after_refresh(self._ask_for_ids, message)
        elif papers.listed:
            self.listing_ids_set()  # (the page was all of it: no ids will come)

    def _ask_for_ids(self, count: msg.ListingCount) -> None:
        if self.store is not None and not count.stale:
            self._ids_worker = self._load_ids(self.store, count.worker, count.request)

    @work(thread=True, exclusive=True, group="listing-ids", exit_on_error=False,
          description="list the papers")  # fmt: skip
    def _load_ids(
        self, store: Store, listing: Worker[None] | None, request: msg.ListingRequest
    ) -> None:
        """The ids of the listing `listing` read the first page of; None for a kept
        listing's (`on_listing_failed`), whose worker is gone: this one stands for
        it (cancelled by the next request, as any ids worker)."""
        worker = get_current_worker()
        owner = listing if listing is not None else worker
        if owner.is_cancelled or worker.is_cancelled:
            return
        listed_at = store.removals()  # (before the ids: see `core/store/picked.py`)
        ids = store.list_ids(request.query, digest=request.digest)
        if not worker.is_cancelled:
            self.post_message(msg.ListingIds(owner, request, ids, listed_at=listed_at))

    def unselect_removed(self, rowids: set[int], removal_count: int | None) -> int:
        """The reader removed papers `rowids` itself, moving the cache's removal
        count to `removal_count` (None: no paper removed, the count did not
        move): they leave the selection now, and the cache poll's notice of
        exactly that removal keeps the rest selected (each carries its id:
        `core/store/picked.py`). A flag set for any removal, even one of no
        paper, swallowed the next removal by another process, whose freed row
        numbers then showed new papers as selected (bug hunt `regselect2` #1)."""
        if removal_count is not None:
            self._own_removals.add(removal_count)
        return self.paper_list.unselect(list(rowids))

    def _own_change(self, span: tuple[int, int] | None) -> bool:
        """The removals a poll saw (`span`: counts before, after) were all the reader's own."""
        if span is None:
            return False
        before, after = span
        moved = set(range(before + 1, after + 1))
        own = bool(moved) and moved <= self._own_removals
        self._own_removals = {n for n in self._own_removals if n > after}  # (seen: gone)
        return own

    def on_paper_list_selection_unnamed(self, message: PaperList.SelectionUnnamed) -> None:
        from tui_digest.ui.selection_names import name_selection

        name_selection(self, message)

    def on_listing_ids(self, message: msg.ListingIds) -> None:
        if not message.stale:
            self.paper_list.set_ids(message.ids, message.listed_at)
            if self.counting:  # the count was capped: the ids are the exact number
                self.matches, self.counting = len(message.ids), False
            self.paper_list.listing_arrived()  # a G or select-all that waited for them
            self.listing_ids_set()

    def listing_ids_set(self) -> None:
        """The list holds every id of its listing now, from its ids or from a page
        that was all of it (subclasses follow: the reading view's "N / M")."""

    def on_ranked_ids(self, message: msg.RankedIds) -> None:
        if not message.stale:
            self.paper_list.set_bars(message.bars)
            self.paper_list.set_ids(message.ids, message.listed_at)
            self.paper_list.listing_arrived()
            self.listing_ids_set()

    def on_listing_failed(self, message: msg.ListingFailed) -> None:
        if message.stale:
            return
        if message.incomplete and self.search_box.has_focus:
            # Still typing (an open quote, `cat:`): the list keeps the last result
            # and nothing flashes; enter shows why if it is left unfinished.
            self.incomplete_error, self.error = message.error, ""
        else:
            self.incomplete_error, self.error = "", message.error
        if message.total is not None and message.total != self.total:
            # (counted again after another process changed the cache)
            self._view_total = (message.request.digest, message.total)
            self.total = message.total
        if not message.incomplete or not self._first_shown:
            # The query failed: it has no result, so the list shows none (it
            # showed the search before it, "14 / 14" beside the error; found
            # by a bug hunt). `total` stays the view's. An unfinished search
            # reopened from the settings has no listing to keep: it left an
            # empty list under "Opening the cache…" for good (bug hunt s41 #3).
            self.matches, self.shown_request = 0, None
            self.paper_list.set_listing(0, [])
            self.paper_list.set_highlight("")
            self.detail.show_message(message.error)
            self.counting = False
        else:
            self._finish_kept_listing()
        self._release_frame()
        self._listing_shown()

    def _finish_kept_listing(self) -> None:
        """A failed query kept the listing shown: let it finish its count and ids.

        Typing on (`robot "agent`) cancelled the kept listing's count or ids;
        "counting" was then turned off, so its first page's length or its
        capped count read as final ("10,000 / 65,207", or "120"), and only its
        first page could be reached (G stopped at row 120; found by a bug hunt).
        Its ids are read again here: they bring the exact number
        (`on_listing_ids`). A ranked listing came with all its ids.
        """
        shown, papers, store = self.shown_request, self.paper_list, self.store
        if shown is None or store is None or is_ranked(shown.query):
            return
        if self.counting or len(papers.ids) < papers.total:
            self._ids_worker = self._load_ids(store, None, shown)

    # --- the cache as a whole ------------------------------------------------------

    def cache_changed(self, change: CacheChanged | None = None) -> None:
        """Papers were added or changed behind the listing: show them, keeping the place.

        The query, digest, filters and selection stay; the cursor stays on the
        same paper; the total is recounted and cached row text is dropped.
        (Subscribed to `signals.cache_changed`.)
        """
        if change is not None and change.marks_only:
            self.marks_changed()
            return
        own = False  # the reader's own removal: its papers left the selection already
        if change is not None and change.removed:
            own = self._own_change(change.removals)
        if change is not None and change.removed and self.paper_list.selected and not own:
            # Row numbers of removed papers go to the next ones added: kept, the
            # selection would star or mark papers the user never chose.
            self.paper_list.clear_selection()
            self.notify(
                "Papers were removed from the cache: the selection was cleared.",
                markup=False,
                severity="warning",
            )
        self._stale = True
        # The total is counted again: the next page consumes `_stale` (for its rows),
        # and a keystroke could cut its recount short, after which every search
        # reused the total from before the change ("100,946 / 100,801"; bug hunt
        # `latency` #2). Forgotten here, it is known again only once counted.
        self._view_total = None
        self.reload(keep=True)
        self.load_digests()

    def digests_changed(self, before: list[DigestInfo]) -> None:
        """The digest shown is gone (another process's `digests rm`): say so once and
        show all papers, as the reader does when it reopens on a removed digest. It
        stayed on the digest's name with "No papers here yet." and `NAME 0 / 0`, as
        if the digest waited for papers (found by a bug hunt). The reader's own
        removal shows all papers itself (ui/digest_removal.py)."""
        gone = self.digest
        if gone is None or gone in {d.name for d in self.digests}:
            return
        if gone not in {d.name for d in before}:
            return  # not listed before either (no digest list yet): nothing to tell
        self._say_digest_removed(gone)
        self.digest = None
        self.reload()

    def listed_digest(self, name: str) -> str | None:
        """`name` when the digest list has it; else None (all papers), said as
        `digests_changed` says it. The picker and the palette list the digests as
        they were when opened: one removed meanwhile showed "No papers here yet."
        and `NAME 0 / 0` for good (bug hunt `auditui` #2)."""
        if name in {d.name for d in self.digests}:
            return name
        self._say_digest_removed(name)
        return None

    def _say_digest_removed(self, name: str) -> None:
        self.notify(
            f"The digest {name} was removed: showing all papers.",
            title="Digest removed",
            markup=False,
        )

    def marks_changed(self) -> None:
        """Another process changed the user's marks, tags or notes: the rows read
        their flags again (the listing and its place stay; subclasses recount)."""
        self.paper_list.refresh_flags()

    def set_activity(self, text: str, *, slot: str = "fetch") -> None:
        """Show (or with "" clear) what a background job is doing, in the status line."""
        if text:
            self._activity[slot] = text
        else:
            self._activity.pop(slot, None)
        self.activity = "  ".join(self._activity.values())

    # --- holding a frame for the results of a keystroke ---------------------------

    @property
    def frame_held(self) -> bool:
        return self._hold_timer is not None

    def _hold_frame(self) -> None:
        """Keep the next frame until the listing is applied (at most `frame_hold` s)."""
        if self._hold_timer is None and self.frame_hold > 0 and self.is_current:
            self._held.enter_context(self.app.batch_update())
            self._hold_timer = self.set_timer(self.frame_hold, self._release_frame)

    def _release_frame(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
            self._held.close()

    def on_unmount(self) -> None:
        self._release_frame()
