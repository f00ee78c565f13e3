"""The LLM endpoint's URL, key names and failing servers: what is sent, said and stored.

Found by a bug hunt against a fake OpenAI-compatible server (each test says what it saw).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Reply, translator
from translate_support import NoSleep, add_papers
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.runner import translate_papers

SECRET = "QUERYSECRET999"


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


def root(llm: FakeLLM) -> str:
    return llm.base_url.removesuffix("/v1")


def no_bytes_in_cache(db: Path, secret: str) -> None:
    for path in db.parent.glob(db.name + "*"):
        assert secret.encode() not in path.read_bytes(), path


# --- 1. a base_url with a query --------------------------------------------------


def test_the_endpoint_joins_the_path_and_keeps_the_query() -> None:
    azure = "https://h.example/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01"
    assert config(azure).endpoint == azure  # (it was `…?api-version=2024-06-01/chat/completions`)
    assert config("https://h.example/v1/?key=S").endpoint == (
        "https://h.example/v1/chat/completions?key=S"
    )
    assert config("https://h.example/v1").endpoint == "https://h.example/v1/chat/completions"
    assert config("https://h.example/v1?key=S").shown_url == (
        "https://h.example/v1/chat/completions?key=***"
    )
    assert SECRET not in repr(config(f"https://h.example/v1?key={SECRET}"))


async def test_a_query_is_sent_after_the_path(store, llm) -> None:
    rowids = add_papers(store, 1)
    base = f"{root(llm)}/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01"
    report = await translate_papers(store, rowids, config(base))
    assert report.done == 1
    assert [r.path for r in llm.requests] == [
        "/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01"
    ]


async def test_a_key_in_the_query_is_never_shown_nor_stored(store, llm, tmp_path) -> None:
    """`base_url = "http://h/v1?key=SECRET"` put SECRET in the failure message and,
    through it, in the cache (translate_error)."""
    rowids = add_papers(store, 1)
    llm.script(Reply.error(400, f"invalid request for key {SECRET}"))
    report = await translate_papers(store, rowids, config(f"{llm.base_url}?key={SECRET}"))
    assert llm.requests[0].path == f"/v1/chat/completions?key={SECRET}"
    [outcome] = report.outcomes
    assert outcome.status == "failed"
    assert "/v1/chat/completions?key=***: HTTP 400" in outcome.error
    assert "invalid request for key ***" in outcome.error
    assert SECRET not in report.summary() and SECRET not in outcome.line()
    store.close()
    no_bytes_in_cache(tmp_path / "cache.db", SECRET)


def test_query_values_are_masked_in_urls_and_in_text() -> None:
    from tui_digest.net.urls import display_url, mask_in_text

    url = f"https://u:pw123456@h.example/v1/chat/completions?api-version=2024-06-01&key={SECRET}"
    shown = "https://u:***@h.example/v1/chat/completions?api-version=***&key=***"
    assert display_url(url, query=True) == shown
    # Feeds keep their query, a credential's value aside (`credential_name`).
    assert display_url(url) == url.replace("pw123456", "***").replace(SECRET, "***")
    assert display_url(url.replace("key=", "format=")).endswith(f"&format={SECRET}")
    text = f"POST {url} failed; the server said: unknown key {SECRET}"
    assert mask_in_text(text, url, query=True) == (
        f"POST {shown} failed; the server said: unknown key ***"
    )


# --- 2. a key pasted into api_key_env --------------------------------------------

PASTED = "gsk_Q8w7e6r5t4y3u2i1o0pAsDfGhJkLzXcVbNm1234567890abcd"


def test_a_key_pasted_as_api_key_env_is_not_echoed() -> None:
    """It passes as a variable name (letters, digits, _), so the message said
    "translate.api_key_env names $gsk_Q8w7…, which is not set" in full."""
    from tui_digest.config.errors import ConfigError

    cfg = config("https://h.example/v1", api_key_env=PASTED)
    with pytest.raises(ConfigError) as info:
        cfg.api_key({})
    message = str(info.value)
    assert PASTED[4:10] not in message and PASTED[-8:] not in message
    assert "gsk_… (53 characters)" in message and "looks like a key itself" in message
    assert PASTED[4:10] not in repr(cfg)
    # Set in the environment, whatever its shape, it is a variable's name and is read.
    assert cfg.api_key({PASTED: "k-1"}) == "k-1"
    # An ordinary name that is not set is still named in full.
    for name in ("OPENAI_API_KEY", "GROQ_KEY_2", "AZURE_OPENAI_API_KEY_2024"):
        with pytest.raises(ConfigError, match=rf"names \${name}, which is not set"):
            config("https://h.example/v1", api_key_env=name).api_key({})


# --- 3. requests that failed in transport are counted -----------------------------


async def test_dropped_connections_count_every_request_in_the_report(store, llm) -> None:
    """A server closing every connection: "0 in 0 request(s)" while 4 were sent."""
    rowids = add_papers(store, 1)
    llm.script(Reply.dropped())
    report = await translate_papers(store, rowids, config(llm.base_url), sleep=NoSleep())
    assert report.failed == 1 and len(llm.requests) == 4  # (retries = 3)
    assert report.usage.requests == 4
    assert "= 0 in 4 request(s)" in report.summary()


async def test_timeouts_and_oversized_answers_count_their_requests() -> None:
    import httpx

    from tui_digest.translate.client import LlmClient, TranslateError

    sent: list[str] = []

    def timing_out(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        raise httpx.ReadTimeout("timed out", request=request)

    def oversized(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, content=b"x" * 5000)

    def refused(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    cfg = config("https://llm.example/v1")
    paper = Paper(id="2501.07001", title_en="T", abstract_en="A.")
    # (An oversized answer is not asked again; refused never reached a server.)
    for handler, tries, expected in ((timing_out, 4, 4), (oversized, 1, 1), (refused, 1, 0)):
        sent.clear()
        options = cfg.http_options()
        options.max_bytes = 1000
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with LlmClient(cfg, "", options=options, client=http, sleep=NoSleep()) as client:
            with pytest.raises(TranslateError) as info:
                await client.translate(paper)
        await http.aclose()
        assert info.value.usage.requests == expected, handler.__name__
        assert len(sent) == tries


# --- 4. giving up on a server ----------------------------------------------------


async def test_a_retry_after_beyond_the_limit_stops_the_run(store, llm) -> None:
    """A used-up quota (429, Retry-After: 100000) cost one request per paper, each
    failing the same way. One request now; every paper waits for the next run
    (recorded, no try counted: after-fetch translation takes them again)."""
    rowids = add_papers(store, 5)
    llm.script(Reply.rate_limited(100000))
    report = await translate_papers(store, rowids, config(llm.base_url, concurrency=1))
    assert len(llm.requests) == 1 and report.usage.requests == 1
    assert (report.failed, report.skipped) == (1, 4)
    assert report.aborted.endswith(
        "Rate limit reached; Retry-After of 100000 s exceeds the limit of 300 s;"
        " the run stops: the papers not sent are left for the next run"
    )
    host = "127.0.0.1"
    left = f"not asked: {host} asked us to wait 100000 s; left for the next run"
    assert all(o.error == left for o in report.outcomes if o.status == "skipped")
    assert "skipped 4 of 5" in report.summary() and "left for the next run" in report.summary()
    for record in store.get_papers(rowids):  # each waits for the next run, no try counted
        assert record.paper.extras.get("translate_error")
        assert "translate_tries" not in record.paper.extras


async def test_three_papers_failing_alike_in_a_row_stop_the_run(store, llm) -> None:
    """25 papers against a server answering HTTP 500 took 100 requests."""
    rowids = add_papers(store, 6)
    llm.script(Reply.error(500, "upstream exploded"))
    sleeps = NoSleep()
    report = await translate_papers(
        store, rowids, config(llm.base_url, concurrency=1), sleep=sleeps
    )
    assert len(llm.requests) == 12 and report.usage.requests == 12  # 3 papers, 4 tries each
    assert (report.failed, report.skipped) == (3, 3)
    left = "not sent: the last 3 requests got HTTP 5xx; left for the next run"
    assert all(o.error == left for o in report.outcomes if o.status == "skipped")
    assert report.aborted.endswith(
        "HTTP 500 Internal Server Error: upstream exploded; the last 3 requests got HTTP 5xx,"
        " so the run stops: the papers not sent are left for the next run"
    )
    extras = {r.paper.id: r.paper.extras for r in store.get_papers(rowids)}
    # Every paper keeps why; only the two that failed before the run gave up
    # count a try. The others (the one that made it give up, the papers not
    # sent) wait for the next run: after-fetch translation takes earlier
    # failures only, and "left for the next run" was never taken (regression hunt).
    assert all(extras[f"2501.0700{i}"].get("translate_error") for i in range(1, 7))
    tries = [extras[f"2501.0700{i}"].get("translate_tries") for i in range(1, 7)]
    assert tries == ["1", "1", None, None, None, None]
    from tui_digest.translate.rules import after_fetch_papers

    assert sorted(after_fetch_papers(store, [], limit=50).rowids) == sorted(rowids)


async def test_a_failing_batch_counts_once_and_its_fallbacks_too(store, llm) -> None:
    """A batch of 3 dropped, then each paper alone, 4 tries each: 16 requests."""
    rowids = add_papers(store, 3)
    llm.script(Reply.dropped())
    cfg = config(llm.base_url, concurrency=1, batch_size=3)
    report = await translate_papers(store, rowids, cfg, sleep=NoSleep())
    assert len(llm.requests) == 12  # the batch, then two papers alone
    assert "lost their connection" in report.aborted
    assert [o.status for o in report.outcomes] == ["failed", "failed", "skipped"]


async def test_timeouts_in_a_row_stop_and_nothing_more_is_sent() -> None:
    import httpx

    from tui_digest.translate.client import LlmClient, TranslateError

    sent = 0
    answers = ["timeout", "ok", "timeout", "timeout", "HTTP 400", "timeout", "timeout", "timeout"]

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        what = answers.pop(0)
        if what == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if what == "HTTP 400":
            return httpx.Response(400, json={"error": {"message": "too long"}})
        return httpx.Response(200, json={"choices": [{"message": {"content": "{}"}}]})

    cfg = config("https://llm.example/v1")
    options = cfg.http_options()
    options.retries = 0
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    fatal = []
    async with LlmClient(cfg, "", options=options, client=http, sleep=NoSleep()) as client:
        for _ in range(9):
            try:
                await client.complete([{"role": "user", "content": "x"}])
                fatal.append(None)
            except TranslateError as exc:
                fatal.append(exc.fatal)
    await http.aclose()
    # A success and a failure of another kind end a streak; the third timeout in a
    # row stops the run, and the request after it is never sent.
    assert fatal == [False, None, False, False, False, False, False, True, True]
    assert sent == 8


# --- 5. an answer that is no completion says what came back -----------------------


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (
            Reply(200, b"<html>gateway</html>", {"Content-Type": "text/html; charset=utf-8"}),
            "malformed answer twice: HTTP 200 with text/html, not JSON: <html>gateway</html>",
        ),
        (
            Reply(200, b'{"usage": {"prompt_tokens": 100, "completion_tokens": 5}}'),
            "malformed answer twice: response has no choices[0].message.content (its keys: usage)",
        ),
        (
            Reply(200, b'{"error": {"message": "model overloaded"}}'),
            "malformed answer twice: response has no choices[0].message.content"
            " (error: model overloaded)",
        ),
        (Reply(200, b""), "malformed answer twice: HTTP 200 with no Content-Type, not JSON:"),
    ],
)
async def test_an_answer_without_a_completion_says_what_came_back(store, llm, reply, said) -> None:
    """An HTML gateway page or a body without `choices` was "malformed answer
    twice: empty answer"."""
    rowids = add_papers(store, 1)
    llm.script(reply)
    report = await translate_papers(store, rowids, config(llm.base_url))
    [outcome] = report.outcomes
    assert outcome.status == "failed" and said in outcome.error
    assert len(llm.requests) == 2 and report.usage.requests == 2
    [record] = store.get_papers(rowids)
    assert said in record.paper.extras["translate_error"]


async def test_a_batched_run_stopped_by_a_long_retry_after_says_why(store, llm) -> None:
    """Found by a bug hunt: with batch_size > 1 the papers of the batch in flight
    were left with only `skipped (the batch was stopped)`, stored as their
    translate_error, not the README's "not asked: <host> asked us to wait …"."""
    rowids = add_papers(store, 7)
    llm.script(Reply.rate_limited(86400))
    cfg = config(llm.base_url, concurrency=1, batch_size=5)
    report = await translate_papers(store, rowids, cfg)
    assert len(llm.requests) == 1 and report.skipped == 7
    left = "not asked: 127.0.0.1 asked us to wait 86400 s; left for the next run"
    assert [o.error for o in report.outcomes] == [left] * 7
    assert all(r.paper.extras["translate_error"] == left for r in store.get_papers(rowids))


async def test_the_waits_of_one_request_reaching_300_s_fail_that_request_not_the_run(
    store, llm
) -> None:
    """429 + `Retry-After: 110` (bug hunt `regnet`): after 220 s waited, a third wait
    would pass 300 s in all. That request fails as retries used up do; it is no
    used-up quota: the other papers are still sent, none "not asked: … wait 110 s"."""
    rowids = add_papers(store, 2)
    answer = translator()

    def handler(request):  # type: ignore[no-untyped-def]
        # (the first paper's 3 attempts are refused; the FakeLLM records before asking)
        return Reply.rate_limited(110) if len(llm.requests) <= 3 else answer(request)

    llm.handler = handler
    sleep = NoSleep()
    cfg = config(llm.base_url, concurrency=1, batch_size=1)
    report = await translate_papers(store, rowids, cfg, sleep=sleep)
    assert sleep.calls == [110.0, 110.0]
    assert (report.done, report.failed, report.skipped) == (1, 1, 0), report.summary()
    assert not report.aborted
    [failed] = [o for o in report.outcomes if o.status == "failed"]
    assert "waited exceeds the limit of 300 s in all" in failed.error
    assert "gave up after 3 attempts" in failed.error
    assert "not asked" not in failed.error and "the run stops" not in failed.error
