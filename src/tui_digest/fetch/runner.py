"""Fetch every source into the store, one source at a time atomically.

For each source: conditional GET -> read (in a thread) -> import (in a thread,
one transaction) -> remember the validators. A failure at any step leaves that
source's cached data as it was and is recorded as its status; other sources
carry on. The ETag/Last-Modified of a response are stored only after its
content is committed, so a crash between the two can only cause a refetch,
never a skipped update.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tui_digest.config.sources import Source
from tui_digest.core.daemon_thread import run_in_daemon_thread
from tui_digest.core.digest_day import digest_day
from tui_digest.core.model import InputError, ReadResult
from tui_digest.core.publish_index import index_url, looks_like_index
from tui_digest.core.store import CacheError, Store
from tui_digest.fetch.download import FetchResult, SourceFetcher, local_path
from tui_digest.fetch.folders import FolderSources, index_of_folder, is_web_page
from tui_digest.fetch.git_history import fetch_day, raw_file
from tui_digest.fetch.results import Progress, SourceResult, decoding_note, entry_problems
from tui_digest.fetch.store_steps import read_body, utc_now
from tui_digest.net.errors import FetchError
from tui_digest.net.headers import charset_of
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.urls import display_url, strip_credentials

if TYPE_CHECKING:
    import httpx


async def fetch_all(
    store: Store,
    sources: Sequence[Source],
    *,
    progress: Progress | None = None,
    client: httpx.AsyncClient | None = None,
    options: HttpOptions | None = None,
    fetcher: SourceFetcher | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    now: Callable[[], dt.datetime] = utc_now,
    done: Callable[[SourceResult], None] | None = None,
) -> list[SourceResult]:
    """Fetch `sources` into `store`; results come back in the order of `sources`.

    Pass `fetcher` to share one SourceFetcher (and its politeness state) between
    runs, or `client`/`options`/`sleep`/`clock` to build one for this run.
    `done` is given each source's result as it ends (an interrupted run's CLI
    says those).
    """
    own = fetcher is None
    if fetcher is None:
        extra: dict[str, Any] = {}
        if clock is not None:
            extra["clock"] = clock
        fetcher = SourceFetcher(options, client=client, sleep=sleep, **extra)
    run = _Run(store, fetcher, progress, len(sources), now)
    run.on_done = done
    run.offline.probe = _other_hosts_probe(fetcher, sources)
    try:
        return list(await asyncio.gather(*(run.one(s) for s in sources)))
    finally:
        if own:
            await fetcher.aclose()


def _other_hosts_probe(
    fetcher: SourceFetcher, sources: Sequence[Source]
) -> Callable[[str], Awaitable[bool]]:
    """Whether a host of `sources` other than the one that failed resolves (`OfflineWatch`)."""
    urls: list[str] = []
    for source in sources:
        try:
            if local_path(source.url) is None:
                urls.append(source.url)
        except FetchError:
            continue  # a scheme not fetched: that source says so itself

    async def probe(failed: str) -> bool:
        return await fetcher.http.reaches_any(u for u in urls if urlsplit(u).hostname != failed)

    return probe


class _Run(FolderSources):
    """One run over the sources: each source's steps, from the request to its status."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The sources started and not yet ended, the longest running first.
        self.in_flight: list[str] = []
        self.on_done: Callable[[SourceResult], None] | None = None

    def _report(self, name: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, name)

    async def one(self, source: Source) -> SourceResult:
        self.in_flight.append(source.name)
        self._report(source.name)
        try:
            result = await self._fetch_one(source)
        except Exception as exc:
            # A bug (say, in a reader meeting hostile input) must cost only this source.
            started = self.now()
            error = f"internal error: {type(exc).__name__}: {exc}"
            result = await self._failed(source, started, error, None)
        finally:
            self.done += 1
            self.in_flight.remove(source.name)
        if self.on_done is not None:
            self.on_done(result)
        # A source that ends hands the line to the longest running one still in
        # flight: it named the last source that started *or ended*, so one that
        # failed at once was named while a slow one downloaded (found by a bug hunt).
        self._report(self.in_flight[0] if self.in_flight else source.name)
        return result

    async def _fetch_one(self, source: Source) -> SourceResult:
        started = self.now()
        try:
            # Validators belong to the URL they came from; a changed URL starts afresh.
            state = await self._store(self.store.fetch_state, source.name, source.url) or {}
        except (CacheError, sqlite3.Error, OSError) as exc:
            error = f"cache: {exc}"
            return SourceResult(source.name, display_url(source.url), "failed", error=error)
        etag = state.get("etag")
        last_modified = state.get("last_modified")

        try:
            url, response = await self._get(
                source.url,
                etag=etag if isinstance(etag, str) else None,
                last_modified=last_modified if isinstance(last_modified, str) else None,
            )
        except FetchError as exc:
            if exc.kind == "dns" and self.offline.offline:
                host = self.offline.host
                return await self._failed(source, started, exc.reason, None, offline=host)
            return await self._failed(source, started, str(exc), exc.status)

        if response.not_modified:
            return await self._not_modified(source, started, response, state)
        if response.files is not None:
            return await self._import_folder(source, started, response)

        # The last fetch failed: a day it missed may not have come (`catch_up.missing`).
        again = bool(state.get("last_error"))
        if looks_like_index(response.body):
            return await self._follow(source, started, response, url, again=again)

        shown = display_url(source.url)
        try:
            read = await self._parse(response, shown, source.format)
        except InputError as exc:
            return await self._failed(source, started, str(exc), response.http_status)
        except TimeoutError:
            deadline = self.fetcher.options.deadline
            error = (
                f"{shown}: not read within the deadline of {deadline:g} s "
                f"(the download took {response.elapsed:.1f} s)"
            )
            return await self._failed(source, started, error, response.http_status)
        if read.truncated:
            return await self._cut_off(source, started, read, response, shown)

        result = SourceResult(
            source.name,
            display_url(source.url),
            "unchanged",
            http_status=response.http_status,
            problems=entry_problems(read.problems),
            decoding=decoding_note(read.problems),
        )
        key = strip_credentials(source.url)
        raw = raw_file(key)  # the generator's file on GitHub: its history has the days missed
        whole = False  # (its history read whole: recorded with the fetch's state)
        try:
            # A published feed: the days held before, to fetch those it missed after
            # (`catch_up`).
            held = await self._days_held(key) if read.published else set()
            if raw is not None and not read.published:
                # The days before today first: read after midnight, before the
                # generator's first run of the day, today's file is still
                # yesterday's list; imported first it became today's digest, and
                # yesterday's from the history was then the same list as the
                # source's latest digest (`store.days`): nothing was filed for
                # yesterday, and today's own list became today's `-2` (found by a
                # month's replay). Read after the days before, it is their list.
                whole = await self._history(result, raw, key, source, fetch_day(key, started))
            await self._import(
                source,
                started,
                read,
                result,
                raw=response.body,
                last_modified=response.last_modified,
            )
        except (InputError, CacheError, sqlite3.Error, OSError) as exc:
            # InputError: a cut copy of a day held (`days.refuse_cut`), which says why.
            why = str(exc) if isinstance(exc, InputError) else f"cache: {exc}"
            return await self._failed(source, started, why, response.http_status)
        # Missed or changed? A new day, or the last fetch failed (a day's feed came cut
        # off, or could not be had: it is read again now, not only when the next day
        # comes).
        if held and read.published and (read.digest.date > max(held) or again):
            until = read.digest.date
            failures = await self._catch_up_published(result, source, key, held, until, again=again)
            if failures:
                return await self._failed_with(result, source, started, failures, response)
        # A document that looks cut off (`Digest.cut`: a download that ended early)
        # keeps no validators, as a cut feed (`_cut_off`): stored, the next fetch was
        # told 304 and the cut day never healed (found by a month's replay).
        cut = bool(read.digest.cut)
        history = started if whole else None
        return await self._succeeded(
            source, started, result, response, validators=not cut, history=history
        )

    async def _not_modified(
        self, source: Source, started: dt.datetime, response: FetchResult, state: dict[str, Any]
    ) -> SourceResult:
        """A 304: nothing read; today held when the file was empty last time, and the
        generator's days missed before read from its history all the same."""
        result = SourceResult(
            source.name,
            display_url(source.url),
            "unchanged",
            http_status=response.http_status,
            not_modified=True,
        )
        key = strip_credentials(source.url)
        if str(state.get("last_status") or "").startswith("no new papers"):
            # The same empty file as last time (a weekend): today is held too.
            result.no_new_papers = True
            try:
                await self._store(self.store.hold_empty_day, key, fetch_day(key, started))
            except (CacheError, sqlite3.Error, OSError) as exc:
                return await self._failed(source, started, f"cache: {exc}", 304)
        raw = raw_file(key)
        whole = False
        if raw is not None:  # the file unchanged since: the days missed before may not be
            whole = await self._history(result, raw, key, source, fetch_day(key, started))
        history = started if whole else None
        return await self._succeeded(
            source, started, result, response, keep_validators=True, history=history
        )

    async def _cut_off(
        self,
        source: Source,
        started: dt.datetime,
        read: ReadResult,
        response: FetchResult,
        shown: str,
    ) -> SourceResult:
        """A document that ends before its XML is closed (a download cut off, even
        one that came whole by its Content-Length): its complete entries are kept
        unless its day is held already (a cut copy never shrinks a held day), and
        the source fails naming its URL. Its validators are not stored, so the
        next fetch downloads it again instead of being told 304 for good."""
        key = strip_credentials(source.url)
        partial = SourceResult(source.name, shown, "unchanged", http_status=response.http_status)
        day = digest_day(
            read.digest.date, key, response.last_modified or "", fetch_day(key, started)
        )
        try:
            held = day in await self._days_held(key)
            if not held:  # (no raw bytes: a cut document is not this day's original)
                await self._import(
                    source, started, read, partial, last_modified=response.last_modified
                )
        except (CacheError, sqlite3.Error, OSError) as exc:
            return await self._failed(source, started, f"cache: {exc}", response.http_status)
        kept = (
            f"kept the day held before ({day})"
            if held
            else f"kept the {len(read.digest.papers)} complete entries"
        )
        error = (
            f"{shown}: the document is truncated (its XML is not closed); {kept}; "
            "it is downloaded again at the next fetch"
        )
        result = await self._failed(source, started, error, response.http_status)
        result.new, result.updated, result.unchanged = (
            partial.new,
            partial.updated,
            partial.unchanged,
        )
        result.digest, result.problems = partial.digest, entry_problems(read.problems)
        return result

    async def _get(
        self, source_url: str, *, etag: str | None, last_modified: str | None
    ) -> tuple[str, FetchResult]:
        """(the URL that answered, its response) for a source.

        A URL ending in `/` is fetched as given (`https://blog.example/feed/` is a
        feed); only when nothing but a web page or a 403/404 is there is the
        folder's `index.json` asked for (a published folder). A 304 there may
        answer the validators of the index (`_folder_not_modified`).
        """
        url = index_of_folder(source_url)
        try:
            response = await self._download(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            if not (url.endswith("/") and exc.status in (403, 404)):
                raise
        else:
            if url.endswith("/") and response.not_modified and not response.local:
                return await self._folder_not_modified(url, response, etag, last_modified)
            if not (url.endswith("/") and is_web_page(response)):
                return url, response
        index = index_url(url)  # the validators stored last time are the index's
        return index, await self._download(index, etag=etag, last_modified=last_modified)

    async def _folder_not_modified(
        self, url: str, response: FetchResult, etag: str | None, last_modified: str | None
    ) -> tuple[str, FetchResult]:
        """A 304 for a URL ending in `/`: the feed's there when the source holds days
        of its own (a feed's digests are filed under its URL, a published folder's
        under its feeds'). Else the validators sent were the index's, and a landing
        page (`index.html`) older than index.json answered for it: the index is
        asked, so a new day is not missed for good (bug hunt s41). An index that
        is not there, or no index, leaves the 304 as it was."""
        try:
            own = bool(await self._days_held(strip_credentials(url)))
        except (CacheError, sqlite3.Error, OSError):
            own = False  # not known: the index says
        if own:
            return url, response
        index = index_url(url)
        try:
            got = await self._download(index, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            if exc.status in (403, 404):
                return url, response
            raise
        return (index, got) if got.not_modified or looks_like_index(got.body) else (url, response)

    async def _parse(self, response: FetchResult, shown: str, format: str | None) -> ReadResult:
        """Read the document within what the deadline left after the download.

        One deadline covers a source's request chain and the reading of its body
        (the readers' own bounds keep parsing fast; this keeps it finite). A parse
        past the deadline is abandoned in its daemon thread: TimeoutError.
        """
        budget = max(0.0, self.fetcher.options.deadline - response.elapsed)
        async with asyncio.timeout(budget):
            charset = charset_of(response.content_type)
            return await run_in_daemon_thread(
                _read, response.body, shown, format, charset, name=f"read {shown[:40]}"
            )

    async def _download(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        request = self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        if local_path(url) is None:
            return await self.offline.guard(url, request)
        return await request


# Read through this name so that a test can make one source's reading fail.
_read = read_body
