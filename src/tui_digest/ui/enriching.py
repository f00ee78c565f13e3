"""Metadata from arXiv after a refresh in the reader ([enrich] after_fetch, on by default).

When a refresh brought new papers, an async worker asks arXiv's query API
about the papers of those digests that were not asked before
(`enrich_papers`: many ids per request, 3 s apart, answers remembered), over
the same HTTP client the refresh used, so arXiv's feeds and its API keep one
politeness clock. The status line shows the progress; when it ends the app's
`cache_changed` signal makes the listing and the detail pane re-read in place.
A stopped run (arXiv unreachable or throttling) is one warning; the papers not
answered are asked after the next refresh that brings new ones, or by
`tui-digest enrich`. A refresh that ends while a run is going has its papers
asked about after that run (they were dropped: bug hunt `auditrank` #3).
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
    """Starts after-fetch enrichment for a screen; one run at a time (a refresh
    ending meanwhile is asked about after it)."""

    def __init__(
        self, host: Screen[None], store: Callable[[], Store | None], show_activity: ShowActivity
    ) -> None:
        self.host = host
        self._store = store
        self._show = show_activity
        self.running = False
        # The digests of refreshes that ended while a run was going, asked about
        # after it, over the first such refresh's client (`_queued_http`).
        self._queued: list[str] = []
        self._queued_http: HttpClient | None = None

    def after_fetch(self, digests: Sequence[str], *, http: HttpClient | None = None) -> bool:
        """Ask about the papers of `digests`, after the running enrichment when one
        is going; True when this took `http` (it then closes it)."""
        store = self._store()
        if store is None or not digests:
            return False
        if self.running:
            self._queued += [d for d in digests if d not in self._queued]
            if self._queued_http is not None or http is None:
                return False
            self._queued_http = http
            return True
        self.running = True
        self.host.run_worker(
            self._runs(store, list(digests), http),
            group="enrich",
            description="ask arXiv about the new papers",
            exit_on_error=False,
        )
        return True

    async def _runs(self, store: Store, digests: list[str], http: HttpClient | None) -> None:
        """A run, then one for the digests refreshes brought meanwhile, until none is left."""
        try:
            await self._run(store, digests, http)
            while self._queued and (store_now := self._store()) is not None:
                digests, self._queued = self._queued, []
                http, self._queued_http = self._queued_http, None
                await self._run(store_now, digests, http)
        finally:
            self._queued = []
            self.running = False
            if self._queued_http is not None:  # (the reader quit, or a run failed)
                await self._queued_http.aclose()
                self._queued_http = None

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
