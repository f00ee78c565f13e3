"""Fetching the configured sources from inside the reader (`r`, and the optional timer).

One refresh at a time: an async worker runs `fetch_all` on the app's event loop
(its store calls already go to threads, so the screen stays responsive), the
status line shows sources done/total and the current one, and when it ends a
notification sums it up and the app's signals say so (`fetch_finished`, and
`cache_changed` when papers came in): the listing re-reads itself in place, an
open sources screen redraws. Source names, URLs and errors come from the config
and the network: they are only ever shown as plain text (`markup=False`, `Content`).

The refresher knows its host screen only as a Textual node (for timers,
workers and notifications), so it imports no screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.screen import Screen

from tui_digest.core.sanitize import clean_line
from tui_digest.core.wording import counted, plural
from tui_digest.ui.enriching import Enricher
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.readonly import refuse_readonly
from tui_digest.ui.signals import signals_of

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.timer import Timer

    from tui_digest.config.loader import Config
    from tui_digest.core.store import Store
    from tui_digest.fetch.runner import SourceResult
    from tui_digest.net.options import Sleep
    from tui_digest.net.politeness import HostSlots

ShowActivity = Callable[..., None]  # (text, *, slot): "" clears the slot

MAX_FAILURES_LISTED = 4
MAX_NOTES_LISTED = 2
SLOT = "fetch"


def summarise(
    results: Sequence[SourceResult], *, sources_key: str = "S"
) -> tuple[str, SeverityLevel]:
    """(plain text, severity) of the notification that ends a refresh.

    `sources_key`: the sources screen's key as bound now (`key_hints`)."""
    from tui_digest.fetch.results import offline_line, run_totals, with_missed_days

    new, updated = run_totals(results)  # (a paper two sources brought counts once)
    failed = [r for r in results if not r.ok]
    fetched = len(results) - len(failed)
    days = with_missed_days(
        sum(len(r.caught_up) for r in results), sum(len(r.revised) for r in results)
    )
    lines = [
        f"{fetched} of {counted(len(results), 'source')} fetched: {new:,} new "
        f"{plural(new, 'paper')}{days}, "
        f"{updated:,} updated."
    ]
    offline = offline_line(results)
    if offline:  # one line for every source the missing network cost
        lines.insert(0, clean_line(offline, 240))
        failed = [r for r in failed if not r.offline]
    for result in failed[:MAX_FAILURES_LISTED]:
        lines.append(f"✗ {clean_line(result.name, 60)}: {clean_line(result.error, 240)}")
    if len(failed) > MAX_FAILURES_LISTED:
        lines.append(
            f"… and {len(failed) - MAX_FAILURES_LISTED} more failed ({sources_key} shows all)."
        )
    # What a source that came in could not do besides (a missed day, a folder's bad
    # file): what `tui-digest fetch` says on stderr, so the reader does not hide it.
    notes = [(r.name, note) for r in results if r.ok for note in r.notes]
    for name, note in notes[:MAX_NOTES_LISTED]:
        lines.append(f"! {clean_line(name, 60)}: {clean_line(note, 240)}")
    if len(notes) > MAX_NOTES_LISTED:
        lines.append(f"… and {len(notes) - MAX_NOTES_LISTED} more (`tui-digest fetch` lists all).")
    severity: SeverityLevel = "information"
    if failed or offline:
        severity = "error" if not fetched else "warning"
    elif notes:
        severity = "warning"
    return "\n".join(lines), severity


def progress_text(done: int, total: int, name: str) -> str:
    return f"⟳ fetching {done}/{total} · {clean_line(name, 40)}"


def _load_config() -> Config:
    # Imported in the worker's thread: the config schema and TOML parser are
    # not needed for the reader's first frame (issue 13 req 5).
    from tui_digest.config.loader import load_config

    return load_config()


class Refresher:
    """Starts refreshes for the main screen; never two at once."""

    def __init__(
        self,
        host: Screen[None],
        store: Callable[[], Store | None],
        show_activity: ShowActivity,
        *,
        sleep: Sleep | None = None,
        no_store: Callable[[], str] = lambda: "The cache is still opening; try again in a moment.",
    ) -> None:
        self.host = host
        self._no_store = no_store  # what `r` says without a cache (why it could not open)
        # How retries and politeness pauses wait (None: asyncio.sleep; see Timing.net_sleep).
        self._sleep = sleep
        self._store = store
        self._show = show_activity
        self.running = False
        self.interval_minutes = 0.0
        self._timer: Timer | None = None
        self.last_results: list[SourceResult] = []
        # Asks arXiv about the papers a refresh brought ([enrich] after_fetch).
        self.enricher = Enricher(host, store, show_activity)
        # One politeness clock for every refresh and enrichment of the reader: arXiv
        # asks for one request every 3 s across its hosts (/work/shared/docs/upstream.md,
        # "Politeness"); a clock per refresh let `r` pressed again, or pressed during
        # the enrichment, ask arXiv 1-2 s after the last request. Made on first use
        # (the network package is not loaded for the first frame); tests set their own.
        self.slots: HostSlots | None = None

    # --- the timer ---------------------------------------------------------------

    def set_interval(self, minutes: float) -> None:
        """Refresh every `minutes` while the reader runs (0: never)."""
        if minutes == self.interval_minutes:
            return
        self.interval_minutes = minutes
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if minutes > 0:
            self._timer = self.host.set_interval(minutes * 60, self.scheduled)

    def scheduled(self) -> None:
        """The timer's callback: a refresh unless one is running (then skip this tick)."""
        if not self.running:
            self.start(scheduled=True)

    def read_interval(self) -> None:
        """Read [fetch] interval_minutes once the cache is open (in a thread: file I/O)."""
        self.host.run_worker(
            self._read_interval(),
            group="read-config",
            description="read the config",
            exit_on_error=False,
        )

    async def _read_interval(self) -> None:
        from tui_digest.config.errors import ConfigError  # (after the first frame: issue 13 req 5)

        try:
            config = await asyncio.to_thread(_load_config)
        except ConfigError as error:
            # Not fatal for reading; `r` reports it again when asked to fetch.
            self.host.notify(
                str(error), title="Config", severity="warning", markup=False, timeout=10
            )
            return
        if config.warnings:  # unknown keys: said once, when the reader starts
            text = "\n".join(str(w) for w in config.warnings)
            self.host.notify(text, title="Config", severity="warning", markup=False, timeout=10)
        self.set_interval(config.fetch.interval_minutes)

    # --- a refresh -----------------------------------------------------------------

    def start(self, *, scheduled: bool = False) -> bool:
        """Begin a refresh; False (with a note unless `scheduled`) when it cannot start."""
        host = self.host
        if self.running:
            if not scheduled:
                host.notify("A refresh is already running.", title="Refresh", markup=False)
            return False
        store = self._store()
        if store is None:
            if not scheduled:
                host.notify(self._no_store(), title="Refresh", markup=False)
            return False
        if store.readonly:  # the timer's ticks stay quiet; `r` says why
            if not scheduled:
                refuse_readonly(host, store, "fetched papers")
            return False
        self.running = True
        self._show("⟳ reading the config", slot=SLOT)
        host.run_worker(
            self._run(store, scheduled=scheduled),
            group="refresh",
            description="refresh the sources",
            exit_on_error=False,
        )
        return True

    async def _run(self, store: Store, *, scheduled: bool = False) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.fetch.download import SourceFetcher
        from tui_digest.fetch.runner import fetch_all  # httpx: only once a fetch starts

        host = self.host
        fetcher: SourceFetcher | None = None
        try:
            try:
                config: Config = await asyncio.to_thread(_load_config)
            except ConfigError as error:
                host.notify(str(error), title="Refresh", severity="error", markup=False, timeout=10)
                return
            self.set_interval(config.fetch.interval_minutes)
            sources = config.enabled_sources()
            if not sources:
                host.notify(
                    f"No enabled sources in {config.path}: add [[sources]] tables "
                    "(see the README) or import an OPML file with "
                    "`tui-digest sources import FILE`.",
                    title="Refresh",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
                return
            self._show(progress_text(0, len(sources), sources[0].name), slot=SLOT)
            # One client for the fetch and the enrichment after it, and one clock
            # (`slots`) for every client: arXiv's feeds and its API share one.
            if self.slots is None:
                from tui_digest.net.politeness import HostSlots

                self.slots = HostSlots()
            fetcher = SourceFetcher(
                config.fetch.http_options(), sleep=self._sleep, slots=self.slots
            )
            fetcher.http.on_wait = self._waiting
            results = await fetch_all(store, sources, progress=self._progress, fetcher=fetcher)
        except BaseException:
            if fetcher is not None:
                await fetcher.aclose()
            raise
        finally:
            self.running = False
            self._show("", slot=SLOT)
        self.last_results = results
        from tui_digest.ui.news import CacheChanged, FetchFinished  # (after the first frame)

        signals = signals_of(host.app)
        if any(r.new or r.updated for r in results):
            signals.cache_changed.publish(CacheChanged("fetch"))
        finished = FetchFinished(tuple(results))
        signals.fetch_finished.publish(finished)
        text, severity = summarise(results, sources_key=hint_key(host.app, "main.sources"))
        # A timer's refresh whose every source was not modified (a 304, a file
        # untouched) says nothing: a reader left open refreshing every minute
        # showed "0 new papers" every minute, and each toast gone stayed in
        # memory with every line it drew (~45 KB a refresh, up to ~45 MB: Textual
        # keeps 1,024 widgets' render caches, Textualize/textual#6665; bug hunt
        # `soak` #1). Anything read says, even without new papers (a new digest
        # of papers held, a revised or missed day: regression hunt). `r` always says.
        quiet = (
            scheduled
            and severity == "information"
            and all(r.not_modified and not r.notes for r in results)
        )
        if not quiet:
            host.notify(text, title="Refresh", severity=severity, markup=False, timeout=10)
        # The enricher closes the client when it takes it.
        if not self.enricher.after_fetch(finished.new_digests, http=fetcher.http):
            await fetcher.aclose()

    def _waiting(self, line: str) -> None:
        """A Retry-After (or backoff) wait of 10 s or more, said as it begins: the
        status line stood at `fetching 0/1` for minutes, nothing saying why (found
        by a bug hunt). Called in the worker; the notification is a posted message."""
        self.host.notify(
            clean_line(line, 500), title="Refresh", severity="information", markup=False
        )

    def _progress(self, done: int, total: int, name: str) -> None:
        # fetch_all calls this on the event loop: the status line can be updated directly.
        self._show(progress_text(done, total, name), slot=SLOT)
