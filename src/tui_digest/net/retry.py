"""The one retry loop of the code base (fetch, translate and enrich all go through it).

Why not `stamina`/`tenacity`: both decide waits themselves and are switched to
"testing mode" globally; here the wait comes from the server (`Retry-After`)
when it gives one, a wait beyond a limit fails at once, and the sleep function
is passed in so that tests record waits instead of spending them.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tui_digest.net.errors import Retryable, RetryAfterTooLong
from tui_digest.net.options import HttpOptions, Sleep

T = TypeVar("T")


def backoff_delay(attempt: int, options: HttpOptions, rng: Callable[[], float]) -> float:
    """Exponential backoff with jitter: base * 2**attempt, scaled into [50 %, 100 %]."""
    delay = min(options.backoff_max, options.backoff_base * (2**attempt))
    return delay * (0.5 + 0.5 * rng())


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    options: HttpOptions,
    *,
    sleep: Sleep,
    rng: Callable[[], float] = random.random,
    on_wait: Callable[[Exception, float], None] | None = None,
    queued: Callable[[], float] | None = None,
) -> T:
    """Call `attempt` until it returns; it raises `Retryable` for failures worth repeating.

    After `options.retries` extra attempts the last `Retryable.error` is raised.
    A `Retry-After` above `options.retry_after_max` raises `RetryAfterTooLong`
    without waiting, and so does one that would make the waits of this request
    longer than that in all (a server answering 429 with `Retry-After: 300` each
    time held a `fetch` 15 minutes: found by a bug hunt); one of 0 (or a date
    past) waits the backoff. The wait happens here, outside any concurrency slot
    the attempt holds; `on_wait` is told of each (the failure, the seconds) first.
    `queued`: the seconds the request has waited for its turn behind others'
    Retry-After (`politeness.QUEUE_WAITED`), counted in the limit in all too.
    """
    tries = 0
    waited = 0.0
    while True:
        try:
            return await attempt()
        except Retryable as exc:
            if tries >= options.retries:
                raise exc.error from None
            delay = exc.retry_after
            # (Counted in whole seconds, as the limit is said: the ms a request
            # spends taking arXiv's turn are no wait, and made a `Retry-After: 300`
            # fail "after 0 s waited".)
            so_far = round(waited + (queued() if queued is not None else 0.0))
            if delay is not None and so_far + delay > options.retry_after_max:
                limit = options.retry_after_max
                raise RetryAfterTooLong(exc.error, delay, limit, so_far) from None
            if delay is None or delay <= 0:
                # (A Retry-After of 0 or a date past, standard for "now", had a
                # broken server asked 4 times within 135 ms: found by a bug hunt.)
                # Nor less than its host's turn is away: arXiv's backoff after a
                # throttling answer (6-60 s) was waited in the queue, untold.
                delay = max(backoff_delay(tries, options, rng), exc.hold)
            tries += 1
            if on_wait is not None:
                on_wait(exc.error, delay)
            waited += delay
            await sleep(delay)
