"""The store's side of a fetch run: one document imported, a source's outcome recorded.

`StoreSteps` is the base of the run (`runner._Run`): it holds the store, the
fetcher and the run's progress, queues the store calls (SQLite takes one
writer at a time), imports a document into its day, and records each source's
state: validators and status after a success, the error after a failure
(with the source's password masked: it never reaches a screen or the cache).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

from tui_digest.config.sources import Source, infer_category
from tui_digest.core.digest_day import digest_day, source_name_of
from tui_digest.core.model import ImportStats, ReadResult
from tui_digest.core.store import CacheError, Store
from tui_digest.fetch.download import FetchResult, SourceFetcher
from tui_digest.fetch.git_history import fetch_day
from tui_digest.fetch.offline import OfflineWatch
from tui_digest.fetch.results import Progress, SourceResult, status_text
from tui_digest.net.urls import display_url, mask_in_text, strip_credentials

# What a source that failed after importing some documents still says of them.
_COUNTS = (
    *("new", "updated", "unchanged", "digest", "problems", "notes", "caught_up", "revised"),
    *("new_ids", "updated_ids", "unchanged_ids"),
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_body(body: bytes, url: str, format: str | None, charset: str = "") -> ReadResult:
    """Read a fetched document (any format the readers know; `format` forces one;
    `charset`: the one its Content-Type declared)."""
    from tui_digest.core.readers import read_document

    return read_document(body, source=url, format=format, charset=charset)


class StoreSteps:
    def __init__(
        self,
        store: Store,
        fetcher: SourceFetcher,
        progress: Progress | None,
        total: int,
        now: Callable[[], dt.datetime],
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.progress = progress
        self.total = total
        self.done = 0
        self.now = now
        # SQLite takes one writer at a time; queueing here keeps the waits out of busy_timeout.
        self.store_lock = asyncio.Lock()
        self.offline = OfflineWatch()
        # id -> (the source that imported it first in this run, what it was then).
        self.first_seen: dict[str, tuple[str, str]] = {}

    async def _store(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async with self.store_lock:
            return await asyncio.to_thread(fn, *args, **kwargs)

    async def _import(
        self,
        source: Source,
        started: dt.datetime,
        read: ReadResult,
        result: SourceResult,
        *,
        in_folder: bool = False,
        raw: bytes | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Store one document's papers and add its counts to `result`."""
        digest = read.digest
        # The store files it under its day (see core.digest_day and store.days):
        # a new day's content is a new digest, a same-day update replaces that
        # day, identical content and an empty document (arXiv or the generator
        # at weekends) create nothing; the last is said as "no new papers".
        category = source.effective_category
        if in_folder:  # each file of a folder is its own source (digest.source is its path)
            name = source_name_of(digest.name, digest.source)
            # ...and a file named after a category (`cs.AI.md`) is that category's
            # digest, as `tui-digest import FOLDER` has it, unless the source says
            category = source.category or infer_category(digest.source)
        else:
            digest.source = strip_credentials(source.url)
            name = source.name
        stats = await self._store(
            self.store.import_digest,
            digest,
            raw=raw,
            source_name=name,
            category=category,
            last_modified=last_modified or "",
            # (the generator's file: its UTC day, as its history files it)
            today=fetch_day(digest.source, started),
        )
        if stats.no_new_papers:
            result.no_new_papers = result.status == "unchanged" and not result.digest
            if not in_folder:  # a day fetched is held, even empty (no catch-up asks for it)
                day = digest_day(
                    digest.date,
                    digest.source,
                    last_modified or "",
                    fetch_day(digest.source, started),
                )
                await self._store(self.store.hold_empty_day, digest.source, day)
            return
        result.no_new_papers = False
        self._as_before_the_run(source.name, stats)
        result.add(stats)
        result.digest = stats.digest

    def _as_before_the_run(self, name: str, stats: ImportStats) -> None:
        """Count `stats` as the cache stood before this run, not before this import.

        Sources are fetched at once and imported in whatever order their answers
        come; three arXiv feeds listing the same 25 papers said "new 25" for the
        first imported and "unchanged 25" for the others, a different one each run.
        A paper another source brought new (or updated) in this run is new (or
        updated) for this source too; the run's total counts it once
        (`results.run_totals`). Within one source (a folder's files) the counts
        stay by document, as before.
        """
        new, updated = stats.new_ids, stats.updated_ids
        for pid in stats.ids:
            seen = self.first_seen.get(pid)
            if seen is None:
                how = "new" if pid in new else "updated" if pid in updated else "unchanged"
                self.first_seen[pid] = (name, how)
            elif seen[0] != name and seen[1] == "new":
                new.add(pid)
                updated.discard(pid)
            elif seen[0] != name and seen[1] == "updated" and pid not in new:
                updated.add(pid)
        if stats.ids:
            stats.new, stats.updated = len(new), len(updated)
            stats.unchanged = len(stats.ids) - stats.new - stats.updated

    async def _succeeded(
        self,
        source: Source,
        started: dt.datetime,
        result: SourceResult,
        response: FetchResult,
        *,
        keep_validators: bool = False,
        validators: bool = True,
        history: dt.datetime | None = None,
    ) -> SourceResult:
        """Record a fetch that succeeded; its validators too unless not `validators`
        (the document looked cut off: those stored before stay, so the next fetch
        downloads it again), and `history` as when the generator's history was last
        read whole (`catch_up`), when it was (else the one stored before stays)."""
        fields: dict[str, Any] = {
            "url": strip_credentials(source.url),
            "last_checked": _stamp(started),
            "last_success": _stamp(started),
            "last_status": status_text(result),
            "last_error": "",
        }
        if history is not None:
            fields["history_read"] = _stamp(history)
        # A 304 may omit the validators; keep the stored ones then.
        if validators and (not keep_validators or response.etag):
            fields["etag"] = response.etag
        if validators and (not keep_validators or response.last_modified):
            fields["last_modified"] = response.last_modified
        try:
            await self._store(self.store.set_source_state, source.name, **fields)
        except (CacheError, sqlite3.Error, OSError) as exc:
            # The content is committed; only its validators were lost (next run refetches).
            result.status = "failed"
            result.error = f"cache: could not record the fetch state: {exc}"
        return result

    async def _failed(
        self,
        source: Source,
        started: dt.datetime,
        error: str,
        http_status: int | None,
        *,
        offline: str = "",
    ) -> SourceResult:
        # Whatever produced the message, the source's password never reaches a screen or the cache.
        error = mask_in_text(error, source.url)
        result = SourceResult(
            source.name,
            display_url(source.url),
            "failed",
            error=error,
            http_status=http_status,
            offline=offline,
        )
        try:
            await self._store(
                self.store.set_source_state,
                source.name,
                url=strip_credentials(source.url),  # (whose result this is: `fetch_state`)
                last_checked=_stamp(started),
                last_status=status_text(result),
                last_error=error,
            )
        except (CacheError, sqlite3.Error, OSError) as exc:
            result.error = f"{error}; also could not record it: {exc}"
        return result

    async def _failed_with(
        self,
        result: SourceResult,
        source: Source,
        started: dt.datetime,
        errors: list[str],
        response: FetchResult,
    ) -> SourceResult:
        """Fail a source for `errors` after it imported what `result` counts: the
        counts (and the digests after-fetch work reads) stay, its validators are
        not kept, so the next fetch reads it again."""
        failed = await self._failed(source, started, "; ".join(errors), response.http_status)
        for name in _COUNTS:
            setattr(failed, name, getattr(result, name))
        return failed
