"""`enrich_papers` against a local stand-in for arXiv's query API.

No real sleeps: the fetcher's sleep and clocks are injected (FakeTime), and the
one-day re-ask rule is driven by an injected `now`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import FakeTime, Reply
from tui_digest.core.arxiv_meta import FOUND, INVALID, MISSING
from tui_digest.core.digest_format import read_digest
from tui_digest.core.export import record_to_json_obj
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.enrich.config import EnrichConfig
from tui_digest.enrich.runner import enrich_papers
from tui_digest.net.options import HttpOptions

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
DAY0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def _ids(n: int, month: str = "2403") -> list[str]:
    return [f"{month}.{k:05d}" for k in range(1, n + 1)]


def _import(store: Store, ids: list[str], version: str = "v1", name: str = "d") -> None:
    papers = [
        Paper(id=i, version=version, title_en=f"Paper {i}", abstract_en="Short.") for i in ids
    ]
    store.import_digest(Digest(name=name, date="2026-11-30", papers=papers))


def _known(ids: list[str], **kw) -> dict[str, Meta]:
    return {i: Meta(id=i, **kw) for i in ids}


async def _run(store: Store, api: ArxivStandIn, *, now=DAY0, batch: int = 100, query: str = ""):
    time = FakeTime()
    cfg = EnrichConfig(api_url=api.url, batch_size=batch)
    # The stand-in runs on 127.0.0.1; give it the 3 s spacing arXiv's hosts always get.
    options = HttpOptions(host_intervals={"127.0.0.1": 3.0}, backoff_base=0.5)
    report = await enrich_papers(
        store,
        store.enrich_candidates(query),
        cfg,
        options=options,
        sleep=time.sleep,
        clock=time.clock,
        now=lambda: now,
    )
    return report, time


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


async def test_many_ids_per_request_with_max_results_and_spacing(store: Store) -> None:
    ids = _ids(25)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        report, time = await _run(store, api, batch=10)
    assert [len(a) for a in api.asked] == [10, 10, 5]
    assert api.max_results == [10, 10, 5]  # always passed, equal to the batch
    assert sorted(i for a in api.asked for i in a) == ids
    assert (report.asked, report.requests, report.found, report.missing) == (25, 3, 25, 0)
    # Two waits of 3 s between three requests to one host (no real sleeping).
    assert [round(s, 3) for s in time.sleeps] == [3.0, 3.0]


async def test_default_max_results_trap_is_avoided(store: Store) -> None:
    """With 15 ids in one request all 15 come back (the API's default would be 10)."""
    ids = _ids(15)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        report, _ = await _run(store, api)
    assert report.found == 15 and report.missing == 0


async def test_fields_are_stored_apart_and_shown_in_json(store: Store) -> None:
    raw = MINI.read_bytes()
    name = store.import_digest(read_digest(raw, source=str(MINI)).digest, raw=raw).digest
    known = {
        "2403.00001": Meta(
            id="2403.00001",
            authors=["Author One", "Author Two"],
            primary="cs.LG",
            categories=["cs.LG", "cs.CV"],
            published="2024-03-01T10:00:00Z",
            comments="12 pages",
            journal_ref="Placeholder J. 1 (2024)",
            doi="10.0000/placeholder.1",
        )
    }
    with ArxivStandIn(known) as api:
        report, _ = await _run(store, api)
    assert (report.found, report.missing) == (1, 2)
    rec = store.get_paper("2403.00001")
    assert rec is not None and rec.meta is not None
    assert rec.paper.authors == ["Author One", "Author Two"]
    assert rec.paper.published == "2024-03-01"
    assert rec.meta.categories == ["cs.LG", "cs.CV"]
    assert rec.paper.categories == ["cs.LG", "cs.CV"]  # primary first
    assert store.count("cat:cs.CV") == 1
    obj = record_to_json_obj(rec)
    assert (obj["comments"], obj["journal_ref"], obj["doi"]) == (
        "12 pages",
        "Placeholder J. 1 (2024)",
        "10.0000/placeholder.1",
    )
    assert store.count("au:author") == 1
    # The digest's own text is untouched: it still exports byte for byte.
    assert store.original_bytes(name) == raw
    rowids = store.list_ids("", digest=name)
    assert [r.paper.abstract_en for r in store.get_papers(rowids)] == [
        p.abstract_en for p in read_digest(raw).digest.papers
    ]


async def test_full_abstract_kept_only_where_the_digests_was_cut(store: Store) -> None:
    cut = "x" * 1000
    store.import_digest(
        Digest(
            name="d",
            papers=[
                Paper(id="2403.00001", version="v1", abstract_en=cut),
                Paper(id="2403.00002", version="v1", abstract_en="Whole."),
            ],
        )
    )
    full = "A much longer abstract. " * 60
    with ArxivStandIn(_known(["2403.00001", "2403.00002"], abstract=full)) as api:
        await _run(store, api)
    one, two = store.get_paper("2403.00001"), store.get_paper("2403.00002")
    assert one.meta.abstract == " ".join(full.split())
    assert one.paper.abstract_en == cut  # the digest's text stays
    assert two.meta.abstract == ""


async def test_503_with_retry_after_is_retried(store: Store) -> None:
    ids = _ids(3)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        api.script.append(Reply(503, body=b"busy", headers={"Retry-After": "7"}))
        report, time = await _run(store, api)
    assert report.ok and report.found == 3
    assert 7.0 in time.sleeps
    assert len(api.requests) == 2


async def test_error_entry_marks_the_bad_id_and_asks_the_rest(store: Store) -> None:
    ids = _ids(4)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        api.malformed = {"2403.00002"}
        report, _ = await _run(store, api)
    assert api.asked[0] == ids and "2403.00002" not in api.asked[1]
    assert (report.found, report.invalid, report.asked) == (3, 1, 4)
    assert "incorrect id format for 2403.00002" in report.problems[0]
    assert store.get_paper("2403.00002").meta.status == INVALID
    with ArxivStandIn(_known(ids)) as api:
        again, _ = await _run(store, api, now=DAY0 + dt.timedelta(days=5))
    assert api.asked == [] and again.asked == 0


async def test_rate_exceeded_stops_and_records_nothing(store: Store) -> None:
    ids = _ids(3)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        api.script.append(Reply(200, body=b"Rate exceeded.\n"))
        report, _ = await _run(store, api)
    assert not report.ok and "Rate exceeded" in report.stopped
    assert report.asked == 0
    # The three were never answered: the summary says they wait, not "asked before".
    assert "asked before" not in report.summary()
    assert "; 3 left for the next run; stopped: " in report.summary()
    assert all(store.get_paper(i).meta is None for i in ids)
    with ArxivStandIn(_known(ids)) as api:
        report, _ = await _run(store, api)
    assert report.found == 3


async def test_unreachable_api_stops_cleanly(store: Store) -> None:
    _import(store, _ids(2))
    with ArxivStandIn() as api:
        api.script.extend([Reply(500)] * 10)
        report, _ = await _run(store, api)
    assert not report.ok and "HTTP 500" in report.stopped
    assert store.get_paper("2403.00001").meta is None


async def test_nothing_is_asked_twice_across_runs_and_restarts(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    ids = _ids(5)
    with Store.open(db) as store:
        _import(store, ids)
        with ArxivStandIn(_known(ids[:4])) as api:
            first, _ = await _run(store, api)
        assert first.found == 4 and first.missing == 1
    with Store.open(db) as store, ArxivStandIn(_known(ids)) as api:
        second, _ = await _run(store, api, now=DAY0 + dt.timedelta(hours=23))
        assert api.requests == [] and second.asked == 0
        assert "asked before" in second.summary()


async def test_unknown_id_is_asked_again_after_a_day_at_most_three_times(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        _import(store, ["2611.00001"])
    asked_on = []
    for day in range(6):
        now = DAY0 + dt.timedelta(days=day)
        with Store.open(db) as store, ArxivStandIn() as api:  # arXiv never knows it
            await _run(store, api, now=now)
            if api.asked:
                asked_on.append(day)
            meta = store.get_paper("2611.00001").meta
    assert asked_on == [0, 1, 2]
    assert meta.status == MISSING and meta.attempts == 3
    # Once arXiv knows it (after a new version is announced), it is found.
    with Store.open(db) as store:
        _import(store, ["2611.00001"], version="v2", name="d2")
        with ArxivStandIn(_known(["2611.00001"], version="v2")) as api:
            report, _ = await _run(store, api, now=DAY0 + dt.timedelta(days=7))
        assert report.found == 1
        assert store.get_paper("2611.00001").meta.status == FOUND


async def test_a_new_version_is_asked_again_once(store: Store) -> None:
    _import(store, ["2403.00001"])
    with ArxivStandIn(_known(["2403.00001"], comments="v1 comment")) as api:
        await _run(store, api)
    _import(store, ["2403.00001"], version="v2", name="d2")
    with ArxivStandIn(_known(["2403.00001"], version="v2", comments="v2 comment")) as api:
        await _run(store, api)
        await _run(store, api)
    assert len(api.asked) == 1
    meta = store.get_paper("2403.00001").meta
    assert (meta.version, meta.comments) == ("v2", "v2 comment")


async def test_query_narrows_the_candidates(store: Store) -> None:
    _import(store, ["2403.00001"], name="a")
    store.import_digest(
        Digest(name="b", papers=[Paper(id="2403.00002", version="v1", title_en="Diffusion")])
    )
    with ArxivStandIn(_known(["2403.00001", "2403.00002"])) as api:
        report, _ = await _run(store, api, query="diffusion")
    assert api.asked == [["2403.00002"]] and report.candidates == 1


async def test_every_request_sent_is_counted_retries_included(store: Store) -> None:
    """A 429 then an answer is two requests arXiv saw, not one (found by a bug hunt)."""
    ids = _ids(3)
    _import(store, ids)
    with ArxivStandIn(_known(ids)) as api:
        api.script.append(Reply(429, body=b"slow down", headers={"Retry-After": "4"}))
        report, _ = await _run(store, api, batch=2)
    assert report.ok and report.found == 3
    assert len(api.requests) == 3 and report.requests == 3
    assert " in 3 request(s)" in report.summary()


async def test_a_run_stopped_by_429_counts_every_attempt(store: Store) -> None:
    _import(store, _ids(2))
    with ArxivStandIn() as api:
        api.script.extend([Reply(429, body=b"slow down", headers={"Retry-After": "4"})] * 4)
        report, _ = await _run(store, api)
    assert not report.ok and "HTTP 429" in report.stopped
    assert len(api.requests) == 4 and report.requests == 4  # the first and 3 retries


async def test_a_run_stopped_by_broken_answers_counts_every_attempt(store: Store) -> None:
    """Each truncated answer was a request arXiv saw, though none came back whole."""
    _import(store, _ids(2))
    with ArxivStandIn() as api:
        api.script.extend([Reply(200, body=b"<feed", content_length=5000)] * 4)
        report, _ = await _run(store, api)
    assert not report.ok
    assert len(api.requests) == 4 and report.requests == 4


async def test_a_stopped_run_says_why_without_the_list_of_ids(store: Store) -> None:
    """The "stopped:" reason came after a 1,000+ character URL of ids and was cut
    off in the CLI and the reader's toast (found by a bug hunt): it names the
    API's address and the reason, never the ids."""
    ids = _ids(100)
    _import(store, ids)
    with ArxivStandIn() as api:
        api.script.extend([Reply(500)] * 10)
        report, _ = await _run(store, api)
    summary = report.summary()
    assert "2403.00001" not in summary and "id_list" not in summary
    assert f"stopped: {api.url}: HTTP 500" in summary
    assert len(summary) < 400


async def test_an_unreachable_api_is_named_with_its_reason(store: Store) -> None:
    import socket

    _import(store, _ids(100))
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = EnrichConfig(api_url=f"http://127.0.0.1:{port}/api/query", batch_size=100)
    time = FakeTime()
    report = await enrich_papers(
        store,
        store.enrich_candidates(""),
        cfg,
        options=HttpOptions(backoff_base=0.5),
        sleep=time.sleep,
        clock=time.clock,
        now=lambda: DAY0,
    )
    assert report.stopped.startswith(f"http://127.0.0.1:{port}/api/query: ")
    assert "id_list" not in report.stopped and "2403." not in report.stopped
    assert "refused" in report.stopped.lower()
