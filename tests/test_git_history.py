"""The generator's days a subscriber missed come from the repository's history (`git_history`).

The generator overwrites `cs.AI.md` at every run, so a day the subscriber did
not fetch lives only in the git history (../shared/docs/upstream.md). A
stand-in for GitHub (its raw host and its "list commits" endpoint) serves a
repository whose file changes four times a weekday and is empty at weekends;
the subscriber fetches on some days only, each a fresh `fetch_all` at an
injected time, as a cron job would.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx
import pytest

from feed_server import FakeTime
from test_feed_digest import feed, item
from tui_digest.config.sources import Source
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.fetch import git_history
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.results import SourceResult
from tui_digest.fetch.runner import fetch_all
from tui_digest.ui.refresh import summarise

URL = "https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/cs.AI.md"
EMPTY = "## Summary\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"


@pytest.fixture(autouse=True)
def utc(utc_local_time):
    """Local days are UTC days here, whatever the machine's zone (conftest)."""


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


class Repository:
    """The generator's repository: commits of cs.AI.md (or its digest feed, cs.AI.xml),
    four runs each weekday."""

    def __init__(self, name: str = "cs.AI.md") -> None:
        self.name = name
        self.commits: list[tuple[str, dt.datetime, str]] = []  # sha, when, text
        self.requests: list[httpx.Request] = []
        self.api_status = 200

    def run(self, day: str, hour: int, ids: list[str]) -> None:
        """A run of the generator at `hour` on `day` writing papers `ids` (none: weekend)."""
        if self.name.endswith(".xml"):  # the generator's digest feed (tests/test_feed_digest.py)
            items = [item([f"论文 {i}", f"Paper {i}", f"https://arxiv.org/abs/{i}"]) for i in ids]
            text = feed(*items).decode()
        else:
            papers = [Paper(id=i, title_en=f"Paper {i}", abstract_en=f"About {i}.") for i in ids]
            text = write_digest(papers) if papers else EMPTY
        sha = f"{len(self.commits) + 1:040x}"
        self.commits.append((sha, at(day, hour), text))

    def week(self, days: dict[str, list[str]]) -> None:
        for day, ids in days.items():
            for n, hour in enumerate((1, 7, 13, 19)):  # each run adds a paper to the day's
                self.run(day, hour, ids[: max(1, len(ids) - 3 + n)] if ids else [])

    def head_at(self, moment: dt.datetime) -> str:
        return max((c for c in self.commits if c[1] <= moment), key=lambda c: c[1])[2]

    def handler(self, now: list[dt.datetime]):
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            parts = request.url.path.split("/")
            if request.url.host == "api.github.com":
                return self._list(request)
            if request.url.host == git_history.RAW_HOST and parts[3] == "master":
                return httpx.Response(
                    200, content=self.head_at(now[0]).encode(), headers={"ETag": f'"{now[0]}"'}
                )
            for sha, _, text in self.commits:
                if parts[3] == sha:
                    return httpx.Response(200, content=text.encode())
            return httpx.Response(404)

        return handle

    def _list(self, request: httpx.Request) -> httpx.Response:
        if self.api_status != 200:
            body = {"message": "API rate limit exceeded"}
            return httpx.Response(self.api_status, content=json.dumps(body).encode())
        q = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        assert (q["sha"], q["path"]) == ("master", self.name)
        per_page, page = int(q["per_page"]), int(q.get("page", "1"))
        since = dt.datetime.fromisoformat(q["since"].replace("Z", "+00:00"))
        until = dt.datetime.fromisoformat(q["until"].replace("Z", "+00:00"))
        listed = [
            {"sha": sha, "commit": {"committer": {"date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}}}
            for sha, when, _ in reversed(self.commits)  # newest first (GitHub documents no order)
            if since <= when <= until
        ][(page - 1) * per_page : page * per_page]
        return httpx.Response(200, content=json.dumps(listed).encode())


async def fetch_at(
    db: Path, repo: Repository, moment: dt.datetime, source: Source | None = None
) -> SourceResult:
    fake = FakeTime()
    now = [moment]
    client = httpx.AsyncClient(transport=httpx.MockTransport(repo.handler(now)))
    async with client:
        fetcher = SourceFetcher(client=client, sleep=fake.sleep, clock=fake.clock)
        with Store.open(db) as store:
            [result] = await fetch_all(
                store, [source or Source("digest-cs.AI", URL)], fetcher=fetcher, now=lambda: moment
            )
    return result


def days_of(db: Path) -> list[tuple[str, int]]:
    with Store.open(db) as store:
        return sorted((d.date, d.count) for d in store.digests())


def asked(repo: Repository) -> list[str]:
    return [f"{r.url.host}{r.url.path}" for r in repo.requests]


WEEK = {  # Monday 2026-11-16 to Sunday 2026-11-22
    "2026-11-16": [f"2611.0010{i}" for i in range(4)],
    "2026-11-17": [f"2611.0020{i}" for i in range(5)],
    "2026-11-18": [f"2611.0030{i}" for i in range(6)],
    "2026-11-19": [f"2611.0040{i}" for i in range(4)],
    "2026-11-20": [f"2611.0050{i}" for i in range(4)],
    "2026-11-21": [],
    "2026-11-22": [],
}


@pytest.mark.parametrize("name", ["cs.AI.md", "cs.AI.xml"])
async def test_the_days_missed_come_from_the_history_then_nothing_more(tmp_path, name):
    db = tmp_path / "cache.db"
    repo = Repository(name)
    repo.week(WEEK)
    source = Source("digest-cs.AI", URL.replace("cs.AI.md", name))
    monday = await fetch_at(db, repo, at("2026-11-16", 8), source)  # after the second run
    assert monday.new == 2 and days_of(db) == [("2026-11-16", 2)]
    assert not any("api.github.com" in a for a in asked(repo))  # nothing missed yet
    # Off Monday evening to Wednesday; Thursday at 9: Monday's rest, Tuesday, Wednesday.
    repo.requests.clear()
    thursday = await fetch_at(db, repo, at("2026-11-19", 9), source)
    assert days_of(db) == [
        ("2026-11-16", 4),  # Monday's later runs, which the morning fetch could not see
        ("2026-11-17", 5),  # each missed day as its last run left it
        ("2026-11-18", 6),
        ("2026-11-19", 2),  # today, as the raw file is now
    ]
    assert thursday.status == "new" and thursday.new == 2 + 5 + 6 + 2 and thursday.notes == []
    assert thursday.summary() == (
        "digest-cs.AI: new 15 / updated 0 / unchanged 2 (with 2 missed days, 1 earlier day revised)"
    )
    assert summarise([thursday])[0].startswith(
        "1 of 1 source fetched: 15 new papers (with 2 missed days, 1 earlier day revised)"
    )
    [listing] = [r for r in repo.requests if r.url.host == "api.github.com"]
    assert listing.url.path == "/repos/qhduan/cn-chat-arxiv/commits"
    q = parse_qs(listing.url.query.decode())
    assert (q["since"], q["until"]) == (["2026-11-16T00:00:00Z"], ["2026-11-19T00:00:00Z"])
    shas = [a.split("/")[3] for a in asked(repo) if a.startswith(git_history.RAW_HOST)]
    last = (at("2026-11-16", 19), at("2026-11-17", 19), at("2026-11-18", 19))
    last_runs = [c[0] for c in repo.commits if c[1] in last]
    assert shas == ["master", *last_runs]  # today's file, then one commit per day
    # The same day again, then a restart: nothing more is asked of the history.
    repo.requests.clear()
    again = await fetch_at(db, repo, at("2026-11-19", 10), source)
    assert again.new == 0 and not any("api.github.com" in a for a in asked(repo))
    assert [d for d, _ in days_of(db)] == [f"2026-11-{d}" for d in (16, 17, 18, 19)]


async def test_a_weekend_missed_brings_nothing_and_costs_nothing(tmp_path):
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    repo.week({"2026-11-23": [f"2611.0060{i}" for i in range(4)]})
    await fetch_at(db, repo, at("2026-11-20", 20))  # Friday, after the last run
    repo.requests.clear()
    monday = await fetch_at(db, repo, at("2026-11-23", 8))
    # Saturday's and Sunday's files were read from the history, and were empty: no
    # digest for them, no problem either.
    weekend = [c[0] for c in repo.commits if c[1] in (at("2026-11-21", 19), at("2026-11-22", 19))]
    assert [a.split("/")[3] for a in asked(repo) if a.startswith(git_history.RAW_HOST)] == [
        "master",
        *weekend,
    ]
    assert days_of(db) == [("2026-11-20", 4), ("2026-11-23", 2)]
    assert monday.status == "new" and monday.notes == [] and monday.problems == 0


@pytest.mark.parametrize("etag_of_content", [False, True])
async def test_a_weekend_fetched_empty_is_held_and_never_asked_again(tmp_path, etag_of_content):
    """Found by a bug hunt: every Monday the history was asked for the Saturday and
    Sunday already fetched (their empty files made no digest, so the days counted as
    not held), and a 403 from GitHub then failed the fetch. A day fetched is held,
    even empty, also when Sunday's fetch is told 304 (the same empty file)."""
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    repo.week({"2026-11-23": [f"2611.0060{i}" for i in range(4)]})
    if etag_of_content:  # the raw host's ETag follows the content: 304 for the same file
        plain = repo.handler

        def handler(now):
            inner = plain(now)

            def handle(request: httpx.Request) -> httpx.Response:
                answer = inner(request)
                if request.url.host != git_history.RAW_HOST or answer.status_code != 200:
                    return answer
                etag = f'"{hash(answer.content)}"'
                if request.headers.get("if-none-match") == etag:
                    return httpx.Response(304, headers={"ETag": etag})
                return httpx.Response(200, content=answer.content, headers={"ETag": etag})

            return handle

        repo.handler = handler  # type: ignore[method-assign]
    await fetch_at(db, repo, at("2026-11-20", 20))  # Friday, after the last run
    saturday = await fetch_at(db, repo, at("2026-11-21", 20))
    sunday = await fetch_at(db, repo, at("2026-11-22", 20))
    assert saturday.no_new_papers and saturday.ok
    assert sunday.ok and (sunday.not_modified if etag_of_content else sunday.no_new_papers)
    # Across a restart (each fetch opens the cache anew), GitHub refusing its API:
    repo.api_status = 403
    repo.requests.clear()
    monday = await fetch_at(db, repo, at("2026-11-23", 8))
    assert not any("api.github.com" in a for a in asked(repo))
    assert monday.ok and monday.notes == [] and monday.new == 2
    assert days_of(db) == [("2026-11-20", 4), ("2026-11-23", 2)]


async def test_a_history_that_cannot_be_had_costs_only_the_days_before(tmp_path):
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-16", 20))
    repo.api_status = 403  # GitHub's rate limit for clients without a token
    thursday = await fetch_at(db, repo, at("2026-11-19", 20))
    assert thursday.status == "new" and thursday.new == 4  # today came in all the same
    assert [d for d, _ in days_of(db)] == ["2026-11-16", "2026-11-19"]
    [note] = thursday.notes
    assert note.startswith("the days before: ") and "403" in note


async def test_a_first_subscription_and_other_hosts_ask_no_history(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-18", 20))  # the first fetch: today only
    assert days_of(db) == [("2026-11-18", 6)]
    assert not any("api.github.com" in a for a in asked(repo))
    monkeypatch.setattr(git_history, "MAX_DAYS", 1)
    await fetch_at(db, repo, at("2026-11-21", 12))  # Saturday: an empty file...
    # ...and of the days missed before it, Thursday and Friday, only the newest.
    assert [d for d, _ in days_of(db)] == ["2026-11-18", "2026-11-20"]
    await fetch_at(db, repo, at("2026-11-23", 12))  # Monday: Thursday stays out of reach
    assert [d for d, _ in days_of(db)] == ["2026-11-18", "2026-11-20"]
    assert git_history.raw_file("https://example.org/qhduan/cn-chat-arxiv/master/cs.AI.md") is None
    assert git_history.raw_file(URL) == git_history.RawFile(
        "qhduan", "cn-chat-arxiv", "master", "cs.AI.md"
    )
    for bad in (URL.replace("/master/", "/../"), URL + "?x=1", URL.replace("https:", "http:")):
        assert git_history.raw_file(bad) is None


def test_commit_listings_are_untrusted_input():
    body = json.dumps(
        [
            {"sha": "a" * 40, "commit": {"committer": {"date": "2026-11-17T19:00:00Z"}}},
            {"sha": "b" * 40, "commit": {"committer": {"date": "2026-11-17T07:00:00Z"}}},
            {"sha": "not a sha", "commit": {"committer": {"date": "2026-11-17T20:00:00Z"}}},
            {"sha": "c" * 40, "commit": {"committer": {"date": "yesterday"}}},
            {"sha": "d" * 40},
            "junk",
        ]
    ).encode()
    commits, listed = git_history.parse_commits(body, "u")
    assert listed == 6
    assert [sha for sha, _ in commits] == ["a" * 40, "b" * 40]
    assert git_history.last_of_each_day(commits, ["2026-11-17"]) == [("2026-11-17", "a" * 40)]
    with pytest.raises(ValueError, match=r"not a list of commits \(API rate limit"):
        git_history.parse_commits(b'{"message": "API rate limit exceeded"}', "u")
    with pytest.raises(ValueError, match="not JSON"):
        git_history.parse_commits(b"<html>", "u")


async def test_a_day_the_user_removed_is_not_read_back_from_the_history(tmp_path):
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-16", 20))
    await fetch_at(db, repo, at("2026-11-17", 20))
    with Store.open(db) as store:  # `tui-digest digests rm` of Tuesday
        [tuesday] = [d.name for d in store.digests() if d.date == "2026-11-17"]
        store.remove_digests(store.digest_pks([tuesday]))
    repo.requests.clear()
    thursday = await fetch_at(db, repo, at("2026-11-19", 20))
    # Wednesday was missed and comes from the history; Tuesday stays removed.
    assert [d for d, _ in days_of(db)] == ["2026-11-16", "2026-11-18", "2026-11-19"]
    assert thursday.caught_up and len(thursday.caught_up) == 1


async def test_a_full_page_of_commits_is_followed_by_the_next(tmp_path, monkeypatch):
    """GitHub lists at most `per_page` commits, newest first: a gap with more commits
    than a page reads the next page, so its oldest days are not lost."""
    monkeypatch.setattr(git_history, "PER_PAGE", 3)
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-16", 20))
    repo.requests.clear()
    await fetch_at(db, repo, at("2026-11-19", 9))  # Tuesday's and Wednesday's 8 commits
    pages = [
        parse_qs(r.url.query.decode())["page"]
        for r in repo.requests
        if r.url.host == "api.github.com"
    ]
    assert pages == [["1"], ["2"]]  # (PAGES: at most two)
    assert [d for d, _ in days_of(db)] == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"]


async def test_a_second_page_that_cannot_be_had_keeps_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(git_history, "PER_PAGE", 3)
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-16", 20))
    handle = repo._list

    def first_page_only(request: httpx.Request) -> httpx.Response:
        if b"page=2" in request.url.query:
            return httpx.Response(403, content=b'{"message": "API rate limit exceeded"}')
        return handle(request)

    monkeypatch.setattr(repo, "_list", first_page_only)
    thursday = await fetch_at(db, repo, at("2026-11-19", 9))
    # Page 1 held Wednesday's last commits; Tuesday's were on page 2.
    assert [d for d, _ in days_of(db)] == ["2026-11-16", "2026-11-18", "2026-11-19"]
    [note] = thursday.notes
    assert note.startswith("some days before: ") and "403" in note


def etag_of_content(repo: Repository) -> None:
    """The raw host's ETag follows the content: 304 for the same file."""
    plain = repo.handler

    def handler(now):
        inner = plain(now)

        def handle(request: httpx.Request) -> httpx.Response:
            answer = inner(request)
            if request.url.host != git_history.RAW_HOST or answer.status_code != 200:
                return answer
            etag = f'"{hash(answer.content)}"'
            if request.headers.get("if-none-match") == etag:
                return httpx.Response(304, headers={"ETag": etag})
            return httpx.Response(200, content=answer.content, headers={"ETag": etag})

        return handle

    repo.handler = handler  # type: ignore[method-assign]


async def test_a_weekend_fetch_reads_the_weekdays_missed_before_it(tmp_path):
    """Found by a month's replay: Monday fetched, the machine off Tuesday to Friday,
    Saturday's fetch found the empty weekend file ("no new papers") and held
    Saturday, so Monday's fetch counted missed days from Saturday: the four
    weekdays were never read, and nothing said so."""
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    repo.week({"2026-11-23": [f"2611.0060{i}" for i in range(4)]})
    await fetch_at(db, repo, at("2026-11-16", 20))  # Monday, after its last run
    repo.requests.clear()
    saturday = await fetch_at(db, repo, at("2026-11-21", 12))
    assert days_of(db) == [
        ("2026-11-16", 4),
        ("2026-11-17", 5),
        ("2026-11-18", 6),
        ("2026-11-19", 4),
        ("2026-11-20", 4),
    ]
    assert saturday.ok and not saturday.no_new_papers and saturday.notes == []
    assert saturday.summary() == (
        "digest-cs.AI: new 19 / updated 0 / unchanged 0 (with 4 missed days)"
    )
    # Sunday (the same empty file) and Monday: nothing more is asked of the history.
    await fetch_at(db, repo, at("2026-11-22", 12))
    repo.requests.clear()
    monday = await fetch_at(db, repo, at("2026-11-23", 20))
    assert monday.new == 4 and not monday.caught_up
    assert not any("api.github.com" in a for a in asked(repo))
    assert [d for d, _ in days_of(db)][-1] == "2026-11-23"


async def test_days_missed_are_read_when_the_file_is_not_modified(tmp_path):
    """A Saturday fetch whose history could not be had (GitHub's rate limit), then
    Sunday's told 304 (the same empty file): Sunday reads the weekdays missed."""
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    etag_of_content(repo)
    await fetch_at(db, repo, at("2026-11-16", 20))
    repo.api_status = 403
    saturday = await fetch_at(db, repo, at("2026-11-21", 12))
    assert saturday.no_new_papers and saturday.notes[0].startswith("the days before: ")
    repo.api_status = 200
    sunday = await fetch_at(db, repo, at("2026-11-22", 12))
    assert sunday.ok and sunday.new == 19 and len(sunday.caught_up) == 4
    assert [d for d, _ in days_of(db)] == [f"2026-11-{d}" for d in range(16, 21)]


async def test_a_later_version_of_the_newest_day_held_is_read_from_the_history(tmp_path):
    """Found by a month's replay: a cron fetch each morning kept each day's morning
    version; the generator's afternoon and evening runs of Tuesday (a paper more
    each) were never fetched, and Wednesday's fetch read only days after Tuesday."""
    db = tmp_path / "cache.db"
    repo = Repository()
    tuesday = [f"2611.07{i:03d}" for i in range(12)]
    repo.run("2026-11-17", 3, tuesday[:10])
    first = await fetch_at(db, repo, at("2026-11-17", 8))
    assert days_of(db) == [("2026-11-17", 10)]
    repo.run("2026-11-17", 15, tuesday[:11])
    repo.run("2026-11-17", 23, tuesday)
    repo.run("2026-11-18", 3, [f"2611.08{i:03d}" for i in range(10)])
    repo.requests.clear()
    wednesday = await fetch_at(db, repo, at("2026-11-18", 8))
    assert days_of(db) == [("2026-11-17", 12), ("2026-11-18", 10)]
    assert first.digest in wednesday.revised and not wednesday.caught_up
    assert wednesday.summary() == (
        "digest-cs.AI: new 12 / updated 0 / unchanged 10 (with 1 earlier day revised)"
    )
    shas = [a.split("/")[3] for a in asked(repo) if a.startswith(git_history.RAW_HOST)]
    assert shas == ["master", repo.commits[2][0]]  # Tuesday's last run, read once
    # Wednesday again: the last fetch saw every version of Tuesday; no request more.
    repo.requests.clear()
    again = await fetch_at(db, repo, at("2026-11-18", 12))
    assert not any("api.github.com" in a for a in asked(repo)) and again.new == 0
    # A later version with the bytes held already revises nothing.
    repo.run("2026-11-18", 15, [f"2611.08{i:03d}" for i in range(10)])
    repo.run("2026-11-19", 3, [f"2611.09{i:03d}" for i in range(3)])
    thursday = await fetch_at(db, repo, at("2026-11-19", 8))
    assert thursday.revised == [] and thursday.summary().endswith("unchanged 0")
    assert days_of(db) == [("2026-11-17", 12), ("2026-11-18", 10), ("2026-11-19", 3)]


def ids_of(db: Path) -> dict[str, list[str]]:
    """day -> the sorted ids of the day's digest."""
    with Store.open(db) as store:
        listed = {d.name: d.date for d in store.digests()}
        return {
            day: sorted(p.paper.id for p in store.get_papers(store.list_ids(digest=name)))
            for name, day in listed.items()
        }


@pytest.mark.parametrize(
    ("zone", "hour"),  # (the hour in UTC of a fetch at noon or in the morning there)
    [("America/Los_Angeles", 16), ("Asia/Shanghai", 4), ("UTC", 8)],
)
async def test_west_of_utc_each_missed_day_gets_its_own_list(tmp_path, monkeypatch, zone, hour):
    """Found by a month's replay in California: the generator's first run of a day
    (03:00Z) is 19:00 the evening before there, so the last commit of each local
    day was the next day's list: Tuesday was filed with Wednesday's papers,
    Wednesday's list was then Thursday's (the same as today: nothing filed), and
    Tuesday's own papers were never read."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    db = tmp_path / "cache.db"
    repo = Repository()
    lists = {d: [f"2612.{d}{i:03d}" for i in range(1, 11)] for d in (21, 22, 23, 24)}
    repo.run("2026-12-21", 3, lists[21])
    await fetch_at(db, repo, at("2026-12-21", hour))  # Monday, 08:00 in California
    for d in (22, 23):  # the machine off: the morning run and the afternoon's revision
        repo.run(f"2026-12-{d}", 3, lists[d][:9])
        repo.run(f"2026-12-{d}", 15, lists[d])
    repo.run("2026-12-24", 3, lists[24])
    thursday = await fetch_at(db, repo, at("2026-12-24", hour))
    assert ids_of(db) == {f"2026-12-{d}": lists[d] for d in (21, 22, 23, 24)}
    assert thursday.summary() == (
        "digest-cs.AI: new 30 / updated 0 / unchanged 0 (with 2 missed days)"
    )


async def test_a_fetch_after_midnight_after_a_day_off_files_each_list_under_its_day(tmp_path):
    """Found by a month's replay: Monday fetched, Tuesday not, Wednesday at 00:30
    (before Wednesday's first run) the file was still Tuesday's list. Imported
    first, it became Wednesday's digest; Tuesday's from the history was then the
    same list as the latest digest, so nothing was filed for Tuesday, and
    Wednesday's own list became Wednesday's `-2`."""
    db = tmp_path / "cache.db"
    repo = Repository()
    lists = {d: [f"2612.{d}{i:03d}" for i in range(1, 11)] for d in (28, 29, 30)}
    repo.run("2026-12-28", 3, lists[28])
    await fetch_at(db, repo, at("2026-12-28", 8))
    repo.run("2026-12-29", 3, lists[29][:9])
    repo.run("2026-12-29", 15, lists[29])
    night = await fetch_at(db, repo, at("2026-12-30", 0).replace(minute=30))
    assert ids_of(db) == {"2026-12-28": lists[28], "2026-12-29": lists[29]}
    # The day's file is still Tuesday's list: its 10 papers are counted once
    # (it said "new 10 / updated 0 / unchanged 10" of 10 papers).
    assert night.summary() == ("digest-cs.AI: new 10 / updated 0 / unchanged 0 (with 1 missed day)")
    repo.run("2026-12-30", 3, lists[30])
    morning = await fetch_at(db, repo, at("2026-12-30", 8))
    assert ids_of(db) == {f"2026-12-{d}": lists[d] for d in (28, 29, 30)}
    with Store.open(db) as store:
        assert sorted(d.name for d in store.digests()) == [
            f"digest-cs.AI-2026-12-{d}" for d in (28, 29, 30)
        ]
    assert morning.new == 10 and not morning.caught_up and not morning.revised


async def test_days_missed_count_papers_as_the_cache_stood_before_the_run(tmp_path):
    """Found by a month's replay: cs.CL's file cross-lists cs.AI papers; fetched in
    one run, the days cs.AI missed counted the papers cs.CL's catch-up had just
    brought as "unchanged" (`new 36 / updated 0 / unchanged 8`), unlike the
    fetched document, which counts a run's papers as the cache stood before it."""
    db = tmp_path / "cache.db"
    ai, cl = Repository(), Repository("cs.CL.md")
    for repo, first in ((ai, 1), (cl, 501)):
        for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
            own = [f"2611.{day[-2:]}{i:03d}" for i in range(first, first + 4)]
            shared = [f"2611.{day[-2:]}{i:03d}" for i in (1, 2)]
            repo.run(day, 3, own if repo is ai else own + shared)
    sources = [Source("digest-cs.AI", URL), Source("digest-cs.CL", URL.replace("AI", "CL"))]

    async def fetch_both(moment: dt.datetime) -> list[SourceResult]:
        now = [moment]
        handlers = {"cs.AI.md": ai.handler(now), "cs.CL.md": cl.handler(now)}

        def handle(request: httpx.Request) -> httpx.Response:
            name = parse_qs(request.url.query.decode()).get("path", [request.url.path])[0]
            return handlers[name.rsplit("/", 1)[-1]](request)

        fake = FakeTime()
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as client:
            fetcher = SourceFetcher(client=client, sleep=fake.sleep, clock=fake.clock)
            with Store.open(db) as store:
                return await fetch_all(store, sources, fetcher=fetcher, now=lambda: moment)

    await fetch_both(at("2026-11-16", 8))
    results = await fetch_both(at("2026-11-18", 8))
    # Tuesday missed and Wednesday: 4 + 4 of cs.AI, 6 + 6 of cs.CL (2 of them cs.AI's).
    assert [(r.new, r.unchanged, len(r.caught_up)) for r in results] == [(8, 0, 1), (12, 0, 1)]


async def test_east_of_utc_a_monday_morning_304_does_not_hide_mondays_list(tmp_path, monkeypatch):
    """Found by a regression hunt in Shanghai: Monday 07:00 there is Sunday 23:00Z,
    the weekend's empty file again (a 304), and Monday (the local date) was held
    as an empty day: Monday's list was never read from the history, Tuesday's
    fetch filed it as Tuesday's, and Tuesday's own list became "Tuesday-2". The
    empty file holds its UTC day, as the history counts days."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    db = tmp_path / "cache.db"
    repo = Repository()
    etag_of_content(repo)
    lists = {d: [f"2612.{d}{i:03d}" for i in range(1, 11)] for d in (10, 11, 14, 15)}
    repo.run("2026-12-10", 3, lists[10])
    repo.run("2026-12-11", 3, lists[11])
    await fetch_at(db, repo, at("2026-12-11", 23))  # Saturday 07:00 in Shanghai
    repo.run("2026-12-12", 3, [])
    repo.run("2026-12-13", 3, [])
    await fetch_at(db, repo, at("2026-12-12", 23))  # Sunday 07:00: the empty file
    await fetch_at(db, repo, at("2026-12-13", 23))  # Monday 07:00: the same, a 304
    repo.run("2026-12-14", 3, lists[14][:9])
    repo.run("2026-12-14", 15, lists[14])
    await fetch_at(db, repo, at("2026-12-14", 23))  # Tuesday 07:00: Monday's list
    repo.run("2026-12-15", 3, lists[15])
    await fetch_at(db, repo, at("2026-12-15", 23))  # Wednesday 07:00: Tuesday's list
    held = ids_of(db)
    assert held["2026-12-14"] == lists[14] and held["2026-12-15"] == lists[15]
    with Store.open(db) as store:
        assert not [d.name for d in store.digests() if d.name.endswith("-2")]


async def test_a_rate_limited_history_costs_one_request_and_no_wait(tmp_path):
    """The history is asked on every fetch now, before the day's own file; a 429
    with Retry-After: 60 from the commits API was retried three times, holding
    the whole fetch three minutes and spending four requests of an hourly limit
    already used up (found by a regression hunt). One request, no wait; the
    day's file is read all the same and the note names the refusal."""
    db = tmp_path / "cache.db"
    repo = Repository()
    lists = {d: [f"2612.{d}{i:03d}" for i in range(1, 11)] for d in (21, 23)}
    repo.run("2026-12-21", 3, lists[21])
    await fetch_at(db, repo, at("2026-12-21", 8))
    repo.run("2026-12-22", 3, [f"2612.22{i:03d}" for i in range(1, 11)])
    repo.run("2026-12-23", 3, lists[23])
    plain = repo.handler

    def handler(now):
        inner = plain(now)

        def handle(request: httpx.Request) -> httpx.Response:
            if request.url.host == "api.github.com":
                repo.requests.append(request)
                return httpx.Response(429, headers={"Retry-After": "60"})
            return inner(request)

        return handle

    repo.handler = handler  # type: ignore[method-assign]
    before = len(repo.requests)
    result = await fetch_at(db, repo, at("2026-12-23", 8))
    api = [r for r in repo.requests[before:] if r.url.host == "api.github.com"]
    assert len(api) == 1
    assert ids_of(db)["2026-12-23"] == lists[23]
    assert any("429" in note for note in result.notes)


async def test_days_the_history_could_not_read_are_read_by_the_next_fetch_it_can(tmp_path):
    """Found by a review: Tuesday fetched in the morning, Wednesday and Thursday
    missed, Friday's fetch met GitHub's rate limit and filed Friday's list: the
    missed days counted from the newest day with a digest (Friday) and a revision
    from the last fetch (Friday's), so Saturday's fetch, its API working, read
    neither Wednesday nor Thursday nor Tuesday's later version, ever. The history
    keeps what it has read (across restarts: each fetch opens the cache anew)."""
    db = tmp_path / "cache.db"
    repo = Repository()
    lists = {d: [f"2612.{d:02d}{i:03d}" for i in range(1, 11)] for d in range(1, 6)}

    def runs(d: int) -> None:  # the morning's list, then the afternoon's revision
        repo.run(f"2026-12-{d:02d}", 3, lists[d][:9])
        repo.run(f"2026-12-{d:02d}", 15, lists[d])

    repo.run("2026-12-01", 3, lists[1][:9])
    await fetch_at(db, repo, at("2026-12-01", 8))
    repo.run("2026-12-01", 15, lists[1])
    runs(2)
    runs(3)
    repo.run("2026-12-04", 3, lists[4][:9])
    repo.api_status = 403
    friday = await fetch_at(db, repo, at("2026-12-04", 8))
    assert friday.ok and friday.new == 9 and friday.notes[0].startswith("the days before: ")
    assert ids_of(db) == {"2026-12-01": lists[1][:9], "2026-12-04": lists[4][:9]}
    repo.run("2026-12-04", 15, lists[4])
    repo.run("2026-12-05", 3, lists[5][:9])
    repo.api_status = 200
    saturday = await fetch_at(db, repo, at("2026-12-05", 8))
    held = ids_of(db)
    assert (
        held
        == {
            "2026-12-01": lists[1],  # its afternoon version, which no fetch had read
            "2026-12-02": lists[2],
            "2026-12-03": lists[3],
            "2026-12-04": lists[4],
            "2026-12-05": lists[5][:9],
        }
    )
    with Store.open(db) as store:
        assert sorted(d.name for d in store.digests()) == [
            f"digest-cs.AI-2026-12-0{d}" for d in range(1, 6)
        ]
    assert len(saturday.caught_up) == 2 and len(saturday.revised) == 2 and saturday.notes == []
    # Saturday again, after a restart: the history was read whole; nothing more is asked.
    repo.requests.clear()
    again = await fetch_at(db, repo, at("2026-12-05", 12))
    assert again.ok and again.new == 0 and not any("api.github.com" in a for a in asked(repo))


async def test_a_second_page_that_could_not_be_had_is_asked_again_next_time(tmp_path, monkeypatch):
    monkeypatch.setattr(git_history, "PER_PAGE", 3)
    db = tmp_path / "cache.db"
    repo = Repository()
    repo.week(WEEK)
    await fetch_at(db, repo, at("2026-11-16", 20))
    handle = repo._list
    refuse = [True]

    def first_page_only(request: httpx.Request) -> httpx.Response:
        if refuse[0] and b"page=2" in request.url.query:
            return httpx.Response(403, content=b'{"message": "API rate limit exceeded"}')
        return handle(request)

    monkeypatch.setattr(repo, "_list", first_page_only)
    await fetch_at(db, repo, at("2026-11-19", 9))
    assert [d for d, _ in days_of(db)] == ["2026-11-16", "2026-11-18", "2026-11-19"]
    refuse[0] = False
    monkeypatch.setattr(git_history, "PER_PAGE", 100)  # (Monday to Thursday on one page)
    friday = await fetch_at(db, repo, at("2026-11-20", 9))
    assert [d for d, _ in days_of(db)] == [f"2026-11-{d}" for d in range(16, 21)]
    assert friday.ok and friday.notes == [] and len(friday.caught_up) == 1


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
async def test_each_fetch_files_the_list_under_its_utc_day_mornings_and_evenings(
    tmp_path, monkeypatch, zone
):
    """Found by a review: the live fetch filed the generator's undated file under the
    local date of the fetch. A first fetch at 07:00 in Shanghai (23:00Z the day
    before) filed the day before's list under today, and that evening today's own
    list became "today-2"; at 21:00 in California (05:00Z the next day) the next
    day's first list became "today-2". The live fetch files it under the day the
    history would (`commit_day`: its UTC date), each list under its own day."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    db = tmp_path / "cache.db"
    repo = Repository()
    lists = {d: [f"2612.{d:02d}{i:03d}" for i in range(1, 11)] for d in range(6, 12)}
    runs = sorted(  # each UTC day: a morning list, then the afternoon's revision
        (at(f"2026-12-{d:02d}", hour), d, ids)
        for d in lists
        for hour, ids in ((2, lists[d][:9]), (14, lists[d]))
    )
    local = ZoneInfo(zone)
    for day in range(7, 11):
        for hour in (7, 21):  # each local morning and evening
            moment = dt.datetime(2026, 12, day, hour, tzinfo=local).astimezone(dt.UTC)
            while runs and runs[0][0] <= moment:  # the generator's runs so far
                when, d, ids = runs.pop(0)
                repo.run(f"2026-12-{d:02d}", when.hour, ids)
                head = (f"2026-12-{d:02d}", ids)
            result = await fetch_at(db, repo, moment)
            assert result.ok and result.notes == []
            held = ids_of(db)
            assert held[head[0]] == head[1], (moment, head[0])  # the list, under its own day
            with Store.open(db) as store:
                names = [d.name for d in store.digests()]
            assert not [n for n in names if n.endswith("-2")], (moment, names)
    # Shanghai's first fetch (23:00Z on the 6th) to California's last (05:00Z on the 11th).
    first, last = (6, 10) if zone == "Asia/Shanghai" else (7, 11)
    assert held == {
        **{f"2026-12-{d:02d}": lists[d] for d in range(first, last)},
        f"2026-12-{last}": lists[last][:9],  # its afternoon run is still to come
    }
