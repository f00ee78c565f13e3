"""The reader's watch lists (issue 10 req 5): a mixin of `MainScreen`.

- The watches are the config's `[[watches]]`, read in a thread once the cache
  is open and again after `ctrl+s` saved one.
- Their papers are found (`Store.watch_hits`) in a worker whenever what a
  query sees may have changed: the watches were read, the cache changed (a
  fetch, another process), tags or a note were edited. After read/star
  changes only the unread counts are counted again from the papers found
  (`Store.watch_unread`), unless a watch's query looks at the user's state
  (`is:`, `tag:`, `note:`), whose papers may then have changed. They are
  found again when the day changed too (`date:today`, `date:-7d`): the found
  papers are kept with the day they were found for, by the screen's clock
  (`Timing.clock`), and a timer set for the next local midnight counts the
  watches again (found by a bug hunt: after midnight, with nothing new in the
  cache, such a watch kept yesterday's count and marks until a restart).
- The digest picker lists the watches with their unread/total counts;
  choosing one shows its query in the search box (as For you does), so what
  is listed is always a search the user can read and change.
- Rows of papers that some watch finds carry a mark in the list; the detail
  pane names the watches.
- `ctrl+s` saves the current search as a watch: it asks for a name and writes
  it with `config.editing.save_watch` (tomlkit: the user's comments survive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.reactive import reactive
from textual.worker import get_current_worker

if TYPE_CHECKING:  # the config, the ctrl+s dialog and the counting load when first needed
    from tui_digest.config.watches import Watch
    from tui_digest.core.store.watch_lists import WatchHits, WatchIndex
    from tui_digest.core.when import Clock
    from tui_digest.ui.marks import Schedule

from tui_digest.core.digest_day import zone_date
from tui_digest.core.lazy_pattern import LazyPattern
from tui_digest.core.store import Store
from tui_digest.core.when import seconds_to_next_day
from tui_digest.core.wording import counted
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.widgets.paper_detail import PaperDetail
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.search_box import SearchBox

# Queries whose papers change with the user's own state, not only with the cache.
_STATEFUL = LazyPattern(r"(?i)(?<![^\s(\-])(is|tag|note):")


def looks_at_state(query: str) -> bool:
    return _STATEFUL.search(query) is not None


def day_of(clock: Clock) -> str:
    """Today by `clock` (its zone), as date:today reads it (`$TUI_DIGEST_TODAY` wins)."""
    return zone_date(clock.local(clock.now()))


class WatchesCounted(Message):
    """The watches' papers (found again when `found`) and unread counts, for `watches`."""

    def __init__(self, watches: list[Watch], index: WatchIndex, *, found: bool, day: str) -> None:
        self.watches = watches
        self.index = index
        self.found = found
        self.day = day  # the day date:today was read as
        super().__init__()


class WatchActions:
    """Needs from the screen: store, digest, search_box, paper_list, detail, notify, app,
    clock and day_schedule (its `Timing`'s clock and schedule)."""

    store: Store | None
    clock: Clock  # now and the zone (Timing.clock): which day date:today is
    day_schedule: Schedule | None = None  # how the midnight timer is set (None: set_timer)
    digest: reactive[str | None]  # the screen's (ListingScreen.digest)
    search_box: SearchBox
    paper_list: PaperList
    detail: PaperDetail

    watches: list[Watch] = []  # noqa: RUF012 - replaced (never mutated) per instance
    watch_index: WatchIndex | None = None  # their papers and counts, once counted
    _watches_stale = True  # the papers found are out of date (or none were found yet)
    _watches_day = ""  # the day the papers found were found for
    _midnight: object | None = None  # the timer set for the next day

    @property
    def watch_hits(self) -> list[WatchHits]:
        """Each watch's papers and unread count (`WatchHits`), once counted."""
        return self.watch_index.watches if self.watch_index is not None else []

    # --- reading the watches and counting them --------------------------------------

    def load_watches(self) -> None:
        self._read_watches()

    @work(thread=True, exclusive=True, group="watch-config", exit_on_error=False,
          description="read the watch lists")  # fmt: skip
    def _read_watches(self) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.config.loader import load_config

        try:
            watches = load_config().watches
        except ConfigError:
            return  # the refresher says what is wrong with the file
        self.app.call_from_thread(self.watches_loaded, watches)  # type: ignore[attr-defined]

    def watches_loaded(self, watches: list[Watch]) -> None:
        self.watches = list(watches)
        self.count_watches(find=True)
        if self._midnight is None and self.watches:
            self._wait_for_next_day()

    def _wait_for_next_day(self) -> None:
        schedule = self.day_schedule or self.set_timer  # type: ignore[attr-defined]
        self._midnight = schedule(seconds_to_next_day(self.clock), self._next_day)

    def _next_day(self) -> None:
        """The midnight timer: a day changed, so date:today and date:-7d find other papers."""
        self.count_watches()  # (found again when the day did change: see count_watches)
        self._wait_for_next_day()

    def count_watches(self, *, find: bool = False) -> None:
        """Count the watches again; `find`: their papers may have changed too."""
        if find:
            self._watches_stale = True
        if self.store is None:
            return
        if not self.watches:
            self.watch_index = None
            self._show_watch_marks(None)
            return
        day = day_of(self.clock)
        stale = (
            self._watches_stale
            or day != self._watches_day
            or any(looks_at_state(w.query) for w in self.watches)
        )
        self._count_watches(self.store, self.watches, None if stale else self.watch_index, day)

    @work(thread=True, exclusive=True, group="watches", exit_on_error=False,
          description="count the watch lists")  # fmt: skip
    def _count_watches(
        self, store: Store, watches: list[Watch], known: WatchIndex | None, day: str
    ) -> None:
        if known is None:
            index = store.watch_hits([(w.name, w.query) for w in watches], today=day)
        else:
            index = known.with_unread(store.watch_unread(known))
        if not get_current_worker().is_cancelled:
            counted = WatchesCounted(watches, index, found=known is None, day=day)
            self.post_message(counted)  # type: ignore[attr-defined]

    def on_watches_counted(self, message: WatchesCounted) -> None:
        if message.watches is not self.watches:
            return  # counted for watches since replaced
        self.watch_index = message.index
        if message.found:
            self._watches_stale = False
            self._watches_day = message.day
            self._show_watch_marks(message.index)

    def _show_watch_marks(self, index: WatchIndex | None) -> None:
        self.paper_list.set_watch_marks(index.by_paper if index is not None else None)
        self.detail.set_watch_names(index.names if index is not None else None)

    def watches_of(self, rowid: int) -> tuple[str, ...]:
        """The names of the watches that find the paper `rowid` (config order)."""
        return self.watch_index.names(rowid) if self.watch_index is not None else ()

    # --- what makes the counts change -----------------------------------------------

    def cache_changed(self, change: object = None) -> None:
        super().cache_changed(change)  # type: ignore[misc]
        self.count_watches(find=True)

    def user_text_changed(self) -> None:
        """Tags or a note changed: `tag:`, `note:` and bare words may find other papers."""
        self.count_watches(find=True)

    # --- the picker's watches -----------------------------------------------------------

    def show_watch(self, name: str) -> None:
        """Show a watch's papers: all papers, searched with its query."""
        watch = next((w for w in self.watches if w.name == name), None)
        if watch is None:
            return
        self.digest = None  # type: ignore[arg-type]  # the mixin's host is the screen (a DOMNode)
        self.search_for(watch.query)  # type: ignore[attr-defined]

    # --- ctrl+s ---------------------------------------------------------------------------

    def action_save_watch(self) -> None:
        """Save the current search as a watch list, under a name the user types."""
        from tui_digest.config.watches import Watch
        from tui_digest.ui.screens.watch_name import WatchNameDialog

        query = self.search_box.value.strip()  # (the screen's query_text follows it)
        if not query:
            app = self.app  # type: ignore[attr-defined]
            search, save = hint_key(app, "main.search"), hint_key(app, "main.save_watch")
            self.notify(  # type: ignore[attr-defined]
                f"Type a search first ({search}); {save} then saves it as a watch list.",
                title="Watch list",
                markup=False,
            )
            return
        known = next((w.name for w in self.watches if w.query == query), "")

        def named(name: str | None) -> None:
            if name and name.strip() and self.store is not None:
                self._save_watch(self.store, Watch(name.strip(), query))

        dialog = WatchNameDialog(query, known, [w.name for w in self.watches])
        self.app.push_screen(dialog, named)  # type: ignore[attr-defined]

    @work(thread=True, group="watch-save", exit_on_error=False, description="save a watch list")
    def _save_watch(self, store: Store, watch: Watch) -> None:
        from tui_digest.config.editing import save_watch
        from tui_digest.config.errors import ConfigError
        from tui_digest.config.loader import load_config
        from tui_digest.core.query import QueryError

        call = self.app.call_from_thread  # type: ignore[attr-defined]
        try:
            papers = store.count(watch.query)  # the compiler refuses what a watch cannot be
            replaced = any(w.name == watch.name for w in load_config().watches)
            path = save_watch(None, watch)
            watches = load_config(path).watches
        except (QueryError, ConfigError) as exc:
            call(self.notify, str(exc), title="Watch list not saved", severity="error",  # type: ignore[attr-defined]
                 markup=False, timeout=10)  # fmt: skip
            return
        verb = "updated" if replaced else "saved"
        said = f"Watch list '{watch.name}' {verb} ({counted(papers, 'paper')}) in {path}."
        call(self.notify, said, title="Watch list", markup=False)  # type: ignore[attr-defined]
        call(self.watches_loaded, watches)
