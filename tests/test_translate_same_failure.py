"""A failure every request gets alike stops the run, and charges no paper.

Found by a bug hunt: a reasoning model refusing `temperature` (HTTP 400, the same
message for every request), a base_url that redirects (308) and a gateway's login
page (200 text/html) each cost every paper a request or two, a try, and (the 400)
a "refused for good" mark, so that after-fetch translation never took them again
once the configuration was fixed. Such a run now stops, as after a rejected key
or three timeouts in a row, and the papers wait for the next run with no try
counted and no mark; a 4xx only one paper gets (a too-long request) is still that
paper's, refused for good.
"""

from __future__ import annotations

import pytest

from fake_llm_server import FakeLLM, Reply, Request, translator
from translate_support import NoSleep, add_papers
from tui_digest.core.store import Store
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.rules import after_fetch_papers
from tui_digest.translate.runner import translate_papers

TEMPERATURE = "Unsupported value: temperature does not support 0.2 with this model."


@pytest.fixture
def llm():
    with FakeLLM() as server:
        server.handler = translator()
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def config(base_url: str, **kw) -> TranslateConfig:
    return TranslateConfig(base_url=base_url, model="fake-model", enabled=True, **kw)


def all_left_waiting(store: Store, rowids: list[int]) -> None:
    """Every paper remembers why, with no try counted and no "refused for good"
    mark: the next fetch's after-fetch translation takes them all again."""
    for record in store.get_papers(rowids):
        extras = record.paper.extras
        assert extras.get("translate_error"), record.paper.id
        assert "translate_tries" not in extras, (record.paper.id, extras)
        assert "translate_permanent" not in extras, (record.paper.id, extras)
    assert sorted(after_fetch_papers(store, [], limit=50).rowids) == sorted(rowids)


async def test_a_redirect_stops_the_run_at_once(store, llm) -> None:
    """15 requests for 12 papers, each paper charged a try."""
    rowids = add_papers(store, 6)
    llm.script(Reply(308, b"", {"Location": "https://elsewhere.example/v1/chat/completions"}))
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    assert len(llm.requests) == 1
    assert "redirects are not followed: set base_url to the final URL" in report.aborted
    assert (report.failed, report.skipped) == (1, 5)
    all_left_waiting(store, rowids)


@pytest.mark.parametrize("batch_size", [1, 5])
async def test_the_same_400_for_every_request_stops_the_run(store, llm, batch_size) -> None:
    rowids = add_papers(store, 12)
    llm.script(Reply.error(400, TEMPERATURE))
    cfg = config(llm.base_url, concurrency=1, batch_size=batch_size)
    report = await translate_papers(store, rowids, cfg, sleep=NoSleep())
    assert len(llm.requests) == 3  # (15 before, every paper marked refused for good)
    assert TEMPERATURE in report.aborted
    assert "the last 3 requests got the same HTTP 400 answer, so the run stops" in report.aborted
    left = "not sent: the last 3 requests got the same HTTP 400 answer; left for the next run"
    assert any(o.error == left for o in report.outcomes if o.status == "skipped")
    all_left_waiting(store, rowids)


async def test_a_gateway_page_for_every_request_stops_the_run(store, llm) -> None:
    """27 requests for 12 papers, each charged a try: three fetches used up every
    paper's after-fetch tries."""
    rowids = add_papers(store, 6)
    page = b"<html><body>Gateway login</body></html>"
    llm.script(Reply(200, page, {"Content-Type": "text/html"}))
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    assert len(llm.requests) == 3
    assert "HTTP 200 with text/html, not JSON: <html><body>Gateway login" in report.aborted
    assert "so the run stops" in report.aborted
    all_left_waiting(store, rowids)


async def test_a_400_only_one_paper_gets_is_still_refused_for_good(store, llm) -> None:
    rowids = add_papers(store, 5)
    answer = translator()

    def handle(request: Request) -> Reply:
        if request.paper.get("arxiv_id") == "2501.07002":
            return Reply.error(400, "This model's maximum context length is 8192 tokens")
        return answer(request)

    llm.handler = handle
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    assert (report.done, report.failed, report.aborted) == (4, 1, "")
    extras = {r.paper.id: r.paper.extras for r in store.get_papers(rowids)}
    assert extras["2501.07002"]["translate_permanent"] == "1"
    assert extras["2501.07002"]["translate_tries"] == "1"


async def test_the_same_400_twice_then_a_success_charges_those_papers(store, llm) -> None:
    """Two papers in a row refused alike, then one translated: no run to stop, and
    the refusals stay the papers' own."""
    rowids = add_papers(store, 3)
    ok = translator()
    replies = [Reply.error(400, "content filtered"), Reply.error(400, "content filtered")]
    llm.handler = lambda request: replies.pop(0) if replies else ok(request)
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    assert (report.done, report.failed, report.aborted) == (1, 2, "")
    extras = [r.paper.extras for r in store.get_papers(rowids)]
    assert [e.get("translate_permanent") for e in extras] == ["1", "1", None]


@pytest.mark.parametrize("n", [1, 2])
async def test_a_400_with_no_answered_request_is_an_ordinary_try(store, llm, n) -> None:
    """Found by a bug hunt: 1-2 papers (a cron fetch's new ones) all refused with
    the same 400 never made a streak of 3, and each was marked refused for good, so
    after-fetch translation never took them again once the configuration was fixed.
    With no request of the run answered, a 4xx is an ordinary failed try."""
    rowids = add_papers(store, n)
    llm.script(Reply.error(400, TEMPERATURE))
    cfg = config(llm.base_url, concurrency=1)
    for run in range(1, 3):  # two runs (fetches) before the configuration is fixed
        report = await translate_papers(store, rowids, cfg, sleep=NoSleep())
        assert (report.failed, report.aborted) == (n, "")
        for record in store.get_papers(rowids):
            extras = record.paper.extras
            assert "translate_permanent" not in extras, extras
            assert extras["translate_tries"] == str(run)
        assert sorted(after_fetch_papers(store, [], limit=50).rowids) == sorted(rowids)
    llm.script()  # the configuration fixed: the server translates
    report = await translate_papers(
        store, after_fetch_papers(store, [], limit=50).rowids, cfg, sleep=NoSleep()
    )
    assert report.done == n
