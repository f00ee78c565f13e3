"""Sources that are folders: a local folder of documents, or a published folder's index.

A local folder is imported file by file (a bad file costs itself). A published
folder (`tui-digest publish`) is followed through its `index.json`: each
category's newest feed is fetched and imported, and the days before it that
the cache missed (`catch_up`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

from tui_digest.config.sources import Source
from tui_digest.core.digest_day import digest_day, local_date
from tui_digest.core.model import InputError
from tui_digest.core.publish_index import INDEX, Feed, parse_index
from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import CacheError
from tui_digest.fetch.catch_up import CatchUp, unsound, unsound_error
from tui_digest.fetch.download import FetchResult, local_path
from tui_digest.fetch.results import SourceResult, entry_problems
from tui_digest.fetch.store_steps import read_body
from tui_digest.net.errors import FetchError, TooLarge
from tui_digest.net.urls import display_url, strip_credentials


class FolderSources(CatchUp):
    """The folder steps of a run (a base of `runner._Run`)."""

    async def _import_folder(
        self, source: Source, started: dt.datetime, response: FetchResult
    ) -> SourceResult:
        """Every digest and feed in a folder source, one file at a time; a bad file costs itself.

        A file that could not be opened (no permission, an I/O error) keeps the
        folder's stamp from being stored: `chmod` changes neither its mtime nor
        its size, and the next fetch was told "not modified" until some file of
        the folder changed (bug hunt s41). One read that is no digest or feed
        reads the same again: the stamp is stored, as the catch-up has it; so is
        one past the cap (`TooLarge`): it is past it until it changes, and that
        changes the stamp (kept unstored, every fetch read the whole folder
        again and exited 1: regression hunt `regnet41` #3)."""
        result = SourceResult(source.name, display_url(source.url), "unchanged")
        files = response.files or []
        unread = False
        for path in files:
            try:
                body = await asyncio.to_thread(self.fetcher.read_file, path)
            except FetchError as exc:
                result.notes.append(clean_line(str(exc), 500))
                unread = unread or not isinstance(exc, TooLarge)
                continue
            try:
                read = await asyncio.to_thread(read_body, body, str(path), source.format)
            except InputError as exc:
                result.notes.append(clean_line(str(exc), 500))
                continue
            result.problems += entry_problems(read.problems)
            try:
                await self._import(source, started, read, result, in_folder=True, raw=body)
            except InputError as exc:  # a cut copy of a day held (`days.refuse_cut`)
                result.notes.append(clean_line(str(exc), 500))
                continue
            except (CacheError, sqlite3.Error, OSError) as exc:
                return await self._failed(source, started, f"cache: {exc}", None)
        if files and len(result.notes) == len(files):
            return await self._failed(source, started, result.notes[0], None)
        return await self._succeeded(source, started, result, response, validators=not unread)

    async def _follow_feed(
        self,
        result: SourceResult,
        feed: Feed,
        started: dt.datetime,
        errors: list[str],
        *,
        again: bool = False,
    ) -> None:
        """A published category's newest feed, then the days missed before it.

        A feed cut off before its XML closes, or whose bytes are not those the
        index gives for its day (`unsound`), never replaces a day held; one not
        held keeps what was read of it (its bytes too: they differ from the
        index's, so a later catch-up reads that day again). Either fails the
        category (`errors`), so the index's validators are not kept and the
        next fetch downloads it again. So does a missed day that could not be had;
        the next fetch (`again`: the last one failed) asks for it again."""
        key = strip_credentials(feed.url)
        got = await self.fetcher.fetch(feed.url)
        read = await asyncio.to_thread(read_body, got.body, feed.url, "digest-feed")
        digest = read.digest
        result.problems += entry_problems(read.problems)
        digest.source = key
        held = await self._days_held(key)  # before: the days it missed come after
        # The index vouches for the day the feed states (its newest when it states
        # none): `publish` writes the index last, and an upload or a cache in front
        # of the site serves a newer day's feed beside the index of the day before,
        # for which the index has no hash yet. That feed failed as a stale copy (a
        # regression hunt); a category's own subscription takes it, as before.
        why = unsound(read, got.body, feed.expected_sha256(digest.date))
        if not why and feed.latest and digest.date and digest.date < feed.latest:
            # A stale copy of an older day: taken, the index's validators kept, the
            # index's newest day was never read (the next fetch is told 304).
            why = f"it holds {digest.date}, not the index's newest day ({feed.latest})"
        day = digest_day(digest.date, key, got.last_modified or "", local_date(started))
        if why:
            count = len(digest.papers)
            said = unsound_error(display_url(feed.url), why, day, count, day in held)
            errors.append(f"{feed.category}: {said}")
            if day in held:
                return
        stats = await self._store(
            self.store.import_digest,
            digest,
            raw=got.body,
            category=feed.category,
            last_modified=got.last_modified or "",
            today=local_date(started),
        )
        days = await self._days_to_fetch(result, feed, key, held, digest.date, again=again)
        await self._catch_up(
            result,
            days,
            key=key,
            source_name="",
            category=feed.category,
            expected=feed.sha256,
            failures=errors,
        )
        if not stats.no_new_papers:
            result.add(stats)
            result.digest = stats.digest

    async def _follow(
        self,
        source: Source,
        started: dt.datetime,
        response: FetchResult,
        url: str,
        *,
        again: bool = False,
    ) -> SourceResult:
        """A published folder's index: import each category's newest feed.

        The feeds are fetched without validators: the index carries their
        hashes, so an unchanged index (a 304) already said there is nothing
        new. One category failing never stops the others; the index's
        validators are kept only when every category came in (and each day
        missed: `again`, the last fetch failed, asks for those again).
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
                await self._follow_feed(result, feed, started, errors, again=again)
            except (FetchError, InputError, CacheError, sqlite3.Error, OSError) as exc:
                errors.append(f"{feed.category}: {clean_line(str(exc), 300)}")
        if errors:
            return await self._failed_with(result, source, started, errors, response)
        return await self._succeeded(source, started, result, response)


def index_of_folder(url: str) -> str:
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


def is_web_page(response: FetchResult) -> bool:
    """An HTML page (a server's folder listing), not a feed or a digest."""
    if response.not_modified:
        return False
    head = response.body[:512].lstrip().lower()
    return "html" in response.content_type.lower() or head.startswith((b"<!doctype html", b"<html"))
