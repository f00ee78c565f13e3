"""What a fetch run reports per source, and the lines the CLI and the reader show for it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tui_digest.core.sanitize import clean_line
from tui_digest.core.wording import counted
from tui_digest.fetch.offline import offline_message

if TYPE_CHECKING:
    from tui_digest.core.model import ImportStats, Problem

Status = Literal["new", "updated", "unchanged", "failed"]
# progress(done, total, name): once when a source starts (done = sources finished so far)
# and once when it finishes (done counts it; named: the longest running source
# still in flight, if any).
Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class SourceResult:
    name: str
    url: str  # as shown: any password masked
    status: Status
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str = ""
    http_status: int | None = None
    digest: str = ""  # the digest name the papers were filed under
    problems: int = 0  # entries the reader reported but did not stop on
    decoding: str = ""  # how the document's bytes were decoded, when not as UTF-8
    offline: str = ""  # the host that could not be resolved, when the run was offline
    notes: list[str] = field(default_factory=list)  # files of a folder that could not be read
    # The document was empty (a weekend file): no digest, nothing removed; not an error.
    no_new_papers: bool = False
    # The server answered 304 (or a local file or folder was untouched): nothing read.
    not_modified: bool = False
    # Digests of days a subscriber had missed that brought new papers (`catch_up`).
    caught_up: list[str] = field(default_factory=list)
    # Digests of days held that a later version from the history revised (`git_history`).
    revised: list[str] = field(default_factory=list)
    # The ids behind `new` and `updated`: a paper two sources brought is counted
    # for each, and once in the run's total (`run_totals`).
    new_ids: set[str] = field(default_factory=set, repr=False)
    updated_ids: set[str] = field(default_factory=set, repr=False)
    unchanged_ids: set[str] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def add(self, stats: ImportStats) -> None:
        """Count one imported document in (its status: new when any document
        brought new papers, else updated when any updated some).

        A paper two documents of the source list is counted once, as what the
        first that changed it did: after a day off, a fetch just after midnight
        read the day missed from the history (new 10) and then the day's file,
        still that same list, and said "new 10 / updated 0 / unchanged 10" of 10
        papers. A streamed import (no ids) adds its counts as they are."""
        if not stats.ids:
            self.new += stats.new
            self.updated += stats.updated
            self.unchanged += stats.unchanged
        else:
            seen = self.new_ids | self.updated_ids | self.unchanged_ids
            new = stats.new_ids - seen
            updated = stats.updated_ids - stats.new_ids - self.new_ids - self.updated_ids
            unchanged = stats.ids - stats.new_ids - stats.updated_ids - seen
            self.new += len(new)
            self.updated += len(updated)
            self.unchanged += len(unchanged) - len(updated & self.unchanged_ids)
            self.unchanged_ids = (self.unchanged_ids | unchanged) - updated
        self.new_ids |= stats.new_ids
        self.updated_ids |= stats.updated_ids - self.new_ids
        if stats.new:
            self.status = "new"
        elif stats.updated and self.status != "new":
            self.status = "updated"

    def summary(self) -> str:
        """One plain line for the CLI, e.g. `cs.AI: new 3 / updated 0 / unchanged 40`."""
        name = clean_line(self.name, 200)
        if self.status == "failed":
            line = f"{name}: failed ({clean_line(self.error, 500)})"
            # What it imported before it failed (a new day, then a missed day that
            # could not be had): said only "failed (…)", read as if the day had not
            # come (regression hunt `regnet41` #2).
            if self.new or self.updated or self.unchanged:
                return f"{line}; {self._counts()}"
            return line
        if self.not_modified:  # said as `sources list` says it (not "new 0 / updated 0 …")
            why = "HTTP 304" if self.http_status == 304 else "file not modified"
            return f"{name}: not modified ({why})"
        if self.no_new_papers:
            return f"{name}: no new papers"
        return f"{name}: {self._counts()}"

    def _counts(self) -> str:
        line = f"new {self.new} / updated {self.updated} / unchanged {self.unchanged}"
        # The days missed before, fetched too (their papers counted in).
        return line + with_missed_days(len(self.caught_up), len(self.revised))


def run_totals(results: Sequence[SourceResult]) -> tuple[int, int]:
    """(papers new, papers updated) in a run, each paper once however many sources
    listed it (a result without ids, from elsewhere, counts as it says)."""
    new_ids: set[str] = set().union(*(r.new_ids for r in results))
    updated_ids: set[str] = set().union(*(r.updated_ids for r in results)) - new_ids
    new = len(new_ids) + sum(r.new for r in results if not r.new_ids)
    updated = len(updated_ids) + sum(r.updated for r in results if not r.updated_ids)
    return new, updated


def with_missed_days(n: int, revised: int = 0) -> str:
    """` (with N missed days)` after a count that includes them, `, M earlier days
    revised` for days held a later version revised; "" for none."""
    parts = [counted(n, "missed day")] if n else []
    if revised:
        parts.append(f"{counted(revised, 'earlier day')} revised")
    return f" (with {', '.join(parts)})" if parts else ""


def new_digests(results: Sequence[SourceResult]) -> list[str]:
    """The digests that brought new papers (what after-fetch enrichment and
    translation read)."""
    found = [
        name for r in results if r.new for name in (*r.caught_up, *r.revised, r.digest) if name
    ]
    return list(dict.fromkeys(found))


def offline_line(results: Sequence[SourceResult]) -> str:
    """ "offline: could not reach HOST" when the run found no network, else "".

    Shown once, instead of one failure per network source.
    """
    host = next((r.offline for r in results if r.offline), "")
    return offline_message(host) if host else ""


CACHE_FAILED = "cache: "  # how a source's error starts when the cache failed it


def status_text(result: SourceResult) -> str:
    http = f" (HTTP {result.http_status})" if result.http_status else ""
    if result.offline:
        return "offline"
    if result.status == "failed":
        # The cache failed, not the download: "failed (HTTP 200)" read as if the
        # server's answer was the failure (found by a bug hunt).
        return "failed (cache error)" if result.error.startswith(CACHE_FAILED) else f"failed{http}"
    if result.not_modified and result.no_new_papers:  # the same empty file: kept for the next 304
        return f"no new papers{http or ' (file not modified)'}"
    if result.not_modified:
        return f"unchanged{http or ' (file not modified)'}"
    if result.no_new_papers:
        return f"no new papers{http}"
    return f"new {result.new} / updated {result.updated} / unchanged {result.unchanged}{http}"


def entry_problems(problems: Sequence[Problem]) -> int:
    """The problems of a read that are entries' (not how its bytes were decoded:
    a `charset=gbk` digest's note was counted as "1 entry could not be read
    fully", found by a bug hunt), nor the document's own (not well-formed XML
    whose entries were all read was "1 entry": a regression hunt)."""
    return sum(1 for p in problems if p.kind != "decoding" and not _whole(p))


def decoding_note(problems: Sequence[Problem]) -> str:
    """The read's notes on how its bytes were decoded (and characters XML does
    not allow, removed) and on the document as a whole (not well-formed XML),
    or ""; with the line of the first U+FFFD it made when
    the reader knows it (`import` says `FILE:LINE:`;
    `fetch` said no line, bug hunt `enc` #2)."""
    return "; ".join(
        f"{p.message} (first at line {p.line})" if p.line else p.message
        for p in problems
        if p.kind == "decoding" or _whole(p)
    )


def _whole(problem: Problem) -> bool:
    """A document not well-formed whose entries were all read: its warning is
    said as the decoding notes are, not counted as an entry's trouble. One that
    lost an entry (cut off, or an entry not closed) is an error and counted, as
    before (a folder source said nothing of a cut feed: regression hunt `reg3`)."""
    return problem.kind == "document" and problem.severity == "warning"
