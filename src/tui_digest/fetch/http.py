"""HTTP done carefully: conditional GET, caps, deadlines, safe redirects, retries, politeness.

One `HttpFetcher` wraps one shared `httpx.AsyncClient`. Every request goes
through the same gates: a concurrency semaphore, a per-host spacing (arXiv asks
for at most one request every 3 s), an overall deadline per attempt, a cap on
the *decompressed* body, and a redirect policy that never downgrades https to
http nor leaves http(s). The sleep function and both clocks are injectable so
that tests never wait for real seconds.

httpx is imported lazily: importing this module stays cheap for the UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from tui_digest import __version__

if TYPE_CHECKING:
    import httpx

# No project URL yet: a made-up one would point server operators at nothing.
USER_AGENT = f"tui-digest/{__version__} (bilingual arXiv digest reader; httpx)"

ACCEPT = (
    "text/markdown, application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
MiB = 1024 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Hosts that ask robots to keep to one request every 3 seconds.
ARXIV_MIN_INTERVAL = 3.0

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class FetchError(Exception):
    """A source could not be fetched. The message names the URL and the status or reason."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        where = f"HTTP {status} " if status is not None else ""
        super().__init__(f"{url}: {where}{reason}")


class _Retryable(Exception):
    """An attempt failed in a way worth trying again (connection, 429, 5xx)."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@dataclass(slots=True)
class HttpOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # whole attempt: connect, headers and body
    max_bytes: int = 20 * MiB  # decompressed
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0  # a longer Retry-After fails the fetch instead of waiting
    concurrency: int = 4
    default_host_interval: float = 0.0
    # Host (or parent domain) -> minimum seconds between two requests to it.
    host_intervals: Mapping[str, float] = field(default_factory=dict)
    arxiv_interval: float = ARXIV_MIN_INTERVAL
    user_agent: str = USER_AGENT


@dataclass(slots=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 200, or 304 when not modified (also used for an unchanged local file)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    local: bool = False  # read from a local file; `status` then only mimics HTTP

    @property
    def http_status(self) -> int | None:
        return None if self.local else self.status

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- Policies (pure functions, tested directly) --------------------------------


def is_arxiv_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def host_interval(host: str, options: HttpOptions) -> float:
    """Seconds to keep between two requests to `host`."""
    host = host.lower().rstrip(".")
    interval = options.default_host_interval
    best = -1
    for pattern, seconds in options.host_intervals.items():
        pattern = pattern.lower().strip(".")
        if (host == pattern or host.endswith("." + pattern)) and len(pattern) > best:
            interval, best = float(seconds), len(pattern)
    if is_arxiv_host(host):
        interval = max(interval, options.arxiv_interval)
    return interval


def check_redirect(from_url: str, location: str) -> str:
    """Resolve a redirect target, or raise FetchError if the policy forbids following it."""
    target = urljoin(from_url, location.strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(from_url, f"refused redirect to a non-http(s) URL: {target[:200]}")
    if urlsplit(from_url).scheme.lower() == "https" and scheme == "http":
        raise FetchError(from_url, f"refused redirect from https to http: {target[:200]}")
    if not urlsplit(target).hostname:
        raise FetchError(from_url, f"refused redirect to a URL without a host: {target[:200]}")
    return target


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, options: HttpOptions, rng: Callable[[], float]) -> float:
    """Exponential backoff with jitter: base * 2**attempt, scaled into [50 %, 100 %]."""
    delay = min(options.backoff_max, options.backoff_base * (2**attempt))
    return delay * (0.5 + 0.5 * rng())


def local_path(url: str) -> Path | None:
    """The file a `file://` URL or plain path names, or None for http(s) URLs."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(url, "file URLs must name a local file")
        return Path(unquote(parts.path))
    if len(scheme) > 1:  # "c:" is a drive letter, anything longer is a scheme we do not fetch
        raise FetchError(url, f"unsupported URL scheme {scheme!r}")
    return Path(url).expanduser()


# --- Decompression with a cap on the output -----------------------------------


class _CappedDecoder:
    """Decode a Content-Encoding stream without ever holding more than `cap` + 1 bytes.

    httpx's own decoders inflate a whole network chunk at once; a 64 KiB chunk
    of a gzip bomb is ~64 MiB, so we inflate with `max_length` ourselves.
    """

    def __init__(self, encoding: str, url: str, cap: int) -> None:
        self.encoding = encoding
        self.url = url
        self.cap = cap
        self.total = 0
        self._parts: list[bytes] = []
        self._z: zlib._Decompress | None = None
        self._pending = b""

    def _new_decompressor(self, first: bytes) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        zlib_header = (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.cap:
            raise FetchError(self.url, f"response body exceeds the cap of {self.cap} bytes")
        if data:
            self._parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.encoding == "identity":
            self._keep(chunk)
            return
        data = self._pending + chunk
        self._pending = b""
        try:
            while data:
                if self._z is None:
                    if len(data) < 2:
                        self._pending = data
                        return
                    self._z = self._new_decompressor(data)
                out = self._z.decompress(data, self.cap - self.total + 1)
                self._keep(out)
                if self._z.unconsumed_tail:
                    data = self._z.unconsumed_tail
                elif self._z.eof:  # gzip allows several members one after another
                    data = self._z.unused_data
                    self._z = None
                else:
                    data = b""
        except zlib.error as exc:
            raise FetchError(self.url, f"corrupt {self.encoding} body: {exc}") from None

    def finish(self) -> bytes:
        if self._pending:
            raise FetchError(self.url, f"corrupt {self.encoding} body: too short")
        if self.encoding != "identity" and self._z is not None and not self._z.eof:
            try:
                self._keep(self._z.flush())
            except zlib.error as exc:
                raise FetchError(self.url, f"corrupt {self.encoding} body: {exc}") from None
            if self.encoding in ("gzip", "x-gzip"):
                raise FetchError(self.url, "truncated gzip body")
        return b"".join(self._parts)


# --- Politeness --------------------------------------------------------------


class HostSpacing:
    """Keeps at least `interval(host)` seconds between the starts of two requests to a host.

    Requests to a host with an interval run one at a time (`turn` holds a per-host
    lock), so the spacing holds even when the concurrency slot is granted late.
    """

    def __init__(self, interval: Callable[[str], float], sleep: Sleep, clock: Clock) -> None:
        self._interval = interval
        self._sleep = sleep
        self._clock = clock
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        if self._interval(host) <= 0:
            yield
            return
        async with self._locks.setdefault(host, asyncio.Lock()):
            delay = self._next.get(host, 0.0) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            yield

    def stamp(self, host: str) -> None:
        """Call when the request really starts."""
        interval = self._interval(host)
        if interval > 0:
            self._next[host] = self._clock() + interval


# --- The fetcher ---------------------------------------------------------------


class HttpFetcher:
    """Fetches URLs (and local files) with the policies above. Use as an async context manager."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.options = options or HttpOptions()
        self._client = client
        self._owns_client = client is None
        self._sleep: Sleep = sleep or asyncio.sleep
        self._wall_clock = wall_clock
        self._rng = rng
        self._semaphore = asyncio.Semaphore(max(1, self.options.concurrency))
        self.spacing = HostSpacing(
            lambda host: host_interval(host, self.options), self._sleep, clock
        )

    async def __aenter__(self) -> HttpFetcher:
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

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`; a 304 (or an unchanged local file) gives a result with status 304."""
        path = local_path(url)
        if path is not None:
            return await asyncio.to_thread(self._read_local, url, path, last_modified)
        attempt = 0
        while True:
            try:
                return await self._follow(url, etag, last_modified)
            except _Retryable as exc:
                if attempt >= self.options.retries:
                    raise exc.error from None
                if exc.retry_after is not None:
                    if exc.retry_after > self.options.retry_after_max:
                        raise FetchError(
                            exc.error.url,
                            f"{exc.error.reason}; Retry-After of {exc.retry_after:.0f} s "
                            f"exceeds the limit of {self.options.retry_after_max:.0f} s",
                            status=exc.error.status,
                        ) from None
                    delay = exc.retry_after
                else:
                    delay = backoff_delay(attempt, self.options, self._rng)
                attempt += 1
                await self._sleep(delay)  # holds no concurrency slot while waiting

    def _read_local(self, url: str, path: Path, last_modified: str | None) -> FetchResult:
        try:
            stat = path.stat()
            # mtime and size stand in for Last-Modified: an untouched file is "unchanged".
            stamp = f"mtime={stat.st_mtime_ns};size={stat.st_size}"
            if last_modified == stamp:
                return FetchResult(url=url, status=304, last_modified=stamp, local=True)
            if stat.st_size > self.options.max_bytes:
                raise FetchError(url, f"file exceeds the cap of {self.options.max_bytes} bytes")
            with path.open("rb") as fh:
                body = fh.read(self.options.max_bytes + 1)
        except OSError as exc:
            raise FetchError(url, exc.strerror or str(exc)) from None
        if len(body) > self.options.max_bytes:
            raise FetchError(url, f"file exceeds the cap of {self.options.max_bytes} bytes")
        return FetchResult(url=url, status=200, body=body, last_modified=stamp, local=True)

    async def _follow(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        current = url
        seen = {url}
        for _hop in range(self.options.max_redirects + 1):
            result, location = await self._attempt(current, etag, last_modified)
            if result is not None:
                return result
            assert location is not None
            target = check_redirect(current, location)
            if target in seen:
                raise FetchError(url, f"redirect loop at {target[:200]}")
            seen.add(target)
            current = target
        raise FetchError(url, f"too many redirects (more than {self.options.max_redirects})")

    async def _attempt(
        self, url: str, etag: str | None, last_modified: str | None
    ) -> tuple[FetchResult | None, str | None]:
        """One request. Returns (result, None) or (None, redirect location)."""
        import httpx

        # Set on every request too: a client passed in by the caller has its own defaults.
        headers = {
            "User-Agent": self.options.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).hostname or ""
        try:
            async with self.spacing.turn(host), self._semaphore:
                self.spacing.stamp(host)
                async with (
                    asyncio.timeout(self.options.deadline),
                    self.client.stream(
                        "GET", url, headers=headers, timeout=self._timeout(), follow_redirects=False
                    ) as response,
                ):
                    return await self._handle(url, response)
        except TimeoutError:
            raise FetchError(
                url, f"no complete response within the deadline of {self.options.deadline:g} s"
            ) from None
        except httpx.TimeoutException as exc:
            raise _Retryable(FetchError(url, f"timed out ({type(exc).__name__})")) from None
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise _Retryable(FetchError(url, f"connection error: {reason}")) from None

    async def _handle(
        self, url: str, response: httpx.Response
    ) -> tuple[FetchResult | None, str | None]:
        status = response.status_code
        if status in REDIRECT_CODES:
            location = response.headers.get("Location")
            if not location:
                raise FetchError(url, "redirect without a Location header", status=status)
            return None, location
        if status == 304:
            return FetchResult(
                url=url,
                status=304,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            ), None
        if status == 429 or 500 <= status <= 599:
            reason = response.reason_phrase or "server error"
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._wall_clock())
            raise _Retryable(FetchError(url, reason, status=status), retry_after)
        if status != 200:
            raise FetchError(url, response.reason_phrase or "unexpected status", status=status)
        body = await self._read_body(url, response)
        return FetchResult(
            url=url,
            status=200,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type", ""),
        ), None

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        cap = self.options.max_bytes
        encoding = response.headers.get("Content-Encoding", "").strip().lower() or "identity"
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(url, f"unsupported Content-Encoding {encoding[:40]!r}")
        length = response.headers.get("Content-Length", "")
        if encoding == "identity" and length.isdigit() and int(length) > cap:
            raise FetchError(url, f"response body of {length} bytes exceeds the cap of {cap} bytes")
        if response.is_stream_consumed:
            # A response built in memory (httpx.MockTransport) is already read and decoded.
            decoder = _CappedDecoder("identity", url, cap)
            decoder.feed(response.content)
            return decoder.finish()
        decoder = _CappedDecoder(encoding, url, cap)
        # aiter_raw: the bytes as sent; _CappedDecoder undoes the Content-Encoding itself.
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        return decoder.finish()
