"""The main screen: summary table, detail pane, search box and status line.

`ListingScreen` (screens/listing.py) keeps the list current, `ReadingScreen`
(screens/reading.py) the user's marks and unread counts; this class adds the
layout, the detail pane, the dialogs, the keys (declared in `ui/keys.py`) and
reopening where the reader was closed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Provider
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tui_digest.core.store import Store
from tui_digest.ui import first_run, keys, start_gc
from tui_digest.ui import messages as msg
from tui_digest.ui.annotate_actions import AnnotateActions
from tui_digest.ui.export_actions import ExportActions
from tui_digest.ui.foryou import is_foryou_day, newest_day_followed, newest_day_shown
from tui_digest.ui.foryou_actions import ForYouActions
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.pane_layout import ListPane, PaneLayout, Panes
from tui_digest.ui.screens.paper_view_actions import PaperViewActions
from tui_digest.ui.screens.reading import ReadingScreen
from tui_digest.ui.settings import Settings, next_language, save_settings
from tui_digest.ui.signals import signals_of
from tui_digest.ui.split_drag import SplitDrag
from tui_digest.ui.timing import Timing
from tui_digest.ui.watch_actions import WatchActions
from tui_digest.ui.widgets.footer import ReaderFooter
from tui_digest.ui.widgets.paper_detail import PaperDetail
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.search_box import SearchBox
from tui_digest.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui_digest.core.model import DigestInfo, PaperRecord
    from tui_digest.ui.news import FetchFinished
    from tui_digest.ui.refresh import Refresher
    from tui_digest.ui.translating import Translator

# What only a key needs (dialogs, the opener, exporting) is imported when the key
# is pressed: the first frame does not wait for those modules (issue 13 req 5).
# So are the palette's commands, the fetching and the translating, all of which
# start after the first frame at the earliest.


def digest_commands() -> type[Provider]:
    """The palette's provider, loaded when the palette opens (Textual calls this)."""
    from tui_digest.ui.commands import DigestCommands

    return DigestCommands


class MainScreen(
    ExportActions,
    WatchActions,
    AnnotateActions,
    PaperViewActions,
    ForYouActions,
    PaneLayout,
    SplitDrag,
    ReadingScreen,
):
    # (Its styles, main.tcss, are loaded with the app's: see DigestApp.CSS_PATH.)
    # The list has the focus from the start: the first listing may be applied
    # before the first frame (held_messages.py), and it must not find the
    # search box focused as Textual's default ("*": the first focusable) would.
    AUTO_FOCUS = "#papers"
    # Covered by its widgets: drawn as blank lines of its background (Textual's
    # `BLANK`; see pane_layout.Panes).
    BLANK = True
    BINDINGS: ClassVar[list[BindingType]] = list(keys.MAIN)
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {digest_commands}

    def __init__(
        self,
        db_path: Path | None,
        settings: Settings,
        *,
        first_run_sample: bool = True,
        timing: Timing | None = None,
    ) -> None:
        timing = timing or Timing()
        super().__init__(
            db_path,
            first_run_sample=first_run_sample,
            frame_hold=timing.frame_hold,
            schedule=timing.schedule,
        )
        self.settings = settings
        self.detail_delay = timing.detail_delay  # see Timing.detail_delay
        self.clock = timing.clock  # the times shown (see core.when)
        self.retrain_delay, self.retrain_schedule = timing.retrain_delay, timing.schedule
        self.day_schedule = timing.schedule  # the watches' midnight timer (watch_actions)
        self._net_sleep = timing.net_sleep  # the refresher's, made on first use
        self._detail_timer: Timer | None = None
        # Reopen on the digest, search and paper the reader was closed on.
        self.digest = settings.digest or None
        self.query_text = settings.query
        self.restore_paper = settings.paper
        # Closed on For you's newest day: reopened, it is the newest day then.
        self._reopen_newest = settings.foryou_newest
        self.current_paper = settings.paper  # arXiv id of the paper in the detail pane

    @cached_property
    def refresher(self) -> Refresher:
        """Fetches the configured sources (first used after the first frame)."""
        from tui_digest.ui.refresh import Refresher

        return Refresher(
            self,
            lambda: self.store,
            self.set_activity,
            sleep=self._net_sleep,
            no_store=self.no_store_note,
        )

    @cached_property
    def translator(self) -> Translator:
        """Translates papers with the configured model (after a fetch, or `t`)."""
        from tui_digest.ui.translating import Translator

        return Translator(self, lambda: self.store, self.set_activity)

    # --- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout's class from the start: a class added even before mounting
        # restyles the widget (~0.7 ms of the start; issue 13 req 5).
        panes = Panes(id="panes", classes=self.effective_layout())
        pane = ListPane(id="summary-pane")
        self.lay_out(panes, pane)  # (styled once, as mounted: see PaneLayout.lay_out)
        with panes:
            with pane:
                yield SearchBox(id="search")
                yield PaperList(id="papers")
            yield PaperDetail(id="detail")
        yield StatusLine(id="status").data_bind(
            MainScreen.digest,
            MainScreen.unread_only,
            MainScreen.starred_only,
            MainScreen.matches,
            MainScreen.total,
            MainScreen.counting,
            MainScreen.error,
            MainScreen.note,
            MainScreen.activity,
            MainScreen.selected,
            MainScreen.language,
            MainScreen.unread_here,
            MainScreen.unread_total,
            MainScreen.query_text,
        )
        yield ReaderFooter()

    async def on_mount(self) -> None:  # (async as ListingScreen's, which waits for the page)
        self.language = self.settings.language
        self.paper_list.set_language(self.settings.language)
        self.detail.set_language(self.settings.language)
        self.detail.show_message("Opening the cache…")
        self.search_box.value = self.query_text
        self._apply_layout()
        self.paper_list.focus()
        signals_of(self.app).fetch_finished.subscribe(self, self._fetch_finished)
        # (Textual then runs ListingScreen.on_mount too: handlers run along the MRO.)

    def on_resize(self) -> None:
        self._apply_layout()  # (PaneLayout: "auto" stacks below 100 columns)

    def first_listing_drawn(self) -> None:
        start_gc.resume()  # (if the start paused the collector: ui/start_gc.py)
        # The config file and the watch lists' counts wait for the first frame.
        super().first_listing_drawn()
        self.refresher.read_interval()
        self.load_watches()

    def _fetch_finished(self, finished: FetchFinished) -> None:
        if finished.new_digests:
            self.translator.after_fetch(finished.new_digests)
        if not self.note:
            return
        if finished.new_digests:
            self.note = ""  # real digests arrived: the sample is gone
        elif problem := first_run.unreachable(self.app, finished.results):
            self.note = first_run.note_unreachable(self.app)
            self.notify(problem, title="First run", severity="warning", markup=False, timeout=20)

    # --- the current paper ---------------------------------------------------------

    @on(PaperList.CursorMoved)
    def _cursor_moved(self, message: PaperList.CursorMoved) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if message.rowid is None or self.store is None:
            return
        self.view_follows_cursor(message.rowid, gone=message.gone)
        if self.detail_delay > 0:
            self._detail_timer = self.set_timer(
                self.detail_delay, partial(self._show_paper, message.rowid)
            )
        else:
            self._show_paper(message.rowid)

    def paper_reread(self, rowid: int) -> None:
        self._show_paper(rowid)

    def digests_changed(self, before: list[DigestInfo]) -> None:
        super().digests_changed(before)  # (the digest shown may be gone)
        newest = newest_day_followed(
            self.query_text, self.digest, before, self.digests, reopened=self._reopen_newest
        )
        self._reopen_newest = False
        if newest is not None:
            self.search_box.set_query(newest)

    def marks_changed(self) -> None:
        """Another process marked, tagged or noted papers: the rows, the detail pane
        (its tags and note), the unread and watch counts follow."""
        super().marks_changed()
        self.count_watches()
        current = self.paper_list.current_rowid
        if current is not None:
            self.paper_reread(current)

    def _show_paper(self, rowid: int) -> None:
        if self.store is not None and rowid == self.paper_list.current_rowid:
            self._load_paper(self.store, rowid, self.digest)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False,
          description="read the paper")  # fmt: skip
    def _load_paper(self, store: Store, rowid: int, digest: str | None) -> None:
        # As the digest viewed listed it: a past day's v1 with v1's abstract.
        record = store.get_paper_in(rowid, digest)
        if not get_current_worker().is_cancelled:
            self.post_message(msg.PaperLoaded(rowid, record))

    def on_paper_loaded(self, message: msg.PaperLoaded) -> None:
        if message.rowid != self.paper_list.current_rowid:
            return
        record = message.record
        if record is None:
            self.detail.show_message("This paper is no longer in the cache.")
            return
        row = self.paper_list.cached_row(message.rowid)
        # The row's ref and announce type are those of the digest viewed (`new`
        # in one category's listing, `cross` in another's): the detail says the same.
        kind, version = (row.announce_type, row.version) if row else ("", "")
        self.detail.show(record, ref=row.ref if row else 0, announce_type=kind, version=version)
        self.current_paper = record.paper.id

    def listing_ids_set(self) -> None:
        self.view_position_changed()

    def flags_shown(self, flag: str, rowids: tuple[int, ...], value: bool) -> None:
        record = self.detail.record
        if record is not None and record.rowid in rowids:
            setattr(record, flag, value)
            detail = self.detail
            detail.show(
                record, ref=detail.ref, announce_type=detail.announce_type, version=detail.version
            )
        self.view_flags_shown(flag, rowids, value)
        if flag == "starred" and rowids:
            self.stars_changed()  # For you retrains after a burst of star changes (undo too)
        if rowids:
            self.count_watches()  # unread counts (and hits of is:/tag: watches)

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

    def action_clear_search(self) -> None:
        """Escape in the list: clear the kept search (the box's escape does it there).

        The cursor stays on its paper in the wider listing: the user chose it
        among the results (the box's escape abandons a search being typed, whose
        first result nobody chose: that one starts at the top).
        """
        if self.query_text:
            self.query_text = ""
            self.search_box.value = ""  # its Input.Changed finds the same text: no reload
            self._reload_keeping_place()

    def action_back_to_list(self) -> None:
        """Escape in the detail pane: back to the list, clearing a kept search as
        escape there does (the status line's "esc clears" is shown in both panes)."""
        self.paper_list.focus()
        self.action_clear_search()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The status line's "(esc clears)" names the key of the pane with the focus;
        # in the search box its own (it named the list's: typed there, not a clear;
        # found by a regression hunt).
        if event.widget is self.search_box:
            binding = "search.clear"
        else:
            pane = "detail" if event.widget is self.detail else "list"
            binding = f"{pane}.clear_search"
        self.query_one(StatusLine).clear_binding = binding

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self.incomplete_error:
            self.error = self.incomplete_error  # kept unfinished: now say why
        self.paper_list.focus()

    @on(SearchBox.Cleared)
    def _search_cleared(self) -> None:
        self.paper_list.focus()

    @on(PaperList.SelectionChanged)
    def _selection_changed(self, message: PaperList.SelectionChanged) -> None:
        self.selected = message.count

    # The quick filters keep the place: the cursor stays on its paper when it is
    # still listed, else on the next one that is (PaperList.set_listing). They
    # started again at the top (`j` x30, `u`: back at ref 1; found by a bug hunt).
    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self._reload_keeping_place()

    def action_toggle_starred(self) -> None:
        self.starred_only = not self.starred_only
        self._reload_keeping_place()

    def _reload_keeping_place(self) -> None:
        """Another listing, the cursor kept on its paper: unlike a kept listing (an
        import), it is not the listing a waiting G or select-all was meant for."""
        self.drop_waiting_keys()
        self.reload(keep=True)

    def action_show_all_papers(self) -> None:
        self.show_digest(None)

    def action_select_all(self) -> None:
        self.paper_list.action_select_all()

    def action_clear_selection(self) -> None:
        self.paper_list.action_clear_selection()

    def action_delete_digest(self) -> None:
        """Delete the digest shown, after asking (the palette's "Delete this digest")."""
        from tui_digest.ui.digest_removal import ask_to_remove

        if self.digest is None:
            pick = hint_key(self.app, "main.digest")
            self.notify(f"Show a digest first ({pick} picks one).", title="Delete", markup=False)
        else:
            ask_to_remove(self, self.digest)

    def choose_digest(self, name: str) -> None:
        """The palette's "Digest: NAME": all papers if NAME was removed meanwhile."""
        self.show_digest(self.listed_digest(name))

    def action_pick_digest(self) -> None:
        from tui_digest.ui.digest_removal import DELETE, ask_to_remove
        from tui_digest.ui.screens.digest_picker import ALL_PAPERS, FOR_YOU, WATCH, DigestPicker

        def chosen(choice: str | None) -> None:
            if choice is not None and choice.startswith(DELETE):
                ask_to_remove(self, choice[len(DELETE) :])
            elif choice == FOR_YOU:
                self.show_for_you()
            elif choice is not None and choice.startswith(WATCH):
                self.show_watch(choice[len(WATCH) :])
            elif choice is not None:
                name = None if choice == ALL_PAPERS else self.listed_digest(choice)
                if is_foryou_day(self.search_box.value):
                    # For you's day and ranking are not a filter for another view:
                    # kept, a digest of another day showed "No papers match". (One
                    # listing: `show_digest` then the box's change listed twice,
                    # the first one ranked.)
                    self.digest = name
                    self.search_for("")
                else:
                    self.show_digest(name)

        counted = self.unread_total is not None  # before the first count: totals only
        picker = DigestPicker(
            self.digests,
            self.digest,
            unread=self.unread_by_digest if counted else None,
            unread_total=self.unread_total,
            watches=self.watch_hits,
        )
        self.app.push_screen(picker, chosen)

    def action_toggle_star(self) -> None:
        self.toggle_flag("starred")

    def action_toggle_read(self) -> None:
        self.toggle_flag("read")

    def action_cycle_language(self) -> None:
        language = next_language(self.settings.language)
        self.settings.language = self.language = language
        self.paper_list.set_language(language)
        self.detail.set_language(language)
        self.save_settings()

    def save_settings(self) -> None:
        problem = save_settings(self.settings)
        if problem:
            self.notify(problem, severity="warning", markup=False)

    def _shown_record(self) -> PaperRecord | None:
        record = self.detail.record
        if record is None or record.rowid != self.paper_list.current_rowid:
            self.notify("No paper is shown yet.", severity="warning")
            return None
        return record

    def action_open_link(self) -> None:
        record = self._shown_record()
        if record is not None:
            self.open_paper(record)

    def action_open_pdf(self) -> None:
        record = self._shown_record()
        if record is not None:
            self.open_paper(record, pdf=True)

    def open_paper(self, record: PaperRecord, *, pdf: bool = False) -> None:
        """`o`/`O` here and in the reading view (which passes the paper it shows)."""
        from tui_digest.ui import opener

        # Opening counts as reading, never over a hand-set mark (the detail pane's
        # link click goes through the same rule: msg.PaperOpened).
        if opener.open_paper(self.app, record, pdf=pdf):
            self.read_on_open(record.rowid)

    def action_copy_link(self) -> None:
        from tui_digest.ui import opener

        record = self._shown_record()
        if record is not None:
            opener.copy_paper_link(self.app, record)

    def action_copy_bibtex(self) -> None:
        from tui_digest.ui import opener

        record = self._shown_record()
        if record is not None:
            opener.copy_paper_bibtex(self.app, record)

    def action_refresh(self) -> None:
        self.refresher.start()

    def action_sources(self) -> None:
        if self.store is None:
            self.notify(self.no_store_note(), title="Sources", markup=False)
            return
        from tui_digest.ui.screens.sources import SourcesScreen

        results = self.refresher.last_results
        screen = SourcesScreen(self.store, results, clock=self.clock, schedule=self.day_schedule)
        self.app.push_screen(screen)

    def action_translate(self) -> None:
        rowids = self.targets()
        if rowids is None:
            return  # the selection's ids are being read (`targets` said so)
        self.translator.start(rowids, self.paper_list.picked(rowids))

    # --- closing -------------------------------------------------------------------

    def reopen_text(self) -> str:
        """The search to reopen on: the box's, or, when the box holds a search that
        was refused while the list kept an earlier one's listing (an unclosed
        parenthesis), that one, as the user saw it. The refused one reopened on
        an empty list under "Opening the cache…" (bug hunt s41 #3)."""
        shown = self.shown_request
        if (self.error or self.incomplete_error) and shown is not None:
            return shown.text
        return self.query_text

    def on_unmount(self) -> None:
        """Remember the digest, search and paper, to reopen on them."""
        self.dwell.cancel()
        settings = self.settings
        settings.digest = self.digest or ""
        settings.query = text = self.reopen_text()
        settings.foryou_newest = newest_day_shown(text, self.digest, self.digests)
        settings.paper = self.current_paper  # (the widgets are gone by now: no queries)
        self.save_settings()
