"""Days a subscriber of a published folder missed, fetched from its index.

A feed `tui-digest publish` writes (`<category>.xml`) holds the newest day
only, but the folder's `index.json` lists every day it published, each with
its own feed (`<category>/<date>.xml`: `core.publish_index`). A subscriber
whose machine was off over a weekend fetched Friday, then Tuesday: Monday
was never in its cache. So when a published feed (or a published folder's
index) brings a new day, the days between the newest one the cache already
held for that source and the new one are fetched too, oldest first, each
filed under its own day as the same source's digest (`store.days`).

Only days after the newest one held: a first subscription takes the newest
day alone, as before, and days removed on purpose (`tui-digest prune`) are
not fetched again. A day held already is fetched again when the publisher
re-published it since (say with the rest of it translated the next
morning): the index gives each day's SHA-256, and the cache kept the bytes
it read that day from. At most `MAX_DAYS` days, the newest, per run. A day
that cannot be fetched or read is a note of the source's result; it never
costs the source its newest day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import sqlite3
from dataclasses import dataclass
from urllib.parse import urljoin

from tui_digest.config.sources import Source
from tui_digest.core.model import NEW_DIGEST, ImportStats, InputError, ReadResult
from tui_digest.core.publish_index import INDEX, Feed, parse_index
from tui_digest.core.sanitize import clean_line
from tui_digest.core.store import CacheError
from tui_digest.core.wording import counted
from tui_digest.fetch import git_history
from tui_digest.fetch.git_history import RawFile
from tui_digest.fetch.results import SourceResult, entry_problems
from tui_digest.fetch.store_steps import StoreSteps, read_body
from tui_digest.net.errors import FetchError
from tui_digest.net.headers import charset_of
from tui_digest.net.urls import display_url, strip_credentials

MAX_DAYS = 31  # read at call time, so a test can lower it
# An index.json answering these is not there (a feed copied alone to a server, a
# bucket that says 403 for a missing key): no day missed can be listed, so none
# is asked, and the source does not fail (it failed at every fetch for good,
# re-downloading its feed: regression hunt `regnet41` #1).
INDEX_ABSENT = frozenset({403, 404, 410})
# A dated day's feed answering these is gone from the publisher: a note, not a
# failure that asks for it at every fetch for good (`regnet41` #2).
DAY_GONE = frozenset({404, 410})


def missing(
    days: dict[str, str], held: set[str], until: str, *, again: bool = False
) -> list[tuple[str, str]]:
    """(date, URL) of the index's days after the newest one `held` and before
    `until`, oldest first: at most MAX_DAYS, the newest of them. None when
    nothing was held (a first subscription takes the newest day alone).

    `again`: the source's last fetch failed, so a day it missed may have failed
    to come while the newest day came in (its feed is imported first): the days
    not held after the oldest one held, not only after the newest (a day that
    failed to download was never asked again: bug hunt s41)."""
    if not held or MAX_DAYS <= 0:
        return []
    since = min(held) if again else max(held)
    wanted = sorted((d, url) for d, url in days.items() if since < d < until and d not in held)
    return wanted[-MAX_DAYS:]


def republished(feed: Feed, kept: dict[str, str], until: str) -> list[tuple[str, str]]:
    """(date, URL) of the days before `until` whose bytes the cache `kept` (date ->
    SHA-256) are not those the index now gives for that day, oldest first."""
    return sorted(
        (d, feed.days[d])
        for d, sha in kept.items()
        if d < until and d in feed.days and feed.sha256.get(d, sha) != sha
    )


@dataclass(frozen=True, slots=True)
class Held:
    """What a catch-up of the generator's history starts from, read before the fetch
    imports its own document: the days the source holds (`_days_held`), the day
    missed days count from ("" when it has no digest: `git_history.read_since`),
    the days it has a digest of that may have a later version (from the day of
    `read_at` on) and when the history was last read whole (else the source's last
    success, for a cache from before `history_read`; None: never)."""

    days: set[str]
    since: str
    digests: set[str]
    read_at: dt.datetime | None


class CatchUp(StoreSteps):
    """The catch-up steps of a run (a base of `runner._Run`)."""

    async def _days_held(self, key: str) -> set[str]:
        """The days of the digests the cache holds from source `key`, and of those the
        user removed from it: a catch-up brings neither."""
        days: set[str] = await self._store(self.store.source_days, key)
        return days

    async def _feed_of_index(self, feed_url: str, failures: list[str]) -> Feed | None:
        """What the folder of a published feed lists for that feed (None when it
        lists none, or has no index: `INDEX_ABSENT`; or when its index cannot be
        had for now, a 5xx, a timeout, or cannot be read: said in `failures`, so
        the source keeps no validators and the next fetch asks for the days missed
        again; it was silent, and they never came: bug hunt s41. The feed's newest
        day was imported all the same)."""
        where = urljoin(feed_url, INDEX)
        try:
            got = await self.fetcher.fetch(where)
            index = parse_index(got.body, where)
        except FetchError as exc:
            if exc.status in INDEX_ABSENT:
                return None  # no index: no day to ask for, as an index not listing it
            failures.append(f"the days missed: {clean_line(str(exc), 300)}")
            return None
        except ValueError as exc:
            failures.append(f"the days missed: {clean_line(str(exc), 300)}")
            return None
        own = strip_credentials(feed_url)
        return next((f for f in index.feeds if strip_credentials(f.url) == own), None)

    async def _days_to_fetch(
        self,
        result: SourceResult,
        feed: Feed | None,
        key: str,
        held: set[str],
        until: str,
        *,
        again: bool = False,
    ) -> list[tuple[str, str]]:
        """(date, URL) of the days source `key` missed before `until` and of those it
        holds that were re-published since, oldest first: at most MAX_DAYS, the newest.
        `again`: its last fetch failed (`missing`)."""
        if feed is None or MAX_DAYS <= 0:
            return []
        recent = sorted(d for d in held if d < until and d in feed.sha256)[-MAX_DAYS:]
        kept: dict[str, str] = {}
        try:
            kept = await self._store(self.store.kept_sha256, key, recent) if recent else {}
        except (CacheError, sqlite3.Error) as exc:  # the missed days are fetched all the same
            result.notes.append(f"the days held could not be compared: {clean_line(str(exc), 300)}")
        missed = missing(feed.days, held, until, again=again)
        wanted = set(missed) | set(republished(feed, kept, until))
        return sorted(wanted)[-MAX_DAYS:]

    async def _held_before(self, key: str, source: Source) -> Held:
        """What a catch-up of source `key` starts from, read before the fetch imports
        its document and records its state (`Held`)."""
        held = await self._days_held(key)
        newest = await self._store(self.store.newest_digest_day, key)
        state = await self._store(self.store.fetch_state, source.name, source.url) or {}
        read, last = state.get("history_read"), state.get("last_success")
        recorded = git_history.moment(read) if isinstance(read, str) else None
        read_at = recorded or (git_history.moment(last) if isinstance(last, str) else None)
        since = git_history.read_since(newest, recorded)
        first = git_history.commit_day(read_at) if read_at is not None else newest
        digests = await self._store(self.store.digest_days, key, first) if newest else set()
        return Held(held, since, digests, read_at)

    async def _history(
        self,
        result: SourceResult,
        raw: RawFile,
        key: str,
        source: Source,
        until: str,
    ) -> bool:
        """The days source `key` (the generator's file `raw`) missed before `until`
        (the day of the fetch), from the repository's history (`git_history`):
        whatever the fetch itself brought, a new list, the same, an empty file or a
        304 (a fetch on Saturday held its empty file, then no fetch ever read the
        weekdays missed before it). And the days it has a digest of, when the
        history has a version of them later than it was last read (`to_revise`).
        Run before the fetch imports its own document (`runner`).

        True when the history was read whole (nothing to read, or every day had):
        the fetch records it as the source's `history_read` (`read_since`). False
        when the commits API failed, or a day could not be fetched: the next fetch
        reads them again (a note says why)."""
        try:
            held = await self._held_before(key, source)
            missed = git_history.missed_days(held.days, until, held.since)
            revise = git_history.to_revise(held.digests, until, held.read_at)
            days = sorted({*missed, *revise})
            if not days:
                return True
            commits: list[tuple[str, dt.datetime]] = []
            whole = True
            for page in range(1, git_history.PAGES + 1):
                url = git_history.commits_url(raw, days, page)
                try:
                    # One attempt: the history is a help, now asked on every fetch,
                    # before the day's own file. A rate-limited API (429 with
                    # Retry-After: 60) held the whole fetch three minutes with four
                    # requests, spending more of an hourly limit already used up
                    # (found by a regression hunt); the next fetch asks again.
                    got = await self.fetcher.fetch(url, retry=False)
                    listed, count = git_history.parse_commits(got.body, url)
                except (FetchError, ValueError) as exc:
                    if page == 1:
                        raise
                    # The days the first page listed are read all the same.
                    result.notes.append(f"some days before: {clean_line(str(exc), 300)}")
                    whole = False
                    break
                commits += listed
                if count < git_history.PER_PAGE:
                    break
            # A day held is read again only for a version the last read could not see.
            commits = git_history.later_than(commits, revise, held.read_at)
            kept = await self._store(self.store.kept_sha256, key, revise) if revise else {}
        except (FetchError, ValueError, CacheError, sqlite3.Error, OSError) as exc:
            result.notes.append(f"the days before: {clean_line(str(exc), 300)}")
            return False
        wanted = [(day, raw.at(sha)) for day, sha in git_history.last_of_each_day(commits, days)]
        had = await self._catch_up(
            result,
            wanted,
            key=key,
            source_name=source.name,
            category=source.effective_category,
            kind=source.format,  # (the generator's `<cat>.xml` is a digest feed)
            kept=kept,
            revise=set(revise),
        )
        return whole and had

    async def _catch_up(
        self,
        result: SourceResult,
        days: list[tuple[str, str]],
        *,
        key: str,
        source_name: str,
        category: str,
        kind: str | None = "digest-feed",
        kept: dict[str, str] | None = None,
        revise: set[str] | None = None,
        expected: dict[str, str] | None = None,
        failures: list[str] | None = None,
    ) -> bool:
        """Import each of `days` (oldest first) as source `key`'s digest of that day;
        False when one could not be fetched or stored (a note says so): another try
        may have it. A document that cannot be read is had: it reads the same again.

        `revise`: days held, read again for a later version (`git_history.to_revise`);
        one whose bytes are those the cache `kept` (date -> SHA-256) is skipped.
        `expected`: the SHA-256 a published index gives each day's feed. A day's
        document cut off, or not of those bytes (`unsound`), never replaces a day
        held; one not held keeps what was read of it, with its bytes (they differ
        from the index's, so the next catch-up reads the day again); either way it
        is said in `failures` (the source fails: its validators are not kept), else
        in the notes, and the day is not had. So is, in `failures` when given, a day
        that could not be fetched or stored: as a note only, the source's
        validators were stored, the next fetch was told 304 and the day never came
        (bug hunt s41). A day that reads as nothing stays a note: it reads the same;
        so does one the publisher no longer has (`DAY_GONE`): as a failure, it was
        asked for at every fetch, for good (regression hunt `regnet41` #2)."""
        had = True
        for day, url in days:
            try:
                got = await self.fetcher.fetch(url)
                if kept and kept.get(day) == hashlib.sha256(got.body).hexdigest():
                    continue  # the version held already
                charset = charset_of(got.content_type)  # (the server's, as for a feed source)
                read = await asyncio.to_thread(read_body, got.body, url, kind, charset)
                read.digest.source = key
                why = unsound(read, got.body, (expected or {}).get(day, ""))
                held = bool(why) and day in await self._days_held(key)
                stats = None
                if not held:
                    stats = await self._store(
                        self.store.import_digest,
                        read.digest,
                        raw=got.body,
                        source_name=source_name,
                        category=category,
                        last_modified=got.last_modified or "",
                        today=day,
                    )
            except InputError as exc:
                result.notes.append(f"{day}: {clean_line(str(exc), 300)}")
                continue
            except (FetchError, CacheError, sqlite3.Error, OSError) as exc:
                said = f"{day}: {clean_line(str(exc), 300)}"
                gone = isinstance(exc, FetchError) and exc.status in DAY_GONE
                (result.notes if failures is None or gone else failures).append(said)
                had = False
                continue
            result.problems += entry_problems(read.problems)
            if why:
                had = False
                said = unsound_error(display_url(url), why, day, len(read.digest.papers), held)
                (result.notes if failures is None else failures).append(f"{day}: {said}")
            if stats is None or (why and stats.no_new_papers):
                continue  # (a cut copy that lists nothing is no empty day to hold)
            if stats.no_new_papers:  # held all the same: never asked for again
                try:
                    await self._store(self.store.hold_empty_day, key, day)
                except (CacheError, sqlite3.Error, OSError) as exc:
                    said = f"{day}: {clean_line(str(exc), 300)}"
                    (result.notes if failures is None else failures).append(said)
                    had = False
                continue
            self._count_day(result, source_name, stats, day, revise)
        return had

    def _count_day(
        self,
        result: SourceResult,
        source_name: str,
        stats: ImportStats,
        day: str,
        revise: set[str] | None,
    ) -> None:
        """Count a day the catch-up imported into `result`."""
        # Counted as the cache stood before the run, as the fetched document is: the
        # papers another source brought in this run (arXiv's feed, a cross-list)
        # were "unchanged" or "updated" for the days missed (found by a replay).
        self._as_before_the_run(source_name, stats)
        result.add(stats)
        # The fetch's own document may have been empty or unchanged (a 304): the
        # result says what the days missed brought instead.
        if stats.new or stats.updated or stats.outcome == NEW_DIGEST:
            result.no_new_papers = result.not_modified = False
        if revise and day in revise and stats.outcome != NEW_DIGEST:
            if stats.new or stats.updated:
                result.revised.append(stats.digest)
        # A missed day is a day the cache now has, even when its papers were
        # known already (from the newest day, imported first, or a cross-list).
        elif stats.new or stats.outcome == NEW_DIGEST:
            result.caught_up.append(stats.digest)

    async def _catch_up_published(
        self,
        result: SourceResult,
        source: Source,
        key: str,
        held: set[str],
        until: str,
        *,
        again: bool = False,
    ) -> list[str]:
        """The days a published feed's source `key` missed before `until` (the day its
        feed brought), and those it holds that were re-published; what failed the
        source (the index or a day's feed that could not be had, a day's feed cut
        off, or not the one the index vouches for). `again`: its last fetch failed."""
        failures: list[str] = []
        feed = await self._feed_of_index(source.url, failures)
        await self._catch_up(
            result,
            await self._days_to_fetch(result, feed, key, held, until, again=again),
            key=key,
            source_name=source.name,
            category=source.effective_category,
            expected=feed.sha256 if feed is not None else None,
            failures=failures,
        )
        return failures


def unsound(read: ReadResult, body: bytes, sha256: str) -> str:
    """Why a published feed's document is not the whole one its index vouches for
    (SHA-256 `sha256`, "" when it gives none), or "": it was cut off before its XML
    closed (a download that ended early, even with a Content-Length that agreed),
    or its bytes are other ones (a stale copy a cache served, a damaged file)."""
    if read.truncated:
        return "the document is truncated (its XML is not closed)"
    if sha256 and hashlib.sha256(body).hexdigest() != sha256:
        return "its SHA-256 is not the one the folder's index.json gives"
    return ""


def unsound_error(shown: str, why: str, day: str, count: int, held: bool) -> str:
    """What a failed source says of a feed `unsound` refused (`why`)."""
    held_before = f"kept the day held before ({day})"
    kept = held_before if held else f"kept what it lists in full ({counted(count, 'paper')})"
    return clean_line(f"{shown}: {why}; {kept}; it is downloaded again at the next fetch", 500)
