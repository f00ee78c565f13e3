"""Translate a batch of papers into the store, a bounded number at a time.

Each paper is one request (two when the first answer is malformed), or, with
`batch_size` > 1, several papers share one request and any paper the batch
answer does not translate cleanly is sent again on its own. Each paper's
result is written on its own, so one bad paper never costs the others their
translation: a success fills only the empty Chinese fields whose English is
still the one sent (`rules.save_translation`: a newer version imported
meanwhile leaves the paper waiting for the next run), a failure is recorded
on the paper (`rules.record_translation_failure`) and its English stays. A fatal error
(rejected key, wrong URL, server unreachable) stops the batch: the papers not
yet sent are reported as skipped and recorded as waiting with no try counted,
since the fault is not theirs (`_left_waiting`: after-fetch translation takes
them again).

Two runs at once (a cron `fetch` while the reader's `t` works) share the
work: a batch claims its papers in the cache just before it is sent
(`Store.claim`) and drops the claims once the answers are saved. A paper
another run holds is left to it, and one found filled meanwhile is not sent;
both are reported as `elsewhere`, never as translated. Each paper is written
back by its row number only while that row still holds it: a paper removed
while the run works (`digests rm`, `prune`) gives its number to the next paper
added, which must not get its translation (bug hunt s41 `auditstore` #1); it
is reported as `removed`.

A run given a `stop` event (Ctrl-C in the CLI, quitting the reader) stops on
it without losing what it paid for: the requests in flight are cut off, no
new one starts, and the answers already received are still saved; the report
says it was interrupted and counts what was spent.

Used by `tui-digest translate` and by the reader (`t` key, after-fetch hook).
The report it fills is `translate.report`'s (its names re-exported here).
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.processes import this_host
from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import CacheError
from tui_digest.core.store.claims import Claim
from tui_digest.net.options import HttpOptions, Sleep
from tui_digest.translate import prompt
from tui_digest.translate.client import LlmClient, TranslateError
from tui_digest.translate.config import TranslateConfig, usable_or_raise
from tui_digest.translate.glossary import load_glossary
from tui_digest.translate.report import (
    MAX_REASON,
    PaperOutcome,
    Progress,
    TranslateReport,
    cost_text,
)
from tui_digest.translate.rules import (
    missing_fields,
    record_translation_failure,
    save_translation,
)

if TYPE_CHECKING:
    from tui_digest.core.store import Store

__all__ = [
    "JOB",
    "PaperOutcome",
    "Progress",
    "TranslateReport",
    "cost_text",
    "needs_translation",
    "translate_papers",
]

INTERRUPTED = "interrupted"
REMOVED = "removed from the cache meanwhile"
OUTDATED = "its English changed while the answer was on its way (a newer version)"
T = TypeVar("T")
JOB = "translate"  # the claims' job name (`Store.claim`)


def needs_translation(paper: Paper) -> bool:
    """A Chinese field still empty whose English is there (`rules.missing_fields`)."""
    return bool(missing_fields(paper))


async def translate_papers(
    store: Store,
    rowids_or_records: Sequence[int | PaperRecord],
    cfg: TranslateConfig,
    *,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep | None = None,
    options: HttpOptions | None = None,
    stop: asyncio.Event | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> TranslateReport:
    """Translate the papers that need it (at most cfg.max_papers_per_run) into `store`.

    `cfg.batch_size` papers go in one request; a batch that fails as a whole
    falls back to one request per paper, and so does each paper whose entry in
    the answer is unusable. No request starts once the run has used
    `cfg.max_tokens_per_run` tokens (requests in flight still finish).
    Once `stop` is set, the requests in flight are cut off and none starts;
    the answers received are saved all the same (`report.interrupted`).
    `on_wait` is told of each long wait between attempts (a line to say).

    Raises NotConfigured when translation is not enabled, ConfigError when the
    key's variable is unset or the glossary is broken; per-paper trouble only
    shows in the report.
    """
    usable_or_raise(cfg)
    api_key = cfg.api_key(environ)
    glossary = await asyncio.to_thread(load_glossary, cfg.glossary) if cfg.glossary else {}
    records = await _records(store, rowids_or_records)
    todo = [r for r in records if needs_translation(r.paper)]
    report = TranslateReport(model=cfg.model, token_ceiling=cfg.max_tokens_per_run)
    report.over_limit = max(0, len(todo) - cfg.max_papers_per_run)
    todo = todo[: cfg.max_papers_per_run]
    if not todo:
        return report
    size = max(1, cfg.batch_size)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    async with LlmClient(cfg, api_key, options=options, sleep=sleep) as client:
        client.http.on_wait = on_wait  # (each long Retry-After wait: `HttpClient.on_wait`)
        run = _Run(store, client, cfg, report, glossary, progress, len(todo))
        watch = asyncio.ensure_future(_interrupt_on(stop, run)) if stop is not None else None
        try:
            done = await asyncio.gather(*(run.batch(b) for b in batches))
        finally:
            if watch is not None:
                watch.cancel()
            await run.release(None)  # (each batch drops its own; this catches the rest)
    report.outcomes = [o for outcomes in done for o in outcomes]
    await run.record_deferred()
    await _left_waiting(store, report)
    report.cost = cfg.cost(report.usage.prompt_tokens, report.usage.completion_tokens)
    return report


async def _left_waiting(store: Store, report: TranslateReport) -> None:
    """Papers a run did not send (it gave up on the server, hit its token
    ceiling, or was stopped) are recorded as waiting, no try counted: after-fetch
    translation takes earlier failures only (`rules.failed_papers`), and those
    papers, "left for the next run", were never taken again (regression hunt)."""
    for outcome in report.outcomes:
        if outcome.status == "skipped":
            await _record_failure(store, outcome.rowid, outcome, counted=False)


class _Run:
    """One run's shared state: the gate, the report, the progress count."""

    def __init__(
        self,
        store: Store,
        client: LlmClient,
        cfg: TranslateConfig,
        report: TranslateReport,
        glossary: Mapping[str, str],
        progress: Progress | None,
        total: int,
    ) -> None:
        self.store = store
        self.client = client
        self.cfg = cfg
        self.report = report
        self.glossary = glossary
        self.progress = progress
        self.total = total
        self.finished = 0
        # The gate covers a batch's whole exchange (with its fallbacks), so at
        # most `concurrency` requests are in progress and an abort stops the
        # queue quickly.
        self.gate = asyncio.Semaphore(cfg.concurrency)
        self.token = secrets.token_hex(8)  # this run's claims (`Store.claim`)
        self.lease = claim_seconds(cfg)
        self.inflight: set[asyncio.Future[Any]] = set()  # requests `interrupt` cuts off
        # Failures every request may get alike (the same HTTP 400, the same gateway
        # page), recorded once the run is over: if a streak of them stopped it, they
        # were the configuration's and no paper that got one is charged
        # (`record_deferred`); otherwise each is its paper's, as any other failure.
        self.deferred: list[tuple[PaperOutcome, TranslateError]] = []

    def interrupt(self) -> None:
        """Stop: cut off the requests in flight, start no other (answers still get saved)."""
        self.report.interrupted = True
        for request in list(self.inflight):
            request.cancel()

    async def ask(self, request: Awaitable[T]) -> T:
        """Await `request` as a task of its own, which `interrupt` may cut off
        (raising _CutOff) without cancelling the batch that saves the answers."""
        task: asyncio.Future[T] = asyncio.ensure_future(request)
        self.inflight.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            me = asyncio.current_task()
            if self.report.interrupted and task.cancelled() and not (me and me.cancelling()):
                self.report.cut_off += 1
                # Sent (at least once): counted among the requests, as a timed-out
                # or dropped one is (README); the attempts before it are unknown.
                self.report.usage.requests += 1
                raise _CutOff from None
            raise  # this run itself was cancelled
        finally:
            self.inflight.discard(task)

    def finish(self, outcome: PaperOutcome) -> PaperOutcome:
        self.finished += 1
        if self.progress is not None:
            self.progress(self.finished, self.total, outcome)
        return outcome

    def stop_reason(self) -> str:
        """Why no further request may start ("" when one may)."""
        if self.report.interrupted:
            return INTERRUPTED
        if self.report.aborted:
            return self.client.stopped or "the batch was stopped"
        ceiling = self.cfg.max_tokens_per_run
        used = self.report.usage.prompt_tokens + self.report.usage.completion_tokens
        if ceiling and used >= ceiling:
            self.report.token_limited = True
            return f"token ceiling reached ({used} of max_tokens_per_run = {ceiling})"
        return ""

    def skipped(self, record: PaperRecord, why: str) -> PaperOutcome:
        paper = record.paper
        return self.finish(
            PaperOutcome(record.rowid, paper.id, paper.title_en, "skipped", error=why)
        )

    def elsewhere(self, record: PaperRecord, why: str) -> PaperOutcome:
        paper = record.paper
        return self.finish(
            PaperOutcome(record.rowid, paper.id, paper.title_en, "elsewhere", error=why)
        )

    def removed(self, record: PaperRecord) -> PaperOutcome:
        paper = record.paper
        return self.finish(
            PaperOutcome(record.rowid, paper.id, paper.title_en, "removed", error=REMOVED)
        )

    async def batch(self, records: list[PaperRecord]) -> list[PaperOutcome]:
        async with self.gate:
            why = self.stop_reason()
            if why:
                return [self.skipped(r, why) for r in records]
            records, out = await self.claim(records)
            if records:
                try:
                    out += await self.exchange(records)
                finally:
                    await self.release([r.rowid for r in records])
            return out

    async def claim(
        self, records: list[PaperRecord]
    ) -> tuple[list[PaperRecord], list[PaperOutcome]]:
        """The papers of `records` this run now holds and still wants (as stored
        now), and the outcomes of the others: held by another run, removed or
        filled meanwhile."""
        try:
            fresh, gone, held = await asyncio.to_thread(self._claim, records)
        except (CacheError, sqlite3.Error) as exc:
            why = f"cannot claim the paper in the cache: {clean_line(str(exc), 300)}"
            failed = [
                PaperOutcome(r.rowid, r.paper.id, r.paper.title_en, "failed", error=why)
                for r in records
            ]
            return [], [self.finish(o) for o in failed]
        send: list[PaperRecord] = []
        out: list[PaperOutcome] = []
        for record in records:
            claim = held.get(record.rowid)
            if claim is not None:
                out.append(self.elsewhere(record, f"being translated by {_by(claim)}"))
            elif record.rowid in fresh:
                send.append(fresh[record.rowid])
            elif record.rowid in gone:
                out.append(self.removed(record))
            else:
                out.append(self.elsewhere(record, "its Chinese fields were filled meanwhile"))
        return send, out

    def _claim(
        self, records: list[PaperRecord]
    ) -> tuple[dict[int, PaperRecord], set[int], dict[int, Claim]]:
        """(In a thread.) Claim the papers of `records`, then read them again: one
        chosen before another run saved it needs nothing any more, and one removed
        meanwhile is gone, or its row holds the next paper added (not sent in its
        place). The papers to send, the rows of those removed, the claims held."""
        wanted = {r.rowid: r.paper.id for r in records}
        until = time.time() + self.lease
        claimed = self.store.claim(JOB, list(wanted), run=self.token, until=until)
        fresh = {
            r.rowid: r for r in self.store.get_papers(claimed.got) if r.paper.id == wanted[r.rowid]
        }
        gone = {p for p in claimed.got if p not in fresh}
        unneeded = [p for p in claimed.got if p in gone or not needs_translation(fresh[p].paper)]
        if unneeded:
            self.store.release_claims(JOB, self.token, unneeded)
        return {p: r for p, r in fresh.items() if p not in unneeded}, gone, claimed.held

    async def release(self, rowids: list[int] | None) -> None:
        try:
            await asyncio.to_thread(self.store.release_claims, JOB, self.token, rowids)
        except (CacheError, sqlite3.Error):
            # Not worth a paper's outcome: a claim left behind ends with this
            # process, or at its `until`, and the answers are saved already.
            return

    async def exchange(self, records: list[PaperRecord]) -> list[PaperOutcome]:
        """Translate `records` (claimed) in one request, or each in its own."""
        if len(records) == 1:
            return [await self.single(records[0])]
        papers = [r.paper for r in records]
        try:
            completion = await self.ask(
                self.client.complete(prompt.build_batch_messages(papers, self.glossary))
            )
        except _CutOff:
            return [self.skipped(r, f"{INTERRUPTED}: its request was cut off") for r in records]
        except TranslateError as exc:
            self.report.usage.add(exc.usage)
            if exc.fatal:
                reason = self.client.redact(clean_line(exc.reason, MAX_REASON))
                self.report.aborted = self.report.aborted or reason
                # (what the client says of the papers it will not send: `not
                # asked: <host> asked us to wait 86400 s; …`, as with batch_size = 1)
                why = self.client.stopped or "the batch was stopped"
                return [self.skipped(r, why) for r in records]
            return [await self.single(r) for r in records]  # fall back, one by one
        self.report.usage.add(completion.usage)
        try:
            answers, _problems = prompt.parse_batch_answer(completion.content, papers)
        except prompt.MalformedAnswer:
            answers = {}
        out = []
        for record in records:
            translation = answers.get(record.paper.id)
            if translation is None:
                out.append(await self.single(record))
            else:
                out.append(self.finish(await self.save(record, translation)))
        return out

    async def single(self, record: PaperRecord) -> PaperOutcome:
        """One paper in its own request (and its one retry); the caller holds the gate."""
        why = self.stop_reason()
        if why:
            return self.skipped(record, why)
        paper = record.paper
        outcome = PaperOutcome(record.rowid, paper.id, paper.title_en, "failed")
        try:
            translation, usage = await self.ask(self.client.translate(paper, self.glossary))
        except _CutOff:
            return self.skipped(record, f"{INTERRUPTED}: its request was cut off")
        except TranslateError as exc:
            self.report.usage.add(exc.usage)
            outcome.error = self.client.redact(clean_line(exc.reason, MAX_REASON))
            if exc.fatal:
                self.report.aborted = self.report.aborted or outcome.error
                # Not the paper's doing (a key refused, a server given up on): it
                # waits for the next run, no try counted (`_left_waiting`).
                await _record_failure(self.store, record.rowid, outcome, counted=False)
            elif exc.streak is not None or _refused_for_good(exc, answered=True):
                # (a 4xx too: whether it is for good waits for the run's end,
                # when it is known whether the server answered any request)
                self.deferred.append((outcome, exc))
            else:
                await _record_failure(self.store, record.rowid, outcome)
            return self.finish(outcome)
        self.report.usage.add(usage)
        return self.finish(await self.save(record, translation))

    async def record_deferred(self) -> None:
        """Record the failures `single` held back (see `deferred`), the run over:
        whether the server answered any request is known only then."""
        stopped_by = self.client.stopped_by
        answered = self.client.answered > 0
        for outcome, exc in self.deferred:
            if stopped_by is not None and exc.streak == stopped_by:
                # Not the paper's doing: it waits, no try counted, no mark.
                await _record_failure(self.store, outcome.rowid, outcome, counted=False)
            else:
                permanent = _refused_for_good(exc, answered=answered)
                await _record_failure(self.store, outcome.rowid, outcome, permanent)
        self.deferred.clear()

    async def save(self, record: PaperRecord, translation: prompt.Translation) -> PaperOutcome:
        paper = record.paper
        outcome = PaperOutcome(record.rowid, paper.id, paper.title_en, "failed")
        try:
            saved = await asyncio.to_thread(
                partial(save_translation, model=self.cfg.model, sent=paper),
                self.store,
                record.rowid,
                translation.fields(),
            )
        except (CacheError, sqlite3.Error) as exc:
            outcome.error = f"cannot save the translation: {clean_line(str(exc), 300)}"
            return outcome
        if saved is None:  # (the tokens were spent for nothing)
            outcome.status, outcome.error = "removed", f"{REMOVED}; answer not saved"
            return outcome
        outcome.filled = saved.filled
        # Nothing filled: a digest (or a run that claims nothing) filled the
        # fields while the answer was on its way; the tokens were spent for nothing.
        outcome.status = "done" if outcome.filled else "elsewhere"
        if saved.outdated:
            # A newer version changed the English the answer was made from: what
            # it made from the old text is not saved, and the paper waits, no try
            # counted, for the next run (after-fetch translation takes it).
            outcome.error = (
                f"{OUTDATED}; answer not saved for {', '.join(saved.outdated)}"
                " (the next run translates the new text)"
            )
            await _record_failure(self.store, record.rowid, outcome, counted=False)
        elif not outcome.filled:
            outcome.error = "its Chinese fields were filled meanwhile; answer not needed"
        return outcome


class _CutOff(Exception):
    """A request the run's interruption cut off."""


async def _interrupt_on(stop: asyncio.Event, run: _Run) -> None:
    await stop.wait()
    run.interrupt()


def claim_seconds(cfg: TranslateConfig) -> float:
    """How long a batch's claims last at most: every request it may make (a
    batch falls back to one request per paper, each tried twice when malformed),
    each with all its attempts and the longest Retry-After wait. Only a claim
    whose process cannot be checked (another host) or hangs lives that long:
    one of a process gone from this host ends at once."""
    options = cfg.http_options()
    size = max(1, cfg.batch_size)
    requests = 2 if size == 1 else 1 + 2 * size
    attempt = options.deadline + options.retry_after_max
    return requests * (1 + options.retries) * attempt + 60.0


def _by(claim: Claim) -> str:
    """`another run (pid 4242 since 18:20:03)`; the host too when it is another one."""
    host = "" if claim.host == this_host() else f" on {clean_line(claim.host, 60)}"
    since = time.strftime("%H:%M:%S", time.localtime(claim.since))
    return f"another run (pid {claim.pid}{host} since {since})"


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


def _refused_for_good(exc: TranslateError, *, answered: bool) -> bool:
    """The server refused this paper's request (a 4xx other than a rate limit or a
    timeout: too long, filtered) while it `answered` some other request of the
    run: sent again, it would be refused again. The fatal 4xx (a rejected key, a
    wrong URL) stop the run and are not the paper's, nor is a 4xx every request
    got alike (`_Run.record_deferred`). With no request answered, a 4xx may be
    the configuration's (a parameter the model refuses, met by the 1-2 papers of
    a small run, too few for a streak): an ordinary failed try, so that a fixed
    configuration gets the paper translated (found by a bug hunt: each was
    marked refused for good and never taken again)."""
    status = exc.status
    refused = status is not None and 400 <= status < 500 and status not in (408, 409, 425, 429)
    return refused and answered


async def _record_failure(
    store: Store, rowid: int, outcome: PaperOutcome, permanent: bool = False, counted: bool = True
) -> None:
    try:
        recorded = await asyncio.to_thread(
            partial(
                record_translation_failure,
                permanent=permanent,
                counted=counted,
                paper_id=outcome.id,
            ),
            store,
            rowid,
            outcome.error,
        )
        if not recorded:
            outcome.error += f" (the paper was {REMOVED})"
    except (CacheError, sqlite3.Error) as exc:
        outcome.error += f" (and the failure could not be recorded: {clean_line(str(exc), 200)})"
