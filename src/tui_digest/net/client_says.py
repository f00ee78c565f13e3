"""What `HttpClient` says of a failure or a wait: the kind of a transport
error, the reason a FetchError gives, the attempts counted and the time they
took, and a URL refused before any request. Kept apart from the client's
gates (`net.client`), which only decide when to send and when to stop."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line
from tui_digest.net.errors import FetchError, Kind
from tui_digest.net.urls import display_url, mask_in_text, unsendable

if TYPE_CHECKING:
    from tui_digest.net.options import HttpOptions
    from tui_digest.net.response import Response


class StatusToRetry(Exception):
    """An error status to retry (429, 5xx): the response rides along."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def classify(exc: BaseException) -> Kind:
    """dns / refused / timeout / transport for an httpx transport error."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "dns"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "refused"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "name resolution" in text or "getaddrinfo" in text:
        return "dns"
    if "connection refused" in text:
        return "refused"
    return "transport"


def counted(error: Exception, made: int) -> Exception:
    """`error`, a FetchError ending `made` attempts, counting the earlier ones as
    sent (each got an answer or failed on the way) and the last one if it was."""
    if isinstance(error, FetchError):
        error.attempts += made - 1
    return error


def gave_up(error: FetchError, made: int, seconds: float) -> FetchError:
    """`error` (a timeout), saying the attempts made and the time they took:
    `timed out (ReadTimeout)` after ~2 min of 4 attempts said neither (found by
    a bug hunt)."""
    reason = f"{error.reason}; {gave_up_note(made, seconds)}"
    out = FetchError(error.url, reason, status=error.status, kind=error.kind)
    out.attempts = error.attempts
    return out


def gave_up_note(made: int, seconds: float) -> str:
    """`gave up after 4 attempts over 2 min 5 s`, or "" for one attempt: an error
    status after retries (429 with `Retry-After: 20`, a minute) said neither."""
    return f"gave up after {made} attempts over {duration(seconds)}" if made > 1 else ""


def waiting(error: Exception, seconds: float, made: int, options: HttpOptions) -> str:
    """What `HttpClient.on_wait` is told: the URL, why, and how long until which attempt.

    The URL without any query value (`?key=***`): the line goes to every caller's
    screen as is, the LLM client's too, whose key may be a query value under a
    name of the provider's choosing (README: "Query values are never shown"); the
    host and path say who is slow. A key there was printed whole in each wait
    line, on stderr and in the reader's toast (bug hunt `auditrank` #2)."""
    if isinstance(error, StatusToRetry):
        url = error.response.url
        why = f"HTTP {error.response.status} {error.response.reason_phrase}".rstrip()
    elif isinstance(error, FetchError):
        url, why = error.url, error.reason
    else:  # (not raised by the client: said all the same)
        url, why = "", str(error)
    then = f"attempt {made + 1} of {options.retries + 1}"
    return f"{display_url(url, query=True)}: {why}; waiting {duration(seconds)} before {then}"


def duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60} s"


def check_sendable(url: str) -> None:
    """Raise FetchError (no request made) for a URL no request can go to: a password
    holding an unencoded `/` was said as "refused an answer naming an invalid URL
    (Invalid port: 'se')", its start shown, and port 99999 as "internal error:
    ExceptionGroup" (found by a bug hunt). Checked before each hop."""
    import httpx

    problem = unsendable(url)
    if not problem:
        try:
            httpx.URL(url)
        except httpx.InvalidURL as exc:
            problem = f"invalid URL ({clean_line(mask_in_text(str(exc), url), 300)})"
    if problem:
        error = FetchError(url, f"{problem}; no request made")
        error.attempts = 0
        raise error


def invalid_redirect(exc: Exception) -> str:
    return f"refused a redirect to an invalid URL ({clean_line(str(exc), 300)})"


def describe(exc: Exception, kind: Kind, host: str, options: HttpOptions) -> str:
    if kind == "dns":
        return f"could not resolve host {host}"
    if kind == "refused":
        return f"connection refused by {host}"
    if kind == "timeout":
        name = type(exc).__name__
        if name in ("ConnectTimeout", "PoolTimeout"):
            return f"timed out ({name}: no connection within {options.connect_timeout:g} s)"
        if name == "ReadTimeout":
            return f"timed out ({name}: nothing received for {options.read_timeout:g} s)"
        return f"timed out ({name})"
    return f"connection error: {str(exc) or type(exc).__name__}"
