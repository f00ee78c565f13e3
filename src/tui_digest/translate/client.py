"""POST {base_url}/chat/completions with the fetch layer's policies.

Retries (429 and 5xx, honouring Retry-After up to a limit; timeouts; dropped
connections) use `fetch.http`'s `parse_retry_after`, `backoff_delay` and
`HttpOptions`, with the same injectable sleep so tests never wait. A bounded
number of requests is in flight at once; a retry's wait holds no slot.

The API key lives only in the request header. Every message this module makes
passes through `redact`, so a server that echoes the key back cannot make us
print it.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_digest.core.model import Paper
from tui_digest.core.sanitize import clean_line
from tui_digest.fetch.http import (
    USER_AGENT,
    Clock,
    HttpOptions,
    Sleep,
    backoff_delay,
    parse_retry_after,
)
from tui_digest.translate import prompt
from tui_digest.translate.config import TranslateConfig

if TYPE_CHECKING:
    import httpx

# Statuses that will fail every paper alike: stop the run instead of trying each one.
FATAL_STATUSES = frozenset({401, 402, 403, 404, 405})


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.requests += other.requests


class TranslateError(Exception):
    """A paper could not be translated. `fatal`: the whole run should stop (auth, wrong URL).

    `usage` counts the tokens the failed attempts still cost.
    """

    def __init__(self, reason: str, *, status: int | None = None, fatal: bool = False) -> None:
        self.reason = reason
        self.status = status
        self.fatal = fatal
        self.usage = Usage()
        super().__init__(reason)


class _Retryable(Exception):
    def __init__(self, error: TranslateError, retry_after: float | None = None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.retry_after = retry_after


@dataclass(slots=True)
class Completion:
    content: str
    usage: Usage


class LlmClient:
    """One shared httpx.AsyncClient for a batch. Use as an async context manager."""

    def __init__(
        self,
        cfg: TranslateConfig,
        api_key: str,
        *,
        options: HttpOptions | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
        wall_clock: Clock = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.cfg = cfg
        self.options = options or cfg.http_options()
        self._key = api_key
        self._client = client
        self._owns_client = client is None
        self._sleep: Sleep = sleep or asyncio.sleep
        self._wall_clock = wall_clock
        self._rng = rng
        self._semaphore = asyncio.Semaphore(max(1, self.options.concurrency))

    async def __aenter__(self) -> LlmClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    def __repr__(self) -> str:
        return f"LlmClient({self.cfg.endpoint!r}, model={self.cfg.model!r})"

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            o = self.options
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(o.read_timeout, connect=o.connect_timeout),
                follow_redirects=False,  # a redirected POST would carry the key elsewhere
            )
        return self._client

    def redact(self, text: str) -> str:
        if self._key and self._key in text:
            text = text.replace(self._key, "[redacted]")
        return text

    # --- one paper -------------------------------------------------------------

    async def translate(
        self, paper: Paper, glossary: Mapping[str, str] | None = None
    ) -> tuple[prompt.Translation, Usage]:
        """Translate one paper: one request, and one more if the answer is malformed.

        Raises TranslateError; the usage of failed attempts is in `error.usage`.
        """
        usage = Usage()
        messages = prompt.build_messages(paper, glossary)
        needs_abstract = bool(paper.abstract_en.strip())
        problem = ""
        for attempt in range(2):
            try:
                completion = await self.complete(messages)
            except TranslateError as exc:
                exc.usage.add(usage)
                raise
            usage.add(completion.usage)
            try:
                return prompt.parse_answer(completion.content, needs_abstract=needs_abstract), usage
            except prompt.MalformedAnswer as exc:
                problem = str(exc)
                if attempt == 0:
                    messages = prompt.retry_messages(messages, completion.content, problem)
        error = TranslateError(self.redact(f"malformed answer twice: {problem}"))
        error.usage.add(usage)
        raise error

    # --- one request, with retries ----------------------------------------------

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        body = prompt.build_request(self.cfg.model, messages)
        attempt = 0
        while True:
            try:
                return await self._attempt(body)
            except _Retryable as exc:
                if attempt >= self.options.retries:
                    raise exc.error from None
                delay = exc.retry_after
                if delay is not None and delay > self.options.retry_after_max:
                    raise TranslateError(
                        f"{exc.error.reason}; Retry-After of {delay:.0f} s exceeds the limit "
                        f"of {self.options.retry_after_max:.0f} s",
                        status=exc.error.status,
                    ) from None
                if delay is None:
                    delay = backoff_delay(attempt, self.options, self._rng)
                attempt += 1
                await self._sleep(delay)  # outside the semaphore

    def _headers(self) -> dict[str, str]:
        headers = {
            "User-Agent": self.options.user_agent or USER_AGENT,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    async def _attempt(self, body: dict[str, Any]) -> Completion:
        import httpx

        url = self.cfg.endpoint
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            async with (
                self._semaphore,
                asyncio.timeout(self.options.deadline),
                self.client.stream("POST", url, content=data, headers=self._headers()) as response,
            ):
                raw = await self._read(response)
        except TimeoutError:
            raise _Retryable(
                TranslateError(
                    f"{url}: no answer within {self.options.deadline:g} s (timeout_seconds)"
                )
            ) from None
        except httpx.TimeoutException as exc:
            raise _Retryable(TranslateError(f"{url}: timed out ({type(exc).__name__})")) from None
        except httpx.ConnectError as exc:
            reason = self.redact(clean_line(str(exc) or type(exc).__name__, 300))
            raise _Retryable(
                TranslateError(f"{url}: cannot connect: {reason}", fatal=True)
            ) from None
        except httpx.TransportError as exc:
            reason = self.redact(clean_line(str(exc) or type(exc).__name__, 300))
            raise _Retryable(TranslateError(f"{url}: connection error: {reason}")) from None
        return self._completion(url, response, raw)

    async def _read(self, response: httpx.Response) -> bytes:
        cap = self.options.max_bytes
        parts: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > cap:
                raise TranslateError(f"{response.url}: answer exceeds {cap} bytes")
            parts.append(chunk)
        return b"".join(parts)

    def _completion(self, url: str, response: httpx.Response, raw: bytes) -> Completion:
        status = response.status_code
        if status == 429 or 500 <= status <= 599:
            reason = self._reason(url, status, response, raw)
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._wall_clock())
            raise _Retryable(TranslateError(reason, status=status), retry_after)
        if status != 200:
            reason = self._reason(url, status, response, raw)
            if 300 <= status < 400:
                reason += " (redirects are not followed: set base_url to the final URL)"
            raise TranslateError(reason, status=status, fatal=status in FATAL_STATUSES)
        try:
            decoded = json.loads(raw.decode("utf-8", errors="replace"))
        except json.JSONDecodeError:
            # A 200 that is not JSON at all: count it as a malformed answer.
            return Completion("", Usage(requests=1))
        prompt_tokens, completion_tokens = prompt.usage_of(decoded)
        usage = Usage(prompt_tokens, completion_tokens, 1)
        try:
            content = prompt.completion_content(decoded)
        except prompt.MalformedAnswer:
            content = ""
        return Completion(content, usage)

    def _reason(self, url: str, status: int, response: httpx.Response, raw: bytes) -> str:
        """`URL: HTTP 429 Too Many Requests: <server's message>`, cleaned and redacted."""
        detail = ""
        try:
            decoded = json.loads(raw.decode("utf-8", errors="replace")) if raw else None
        except json.JSONDecodeError:
            decoded = None
        if isinstance(decoded, dict):
            err = decoded.get("error")
            message = err.get("message") if isinstance(err, dict) else err
            if isinstance(message, str):
                detail = message
        text = f"{url}: HTTP {status} {response.reason_phrase or ''}".rstrip()
        if detail:
            text += f": {clean_line(detail, 300)}"
        return self.redact(text)
