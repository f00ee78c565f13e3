"""Bilingual completion from inside the reader (`t`, and after a fetch when configured).

An async worker runs `translate_papers` (its HTTP is async, its store calls go
to threads); the status line counts papers done, and when it ends the app's
`cache_changed` signal re-reads the listing and the detail pane in place.
Without a usable [translate] table, `t` explains how to write one (plain text:
the snippet holds brackets). Like the refresher, it knows its host screen only
as a Textual node.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from textual.screen import Screen

from tui_digest.core.sanitize import clean_line
from tui_digest.core.wording import counted
from tui_digest.ui.readonly import refuse_readonly
from tui_digest.ui.signals import signals_of

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui_digest.core.store import Store
    from tui_digest.core.store.picked import Picked
    from tui_digest.translate.config import TranslateConfig
    from tui_digest.translate.runner import PaperOutcome, TranslateReport

ShowActivity = Callable[..., None]  # (text, *, slot): "" clears the slot

SLOT = "translate"


def not_configured_text(reason: str) -> str:
    from tui_digest.translate.config import SAMPLE_SECTION

    return (
        f"Translation is not configured: {reason}\n\n"
        f"Add this to the config file and set the key's variable:\n\n{SAMPLE_SECTION}"
    )


def report_text(report: TranslateReport) -> tuple[str, SeverityLevel]:
    if not report.outcomes and not report.over_limit:
        return "Nothing to translate: these papers already have their Chinese text.", "information"
    lines = [report.summary()]
    failed = [o for o in report.outcomes if o.status == "failed"]
    lines += [o.line() for o in failed[:3]]
    if report.aborted or (failed and not report.done):
        return "\n".join(lines), "error"
    return "\n".join(lines), "warning" if failed else "information"


class Translator:
    """Starts translations for the main screen; one batch at a time (the new
    papers of a refresh that ends meanwhile are translated after it)."""

    def __init__(
        self, host: Screen[None], store: Callable[[], Store | None], show_activity: ShowActivity
    ) -> None:
        self.host = host
        self._store = store
        self._show = show_activity
        self.running = False
        # The digests of refreshes that ended while a run was going: their new
        # papers are translated after it (they were dropped, never translated:
        # bug hunt `auditrank` #3).
        self._queued: list[str] = []
        # Set when the reader quits: the run cuts off its requests in flight and
        # saves the answers it received (`translate_papers`' stop).
        self._stop = asyncio.Event()

    def stop(self) -> bool:
        """The reader is quitting: stop the translation (the answers received are
        still saved) and start none. True when one was running (the app waits for it)."""
        self._stop.set()
        return self.running

    def start(self, rowids: Sequence[int], picked: Picked | None = None) -> bool:
        """Translate `rowids` (the `t` key); says why when it cannot. `picked`:
        the ids the reader showed for them, each paper found again by its id
        when the translation starts (by row number, papers another process's
        `digests rm` + `import` gave those numbers were translated)."""
        host = self.host
        store = self._store()
        if self._stop.is_set():
            return False  # quitting
        if self.running:
            host.notify("A translation is already running.", title="Translate", markup=False)
            return False
        if store is None or not rowids:
            host.notify("No paper to translate.", title="Translate", markup=False)
            return False
        if refuse_readonly(host, store, "translations"):
            return False
        self.running = True
        host.run_worker(
            self._then_queued(self._run(store, list(rowids), automatic=False, picked=picked)),
            group="translate",
            description="translate",
            exit_on_error=False,
        )
        return True

    def after_fetch(self, digests: Sequence[str]) -> None:
        """After a fetch brought new papers: translate the English-only ones if asked
        to; after the running translation when one is going (`_then_queued`)."""
        store = self._store()
        if self._stop.is_set() or store is None or not digests:
            return
        if self.running:
            self._queued += [d for d in digests if d not in self._queued]
            return
        self.running = True
        self.host.run_worker(
            self._then_queued(self._after_fetch(store, list(digests))),
            group="translate",
            description="translate the new papers",
            exit_on_error=False,
        )

    async def _then_queued(self, first: Awaitable[None]) -> None:
        """`first`, then the after-fetch translation of the digests refreshes
        brought meanwhile (one run for all of them), until none is left; the
        reader quitting drops them (the next after-fetch run or `tui-digest
        translate` takes the papers' failures, not these: they were never sent)."""
        try:
            await first
            while self._queued and not self._stop.is_set():
                digests, self._queued = self._queued, []
                if (store := self._store()) is None:
                    break
                await self._after_fetch(store, digests)
        finally:
            self._queued = []
            self.running = False

    async def _after_fetch(self, store: Store, digests: list[str]) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.translate.config import load_if_enabled
        from tui_digest.translate.rules import after_fetch_papers

        try:
            cfg = await asyncio.to_thread(load_if_enabled)
        except ConfigError as error:
            self._notify(str(error), "warning")
            return
        if cfg is None or not cfg.after_fetch:
            return
        # The new papers, then earlier failures; the runner keeps only papers
        # with English and missing Chinese fields.
        plan = await asyncio.to_thread(after_fetch_papers, store, digests, cfg.max_papers_per_run)
        await self._run(store, plan.rowids, automatic=True, cfg=cfg)

    async def _run(
        self,
        store: Store,
        rowids: list[int],
        *,
        automatic: bool,
        cfg: TranslateConfig | None = None,
        picked: Picked | None = None,
    ) -> None:
        from tui_digest.config.errors import ConfigError
        from tui_digest.translate.config import NotConfigured, load_translate_config
        from tui_digest.translate.runner import translate_papers

        try:
            if cfg is None:
                try:
                    cfg = await asyncio.to_thread(load_translate_config)
                except NotConfigured as error:
                    self._notify(not_configured_text(str(error)), "warning", timeout=20)
                    return
                except ConfigError as error:
                    self._notify(str(error), "error")
                    return
            if picked is not None:
                found = await asyncio.to_thread(store.picked, picked)
                rowids = found.present
                if found.removed:
                    gone = counted(found.removed, "paper")
                    self._notify(f"{gone} no longer in the cache (removed meanwhile).", "warning")
                if not rowids:
                    return
            self._show("译 translating…", slot=SLOT)
            try:
                report = await translate_papers(
                    store,
                    rowids,
                    cfg,
                    progress=self._progress,
                    stop=self._stop,
                    on_wait=lambda line: self._notify(clean_line(line, 500), "information"),
                )
            except NotConfigured as error:
                self._notify(not_configured_text(str(error)), "warning", timeout=20)
                return
            except ConfigError as error:  # e.g. the key's variable is not set
                self._notify(str(error), "error")
                return
        finally:
            self._show("", slot=SLOT)
        if report.done:
            from tui_digest.ui.news import CacheChanged

            signals_of(self.host.app).cache_changed.publish(CacheChanged("translate"))
        if (automatic and not report.outcomes) or self._stop.is_set():
            return  # (quitting: nobody to tell)
        text, severity = report_text(report)
        self._notify(text, severity)

    def _progress(self, done: int, total: int, outcome: PaperOutcome) -> None:
        # Called on the event loop as each paper finishes.
        self._show(f"译 translating {done}/{total} · {clean_line(outcome.id, 20)}", slot=SLOT)

    def _notify(self, text: str, severity: SeverityLevel, timeout: float = 10) -> None:
        self.host.notify(text, title="Translate", severity=severity, markup=False, timeout=timeout)
