"""HttpClient: every request of the code base goes through these gates.

A concurrency semaphore, per-host spacing, one deadline for the whole request
chain (every redirect hop, the headers and the body; not the time a request
waits for its host's turn or a concurrency slot), a cap on the
*decompressed* body, a redirect policy that never downgrades https to http nor
leaves http(s), and retries (connection problems, 429, 5xx) that honour
`Retry-After`. Name-resolution failures and refused connections are not
retried: the host is unreachable and waiting will not change that within one
run. Sleep and both clocks are injectable so that tests never wait.

httpx is imported lazily: importing this module stays cheap for the UI.
What the client says of failures and waits is in `net.client_says`; the
`Response` it answers with in `net.response` (re-exported here).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_digest.net.client_says import (
    StatusToRetry,
    check_sendable,
    classify,
    counted,
    describe,
    gave_up,
    gave_up_note,
    invalid_redirect,
    waiting,
)
from tui_digest.net.decode import read_body
from tui_digest.net.errors import FetchError, Retryable, RetryAfterTooLong
from tui_digest.net.headers import clean_validator, parse_retry_after
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.politeness import (
    ARXIV_KEY,
    QUEUE_WAITED,
    GaveUp,
    HostSlots,
    HostSpacing,
    NotAsked,
    RequestWaits,
    WaitedTooLong,
    host_interval,
    is_rate_exceeded,
    politeness_key,
    stopped_reason,
)
from tui_digest.net.redirects import REDIRECT_CODES, check_redirect
from tui_digest.net.resolve import Resolver, check_resolves, is_ip_literal, system_resolver
from tui_digest.net.response import Response
from tui_digest.net.retry import with_retries
from tui_digest.net.shared_clock import SharedClock
from tui_digest.net.urls import display_url

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpClient", "Response", "classify"]

RETRY_STATUSES = frozenset({429, *range(500, 600)})
# A wait between attempts this long or longer is told (`HttpClient.on_wait`): a
# server answering 429 with `Retry-After: 300` held a `fetch` for minutes, silent.
WAIT_TOLD = 10.0


class _Budget:
    """One chain's deadline, spent only while a request of it is out (resolving,
    connecting, sending, reading), never while it waits for its host's turn or a
    concurrency slot: that wait is ours, not the server's. arXiv wants one request
    every 3 s and one connection at a time (/work/shared/docs/upstream.md,
    "Politeness"), so forty arXiv feeds queue for two minutes and more; counted
    in, the queue's tail failed "within the deadline" without ever being sent.

    The asyncio timer bounds each request in real time; `used`, counted in the
    injected clock, sees time the timer may not (tests, a slow hop)."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self._clock = clock
        self.used = 0.0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        start = self._clock()
        try:
            async with asyncio.timeout(max(0.0, self.seconds - self.used)):
                yield
        finally:
            self.used += self._clock() - start

    @property
    def spent(self) -> bool:
        return self.used > self.seconds


def _shared_clock(options: HttpOptions, wall_clock: Clock) -> SharedClock | None:
    """The cross-process arXiv record `options` name, if any (`net.shared_clock`).
    A request holds its turn at most for its deadline (every hop, the body)."""
    if not options.arxiv_clock_file:
        return None
    path = Path(options.arxiv_clock_file)
    return SharedClock(
        path, wall_clock, hold_max=options.deadline, backoff_max=_backoff_max(options)
    )


def _backoff_max(options: HttpOptions) -> float:
    """The longest an arXiv throttling answer without Retry-After keeps arXiv
    unasked (`politeness.throttle_backoff`): the retry backoff's ceiling, a
    project's own choice, and under the longest wait a request waits for, so
    that no request behind it fails as "not asked" for a wait no host named."""
    return min(options.backoff_max, options.retry_after_max)


class HttpClient:
    """One shared `httpx.AsyncClient` behind the policy. Use as an async context manager."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        rng: Callable[[], float] = random.random,
        resolver: Resolver | None = None,
        slots: HostSlots | None = None,
    ) -> None:
        """`resolver` checks a host name before its first request (default: the system's,
        unless `client` is given: a caller's transport, a mock in tests, resolves itself).
        `slots`: the politeness clock shared with other clients (the reader keeps one
        for all its refreshes and enrichments; its clock then counts the spacing).
        """
        self.options = options or HttpOptions()
        self._client = client
        self._owns_client = client is None
        self._resolver = resolver if resolver is not None or client else system_resolver
        self._resolved: set[tuple[str, int]] = set()
        # Resolutions under way, shared by every request (and `reaches_any`) that
        # waits for the same host; a failed one is forgotten, so a later run asks again.
        self._resolving: dict[tuple[str, int], asyncio.Future[None]] = {}
        self._sleep: Sleep = sleep or asyncio.sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng
        self._semaphore = asyncio.Semaphore(max(1, self.options.concurrency))
        # Told (a line to say) of each wait of WAIT_TOLD seconds or more between two
        # attempts of a request: the CLI says it on stderr.
        self.on_wait: Callable[[str], None] | None = None
        self.spacing = HostSpacing(
            lambda host: host_interval(host, self.options),
            self._sleep,
            clock,
            slots,
            wait_max=self.options.retry_after_max,
            shared=_shared_clock(self.options, wall_clock),
            backoff_max=_backoff_max(self.options),
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=self._timeout(),
                follow_redirects=False,  # redirects are followed by hand, see check_redirect
                headers={"User-Agent": self.options.user_agent},
            )
        return self._client

    def _timeout(self) -> httpx.Timeout:
        import httpx

        o = self.options
        return httpx.Timeout(o.read_timeout, connect=o.connect_timeout, pool=o.connect_timeout)

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    # --- the two verbs ---------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        retry: bool = True,
    ) -> Response:
        """GET `url`, following redirects by the policy; any final status comes back.

        Stored validators are checked again before they are sent: a bad one is
        dropped (the request goes out unconditional) instead of failing the request.
        `retry=False`: one attempt, no waiting (for a request that is only a help).
        """
        sent = dict(headers or {})
        if etag := clean_validator(etag):
            sent["If-None-Match"] = etag
        if last_modified := clean_validator(last_modified):
            sent["If-Modified-Since"] = last_modified
        return await self._with_retries(
            lambda: self._chain("GET", url, sent, None, True), retry=retry
        )

    async def post(
        self, url: str, *, content: bytes, headers: Mapping[str, str] | None = None
    ) -> Response:
        """POST `content`; redirects are returned, never followed (they would resend the body)."""
        sent = dict(headers or {})
        return await self._with_retries(lambda: self._chain("POST", url, sent, content, False))

    # --- retries ---------------------------------------------------------------

    async def _with_retries(self, attempt: Callable[[], object], retry: bool = True) -> Response:
        made = 0
        started = self._clock()
        options = self.options if retry else dataclasses.replace(self.options, retries=0)

        async def checked() -> Response:
            nonlocal made
            made += 1
            response = await attempt()  # type: ignore[misc]
            response.attempts = made
            host = urlsplit(response.url).hostname or ""
            if response.status in RETRY_STATUSES and (count := self.spacing.stopped_asking(host)):
                # Not retried: arXiv's last throttle in a row for this client.
                response.note = f"not retried: {stopped_reason(count)}"
                return response
            if response.status in RETRY_STATUSES:
                raise Retryable(
                    StatusToRetry(response),
                    parse_retry_after(response.headers.get("retry-after"), self._wall_clock()),
                    # (the retry's own wait, said if long: arXiv's throttling backoff)
                    hold=self.spacing.left(host),
                )
            return response

        def told(error: Exception, seconds: float) -> None:
            waits.own += seconds
            if self.on_wait is not None and seconds >= WAIT_TOLD:
                self.on_wait(waiting(error, seconds, made, options))

        # This request's waits, its turn's included (`politeness.QUEUE_WAITED`).
        waits = RequestWaits(options.retry_after_max)
        counting = QUEUE_WAITED.set(waits)
        try:
            return await with_retries(
                checked,
                options,
                sleep=self._sleep,
                rng=self._rng,
                on_wait=told,
                queued=lambda: waits.queued,
            )
        except StatusToRetry as exc:
            # Retries used up: the caller reads the last answer.
            exc.response.gave_up = gave_up_note(made, self._clock() - started)
            return exc.response
        except RetryAfterTooLong as exc:
            if isinstance(exc.error, StatusToRetry):
                exc.error.response.note = exc.note
                exc.error.response.waits_capped = exc.seconds <= exc.limit
                exc.error.response.gave_up = gave_up_note(made, self._clock() - started)
                return exc.error.response
            raise counted(exc.error, made) from None
        except FetchError as exc:
            counted(exc, made)
            if exc.kind != "timeout" or made < 2:
                raise
            raise gave_up(exc, made, self._clock() - started) from None
        finally:
            QUEUE_WAITED.reset(counting)

    # --- one chain: every hop under one deadline -------------------------------

    async def _chain(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        follow: bool,
    ) -> Response:
        deadline = self.options.deadline
        budget = _Budget(deadline, self._clock)
        try:
            response = await self._hops(method, url, headers, content, follow, budget)
            response.elapsed = budget.used
            return response
        except TimeoutError:
            error = FetchError(
                url,
                f"no complete response within the deadline of {deadline:g} s",
                kind="timeout",
            )
            if self.options.retry_on_deadline:
                raise Retryable(error) from None
            raise error from None

    async def _hops(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        follow: bool,
        budget: _Budget,
    ) -> Response:
        current = url
        seen = {url}
        for _hop in range(self.options.max_redirects + 1):
            response = await self._one(method, current, headers, content, budget)
            if budget.spent:
                raise TimeoutError
            if not follow or response.status not in REDIRECT_CODES:
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchError(url, "redirect without a Location header", status=response.status)
            target = check_redirect(current, location)
            if target in seen:
                raise FetchError(url, f"redirect loop at {display_url(target)[:200]}")
            seen.add(target)
            current = target
        raise FetchError(url, f"too many redirects (more than {self.options.max_redirects})")

    async def _check_resolves(self, url: str) -> None:
        """Resolve a host once per client, under `resolve_timeout` (see net/resolve.py)."""
        if self._resolver is None:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            return  # a bad port: httpx says so
        if not host or is_ip_literal(host) or (host, port) in self._resolved:
            return
        key = (host, port)
        pending = self._resolving.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._resolve(url, key))
            # Its failure is each waiter's to raise; when every waiter was cancelled
            # (the run went offline meanwhile), nobody's: retrieved here, not logged.
            pending.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._resolving[key] = pending
        try:
            # Shielded: one waiter cancelled (its source given up) leaves the others theirs.
            await asyncio.shield(pending)
        except FetchError as exc:  # told for this URL, not the one that asked first
            raise FetchError(url, exc.reason, kind=exc.kind) from None

    async def _resolve(self, url: str, key: tuple[str, int]) -> None:
        assert self._resolver is not None
        try:
            await check_resolves(url, *key, self._resolver, self.options.resolve_timeout)
        finally:
            del self._resolving[key]
        self._resolved.add(key)

    async def reaches_any(self, urls: Iterable[str]) -> bool:
        """Whether the host of any of `urls` resolves (joining resolutions under way).

        False when nothing can be told: no resolver (a caller's transport resolves
        itself), or no such host. What a run asks when one host name did not resolve:
        is the machine offline, or is that one host wrong?
        """
        if self._resolver is None:
            return False
        checks = {asyncio.ensure_future(self._check_resolves(url)) for url in dict.fromkeys(urls)}
        try:
            while checks:
                done, checks = await asyncio.wait(checks, return_when=asyncio.FIRST_COMPLETED)
                if not all([task.exception() for task in done]):  # (each one's retrieved)
                    return True
            return False
        finally:
            for task in checks:  # (the resolutions themselves go on: shielded)
                task.cancel()

    def _push_if_throttled(self, host: str, answer: Response) -> None:
        """A throttling answer (429, 503, or arXiv's `Rate exceeded.` body, which
        /work/shared/docs/upstream.md says may come instead of a feed) keeps the host's
        group, every arXiv host for one, unasked until its Retry-After has passed.
        One longer than `retry_after_max` fails this request (as too long to wait
        for) and the group's requests until then, each at once, as not asked.
        From arXiv, one without Retry-After keeps the group unasked longer than
        its spacing, the longer the more throttles in a row (`HostSpacing.throttled`);
        any other answer but a 5xx ends the row."""
        if answer.status not in (429, 503) and not is_rate_exceeded(host, answer.body):
            if answer.status < 500:
                self.spacing.calm(host)
            return
        wait = parse_retry_after(answer.headers.get("retry-after"), self._wall_clock())
        self.spacing.throttled(host, wait)

    def _not_asked(self, exc: NotAsked) -> str:
        """`exc`'s reason, saying when the wait ends and, when every process keeps
        it (arXiv's record), how to end it sooner: a wait kept in a hidden file
        said neither (found by a bug hunt)."""
        said = str(exc)
        try:
            ends = time.gmtime(self._wall_clock() + exc.left)
        except (OverflowError, OSError, ValueError):
            return said
        said += f" (until {time.strftime('%Y-%m-%d %H:%M:%S', ends)} UTC"
        shared = self.spacing.shared
        if shared is not None and not shared.problem and politeness_key(exc.host) == ARXIV_KEY:
            said += f"; every run waits for it: deleting {shared.path} ends the wait"
        return said + ")"

    async def _one(
        self,
        method: str,
        url: str,
        extra: dict[str, str],
        content: bytes | None,
        budget: _Budget,
    ) -> Response:
        import httpx

        # Set on every request too: a client passed in by the caller has its own defaults.
        headers = {"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"}
        headers.update(extra)
        check_sendable(url)
        host = urlsplit(url).hostname or ""
        async with budget.running():
            await self._check_resolves(url)
        try:
            # The wait for the turn and the slot is outside the budget (see _Budget).
            async with self.spacing.turn(host), self._semaphore, budget.running():
                try:
                    return await self._send(method, url, headers, content, host)
                finally:
                    # Stamped when the answer has ended (or the attempt failed), still
                    # holding the host's turn: the server received this request before
                    # it sent the answer's last byte, and the next is sent at least the
                    # interval after we read that byte, so the server sees them at least
                    # the interval apart, whatever the round trip or TLS handshake took.
                    # (Stamped before the connection was opened, a bug hunt's server saw
                    # 2.4-2.95 s where arXiv asks for 3 s between requests:
                    # /work/shared/docs/upstream.md, "Politeness".)
                    self.spacing.stamp(host)
        except NotAsked as exc:
            # Never sent: said as such, not as the server's failure (kind "policy": ours).
            error = FetchError(url, self._not_asked(exc))
            error.attempts = 0
            raise error from None
        except (WaitedTooLong, GaveUp) as exc:
            error = FetchError(url, str(exc))
            error.attempts = 0
            raise error from None
        except httpx.InvalidURL as exc:
            # httpx reads a redirect's Location as it receives the answer, even when
            # it follows none: `javascript:…` failed there, as an "internal error".
            raise FetchError(url, invalid_redirect(exc)) from None
        except httpx.TransportError as exc:
            if isinstance(exc, httpx.RemoteProtocolError) and isinstance(
                exc.__context__, httpx.InvalidURL
            ):
                # A Location httpx cannot read (a control character in it) it says
                # as a protocol error: taken for a broken connection, it was asked
                # 4 times (found by a bug hunt). One answer, refused.
                raise FetchError(url, invalid_redirect(exc.__context__)) from None
            kind = classify(exc)
            reason = describe(exc, kind, host, self.options)
            error = FetchError(url, reason, kind=kind)
            if error.unreachable:
                raise error from None  # another attempt would meet the same wall
            raise Retryable(error) from None

    async def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        host: str,
    ) -> Response:
        """One request and its whole answer (the caller holds the host's turn)."""
        async with self.client.stream(
            method,
            url,
            headers=headers,
            content=content,
            timeout=self._timeout(),
            follow_redirects=False,
        ) as response:
            body = b""
            if response.status_code not in REDIRECT_CODES:
                body = await read_body(url, response, self.options.max_bytes)
            answer = Response(
                url=url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                reason_phrase=response.reason_phrase,
            )
            # Still holding the host's turn: the next request reads the pushed slot.
            self._push_if_throttled(host, answer)
            return answer
