"""Fetching the configured sources from inside the reader (`r`, and the optional timer).

One refresh at a time: an async worker runs `fetch_all` on the app's event loop
(its store calls already go to threads, so the screen stays responsive), the
status line shows sources done/total and the current one, and when it ends the
listing is re-read in place and a notification sums it up. Source names, URLs
and errors come from the config and the network: they are only ever shown as
plain text (`markup=False`, `Content`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.timer import Timer

    from tui_digest.config.loader import Config
    from tui_digest.core.store import Store
    from tui_digest.fetch.runner import SourceResult
    from tui_digest.ui.screens.main import MainScreen

MAX_FAILURES_LISTED = 4
SLOT = "fetch"


def summarise(results: Sequence[SourceResult]) -> tuple[str, SeverityLevel]:
    """(plain text, severity) of the notification that ends a refresh."""
    from tui_digest.fetch.results import offline_line

    new = sum(r.new for r in results)
    updated = sum(r.updated for r in results)
    failed = [r for r in results if not r.ok]
    fetched = len(results) - len(failed)
    noun = "paper" if new == 1 else "papers"
    lines = [
        f"{fetched} of {len(results)} source(s) fetched: {new:,} new {noun}, {updated:,} updated."
    ]
    offline = offline_line(results)
    if offline:  # one line for every source the missing network cost
        lines.insert(0, clean_line(offline, 240))
        failed = [r for r in failed if not r.offline]
    for result in failed[:MAX_FAILURES_LISTED]:
        lines.append(f"✗ {clean_line(result.name, 60)}: {clean_line(result.error, 240)}")
    if len(failed) > MAX_FAILURES_LISTED:
        lines.append(f"… and {len(failed) - MAX_FAILURES_LISTED} more failed (S shows all).")
    severity: SeverityLevel = "information"
    if failed or offline:
        severity = "error" if not fetched else "warning"
    return "\n".join(lines), severity


def progress_text(done: int, total: int, name: str) -> str:
    return f"⟳ fetching {done}/{total} · {clean_line(name, 40)}"


class Refresher:
    """Starts refreshes for the main screen; never two at once."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.running = False
        self.interval_minutes = 0.0
        self._timer: Timer | None = None
        self.last_results: list[SourceResult] = []

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
            self._timer = self.screen.set_interval(minutes * 60, self.scheduled)

    def scheduled(self) -> None:
        """The timer's callback: a refresh unless one is running (then skip this tick)."""
        if not self.running:
            self.start(scheduled=True)

    def read_interval(self) -> None:
        """Read [fetch] interval_minutes once the cache is open (in a thread: file I/O)."""
        from tui_digest.ui.workers import run_in_thread

        def work() -> None:
            from tui_digest.config.errors import ConfigError
            from tui_digest.config.loader import load_config

            try:
                config = load_config()
            except ConfigError as error:
                # Not fatal for reading; `r` reports it again when asked to fetch.
                self.screen.app.call_from_thread(self._config_problem, str(error))
                return
            if config.warnings:  # unknown keys: said once, when the reader starts
                text = "\n".join(str(w) for w in config.warnings)
                self.screen.app.call_from_thread(self._config_problem, text)
            self.screen.app.call_from_thread(self.set_interval, config.fetch.interval_minutes)

        run_in_thread(self.screen.app, work, group="read-config", description="read the config")

    def _config_problem(self, error: str) -> None:
        self.screen.app.notify(error, title="Config", severity="warning", markup=False, timeout=10)

    # --- a refresh -----------------------------------------------------------------

    def start(self, *, scheduled: bool = False) -> bool:
        """Begin a refresh; False (with a note unless `scheduled`) when it cannot start."""
        app = self.screen.app
        if self.running:
            if not scheduled:
                app.notify("A refresh is already running.", title="Refresh", markup=False)
            return False
        store = self.screen.store
        if store is None:
            if not scheduled:
                app.notify(
                    "The cache is still opening; try again in a moment.",
                    title="Refresh",
                    markup=False,
                )
            return False
        self.running = True
        self.screen.set_activity("⟳ reading the config", slot=SLOT)
        app.run_worker(
            self._run(store),
            group="refresh",
            description="refresh the sources",
            exit_on_error=False,
        )
        return True

    async def _run(self, store: Store) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.config.loader import load_config
        from tui_digest.fetch.runner import fetch_all

        app = self.screen.app
        try:
            try:
                config: Config = await asyncio.to_thread(load_config)
            except ConfigError as error:
                app.notify(str(error), title="Refresh", severity="error", markup=False, timeout=10)
                return
            self.set_interval(config.fetch.interval_minutes)
            sources = config.enabled_sources()
            if not sources:
                app.notify(
                    f"No enabled sources in {config.path}: add [[sources]] tables "
                    "(see the README) or import an OPML file with "
                    "`tui-digest sources import FILE`.",
                    title="Refresh",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
                return
            self.screen.set_activity(progress_text(0, len(sources), sources[0].name), slot=SLOT)
            results = await fetch_all(
                store,
                sources,
                progress=self._progress,
                options=config.fetch.http_options(),
            )
        finally:
            self.running = False
            self.screen.set_activity("", slot=SLOT)
        self.last_results = results
        from tui_digest.ui.screens.sources import SourcesScreen

        for screen in app.screen_stack:
            if isinstance(screen, SourcesScreen):
                screen.reload(results)
        if any(r.new or r.updated for r in results):
            self.screen.cache_changed()
        text, severity = summarise(results)
        app.notify(text, title="Refresh", severity=severity, markup=False, timeout=10)
        if any(r.new for r in results):
            self.screen.translator.after_fetch([r.digest for r in results if r.new and r.digest])

    def _progress(self, done: int, total: int, name: str) -> None:
        # fetch_all calls this on the event loop: the status line can be updated directly.
        self.screen.set_activity(progress_text(done, total, name), slot=SLOT)
