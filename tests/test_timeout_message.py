"""A request that timed out on every attempt says how long it waited, how many
attempts it made and over how long: `timed out (ReadTimeout)` after ~2 min of 4
attempts said neither (found by a bug hunt)."""

from __future__ import annotations

import httpx
import pytest

from feed_server import FakeTime
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions


async def _fail(handler, **options) -> FetchError:
    time = FakeTime()

    def timed(request: httpx.Request) -> httpx.Response:
        return handler(request, time)

    http = httpx.AsyncClient(transport=httpx.MockTransport(timed))
    opts = HttpOptions(read_timeout=30.0, connect_timeout=10.0, backoff_base=1.0, **options)
    client = HttpClient(opts, client=http, sleep=time.sleep, clock=time.clock, rng=lambda: 1.0)
    async with client:
        with pytest.raises(FetchError) as info:
            await client.get("http://127.0.0.1:9/a.md")
    await http.aclose()
    return info.value


async def test_read_timeouts_say_the_wait_the_attempts_and_the_time_taken() -> None:
    def slow(request: httpx.Request, time: FakeTime) -> httpx.Response:
        time.now += 30.0  # the read timeout, spent
        raise httpx.ReadTimeout("timed out", request=request)

    error = await _fail(slow, retries=3)
    assert error.kind == "timeout" and error.attempts == 4
    assert "timed out (ReadTimeout: nothing received for 30 s)" in str(error)
    assert str(error).endswith("; gave up after 4 attempts over 2 min 7 s")


async def test_a_single_attempt_says_no_attempt_count() -> None:
    def slow(request: httpx.Request, time: FakeTime) -> httpx.Response:
        time.now += 10.0
        raise httpx.ConnectTimeout("timed out", request=request)

    error = await _fail(slow, retries=0)
    assert str(error) == (
        "http://127.0.0.1:9/a.md: timed out (ConnectTimeout: no connection within 10 s)"
    )
