"""Acceptance (issue 17, requirements 2-4): a week of daily fetches through the CLI.

A local server plays the generator's `cs.AI.md`, rewritten under one name every
day as upstream does (/work/shared/docs/upstream.md): each weekday different
content, a same-day update on Tuesday, Wednesday identical to Tuesday, an empty
weekend file. `TUI_DIGEST_TODAY` is the injected clock (the local date of each
fetch). Everything is checked through the real CLI in a subprocess:
`fetch`, `digests --json`, `search --json`, `export --digest`, `sources list`.
A local stand-in for arXiv's query API answers the enrichment each `fetch`
runs after it ([enrich] after_fetch, on by default).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from cli_support import run_cli
from feed_server import FeedServer, Reply
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper

EMPTY = "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n\n# 详细\n\n".encode()


def paper(n: int) -> Paper:
    pid = f"2608.{n:05d}"
    return Paper(
        id=pid,
        version="v1",
        url=f"https://arxiv.org/abs/{pid}",
        title_en=f"Paper number {n} on planning",
        title_zh=f"第{n}篇论文",
        summary_zh=f"总结{n}。",
        abstract_en=f"Abstract {n}.",
        abstract_zh=f"摘要{n}。",
        announce_type="new",
    )


def digest(*numbers: int) -> bytes:
    return write_digest([paper(n) for n in numbers]).encode("utf-8")


# (day, body) in fetch order; Tuesday is fetched twice (an update later that day).
WEEK = [
    ("2026-08-17", digest(1, 2, 3)),  # Monday
    ("2026-08-18", digest(4, 5, 1)),  # Tuesday, morning: paper 1 again, now ref 3
    ("2026-08-18", digest(4, 5, 6, 1)),  # Tuesday, evening update: replaces Tuesday only
    ("2026-08-19", digest(4, 5, 6, 1)),  # Wednesday: identical to the latest digest
    ("2026-08-20", digest(7, 2)),  # Thursday
    ("2026-08-21", digest(8, 9)),  # Friday
    ("2026-08-22", EMPTY),  # Saturday: the generator writes an empty digest
    ("2026-08-23", EMPTY),  # Sunday
]
SOURCE = "digest-cs.AI"


def cli(db: Path, day: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = run_cli(*args, db=db, env={"TUI_DIGEST_TODAY": day, **(env or {})})
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Replay the week once for the module (eight CLI fetches): (db, lines, config,
    the ids of each request arXiv's stand-in answered).

    Module-scoped fixtures run before the per-test isolated folders of conftest, so
    the replay names its own config, data and config folders.
    """
    base = tmp_path_factory.mktemp("week")
    db = base / "cache.db"
    config = base / "config.toml"
    env = {
        "TUI_DIGEST_CONFIG": str(config),
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CONFIG_HOME": str(base / "config"),
    }
    lines: list[str] = []
    known = {
        paper(n).id: Meta(
            id=paper(n).id, authors=[f"Author Number{n}"], primary="cs.RO", categories=["cs.RO"]
        )
        for n in range(1, 10)
    }
    with FeedServer() as server, ArxivStandIn(known) as api:
        url = server.url("/cs.AI.md")
        config.write_text(
            f'[[sources]]\nname = "{SOURCE}"\nurl = "{url}"\n\n[enrich]\napi_url = "{api.url}"\n',
            encoding="utf-8",
        )
        for day, body in WEEK:
            server.route("/cs.AI.md", Reply(200, body=body))
            lines.append(cli(db, day, "fetch", "--config", str(config), env=env).strip())
    # (the servers stop here; every check below reads the cache only)
    return db, lines, config, api.asked


@pytest.fixture
def week(replayed, tmp_path: Path):
    """The replayed week's cache, copied for each test (SQLite's backup API)."""
    db, lines, config, _asked = replayed
    copy = tmp_path / "cache.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy, lines, config


def test_each_fetch_asks_arxiv_about_the_papers_it_brought_once(replayed, week):
    *_, asked = replayed
    db, lines, _ = week
    ids = [paper(n).id for n in range(1, 10)]
    # Monday 1-3; Tuesday 4 and 5, then 6 in the evening update (1 was asked on
    # Monday); Wednesday's identical file brings nothing; Thursday 7 (2 known).
    assert asked == [ids[0:3], ids[3:5], ids[5:6], ids[6:7], ids[7:9]]
    assert lines[0].splitlines()[-1].startswith("asked arXiv about 3 paper(s) in 1 request(s)")
    assert lines[3] == f"{SOURCE}: new 0 / updated 0 / unchanged 4"  # nothing to ask
    # What arXiv said is searchable at once (a cron job's fetch is enough).
    found = json.loads(cli(db, "2026-08-24", "search", "au:number7", "--json"))
    assert [p["id"] for p in found] == [ids[6]]


def test_a_digest_per_day_named_labelled_and_counted(week):
    db, lines, _ = week
    assert lines[-2:] == [f"{SOURCE}: no new papers"] * 2
    got = json.loads(cli(db, "2026-08-24", "digests", "list", "--json"))
    assert [(d["name"], d["date"], d["papers"], d["unread"]) for d in got] == [
        ("digest-cs.AI-2026-08-21", "2026-08-21", 2, 2),
        ("digest-cs.AI-2026-08-20", "2026-08-20", 2, 2),
        ("digest-cs.AI-2026-08-18", "2026-08-18", 4, 4),  # the evening update only
        ("digest-cs.AI-2026-08-17", "2026-08-17", 3, 3),
    ]
    first = got[0]
    assert set(first) == {"name", "label", "date", "source", "category", "papers", "unread"}
    # The category is inferred from the file name; the label says where from.
    assert first["category"] == "cs.AI"
    assert first["label"] == "cs.AI · 2026-08-21 · 127.0.0.1"
    assert all(d["name"].isascii() for d in got)
    assert json.loads(cli(db, "2026-08-24", "digests", "--json")) == got


def test_the_empty_weekend_is_reported_not_failed(week):
    db, _, config = week
    out = cli(db, "2026-08-24", "sources", "list", "--config", str(config))
    assert "no new papers (HTTP 200)" in out


def test_every_day_a_paper_was_listed_counts(week):
    db, _, _ = week

    def ids(*query: str) -> list[str]:
        return [p["id"] for p in json.loads(cli(db, "2026-08-24", "search", "--json", *query))]

    # Paper 1 was listed on Monday and Tuesday; paper 2 on Monday and Thursday.
    assert sorted(ids("date:2026-08-17")) == ["2608.00001", "2608.00002", "2608.00003"]
    assert sorted(ids("date:2026-08-18")) == [
        "2608.00001",
        "2608.00004",
        "2608.00005",
        "2608.00006",
    ]
    assert ids("date:2026-08-19") == [] and ids("date:2026-08-22..2026-08-23") == []
    # Each listing keeps its own ref, date and announce type; `digests` stays.
    [one] = json.loads(cli(db, "2026-08-24", "search", "--json", "id:2608.00001"))
    assert [{k: x[k] for k in ("digest", "date", "ref")} for x in one["listings"]] == [
        {"digest": "digest-cs.AI-2026-08-18", "date": "2026-08-18", "ref": 4},
        {"digest": "digest-cs.AI-2026-08-17", "date": "2026-08-17", "ref": 1},
    ]
    assert {x["announce_type"] for x in one["listings"]} == {one["announce_type"]}
    assert one["digests"] == ["digest-cs.AI-2026-08-18", "digest-cs.AI-2026-08-17"]
    # Papers of a category source carry its category, after arXiv's own (enrichment).
    assert len(ids("cat:cs.AI", "--limit", "100")) == 9
    assert one["categories"] == ["cs.RO", "cs.AI"]
    # Inside a digest, that digest's order.
    assert ids("--digest", "digest-cs.AI-2026-08-18", "planning") == [
        "2608.00004",
        "2608.00005",
        "2608.00006",
        "2608.00001",
    ]


def test_each_digest_exports_exactly_as_it_was_read(week):
    db, _, _ = week
    served = {"2026-08-17": WEEK[0][1], "2026-08-18": WEEK[2][1], "2026-08-20": WEEK[4][1]}
    for day, body in served.items():
        done = run_cli("export", "--digest", f"{SOURCE}-{day}", db=db)
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout == body
