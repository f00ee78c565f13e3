"""The main screen: summary table, detail pane, search box and status line.

It owns the reading state (query, digest, quick filters, language) and turns it
into store calls in thread workers; results come back as messages
(`tui_digest.ui.messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from tui_digest.core.model import DigestInfo
from tui_digest.core.sanitize import is_safe_url
from tui_digest.core.store import Store
from tui_digest.ui import messages as msg
from tui_digest.ui.refresh import Refresher
from tui_digest.ui.sample import is_sample, load_sample_digest
from tui_digest.ui.settings import LANGUAGE_LABELS, Settings, next_language
from tui_digest.ui.translating import Translator
from tui_digest.ui.widgets.paper_detail import PaperDetail
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.search_box import SearchBox
from tui_digest.ui.widgets.status_line import StatusLine
from tui_digest.ui.workers import run_in_thread

if TYPE_CHECKING:
    from tui_digest.ui.screens.export import ExportRequest

FIRST_PAGE = 120  # rows read with the count: more than any terminal shows
WIDE_MIN_WIDTH = 110  # below this, "auto" stacks the panes


class MainScreen(Screen[None]):
    CSS_PATH = "main.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "focus_search",
            "Search",
            key_display="/",
            id="main.search",
            tooltip="Search as you type (Enter keeps it, escape clears it)",
        ),
        Binding(
            "u",
            "toggle_unread",
            "Unread",
            id="main.unread",
            tooltip="Show unread papers only (adds is:unread)",
        ),
        Binding(
            "asterisk",
            "toggle_starred",
            "Starred",
            key_display="*",
            id="main.starred",
            tooltip="Show starred papers only (adds is:starred)",
        ),
        Binding(
            "d", "pick_digest", "Digest", id="main.digest", tooltip="Choose a digest, or all papers"
        ),
        Binding(
            "s",
            "toggle_star",
            "Star",
            id="main.star",
            tooltip="Star or unstar the selected papers (or the current one)",
        ),
        Binding(
            "m",
            "toggle_read",
            "Read",
            id="main.read",
            tooltip="Mark the selected papers (or the current one) read or unread",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="main.export",
            tooltip="Export the selected papers (or the current one)",
        ),
        Binding(
            "o",
            "open_link",
            "Open",
            id="main.open",
            tooltip="Open the paper's link in the browser (http/https only)",
        ),
        Binding(
            "y",
            "copy_link",
            "Copy link",
            id="main.copy",
            show=False,
            tooltip="Copy the paper's link to the clipboard",
        ),
        Binding(
            "l",
            "cycle_language",
            "Lang",
            id="main.language",
            tooltip="Cycle the language view: both / 中文 / English",
        ),
        Binding(
            "v",
            "toggle_layout",
            "Layout",
            id="main.layout",
            tooltip="Switch between side-by-side and stacked panes",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="main.refresh",
            show=False,
            tooltip="Fetch new digests from the configured sources",
        ),
        Binding(
            "S",
            "sources",
            "Sources",
            key_display="S",
            id="main.sources",
            show=False,
            tooltip="List the sources and how their last fetch went",
        ),
        Binding(
            "t",
            "translate",
            "Translate",
            id="main.translate",
            show=False,
            tooltip="Machine-translate missing Chinese (selection or current)",
        ),
        Binding(
            "tab",
            "switch_pane",
            "Pane",
            id="main.pane",
            show=False,
            tooltip="Move focus between the list and the detail pane",
        ),
    ]

    # Seconds a paper stays in the detail pane before it counts as read; None
    # disables the timer (tests set None and call `mark_current_read`, or 0).
    read_delay: float | None = 1.5
    # A keystroke holds the screen's next frame back until its results arrive
    # (or this many seconds pass), so the echo and the new list are drawn in one
    # frame instead of two 16 ms apart.
    frame_hold: float = 0.03
    # The detail pane follows the cursor after this pause: re-flowing it costs a
    # layout pass (~10-15 ms), which should neither ride on the frame that shows
    # new search results nor run for every row while j is held down.
    detail_delay: float = 0.05

    def __init__(
        self, db_path: Path | None, settings: Settings, *, first_run_sample: bool = True
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.settings = settings
        self.first_run_sample = first_run_sample
        self.store: Store | None = None
        self.query_text = ""
        self.digest: str | None = None
        self.unread_only = False
        self.starred_only = False
        self.digests: list[DigestInfo] = []
        self.matches = 0
        self.total = 0
        self.error = ""
        self.note = ""
        self.generation = 0
        self._cache_verified = False
        self._total_digest: str | None = None  # the view self.total counts
        self.listing_ready = False  # the first page of the current generation is shown
        self.counting = False  # the page is shown, its count is still being read
        self._total_known = False  # self.total counts self._total_digest
        # One listing search at a time: keystrokes that arrive while one runs
        # are coalesced into a single search for the latest state, run after it.
        self._search_running = False
        self._queued: bool | None = None  # the `keep` of the search waiting to run
        self._hold_timer: Timer | None = None
        # The cache changed under the listing (a fetch or a translation): the next
        # listing recounts the total and drops the rows the list has cached.
        self._stale = False
        # What background jobs are doing, by job ("fetch", "translate"), for the status line.
        self._activity: dict[str, str] = {}
        self.refresher = Refresher(self)
        self.translator = Translator(self)
        self._read_timer: Timer | None = None
        self._detail_timer: Timer | None = None

    # --- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="summary-pane"):
                yield SearchBox(id="search")
                yield PaperList(id="papers")
            yield PaperDetail(id="detail")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one("#detail", PaperDetail)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one("#search", SearchBox)

    def on_mount(self) -> None:
        self.paper_list.set_language(self.settings.language)
        self.detail.set_language(self.settings.language)
        self.detail.show_message("Opening the cache…")
        self._apply_layout()
        self.paper_list.focus()
        self.search_box.edited = self._hold_frame
        self._update_status()
        self._open_store()

    def on_resize(self) -> None:
        self._apply_layout()

    def effective_layout(self) -> str:
        if self.settings.layout in ("wide", "stacked"):
            return self.settings.layout
        return "wide" if self.app.size.width >= WIDE_MIN_WIDTH else "stacked"

    def _apply_layout(self) -> None:
        layout = self.effective_layout()
        panes = self.query_one("#panes")
        panes.set_class(layout == "wide", "wide")
        panes.set_class(layout == "stacked", "stacked")

    # --- opening the store and listing -------------------------------------------

    def _open_store(self) -> None:
        generation = self.generation = self.generation + 1
        query, digest = self.effective_query(), self.digest
        self._search_running = True

        def work() -> None:
            store = Store.open(self.db_path, quick_start=True)
            sample_name = ""
            if self.first_run_sample and store.is_empty():
                sample = load_sample_digest()
                store.import_digest(sample)
                sample_name = sample.name
            self.post_message(msg.StoreOpened(store, sample_name))
            self._listing_work(store, generation, query, digest)
            self.post_message(msg.DigestsLoaded(store.digests()))

        run_in_thread(self.app, work, group="open-store", description="open the cache")

    def on_store_opened(self, message: msg.StoreOpened) -> None:
        self.store = message.store
        self.paper_list.fetch_rows = message.store.list_rows
        for notice in message.store.notices:  # a corrupt cache moved aside, read-only, ...
            self.app.notify(notice, title="Cache", severity="warning", timeout=15, markup=False)
        if message.sample_name:
            self.note = "sample data: import your own digests with tui-digest import"
            self.app.notify(
                f"Showing the bundled sample digest ({message.sample_name}).",
                title="First run",
                markup=False,
            )
        self._update_status()
        self.refresher.read_interval()

    def effective_query(self) -> str:
        parts = [self.query_text.strip()]
        if self.unread_only:
            parts.append("is:unread")
        if self.starred_only:
            parts.append("is:starred")
        return " ".join(part for part in parts if part)

    def reload(self, *, keep: bool = False) -> None:
        """Ask for the listing the current state describes; newer requests win.

        Runs at once when no search is in flight; otherwise it waits for that
        one and only the latest request runs (older answers are dropped by
        generation). `keep` leaves the current paper under the cursor (after an
        import) instead of starting again at the top (a new search).
        """
        if self.store is None:
            return
        self.generation += 1
        self.listing_ready = False
        if self._search_running:
            self._queued = keep
            return
        self._start_listing(keep)

    def _start_listing(self, keep: bool) -> None:
        store = self.store
        if store is None:
            return
        # The view's total only changes with the digest (or an import): reuse it.
        same_view = self.digest == self._total_digest and self._total_known and not self._stale
        total = self.total if same_view else None
        generation, query, digest = self.generation, self.effective_query(), self.digest
        self._search_running = True
        run_in_thread(
            self.app,
            partial(self._listing_work, store, generation, query, digest, total, keep),
            group="listing",
            description="search the cache",
        )

    def on_listing_done(self, message: msg.ListingDone) -> None:
        self._search_running = False
        if self._queued is None:
            self._release_frame()  # nothing newer is coming for a held frame
        else:
            keep, self._queued = self._queued, None
            self._start_listing(keep)

    def _hold_frame(self) -> None:
        """Keep the next frame until the listing is applied (at most `frame_hold` s)."""
        if self._hold_timer is None and self.frame_hold > 0 and self.is_current:
            self.app._begin_batch()  # Textual's batch_update, across an await
            self._hold_timer = self.set_timer(self.frame_hold, self._release_frame)

    def _release_frame(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
            self.app._end_batch()

    def on_unmount(self) -> None:
        self._release_frame()

    def cache_changed(self) -> None:
        """Papers were added or changed behind the listing: show them, keeping the place.

        The query, digest, filters and selection stay; the cursor stays on the
        same paper; the total is recounted and cached row text is dropped.
        """
        self._stale = True
        self.reload(keep=True)
        self.load_digests()

    @property
    def activity(self) -> str:
        return "  ".join(self._activity.values())

    def set_activity(self, text: str, *, slot: str = "fetch") -> None:
        """Show (or with "" clear) what a background job is doing, in the status line."""
        if text == self._activity.get(slot, ""):
            return
        if text:
            self._activity[slot] = text
        else:
            self._activity.pop(slot, None)
        self._update_status()

    def _listing_work(
        self,
        store: Store,
        generation: int,
        query: str,
        digest: str | None,
        total: int | None = None,
        keep: bool = False,
    ) -> None:
        """In a thread: the first page, then (when the page is full) the count.

        The page comes first: counting every match is the slower half, and a
        page shorter than FIRST_PAGE already is the count.
        """
        from tui_digest.core.query import QueryError

        try:
            if generation != self.generation:
                return  # a newer keystroke already asked again
            rows = store.search(query, digest=digest, limit=FIRST_PAGE)
            counted = len(rows) < FIRST_PAGE
            matches = len(rows)
            if total is None and counted and not query:
                total = matches
            self.post_message(
                msg.ListingPage(
                    generation, matches, total, rows, query, digest, keep=keep, counted=counted
                )
            )
            if counted and total is not None:
                return
            if generation != self.generation:
                return
            if not counted:
                matches = store.count(query, digest=digest)
            if total is None:
                total = store.count("", digest=digest) if query else matches
            self.post_message(msg.ListingCount(generation, matches, total, query, digest))
        except QueryError as error:
            self.post_message(msg.ListingFailed(generation, str(error)))
        finally:
            self.post_message(msg.ListingDone(generation))

    def on_listing_page(self, message: msg.ListingPage) -> None:
        if message.generation != self.generation:
            return
        fresh, self._stale = self._stale, False
        self.matches, self.error = message.matches, ""
        self.counting = not message.counted
        if message.total is not None:
            self.total, self._total_digest, self._total_known = message.total, message.digest, True
        elif self.digest != self._total_digest:
            self._total_known = False
        papers = self.paper_list
        keep = papers.current_rowid if message.keep else None
        # A full page may have more rows after it: one more (placeholder) row
        # until the count says how many.
        shown = message.matches + (1 if self.counting else 0)
        papers.set_listing(shown, message.rows, keep=keep, fresh=fresh)
        self.listing_ready = True
        if fresh and keep is not None and keep == papers.current_rowid:
            self._load_detail(keep)  # same paper, maybe new text (a translation)
        if not message.rows:
            self.detail.show_message(
                "No papers match." if self.effective_query() else "No papers here yet."
            )
        self._update_status()
        self._release_frame()

    def on_listing_count(self, message: msg.ListingCount) -> None:
        if message.generation != self.generation:
            return
        if not self._cache_verified:
            # The full integrity check reads the whole cache: after the first
            # frame, in a thread, so start-up does not grow with the cache.
            self._cache_verified = True
            self.call_after_refresh(self._verify_cache)
        self.matches, self.counting = message.matches, False
        self.total, self._total_digest, self._total_known = message.total, message.digest, True
        papers = self.paper_list
        papers.set_total(message.matches)
        self._update_status()
        if message.matches > len(papers.ids):
            # The full id array (22 ms at 100k) is read after this frame is drawn:
            # building it holds the GIL, and the frame should not wait on it.
            self.call_after_refresh(self._load_ids, message)

    def _verify_cache(self) -> None:
        store = self.store
        if store is None:
            return

        def work() -> None:
            problem = store.verify()
            if problem:
                self.post_message(msg.CacheDamaged(str(store.path), problem))

        run_in_thread(self.app, work, group="verify-cache", description="check the cache")

    def on_cache_damaged(self, message: msg.CacheDamaged) -> None:
        self.app.notify(
            f"The cache {message.path} is damaged ({message.problem}). Quit and run "
            "`tui-digest stats`: it moves the damaged file aside and starts a fresh cache.",
            title="Cache",
            severity="error",
            timeout=30,
            markup=False,
        )

    def _load_ids(self, page: msg.ListingCount) -> None:
        store = self.store
        if store is None or page.generation != self.generation:
            return

        def work() -> None:
            if page.generation == self.generation:
                ids = store.list_ids(page.query, digest=page.digest)
                self.post_message(msg.ListingIds(page.generation, ids))

        run_in_thread(
            self.app, work, group="listing-ids", exclusive=True, description="list the papers"
        )

    def on_listing_ids(self, message: msg.ListingIds) -> None:
        if message.generation == self.generation:
            self.paper_list.set_ids(message.ids)

    def on_listing_failed(self, message: msg.ListingFailed) -> None:
        if message.generation == self.generation:
            self.error = message.error
            self.counting = False
            self._release_frame()
            self._update_status()

    def on_digests_loaded(self, message: msg.DigestsLoaded) -> None:
        self.digests = message.digests

    def load_digests(self) -> None:
        store = self.store
        if store is not None:
            run_in_thread(
                self.app,
                lambda: self.post_message(msg.DigestsLoaded(store.digests())),
                group="digests",
                description="list the digests",
            )

    def _update_status(self) -> None:
        filters = [
            f
            for f, on_ in (("is:unread", self.unread_only), ("is:starred", self.starred_only))
            if on_
        ]
        view = "All papers" if self.digest is None else self.digest
        note = self.note if self.digest is None or is_sample(self.digest) else ""
        self.query_one(StatusLine).show_state(
            view=view,
            matches=self.matches,
            counting=self.counting,
            total=self.total if self._total_known else None,
            filters=filters,
            language=LANGUAGE_LABELS.get(self.settings.language, self.settings.language),
            selected=len(self.paper_list.selected),
            error=self.error,
            note=note,
            activity=self.activity,
        )

    # --- the current paper ---------------------------------------------------------

    @on(PaperList.CursorMoved)
    def _cursor_moved(self, message: PaperList.CursorMoved) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if message.rowid is None or self.store is None:
            return
        if self.detail_delay > 0:
            self._detail_timer = self.set_timer(
                self.detail_delay, partial(self._load_detail, message.rowid)
            )
        else:
            self._load_detail(message.rowid)

    def _load_detail(self, rowid: int) -> None:
        store = self.store
        if store is None or rowid != self.paper_list.current_rowid:
            return

        def work() -> None:
            self.post_message(msg.PaperLoaded(rowid, store.get_paper(rowid)))

        run_in_thread(self.app, work, group="detail", exclusive=True, description="read the paper")

    def on_paper_loaded(self, message: msg.PaperLoaded) -> None:
        if message.rowid != self.paper_list.current_rowid:
            return
        record = message.record
        if record is None:
            self.detail.show_message("This paper is no longer in the cache.")
            return
        row = self.paper_list.cached_row(message.rowid)
        self.detail.show(record, ref=row.ref if row else 0)
        if record.read or self.read_delay is None:
            return
        mark = partial(self.mark_current_read, message.rowid)
        if self.read_delay <= 0:
            self.call_after_refresh(mark)  # Textual timers cannot run with a zero delay
        else:
            self._read_timer = self.set_timer(self.read_delay, mark)

    def mark_current_read(self, rowid: int | None = None) -> None:
        """Mark the paper in the detail pane read (the read timer's callback)."""
        record = self.detail.record
        if record is None or (rowid is not None and record.rowid != rowid):
            return
        if not record.read:
            self._set_flag("read", [record.rowid], True)

    def _targets(self) -> list[int]:
        selected = self.paper_list.selected_in_order()
        if selected:
            return selected
        current = self.paper_list.current_rowid
        return [] if current is None else [current]

    def _set_flag(self, flag: str, rowids: Sequence[int], value: bool) -> None:
        """Set "read" or "starred" on screen at once, then in the cache (Store.set_<flag>)."""
        self.paper_list.update_flags(rowids, **{flag: value})
        record = self.detail.record
        if record is not None and record.rowid in rowids:
            setattr(record, flag, value)
            self.detail.show(record, ref=self.detail.ref)
        self._persist(f"set_{flag}", list(rowids), value)

    def _persist(self, method: str, rowids: list[int], value: bool) -> None:
        store = self.store
        if store is not None:
            run_in_thread(
                self.app,
                lambda: getattr(store, method)(rowids, value),
                group=f"persist-{method}",
                description="save the paper's state",
            )

    def _all_flag(self, rowids: Sequence[int], flag: str) -> bool:
        rows = [self.paper_list.cached_row(rowid) for rowid in rowids]
        known = [getattr(row, flag) for row in rows if row is not None]
        return bool(known) and all(known) and len(known) == len(rowids)

    # --- actions -------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.search_box.focus()

    def action_switch_pane(self) -> None:
        if self.paper_list.has_focus:
            self.detail.focus()
        else:
            self.paper_list.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value == self.query_text:
            self._release_frame()
            return
        self.query_text = event.value
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.paper_list.focus()

    @on(SearchBox.Cleared)
    def _search_cleared(self) -> None:
        self.paper_list.focus()

    @on(PaperList.SelectionChanged)
    def _selection_changed(self) -> None:
        self._update_status()

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.reload()
        self._update_status()

    def action_toggle_starred(self) -> None:
        self.starred_only = not self.starred_only
        self.reload()
        self._update_status()

    def show_digest(self, name: str | None) -> None:
        """Show one digest by name, or all papers (None)."""
        self.digest = name
        self.reload()
        self._update_status()

    def action_pick_digest(self) -> None:
        from tui_digest.ui.screens.digest_picker import ALL_PAPERS, DigestPicker

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.show_digest(None if choice == ALL_PAPERS else choice)

        self.app.push_screen(DigestPicker(self.digests, self.digest), chosen)

    def action_toggle_star(self) -> None:
        rowids = self._targets()
        if rowids:
            self._set_flag("starred", rowids, not self._all_flag(rowids, "starred"))

    def action_toggle_read(self) -> None:
        rowids = self._targets()
        if rowids:
            self._set_flag("read", rowids, not self._all_flag(rowids, "read"))

    def action_cycle_language(self) -> None:
        language = next_language(self.settings.language)
        self.settings.language = language
        self.paper_list.set_language(language)
        self.detail.set_language(language)
        self._update_status()
        self.app.save_settings()

    def action_toggle_layout(self) -> None:
        self.settings.layout = "stacked" if self.effective_layout() == "wide" else "wide"
        self._apply_layout()
        self.app.save_settings()

    def _current_url(self) -> str | None:
        record = self.detail.record
        if record is None or record.rowid != self.paper_list.current_rowid:
            self.app.notify("No paper is shown yet.", severity="warning")
            return None
        if not record.paper.url:
            self.app.notify("This paper has no link.", severity="warning")
            return None
        return record.paper.url

    def action_open_link(self) -> None:
        url = self._current_url()
        if url is None:
            return
        if not is_safe_url(url):
            self.app.notify(
                "Refusing to open a link that is not http(s).", severity="warning", markup=False
            )
            return
        self.app.open_url(url)
        self.mark_current_read()

    def action_copy_link(self) -> None:
        url = self._current_url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.app.notify(f"Copied {url}", markup=False)

    def action_refresh(self) -> None:
        self.refresher.start()

    def action_sources(self) -> None:
        from tui_digest.ui.screens.sources import SourcesScreen

        if self.store is None:
            self.app.notify("The cache is still opening.", markup=False)
            return
        self.app.push_screen(SourcesScreen(self.store, self.refresher.last_results))

    def action_translate(self) -> None:
        self.translator.start(self._targets())

    def action_export(self) -> None:
        from tui_digest.ui.screens.export import ExportScreen

        rowids = self._targets()
        if not rowids or self.store is None:
            self.app.notify("Nothing to export.", severity="warning")
            return

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.export(rowids, request)

        self.app.push_screen(ExportScreen(len(rowids)), chosen)

    def export(self, rowids: list[int], request: ExportRequest) -> None:
        from tui_digest.ui.export_job import export_papers

        store = self.store
        assert store is not None

        def work() -> None:
            count = export_papers(store, rowids, request.format, request.path, request.overwrite)
            self.post_message(msg.ExportDone(request.path, count))

        run_in_thread(self.app, work, group="export", description="export")

    def on_export_done(self, message: msg.ExportDone) -> None:
        noun = "paper" if message.count == 1 else "papers"
        self.app.notify(f"Exported {message.count} {noun} to {message.path}", markup=False)
