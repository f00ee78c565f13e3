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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui_digest.config.sources import Source
from tui_digest.core.daemon_thread import run_in_daemon_thread
from tui_digest.core.digest_day import local_date, source_name_of
from tui_digest.core.model import InputError, ReadResult
from tui_digest.core.publish_index import INDEX, index_url, looks_like_index, parse_index
from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import CacheError, Store
from tui_digest.fetch.download import FetchResult, SourceFetcher, local_path
from tui_digest.fetch.offline import OfflineWatch
from tui_digest.fetch.results import Progress, SourceResult, status_text
from tui_digest.net.errors import FetchError
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.urls import display_url, mask_in_text, strip_credentials

if TYPE_CHECKING:
    import httpx


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
) -> list[SourceResult]:
    """Fetch `sources` into `store`; results come back in the order of `sources`.

    Pass `fetcher` to share one SourceFetcher (and its politeness state) between
    runs, or `client`/`options`/`sleep`/`clock` to build one for this run.
    """
    own = fetcher is None
    if fetcher is None:
        extra: dict[str, Any] = {}
        if clock is not None:
            extra["clock"] = clock
        fetcher = SourceFetcher(options, client=client, sleep=sleep, **extra)
    run = _Run(store, fetcher, progress, len(sources), now)
    try:
        return list(await asyncio.gather(*(run.one(s) for s in sources)))
    finally:
        if own:
            await fetcher.aclose()


class _Run:
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

    async def _store(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async with self.store_lock:
            return await asyncio.to_thread(fn, *args, **kwargs)

    def _report(self, name: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, name)

    async def one(self, source: Source) -> SourceResult:
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
        self._report(source.name)
        return result

    async def _fetch_one(self, source: Source) -> SourceResult:
        started = self.now()
        try:
            state = await self._store(self.store.get_source_state, source.name) or {}
        except (CacheError, sqlite3.Error, OSError) as exc:
            error = f"cache: {exc}"
            return SourceResult(source.name, display_url(source.url), "failed", error=error)
        # Validators belong to the URL they came from; a changed URL starts afresh. The
        # cache holds the URL without its password (the password stays in the config).
        same_url = state.get("url") == strip_credentials(source.url)
        etag = state.get("etag") if same_url else None
        last_modified = state.get("last_modified") if same_url else None

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
            result = SourceResult(
                source.name, display_url(source.url), "unchanged", http_status=response.http_status
            )
            return await self._succeeded(source, started, result, response, keep_validators=True)
        if response.files is not None:
            return await self._import_folder(source, started, response)

        if looks_like_index(response.body):
            return await self._follow(source, started, response, url)

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

        result = SourceResult(
            source.name,
            display_url(source.url),
            "unchanged",
            http_status=response.http_status,
            problems=len(read.problems),
        )
        try:
            await self._import(
                source,
                started,
                read,
                result,
                raw=response.body,
                last_modified=response.last_modified,
            )
        except (CacheError, sqlite3.Error, OSError) as exc:
            return await self._failed(source, started, f"cache: {exc}", response.http_status)
        return await self._succeeded(source, started, result, response)

    async def _get(
        self, source_url: str, *, etag: str | None, last_modified: str | None
    ) -> tuple[str, FetchResult]:
        """(the URL that answered, its response) for a source.

        A URL ending in `/` is fetched as given (`https://blog.example/feed/` is a
        feed); only when nothing but a web page or a 403/404 is there is the
        folder's `index.json` asked for (a published folder).
        """
        url = _index_of_folder(source_url)
        try:
            response = await self._download(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            if not (url.endswith("/") and exc.status in (403, 404)):
                raise
        else:
            if not (url.endswith("/") and _is_web_page(response)):
                return url, response
        index = index_url(url)  # the validators stored last time are the index's
        return index, await self._download(index, etag=etag, last_modified=last_modified)

    async def _parse(self, response: FetchResult, shown: str, format: str | None) -> ReadResult:
        """Read the document within what the deadline left after the download.

        One deadline covers a source's request chain and the reading of its body
        (the readers' own bounds keep parsing fast; this keeps it finite). A parse
        past the deadline is abandoned in its daemon thread: TimeoutError.
        """
        budget = max(0.0, self.fetcher.options.deadline - response.elapsed)
        async with asyncio.timeout(budget):
            return await run_in_daemon_thread(
                _read, response.body, shown, format, name=f"read {shown[:40]}"
            )

    async def _download(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        request = self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        if local_path(url) is None:
            return await self.offline.guard(url, request)
        return await request

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
        if in_folder:  # each file of a folder is its own source (digest.source is its path)
            name = source_name_of(digest.name, digest.source)
        else:
            digest.source = strip_credentials(source.url)
            name = source.name
        stats = await self._store(
            self.store.import_digest,
            digest,
            raw=raw,
            source_name=name,
            category=source.effective_category,
            last_modified=last_modified or "",
            today=local_date(started),
        )
        if stats.no_new_papers:
            result.no_new_papers = result.status == "unchanged" and not result.digest
            return
        result.no_new_papers = False
        result.new += stats.new
        result.updated += stats.updated
        result.unchanged += stats.unchanged
        result.digest = stats.digest
        if stats.new:
            result.status = "new"
        elif stats.updated and result.status != "new":
            result.status = "updated"

    async def _import_folder(
        self, source: Source, started: dt.datetime, response: FetchResult
    ) -> SourceResult:
        """Every digest and feed in a folder source, one file at a time; a bad file costs itself."""
        result = SourceResult(source.name, display_url(source.url), "unchanged")
        files = response.files or []
        for path in files:
            try:
                body = await asyncio.to_thread(self.fetcher.read_file, path)
                read = await asyncio.to_thread(_read, body, str(path), source.format)
            except (FetchError, InputError) as exc:
                result.notes.append(clean_line(str(exc), 500))
                continue
            result.problems += len(read.problems)
            try:
                await self._import(source, started, read, result, in_folder=True, raw=body)
            except (CacheError, sqlite3.Error, OSError) as exc:
                return await self._failed(source, started, f"cache: {exc}", None)
        if files and len(result.notes) == len(files):
            return await self._failed(source, started, result.notes[0], None)
        return await self._succeeded(source, started, result, response)

    async def _follow(
        self, source: Source, started: dt.datetime, response: FetchResult, url: str
    ) -> SourceResult:
        """A published folder's index: import each category's newest feed.

        The feeds are fetched without validators: the index carries their
        hashes, so an unchanged index (a 304) already said there is nothing
        new. One category failing never stops the others; the index's
        validators are kept only when every category came in.
        """
        try:
            index = parse_index(response.body, url)
        except ValueError as exc:
            return await self._failed(source, started, str(exc), response.http_status)
        result = SourceResult(
            source.name,
            display_url(source.url),
            "unchanged",
            http_status=response.http_status,
            problems=len(index.notes),
        )
        errors: list[str] = []
        for feed in index.feeds:
            try:
                got = await self.fetcher.fetch(feed.url)
                read = await asyncio.to_thread(_read, got.body, feed.url, "digest-feed")
                digest = read.digest
                result.problems += len(read.problems)
                digest.source = strip_credentials(feed.url)
                stats = await self._store(
                    self.store.import_digest,
                    digest,
                    raw=got.body,
                    category=feed.category,
                    last_modified=got.last_modified or "",
                    today=local_date(started),
                )
                if stats.no_new_papers:
                    continue
            except (FetchError, InputError, CacheError, sqlite3.Error, OSError) as exc:
                errors.append(f"{feed.category}: {clean_line(str(exc), 300)}")
                continue
            result.new += stats.new
            result.updated += stats.updated
            result.unchanged += stats.unchanged
            result.digest = stats.digest
        if errors:
            failed = await self._failed(source, started, "; ".join(errors), response.http_status)
            failed.new, failed.updated, failed.unchanged = (
                result.new,
                result.updated,
                result.unchanged,
            )
            return failed
        result.status = "new" if result.new else "updated" if result.updated else "unchanged"
        return await self._succeeded(source, started, result, response)

    async def _succeeded(
        self,
        source: Source,
        started: dt.datetime,
        result: SourceResult,
        response: FetchResult,
        *,
        keep_validators: bool = False,
    ) -> SourceResult:
        fields: dict[str, Any] = {
            "url": strip_credentials(source.url),
            "last_checked": _stamp(started),
            "last_success": _stamp(started),
            "last_status": status_text(result, not_modified=response.not_modified),
            "last_error": "",
        }
        # A 304 may omit the validators; keep the stored ones then.
        if not keep_validators or response.etag:
            fields["etag"] = response.etag
        if not keep_validators or response.last_modified:
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
                last_checked=_stamp(started),
                last_status=status_text(result),
                last_error=error,
            )
        except (CacheError, sqlite3.Error, OSError) as exc:
            result.error = f"{error}; also could not record it: {exc}"
        return result


def _index_of_folder(url: str) -> str:
    """A folder source's `index.json` (a published folder); any other URL as it is."""
    try:
        path = local_path(url)
    except FetchError:
        return url  # the fetch itself reports what is wrong with it
    if path is None:
        return url  # http(s): see _Run._get
    # A local folder with an index is a published folder; without one, a folder of
    # digests and feeds that is imported file by file.
    return str(path / INDEX) if path.is_dir() and (path / INDEX).is_file() else url


def _is_web_page(response: FetchResult) -> bool:
    """An HTML page (a server's folder listing), not a feed or a digest."""
    if response.not_modified:
        return False
    head = response.body[:512].lstrip().lower()
    return "html" in response.content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def _read(body: bytes, url: str, format: str | None) -> ReadResult:
    from tui_digest.core.readers import read_document

    return read_document(body, source=url, format=format)
