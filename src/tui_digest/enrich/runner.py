"""Ask arXiv's query API about papers, many ids per request, and store the answers.

One request per batch of `batch_size` ids (`max_results` always equal to the
batch, see core/arxiv_api.py). Requests go through the net layer's HttpClient,
which keeps at least 3 s between two requests to any arXiv host (one clock for
the API and the feeds when the caller passes the client its fetch used, as the
reader's after-fetch hook does) and retries 429/5xx honouring Retry-After.
Each batch's answer is written in one transaction before the next request, so
an interrupted run keeps what it learned. A paper removed while its batch was
asked about (its row number maybe given to a paper imported meanwhile) gets
nothing, and is counted apart (`EnrichReport.removed`).

What counts as asked is remembered (core/arxiv_meta.py), so a second run asks
nothing new. When the API rejects one id as malformed (its error entry names
it), that id is recorded as invalid and the rest of the batch is asked again.
When arXiv throttles (`Rate exceeded.`), is unreachable, or answers with
something that is not a feed, the run stops and nothing is recorded for the
papers not yet answered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_digest.core.arxiv_api import ApiError, RateLimited, parse_response, query_url
from tui_digest.core.arxiv_meta import MAX_ATTEMPTS, answered, needs_asking
from tui_digest.core.arxiv_meta import EnrichCandidate as Candidate
from tui_digest.core.model import InputError
from tui_digest.core.sanitize import clean_line
from tui_digest.enrich.config import EnrichConfig
from tui_digest.net.client import HttpClient, Response
from tui_digest.net.errors import FetchError
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.urls import display_url

if TYPE_CHECKING:
    from tui_digest.core.store import Store

ACCEPT = "application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
# progress(done, total): ids answered so far, ids to ask in this run.
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class EnrichReport:
    candidates: int = 0
    planned: int = 0  # candidates that needed asking in this run
    asked: int = 0  # ids sent (an id re-sent after a malformed neighbour counts once)
    requests: int = 0  # requests sent, retries included
    found: int = 0  # answered at the announced version (or newer)
    # Answered for an older version than announced (arXiv's API lags): asked
    # again after a day, or (`behind_final`) not again, MAX_ATTEMPTS reached.
    behind: int = 0
    behind_final: int = 0
    # Of those, how many arXiv answered nothing for (it had answered an older version).
    behind_unanswered: int = 0
    behind_final_unanswered: int = 0
    missing: int = 0
    invalid: int = 0
    updated: int = 0  # papers whose stored fields changed
    # Asked about, but removed from the cache before the answer came (`digests rm`,
    # `prune`): the answer is not kept (it was written on the paper given the row).
    removed: int = 0
    stopped: str = ""  # why the run ended early, or ""
    problems: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Candidates not asked: answered before (or given up on)."""
        return self.candidates - self.planned

    @property
    def left(self) -> int:
        """Candidates that needed asking but were not, the run having stopped: the
        next run asks them (they were counted as "asked before" until 2026-12-01)."""
        return self.planned - self.asked

    @property
    def ok(self) -> bool:
        return not self.stopped

    def summary(self) -> str:
        if not self.candidates:
            return "no papers to ask arXiv about"
        if not self.asked and not self.stopped:
            return f"nothing to ask arXiv: all {self.candidates} paper(s) were asked before"
        text = (
            f"asked arXiv about {self.asked} paper(s) in {self.requests} request(s): "
            f"{self.found} found, {self._behind()}{self.missing} not known yet, "
            f"{self.invalid} malformed; "
            f"{self.updated} paper(s) updated"
        )
        if self.removed:
            text += f"; {self.removed} removed from the cache meanwhile (arXiv's answer not kept)"
        if self.skipped:
            text += f"; {self.skipped} asked before"
        if self.left:
            text += f"; {self.left} left for the next run"
        if self.stopped:
            text += f"; stopped: {clean_line(self.stopped, 500)}"
        return text

    def _behind(self) -> str:
        """The answers of an older version, told apart from "found" (they were
        counted as found, nothing saying the paper is asked again: found by a bug hunt)."""
        text = ""
        if self.behind:
            why = _behind_why(self.behind, self.behind_unanswered)
            text += f"{self.behind} behind ({why}; asked again tomorrow), "
        if self.behind_final:
            why = _behind_why(self.behind_final, self.behind_final_unanswered)
            text += f"{self.behind_final} behind ({why}; not asked again), "
        return text


def _behind_why(count: int, unanswered: int) -> str:
    """What arXiv answered for `count` papers behind, `unanswered` of them nothing."""
    if not unanswered:
        return "arXiv answered an older version"
    if unanswered == count:
        return "arXiv answered nothing for the newer version"
    return "arXiv answered an older version, or nothing"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest_candidates(store: Store, digests: Sequence[str]) -> list[Candidate]:
    """The papers of `digests` (what a fetch brought), each once: after-fetch
    enrichment asks about these, in the reader and in `tui-digest fetch`."""
    seen: dict[str, Candidate] = {}
    for name in digests:
        for c in store.enrich_candidates("", digest=name):
            seen.setdefault(c.id, c)
    return list(seen.values())


def plan(candidates: Sequence[Candidate], now: dt.datetime) -> list[Candidate]:
    """The candidates to ask now, once each, in their order."""
    seen: set[str] = set()
    todo = []
    for c in candidates:
        if c.id not in seen and needs_asking(c.version, c.meta, now):
            seen.add(c.id)
            todo.append(c)
    return todo


async def enrich_papers(
    store: Store,
    candidates: Sequence[Candidate],
    cfg: EnrichConfig,
    *,
    http: HttpClient | None = None,
    options: HttpOptions | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    now: Callable[[], dt.datetime] = utc_now,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> EnrichReport:
    """Ask about the candidates that need it; see the module docstring.
    `on_wait` is told of each long wait between attempts (`HttpClient.on_wait`)."""
    report = EnrichReport(candidates=len(candidates))
    todo = plan(candidates, now())
    report.planned = len(todo)
    if not todo:
        return report
    own = http is None
    if http is None:
        extra = {"clock": clock} if clock is not None else {}
        http = HttpClient(options, sleep=sleep, **extra)  # type: ignore[arg-type]
    if on_wait is not None:
        http.on_wait = on_wait
    try:
        batches = [todo[i : i + cfg.batch_size] for i in range(0, len(todo), cfg.batch_size)]
        done = 0
        for batch in batches:
            if not await _ask(store, http, cfg, batch, report, now):
                break
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
    finally:
        if own:
            await http.aclose()
    return report


async def _ask(
    store: Store,
    http: HttpClient,
    cfg: EnrichConfig,
    batch: list[Candidate],
    report: EnrichReport,
    now: Callable[[], dt.datetime],
) -> bool:
    """Ask about one batch and store the answer; False when the run must stop."""
    pending = list(batch)
    report.asked += len(pending)
    while pending:
        url = query_url(cfg.api_url, [c.id for c in pending])
        try:
            answer = await _get(http, url, report)
            if answer.status != 200:
                reason = answer.reason_phrase or "unexpected status"
                for more in (answer.note, answer.gave_up):
                    reason = f"{reason}; {more}" if more else reason
                raise FetchError(answer.url, reason, status=answer.status)
            response = parse_response(answer.body, source=cfg.api_url)
        except RateLimited as exc:
            report.stopped = f"{exc}; try again later"
            report.asked -= len(pending)
            return False
        except ApiError as exc:
            bad = [c for c in pending if c.id == exc.bad_id]
            if not bad:
                report.stopped = str(exc)
                report.asked -= len(pending)
                return False
            gone = await _store(store, report, now, bad, [], invalid=True)
            if gone is None:
                return False
            report.invalid += sum(c.id not in gone for c in bad)
            report.problems.append(str(exc))
            pending = [c for c in pending if c.id != exc.bad_id]
            continue
        except FetchError as exc:
            report.stopped = _why(exc)
            report.asked -= len(pending)
            return False
        except InputError as exc:
            report.stopped = str(exc)
            report.asked -= len(pending)
            return False
        report.problems.extend(f"{cfg.api_url}: {p}" for p in response.problems)
        gone = await _store(store, report, now, pending, response.entries)
        if gone is None:
            return False
        _count_found(report, [c for c in pending if c.id not in gone], response.entries)
        return True
    return True


def _count_found(report: EnrichReport, asked: list[Candidate], entries: list) -> None:
    """Count the asked candidates: found, behind (an older version than announced,
    or no entry where arXiv answered an older one before), or not known yet. (No
    entry for a newer version arXiv had answered before said "not known yet"
    three days running, the last not said to be the last: regression hunt
    `regmend` #6.)"""
    by_id = {e.id: e for e in entries}
    for c in asked:
        entry = by_id.get(c.id)
        row = answered(c, c.meta, entry, "")
        if entry is not None and not row.behind:
            report.found += 1
        elif not row.behind:
            report.missing += 1
        elif row.attempts < MAX_ATTEMPTS:
            report.behind += 1
            report.behind_unanswered += entry is None
        else:
            report.behind_final += 1
            report.behind_final_unanswered += entry is None


def _why(exc: FetchError) -> str:
    """Why a request failed: the address asked, without its query, then the
    reason. The query holds up to a batch of ids (1,000+ characters), and the
    reason after it was cut off in the CLI's line and the reader's toast (found
    by a bug hunt)."""
    where = display_url(exc.url.partition("?")[0])
    status = f"HTTP {exc.status} " if exc.status is not None else ""
    return f"{where}: {status}{exc.reason}"


async def _get(http: HttpClient, url: str, report: EnrichReport) -> Response:
    """GET `url`, counting every request arXiv saw for it, retries included (a
    429 then an answer is two; one retried away was counted as one: found by a
    bug hunt), and those of a failure too."""
    try:
        answer = await http.get(url, headers={"Accept": ACCEPT})
    except FetchError as exc:
        report.requests += exc.attempts
        raise
    report.requests += answer.attempts
    return answer


async def _store(
    store: Store,
    report: EnrichReport,
    now: Callable[[], dt.datetime],
    asked: list[Candidate],
    entries: list,
    *,
    invalid: bool = False,
) -> frozenset[str] | None:
    """Store one answer; the ids of `asked` removed from the cache meanwhile
    (counted in `report.removed`), or None when the run must stop."""
    from tui_digest.core.store import CacheError

    stamp = now().astimezone(dt.UTC).isoformat(timespec="seconds")
    try:
        applied = await asyncio.to_thread(
            store.apply_enrichment, asked, entries, asked_at=stamp, invalid=invalid
        )
    except (CacheError, sqlite3.Error, OSError) as exc:
        report.stopped = f"cache: could not store arXiv's answer: {exc}"
        return None
    report.updated += applied.changed
    report.removed += len(applied.gone)
    return applied.gone
