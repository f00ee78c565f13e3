"""The chat-completions client against a real local server: retries, timeouts, errors, key."""

from __future__ import annotations

import asyncio
import threading

import pytest

from fake_llm_server import FakeLLM, Reply, chinese_for, translator
from tui_digest.core.model import Paper
from tui_digest.net.options import HttpOptions
from tui_digest.translate.client import LlmClient, TranslateError
from tui_digest.translate.config import TranslateConfig

KEY = "sk-test-5f3c9a1d2b7e4f60"
GOOD = {"title_zh": "标题", "summary_zh": "本文提出一种方法。", "abstract_zh": "摘要全文。"}


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def llm():
    with FakeLLM() as server:
        yield server


def paper(n: int = 1) -> Paper:
    return Paper(id=f"2404.0000{n}", title_en=f"Title {n}", abstract_en=f"Abstract number {n}.")


def client_for(server: FakeLLM, sleep: Sleeps, *, key: str = KEY, **options) -> LlmClient:
    cfg = TranslateConfig(
        base_url=server.base_url, model="fake-model", api_key_env="K", enabled=True
    )
    opts = cfg.http_options()
    for name, value in {"retries": 2, **options}.items():
        setattr(opts, name, value)
    return LlmClient(cfg, key, options=opts, sleep=sleep, rng=lambda: 1.0)


async def test_one_request_with_key_model_and_prompt(llm) -> None:
    llm.handler = translator(prompt_tokens=30, completion_tokens=20)
    async with client_for(llm, Sleeps()) as client:
        translation, usage = await client.translate(paper(3))
    assert translation.fields() == chinese_for(
        {"arxiv_id": "2404.00003", "title": "Title 3", "abstract": "Abstract number 3."}
    )
    assert (usage.prompt_tokens, usage.completion_tokens, usage.requests) == (30, 20, 1)
    [request] = llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.body["model"] == "fake-model"
    assert "Title 3" in request.prompt and "Abstract number 3." in request.prompt


async def test_no_key_no_authorization_header(llm) -> None:
    llm.script(Reply.answer(GOOD))
    async with client_for(llm, Sleeps(), key="") as client:
        await client.translate(paper())
    assert "authorization" not in llm.requests[0].headers


async def test_fenced_answer_is_accepted(llm) -> None:
    llm.script(Reply.answer(GOOD, fence=True))
    async with client_for(llm, Sleeps()) as client:
        translation, _ = await client.translate(paper())
    assert translation.fields() == GOOD


async def test_malformed_then_good_retries_once_and_counts_both(llm) -> None:
    llm.script(
        Reply.malformed(prompt_tokens=10, completion_tokens=3),
        Reply.answer(GOOD, prompt_tokens=15, completion_tokens=7),
    )
    async with client_for(llm, Sleeps()) as client:
        translation, usage = await client.translate(paper())
    assert translation.fields() == GOOD
    assert (usage.prompt_tokens, usage.completion_tokens, usage.requests) == (25, 10, 2)
    assert len(llm.requests) == 2
    retry = llm.requests[1].body["messages"]
    assert retry[2]["role"] == "assistant" and "Here is the translation" in retry[2]["content"]
    assert "not JSON" in retry[3]["content"]


async def test_always_malformed_fails_after_two_requests(llm) -> None:
    llm.script(Reply.answer({**GOOD, "abstract_zh": "English only."}))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError, match="malformed answer twice: abstract_zh has no") as e:
            await client.translate(paper())
    assert len(llm.requests) == 2
    assert e.value.usage.requests == 2 and e.value.usage.prompt_tokens == 200
    assert not e.value.fatal


async def test_not_json_body_and_missing_choices_count_as_malformed(llm) -> None:
    llm.script(Reply(200, b"<html>oops</html>"), Reply(200, b'{"choices": []}'))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError, match="malformed answer twice: response has no") as e:
            await client.translate(paper())
    assert str(e.value).endswith("(its keys: choices)")
    assert len(llm.requests) == 2


async def test_429_with_retry_after_waits_by_injected_sleep(llm) -> None:
    sleeps = Sleeps()
    llm.script(Reply.rate_limited(7), Reply.rate_limited(2), Reply.answer(GOOD))
    async with client_for(llm, sleeps) as client:
        translation, usage = await client.translate(paper())
    assert translation.fields() == GOOD
    assert sleeps.calls == [7.0, 2.0]
    # Every request the server saw counts: rate limits count refused ones too.
    assert usage.requests == 3
    assert len(llm.requests) == 3


async def test_500_backs_off_then_gives_up_with_the_status(llm) -> None:
    sleeps = Sleeps()
    llm.script(Reply.error(500, "upstream exploded"))
    async with client_for(llm, sleeps, retries=2, backoff_base=1.0) as client:
        with pytest.raises(TranslateError) as info:
            await client.translate(paper())
    assert info.value.status == 500
    assert "HTTP 500" in info.value.reason and "upstream exploded" in info.value.reason
    assert sleeps.calls == [1.0, 2.0]  # base * 2**attempt, jitter pinned to 100 %
    assert len(llm.requests) == 3
    assert info.value.usage.requests == 3  # the run's report counted 0 before


async def test_too_long_retry_after_fails_at_once(llm) -> None:
    llm.script(Reply.rate_limited(3600))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError, match="Retry-After of 3600 s exceeds"):
            await client.translate(paper())
    assert len(llm.requests) == 1


async def test_slow_answer_times_out_and_is_retried(llm) -> None:
    sleeps = Sleeps()
    llm.script(Reply.stalled(), Reply.answer(GOOD))
    # The stall ends by the read timeout; the deadline is generous so the good
    # answer that follows never races a loaded machine.
    async with client_for(llm, sleeps, read_timeout=1.0, deadline=30) as client:
        translation, _ = await client.translate(paper())
    assert translation.fields() == GOOD
    assert len(sleeps.calls) == 1


async def test_always_slow_fails_naming_the_timeout(llm) -> None:
    llm.script(Reply.stalled())
    async with client_for(llm, Sleeps(), retries=1, read_timeout=1.0, deadline=30) as client:
        with pytest.raises(TranslateError, match=r"timed out|no answer within"):
            await client.translate(paper())
    assert len(llm.requests) == 2


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_auth_and_url_errors_are_fatal_and_never_echo_the_key(llm, status) -> None:
    llm.script(Reply.error(status, f"Incorrect API key provided: {KEY}"))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError) as info:
            await client.translate(paper())
    assert info.value.fatal and info.value.status == status
    assert KEY not in str(info.value) and "[redacted]" in str(info.value)
    assert len(llm.requests) == 1


async def test_400_is_per_paper_not_fatal(llm) -> None:
    llm.script(Reply.error(400, "context length exceeded"))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError, match="context length exceeded") as info:
            await client.translate(paper())
    assert not info.value.fatal


async def test_redirect_is_not_followed(llm) -> None:
    llm.script(Reply(307, headers={"Location": "https://elsewhere.example/v1/chat/completions"}))
    async with client_for(llm, Sleeps()) as client:
        with pytest.raises(TranslateError, match="redirects are not followed"):
            await client.translate(paper())
    assert len(llm.requests) == 1


async def test_connection_refused_is_fatal(llm) -> None:
    llm.script(Reply.answer(GOOD))
    base = llm.base_url
    llm.__exit__(None, None, None)  # nothing listens on the port any more
    cfg = TranslateConfig(base_url=base, model="m", enabled=True)
    opts = HttpOptions(retries=1, connect_timeout=2, read_timeout=2, deadline=2)
    sleeps = Sleeps()
    async with LlmClient(cfg, KEY, options=opts, sleep=sleeps) as client:
        with pytest.raises(TranslateError, match="cannot connect") as info:
            await client.translate(paper())
    assert info.value.fatal and sleeps.calls == []  # refused: no retry (net policy)


async def test_oversized_answer_is_refused(llm) -> None:
    llm.script(Reply.completion("长" * 10_000))
    async with client_for(llm, Sleeps(), max_bytes=1000) as client:
        with pytest.raises(TranslateError, match="exceeds the cap of 1000 bytes"):
            await client.translate(paper())


async def test_concurrency_is_bounded(llm) -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    gate = threading.Event()

    def handler(request):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight >= 2:
                gate.set()
        gate.wait(5)
        with lock:
            in_flight -= 1
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handler
    async with client_for(llm, Sleeps(), concurrency=2) as client:
        results = await asyncio.gather(*(client.translate(paper(n)) for n in range(1, 7)))
    assert len(results) == 6 and peak == 2


async def test_a_deadline_message_says_each_attempt_had_it(llm) -> None:
    """With timeout_seconds = 3 and a server taking 5 s, one paper took 18 s (four
    attempts) and the message said "no answer within 3 s" (found by a bug hunt)."""
    from tui_digest.net.errors import FetchError

    async with client_for(llm, Sleeps(), retries=3, deadline=3) as client:
        error = client._failed(
            llm.base_url, FetchError(llm.base_url, "deadline of 3 s exceeded", kind="timeout")
        )
    assert str(error).endswith("no answer within 3 s (timeout_seconds, 4 attempts)")
