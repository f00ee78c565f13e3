"""Metadata from arXiv after a refresh in the reader ([enrich] after_fetch, on by default).

When a refresh brought new papers, an async worker asks arXiv's query API
about the papers of those digests that were not asked before
(`enrich_papers`: many ids per request, 3 s apart, answers remembered), over
the same HTTP client the refresh used, so arXiv's feeds and its API keep one
politeness clock. The status line shows the progress; when it ends the app's
`cache_changed` signal makes the listing and the detail pane re-read in place.
A stopped run (arXiv unreachable or throttling) is one warning; the papers not
answered are asked after the next refresh that brings new ones, or by
`tui-digest enrich`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line
from tui_digest.ui.signals import signals_of

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from tui_digest.core.store import Store
    from tui_digest.net.client import HttpClient

SLOT = "enrich"
ShowActivity = Callable[..., None]  # (text, *, slot): "" clears the slot


class Enricher:
    """Starts after-fetch enrichment for a screen; one run at a time."""

    def __init__(
        self, host: Screen[None], store: Callable[[], Store | None], show_activity: ShowActivity
    ) -> None:
        self.host = host
        self._store = store
        self._show = show_activity
        self.running = False

    def after_fetch(self, digests: Sequence[str], *, http: HttpClient | None = None) -> bool:
        """Ask about the papers of `digests`; True when a run started (it then owns `http`)."""
        store = self._store()
        if self.running or store is None or not digests:
            return False
        self.running = True
        self.host.run_worker(
            self._run(store, list(digests), http),
            group="enrich",
            description="ask arXiv about the new papers",
            exit_on_error=False,
        )
        return True

    async def _run(self, store: Store, digests: list[str], http: HttpClient | None) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.config.loader import load_config
        from tui_digest.enrich.config import enrich_from
        from tui_digest.enrich.runner import digest_candidates, enrich_papers

        try:
            try:
                config = await asyncio.to_thread(load_config)
                cfg = enrich_from(config)
            except ConfigError as error:
                self._notify(str(error), "warning")
                return
            if not cfg.after_fetch:
                return
            todo = await asyncio.to_thread(digest_candidates, store, digests)
            self._show("ⓐ asking arXiv…", slot=SLOT)
            report = await enrich_papers(
                store,
                todo,
                cfg,
                http=http,
                options=config.fetch.http_options(),
                progress=self._progress,
                on_wait=self._waiting,
            )
        finally:
            self.running = False
            self._show("", slot=SLOT)
            if http is not None:
                await http.aclose()
        if report.updated or report.found or report.behind or report.behind_final:
            from tui_digest.ui.news import CacheChanged

            signals_of(self.host.app).cache_changed.publish(CacheChanged("enrich"))
        if report.stopped:
            self._notify(report.summary(), "warning")

    def _waiting(self, line: str) -> None:
        """A long wait between two requests, said as it begins (`HttpClient.on_wait`)."""
        self._notify(line, "information")

    def _progress(self, done: int, total: int) -> None:
        self._show(f"ⓐ asking arXiv {done}/{total}", slot=SLOT)

    def _notify(self, text: str, severity: SeverityLevel) -> None:
        self.host.notify(
            clean_line(text, 1000),
            title="arXiv metadata",
            severity=severity,
            markup=False,
            timeout=10,
        )
