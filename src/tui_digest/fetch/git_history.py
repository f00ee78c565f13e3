"""Days of the generator's digests a subscriber missed, read from the repository's history.

The generator (qhduan/cn-chat-arxiv) overwrites `<cat>.md` at each of its
runs, so yesterday's digest lives only in the git history, at
`https://raw.githubusercontent.com/<owner>/<repo>/<commit-sha>/<cat>.md`
(../shared/docs/upstream.md). A subscriber whose machine was off for a few
days fetched Monday, then Thursday: Tuesday and Wednesday never reached its
cache. So when a fetch of such a raw file brings a new day and the newest day
the cache held from it is older than the day before, the days between are
read from the history, oldest first, each filed under its own day as the
same source's digest (`store.days`):

- GitHub's "list commits" endpoint names the commits that changed the file
  in that span: `GET https://api.github.com/repos/{owner}/{repo}/commits`
  with `sha` (the branch), `path`, `since` and `until` (ISO 8601,
  `YYYY-MM-DDTHH:MM:SSZ`), `per_page` (at most 100) and `page`
  (docs.github.com/rest/commits/commits#list-commits, operation
  `repos/list-commits` of GitHub's OpenAPI description; verified 2026-12-01,
  see docs/upstream-sources.md). The order of the list is not documented
  (github.com/github/rest-api-description/issues/4814): nothing here counts
  on it, each day's last commit is found by its date. A `page` more when the
  first is full, `PAGES` at most: "the primary rate limit for unauthenticated
  requests is 60 requests per hour"
  (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api);
- the days the source has a digest of are read again when the history was
  last read whole before they ended (`to_revise`): the generator's later runs
  that day (about 4 a day) left a later version no fetch saw; the store files
  it as a fetch that evening would have (a revision of the day's list replaces
  it);
- the last commit of each missed day (a commit's day is its UTC date:
  `commit_day`) is the file as that day left it
  (a fetch that day would have filed it under that day), and is read from
  the raw host at that commit.

The history keeps when it was last read whole (the source's `history_read`:
`read_since`): a fetch whose commits API failed (GitHub's 403 rate limit, a
500, the network) still files the day's list, so counted from the newest day
with a digest and the last fetch, the days it could not read were never read
by a later fetch (found by a review). They are counted from that moment.

As with a published folder's missed days (`catch_up`): only days after the
newest one with a digest and not held otherwise (`missed_days`), whatever the
fetch brought (an empty file, a 304), none for a first subscription, at most `MAX_DAYS` (the
newest), and a day that cannot be had is a note of the source's result that
costs nothing else. The weekend runs' empty files create nothing, as always.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlencode, urlsplit

RAW_HOST = "raw.githubusercontent.com"
API = "https://api.github.com"
MAX_DAYS = 31  # read at call time, so a test can lower it
# The endpoint's most per page (its `per_page`, "max 100"): ~4 runs a day fill
# a page in ~25 days, so a full page is followed by one more (`PAGES`), ~50 days.
PER_PAGE = 100
PAGES = 2

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SHA_RE = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file of a GitHub repository as its raw host serves it at a branch."""

    owner: str
    repo: str
    branch: str
    path: str  # as in the URL (percent-encoded where it was)

    def at(self, sha: str) -> str:
        """The raw URL of this file as commit `sha` left it."""
        return f"https://{RAW_HOST}/{self.owner}/{self.repo}/{sha}/{self.path}"


def raw_file(url: str) -> RawFile | None:
    """`https://raw.githubusercontent.com/<owner>/<repo>/<branch>/<path>`, else None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname != RAW_HOST or parts.query:
        return None
    owner, _, rest = parts.path.lstrip("/").partition("/")
    repo, _, rest = rest.partition("/")
    branch, _, path = rest.partition("/")
    names = (owner, repo, branch)
    if not all(_NAME_RE.fullmatch(n) for n in names) or not path or ".." in path.split("/"):
        return None
    return RawFile(owner, repo, branch, path)


def missed_days(held: set[str], until: str, since: str = "") -> list[str]:
    """The days after `since` (the newest day the source has a digest of; else the
    newest day `held`) and before `until` that are not `held`, oldest first (at most
    MAX_DAYS, the newest); none when nothing was held.

    A day held without a digest (an empty weekend or holiday file fetched, a
    day the user removed) is skipped, not a bound: a fetch on Saturday held
    Saturday's empty file, and the weekdays missed before it were never read
    (found by a month's replay)."""
    if not held or MAX_DAYS <= 0:
        return []
    first = dt.date.fromisoformat(since or max(held)) + dt.timedelta(days=1)
    last = dt.date.fromisoformat(until)
    span = ((first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days))
    return [d for d in span if d not in held][-MAX_DAYS:]


def read_since(newest: str, read_at: dt.datetime | None) -> str:
    """The day missed days count from (`missed_days`' `since`): `newest` (the newest
    day the source has a digest of), or the day before the history was last read
    whole (`read_at`, the source's `history_read`) when that is earlier. A list
    filed by a fetch whose history could not be had is not a bound: the days
    before it were never read. A cache from before `history_read` has none (None):
    `newest`, as before."""
    if read_at is None or not newest:
        return newest
    return min(newest, _day_before(commit_day(read_at)))


def to_revise(days: Iterable[str], until: str, read_at: dt.datetime | None) -> list[str]:
    """The `days` (those the source has a digest of) before `until` (the day of the
    fetch) that had not ended when the history was last read (`read_at`): the
    generator may have committed a later version of them since (its afternoon and
    evening runs), which no fetch read (a cron fetch each morning kept each day's
    morning version: found by a month's replay). The catch-up reads each one's
    last commit after `read_at` and files it through the store's rules, as a fetch
    that evening would have (a revision replaces the day's digest); one whose
    bytes are those held costs nothing more. `read_at` None (never read): the
    newest of them alone. At most MAX_DAYS, the newest.

    `read_at` is when the history was last read whole, not the last fetch: a
    fetch whose history could not be had (a 403) still filed its list, and the
    days before it were never revised (found by a review)."""
    before = sorted(d for d in days if d and d < until)
    if not before or MAX_DAYS <= 0:
        return []
    if read_at is None:
        return before[-1:]
    first = commit_day(read_at)
    return [d for d in before if d >= first][-MAX_DAYS:]


def later_than(
    commits: list[tuple[str, dt.datetime]], days: list[str], last_fetch: dt.datetime | None
) -> list[tuple[str, dt.datetime]]:
    """`commits` without those of `days` (days held, read again) made by `last_fetch`:
    the last fetch read the file as they left it, or a later one."""
    if last_fetch is None or not days:
        return commits
    return [(sha, at) for sha, at in commits if at > last_fetch or commit_day(at) not in days]


def moment(stamp: str) -> dt.datetime | None:
    """A stored fetch time (`YYYY-MM-DDTHH:MM:SSZ`), None when unreadable."""
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def commits_url(raw: RawFile, days: list[str], page: int = 1) -> str:
    """The request for the commits that changed `raw` during `days` (`commit_day`)."""
    return f"{API}/repos/{raw.owner}/{raw.repo}/commits?" + urlencode(
        {
            "sha": raw.branch,
            "path": unquote(raw.path),
            "since": _utc(_day_start(days[0])),
            "until": _utc(_day_start(days[-1]) + dt.timedelta(days=1)),
            "per_page": PER_PAGE,
            "page": page,
        }
    )


def parse_commits(body: bytes, url: str) -> tuple[list[tuple[str, dt.datetime]], int]:
    """((sha, committed at) of each usable commit the endpoint listed, how many it
    listed: a full page has a next one). ValueError if not a list."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{url}: not JSON ({exc})") from None
    if not isinstance(data, list):
        message = data.get("message") if isinstance(data, dict) else None
        raise ValueError(f"{url}: not a list of commits ({str(message or '')[:200]})")
    out: list[tuple[str, dt.datetime]] = []
    for entry in data:
        sha = entry.get("sha") if isinstance(entry, dict) else None
        commit = entry.get("commit") if isinstance(entry, dict) else None
        committer = commit.get("committer") if isinstance(commit, dict) else None
        when = committer.get("date") if isinstance(committer, dict) else None
        if not (isinstance(sha, str) and _SHA_RE.fullmatch(sha) and isinstance(when, str)):
            continue  # an entry we cannot use; the others still count
        try:
            moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is not None:
            out.append((sha, moment))
    return out, len(data)


def last_of_each_day(
    commits: list[tuple[str, dt.datetime]], days: list[str]
) -> list[tuple[str, str]]:
    """(day, sha) of the last commit of each of `days` (`commit_day`) that has one,
    oldest first."""
    wanted = set(days)
    last: dict[str, tuple[dt.datetime, str]] = {}
    for sha, moment in commits:
        day = commit_day(moment)
        if day in wanted and (day not in last or moment > last[day][0]):
            last[day] = (moment, sha)
    return [(day, last[day][1]) for day in sorted(last)]


def commit_day(moment: dt.datetime) -> str:
    """The day a commit made at `moment` is filed under: its date in UTC, the same
    for every reader of the file, wherever the machine is.

    Its local date was the evening before west of UTC for a commit after 00:00Z
    (the generator's first run of a day, at 03:00Z in the replay that found this,
    is 19:00 the evening before in California): the last commit of each local
    day was the next day's list, and each missed day's own list was never read
    (found by a month's replay). A live fetch files the file under the same
    rule (`fetch_day`), so a day filed by a live fetch and read again from the
    history (`to_revise`) is the same day, and a missed day gets the list a
    fetch that day had."""
    return moment.astimezone(dt.UTC).date().isoformat()


def fetch_day(url: str, started: dt.datetime) -> str:
    """The day a fetch at `started` files `url`'s undated list under (as its `today`:
    `digest_day`), and holds when the file is empty (a weekend's, a holiday's).

    For a file whose history is read (`raw_file`), the day `commit_day` gives the
    same moment, its UTC date: the file is overwritten by each of the
    generator's runs (about 4 a day; ../shared/docs/upstream.md), so what a fetch
    reads is the version of the last commit before it, which the history files
    under that commit's UTC date. When the runs happen is documented nowhere we
    know of; the fetch's own UTC date is the day of the newest run unless none has
    run since 00:00Z, and then the history is read first (`runner`): the file
    is the day before's list, identical to it (nothing filed) or a revision of
    it (`store.days`). Only a first fetch in that span, with no day held before,
    files the day before's list under its UTC date.

    The local date was a day late east of UTC: a first fetch at 07:00 in
    Shanghai (23:00Z the day before) filed the day before's list under today,
    and that evening today's own list became "today-2"; at 21:00 in California
    (05:00Z the next day) the next day's first list became "today-2" (found by
    a review). Holding Monday, the local date, for the weekend's empty file read
    on a Shanghai Monday morning (Sunday 23:00Z) kept Monday's list from ever
    being read (found by a regression hunt). Other files: the local date, as
    before."""
    from tui_digest.core.digest_day import local_date

    return commit_day(started) if raw_file(url) is not None else local_date(started)


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _day_start(day: str) -> dt.datetime:
    """When `day` starts, as `commit_day` counts days (midnight UTC)."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=dt.UTC)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
