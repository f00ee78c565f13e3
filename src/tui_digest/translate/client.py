"""POST to `cfg.endpoint` (base_url's path + /chat/completions, its query kept)
through the net layer's one HTTP policy.

Retries (429 and 5xx, honouring Retry-After up to a limit; timeouts; dropped
connections), the deadline, the cap on the answer and the bound on requests in
flight all come from `net.HttpClient`, with an injectable sleep so tests never
wait. Redirects are not followed: a redirected POST would carry the key elsewhere.

The API key lives only in the request header (or in base_url's query, for a
provider that wants it there). Every message this module makes passes through
`redact`, so a server that echoes the key back cannot make us print it, and no
query value of the endpoint is ever shown or stored (`?key=***`).
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_digest.core.model import Paper
from tui_digest.core.sanitize import clean_line
from tui_digest.net.client import HttpClient, Response
from tui_digest.net.errors import FetchError
from tui_digest.net.headers import parse_retry_after
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.politeness import NotAsked
from tui_digest.net.urls import display_url, mask_in_text
from tui_digest.translate import prompt
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.giving_up import Streak

if TYPE_CHECKING:
    import httpx

# Statuses that will fail every paper alike: stop the run instead of trying each one.
# (So does any redirect: every request goes to the same URL, `_completion`.)
FATAL_STATUSES = frozenset({401, 402, 403, 404, 405})
# Answers every request may get alike, told apart by their text (`giving_up`).
NO_COMPLETION = "got the same answer, which is no chat completion"
# Parts of a key between control characters redacted on their own (`key_forms`):
# shorter ones would blank ordinary words.
MIN_KEY_PART = 6
_CONTROL_RUN = re.compile("[\x00-\x20\x7f-\x9f]+")
# A transport failure's kind, as the streak that gives up on a server counts it
# (`giving_up`); other kinds (an answer over the cap) say nothing about the server.
_KINDS = {"timeout": "timed out", "transport": "lost their connection"}


def _status_kind(status: int, reason: str) -> tuple[str, str]:
    """(kind, key) of a refused request, as the streak that gives up counts it."""
    if 500 <= status <= 599:
        return "got HTTP 5xx", ""
    if status == 429:
        return "got HTTP 429", ""
    if 400 <= status <= 499:  # the same message again and again: the request's fault
        return f"got the same HTTP {status} answer", reason
    return "", ""


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    # Answers whose server counted no tokens (no `usage`): their tokens are unknown.
    uncounted: int = 0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.requests += other.requests
        self.uncounted += other.uncounted


class TranslateError(Exception):
    """A paper could not be translated. `fatal`: the whole run should stop (auth, wrong
    URL, and the server given up on: `giving_up`).

    `usage` counts the tokens the failed attempts still cost.
    """

    def __init__(self, reason: str, *, status: int | None = None, fatal: bool = False) -> None:
        self.reason = reason
        self.status = status
        self.fatal = fatal
        self.usage = Usage()
        # (kind, key) when every request may get this failure alike (the same HTTP
        # 400, the same gateway page): a run stopped by a streak of it charges
        # no paper that got it (`runner._Run.deferred`).
        self.streak: tuple[str, str] | None = None
        super().__init__(reason)


@dataclass(slots=True)
class Completion:
    content: str
    usage: Usage
    # Why the body held no assistant text ("" when it did): what came back instead.
    problem: str = ""


def _shape(body: object, redact: Callable[[str], str]) -> str:
    """What a JSON body without choices[0].message.content held: its `error`'s
    message when it has one (some proxies answer 200 with one), else its keys."""
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__}"
    error = body.get("error")
    message = error.get("message") if isinstance(error, dict) else error
    if isinstance(message, str) and message.strip():
        return f"error: {clean_line(redact(message), 200)}"
    keys = ", ".join(clean_line(str(k), 40) for k in list(body)[:8])
    return f"its keys: {keys}" if keys else "an empty object"


def key_forms(key: str) -> list[str]:
    """The ways an error text may show `key`, longest first: as is, escaped (a
    str's or bytes' repr, JSON: httpx showed a header holding a line break as
    `b'Bearer sk-…\\nsecret'`), with its control characters cleaned away
    (`clean_line`), and, should it hold any, each of its parts between them.

    `TranslateConfig.api_key` refuses such a key before any request; this is the
    second line of defence."""
    if not key:
        return []
    forms = {
        key,
        repr(key)[1:-1],
        repr(key.encode("utf-8", "backslashreplace"))[2:-1],
        json.dumps(key)[1:-1],
        json.dumps(key, ensure_ascii=False)[1:-1],
        clean_line(key, len(key) + 1),
    }
    parts = _CONTROL_RUN.split(key)
    if len(parts) > 1:
        forms.update(p for p in parts if len(p) >= MIN_KEY_PART)
    return sorted((f for f in forms if f), key=len, reverse=True)


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
        self._key_forms = key_forms(api_key)
        self.http = HttpClient(
            self.options, client=client, sleep=sleep, wall_clock=wall_clock, rng=rng
        )
        self._wall_clock = wall_clock
        self._streak = Streak()
        # Why the run gave up on the server ("" while it has not): what the papers
        # not sent are told (`runner._Run.stop_reason`).
        self.stopped = ""
        # The (kind, key) of the streak that stopped the run, if one did.
        self.stopped_by: tuple[str, str] | None = None
        # Requests the server answered with a completion: while none has been, a
        # 4xx may be the configuration's, not the paper's (`runner._refused_for_good`).
        self.answered = 0

    async def __aenter__(self) -> LlmClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def __repr__(self) -> str:
        return f"LlmClient({self.cfg.shown_url!r}, model={self.cfg.model!r})"

    def redact(self, text: str) -> str:
        """`text` without the key, nor the endpoint's query values (a provider may
        take the key as `?key=…`) or password: what may be shown and stored."""
        for form in self._key_forms:
            if form in text:
                text = text.replace(form, "[redacted]")
        return mask_in_text(text, self.cfg.endpoint, query=True)

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
        streak: tuple[str, str] | None = None
        for attempt in range(2):
            try:
                completion = await self.complete(messages)
            except TranslateError as exc:
                exc.usage.add(usage)
                raise
            usage.add(completion.usage)
            if completion.problem:
                # No answer of the model's to correct: the same request goes again.
                problem = completion.problem
                streak = (NO_COMPLETION, problem)
                continue
            try:
                return prompt.parse_answer(completion.content, needs_abstract=needs_abstract), usage
            except prompt.MalformedAnswer as exc:
                problem, streak = str(exc), None
                if attempt == 0:
                    messages = prompt.retry_messages(messages, completion.content, problem)
        error = TranslateError(self.redact(f"malformed answer twice: {problem}"))
        error.usage.add(usage)
        error.streak = streak
        raise error

    # --- one request, with retries ----------------------------------------------

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        """One request (with the net layer's retries). Raises TranslateError, fatal
        when the run should stop (see `giving_up`); once stopped, sends nothing."""
        if self.stopped:
            raise TranslateError(self.stopped, fatal=True)
        url = self.cfg.endpoint
        body = prompt.build_request(self.cfg.model, messages)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            response = await self.http.post(url, content=data, headers=self._headers())
        except FetchError as exc:
            raise self._give_up_if(self._failed(url, exc), _KINDS.get(exc.kind, "")) from None
        try:
            completion = self._completion(url, response)
        except TranslateError as error:
            # A Retry-After longer than we wait: the quota is used up. Waits that
            # reached the limit in all are retries used up: that request fails, the
            # run goes on (it stopped, saying "asked us to wait 110 s": a bug hunt).
            if response.note and not response.waits_capped:
                host = urlsplit(url).hostname or url
                wait = parse_retry_after(response.headers.get("retry-after"), self._wall_clock())
                # Said as arXiv's throttled requests are (net.politeness.NotAsked).
                asked = NotAsked(host, wait or 0.0, wait or 0.0)
                raise self._stop(error, "", f"{asked}; left for the next run") from None
            kind, key = _status_kind(response.status, error.reason)
            if key:
                error.streak = (kind, key)
            raise self._give_up_if(error, kind, key) from None
        if completion.problem:  # (`translate` asks again; a batch falls back)
            stopping = TranslateError(completion.problem)
            stopping.usage.add(completion.usage)
            if self._give_up_if(stopping, NO_COMPLETION, completion.problem).fatal:
                raise stopping
            return completion
        self._streak.succeeded()
        self.answered += 1
        return completion

    def _give_up_if(self, error: TranslateError, kind: str, key: str = "") -> TranslateError:
        if self._streak.failed(kind, key) and not error.fatal:
            why = self._streak.why()
            self.stopped_by = (kind, key) if key else None
            return self._stop(error, why, f"not sent: {why}; left for the next run")
        return error

    def _stop(self, error: TranslateError, why: str, stopped: str) -> TranslateError:
        """`error`, now stopping the run (`why`, when the error does not say it);
        later requests fail at once, saying `stopped`."""
        self.stopped = self.stopped or stopped
        error.fatal = True
        stops = f"{why}, so the run stops" if why else "the run stops"
        error.reason += f"; {stops}: the papers not sent are left for the next run"
        error.args = (error.reason,)
        return error

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _failed(self, url: str, exc: FetchError) -> TranslateError:
        error = self._failure(url, exc)
        # Every attempt but one that never reached the server (refused, no such host:
        # `FetchError.attempts` leaves it out) is a request the provider saw and may
        # bill: a run whose requests all timed out, were dropped or answered too
        # much reported "0 in 0 request(s)".
        error.usage.requests = exc.attempts
        return error

    def _failure(self, url: str, exc: FetchError) -> TranslateError:
        shown = display_url(url, query=True)
        # Redacted before it is cut: a key across the cut kept its first characters.
        reason = self.redact(clean_line(self.redact(exc.reason), 300))
        if exc.kind == "timeout" and "deadline" in exc.reason:
            # Each attempt had that long (a slow answer is tried again): say how many,
            # or "within 3 s" read as the whole wait.
            tries = 1 + self.options.retries if self.options.retry_on_deadline else 1
            times = f", {tries} attempts" if tries > 1 else ""
            return TranslateError(
                f"{shown}: no answer within {self.options.deadline:g} s (timeout_seconds{times})"
            )
        if exc.unreachable:
            return TranslateError(f"{shown}: cannot connect: {reason}", fatal=True)
        return TranslateError(f"{shown}: {reason}", status=exc.status)

    def _completion(self, url: str, response: Response) -> Completion:
        status, raw = response.status, response.body
        # Every attempt the net layer made is a request the provider saw (and may bill).
        sent = response.attempts
        if status == 429 or 500 <= status <= 599:  # the net layer's retries are used up
            reason = self._reason(url, status, response, raw)
            if response.note:
                reason += f"; {response.note}"
            if response.waits_capped and response.gave_up:  # (as fetch says it)
                reason += f"; {response.gave_up}"
            raise self._refused(reason, status, sent)
        if status != 200:
            reason = self._reason(url, status, response, raw)
            if 300 <= status < 400:
                reason += " (redirects are not followed: set base_url to the final URL)"
            # A redirect is the URL's: every request would get it.
            fatal = status in FATAL_STATUSES or 300 <= status <= 399
            raise self._refused(reason, status, sent, fatal=fatal)
        try:
            decoded = json.loads(raw.decode("utf-8", errors="replace"))
        except json.JSONDecodeError:
            # A 200 that is not JSON at all (a proxy's or gateway's HTML page): a
            # malformed answer, said as what came back ("empty answer" told nothing).
            return Completion("", Usage(requests=sent), self._not_a_completion(response))
        counts = prompt.usage_of(decoded)
        usage = Usage(*(counts or (0, 0)), requests=sent)
        try:
            content = prompt.completion_content(decoded)
        except prompt.MalformedAnswer as exc:
            return Completion("", usage, self.redact(f"{exc} ({_shape(decoded, self.redact)})"))
        usage.uncounted = 0 if counts else 1
        return Completion(content, usage)

    def _not_a_completion(self, response: Response) -> str:
        kind = clean_line(response.content_type.partition(";")[0], 60) or "no Content-Type"
        # (Redacted before it is cut: see `_failure`.)
        head = response.body[:1000].decode("utf-8", errors="replace")
        start = clean_line(self.redact(head), 80)
        text = f"HTTP 200 with {kind}, not JSON"
        return self.redact(f"{text}: {start}" if start else f"{text}: an empty body")

    @staticmethod
    def _refused(reason: str, status: int, sent: int, *, fatal: bool = False) -> TranslateError:
        error = TranslateError(reason, status=status, fatal=fatal)
        error.usage.requests = sent
        return error

    def _reason(self, url: str, status: int, response: Response, raw: bytes) -> str:
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
        shown = display_url(url, query=True)
        text = f"{shown}: HTTP {status} {response.reason_phrase or ''}".rstrip()
        if detail:
            text += f": {clean_line(self.redact(detail), 300)}"
        return self.redact(text)
