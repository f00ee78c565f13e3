"""Translate a batch of papers into the store, a bounded number at a time.

Each paper is one request (two when the first answer is malformed). Its
result is written on its own, so one bad paper never costs the others their
translation: a success fills only the empty Chinese fields
(`Store.apply_translation`), a failure is recorded on the paper
(`Store.record_translation_failure`) and its English stays. A fatal error
(rejected key, wrong URL, server unreachable) stops the batch: the papers not
yet sent are reported as skipped and nothing is recorded on them, since the
fault is not theirs.

Used by `tui-digest translate` and by the reader (`t` key, after-fetch hook).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import CacheError
from tui_digest.fetch.http import HttpOptions, Sleep
from tui_digest.translate.client import LlmClient, TranslateError, Usage
from tui_digest.translate.config import TranslateConfig, usable_or_raise
from tui_digest.translate.prompt import FIELDS

if TYPE_CHECKING:
    from tui_digest.core.store import Store

Status = Literal["done", "failed", "skipped"]
MAX_REASON = 500


@dataclass(slots=True)
class PaperOutcome:
    rowid: int
    id: str
    title: str
    status: Status
    filled: list[str] = field(default_factory=list)  # fields written, e.g. ["title_zh"]
    error: str = ""

    def line(self) -> str:
        """One plain line: `2404.00026: done (title_zh, summary_zh)` or `...: failed (why)`."""
        name = clean_line(self.id, 100)
        if self.status == "done":
            what = ", ".join(self.filled) if self.filled else "nothing left to fill"
            return f"{name}: done ({what})"
        if self.status == "skipped":
            return f"{name}: skipped ({self.error or 'not sent'})"
        return f"{name}: failed ({clean_line(self.error, MAX_REASON)})"


# progress(done, total, outcome): called once as each paper finishes.
Progress = Callable[[int, int, PaperOutcome], None]


@dataclass(slots=True)
class TranslateReport:
    model: str
    outcomes: list[PaperOutcome] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    aborted: str = ""  # the fatal error that stopped the batch, or ""
    over_limit: int = 0  # papers left out by max_papers_per_run

    def _count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def ok(self) -> bool:
        return not self.aborted and not self.failed

    def summary(self) -> str:
        parts = [f"translated {self.done}", f"failed {self.failed}"]
        if self.skipped:
            parts.append(f"skipped {self.skipped}")
        text = f"{', '.join(parts)} of {len(self.outcomes)} paper(s) with {self.model}"
        u = self.usage
        text += (
            f"; tokens: {u.prompt_tokens} prompt + {u.completion_tokens} completion"
            f" = {u.prompt_tokens + u.completion_tokens} in {u.requests} request(s)"
        )
        if self.over_limit:
            text += f"; {self.over_limit} more left for the next run (max_papers_per_run)"
        if self.aborted:
            text += f"; stopped: {clean_line(self.aborted, MAX_REASON)}"
        return text


def needs_translation(paper: Paper) -> bool:
    """English to translate from, and at least one Chinese field still empty."""
    has_english = bool(paper.title_en.strip() or paper.abstract_en.strip())
    return has_english and any(not getattr(paper, f).strip() for f in FIELDS)


async def translate_papers(
    store: Store,
    rowids_or_records: Sequence[int | PaperRecord],
    cfg: TranslateConfig,
    *,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep | None = None,
    options: HttpOptions | None = None,
) -> TranslateReport:
    """Translate the papers that need it (at most cfg.max_papers_per_run) into `store`.

    Raises NotConfigured when translation is not enabled, ConfigError when the
    key's variable is unset; per-paper trouble only shows in the report.
    """
    usable_or_raise(cfg)
    api_key = cfg.api_key(environ)
    records = await _records(store, rowids_or_records)
    todo = [r for r in records if needs_translation(r.paper)]
    report = TranslateReport(model=cfg.model)
    report.over_limit = max(0, len(todo) - cfg.max_papers_per_run)
    todo = todo[: cfg.max_papers_per_run]
    if not todo:
        return report

    # The gate covers a paper's whole exchange (with its retry), so at most
    # `concurrency` papers are in progress and an abort stops the queue quickly.
    gate = asyncio.Semaphore(cfg.concurrency)
    total = len(todo)
    finished = 0

    def finish(outcome: PaperOutcome) -> PaperOutcome:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, total, outcome)
        return outcome

    async with LlmClient(cfg, api_key, options=options, sleep=sleep) as client:

        async def one(record: PaperRecord) -> PaperOutcome:
            paper = record.paper
            outcome = PaperOutcome(record.rowid, paper.id, paper.title_en, "skipped")
            async with gate:
                if report.aborted:
                    outcome.error = "the batch was stopped"
                    return finish(outcome)
                try:
                    translation, usage = await client.translate(paper)
                except TranslateError as exc:
                    report.usage.add(exc.usage)
                    outcome.status = "failed"
                    outcome.error = client.redact(clean_line(exc.reason, MAX_REASON))
                    if exc.fatal:
                        report.aborted = report.aborted or outcome.error
                    else:
                        await _record_failure(store, record.rowid, outcome)
                    return finish(outcome)
                report.usage.add(usage)
                try:
                    outcome.filled = await asyncio.to_thread(
                        store.apply_translation,
                        record.rowid,
                        translation.fields(),
                        model=cfg.model,
                    )
                    outcome.status = "done"
                except (CacheError, sqlite3.Error) as exc:
                    outcome.status = "failed"
                    outcome.error = f"cannot save the translation: {clean_line(str(exc), 300)}"
                return finish(outcome)

        report.outcomes = list(await asyncio.gather(*(one(r) for r in todo)))
    return report


async def _records(store: Store, items: Sequence[int | PaperRecord]) -> list[PaperRecord]:
    """The records for `items`, in their order (rowids are looked up in one call)."""
    rowids = [i for i in items if isinstance(i, int)]
    found: dict[int, PaperRecord] = {}
    if rowids:
        found = {r.rowid: r for r in await asyncio.to_thread(store.get_papers, rowids)}
    records: list[PaperRecord] = []
    for item in items:
        record = found.get(item) if isinstance(item, int) else item
        if record is not None:
            records.append(record)
    return records


async def _record_failure(store: Store, rowid: int, outcome: PaperOutcome) -> None:
    try:
        await asyncio.to_thread(store.record_translation_failure, rowid, outcome.error)
    except (CacheError, sqlite3.Error) as exc:
        outcome.error += f" (and the failure could not be recorded: {clean_line(str(exc), 200)})"
