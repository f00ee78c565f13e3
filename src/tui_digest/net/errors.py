"""The one error a request ends with, and the marker for "worth another attempt"."""

from __future__ import annotations

from typing import Literal

from tui_digest.net.urls import display_url

# What went wrong, for callers that act on the class of failure (offline detection):
#   dns       the host name could not be resolved
#   refused   nothing listens at the address (connection refused)
#   timeout   connect or read timeout, or the chain's deadline
#   transport any other connection problem (reset, truncated body, TLS)
#   status    the server answered with an error status
#   policy    we refused (redirect rules, caps, bad scheme, bad encoding)
#   local     a local file could not be read
Kind = Literal["dns", "refused", "timeout", "transport", "status", "policy", "local"]


class FetchError(Exception):
    """A URL could not be fetched. The message names the URL (password masked) and the reason."""

    def __init__(
        self, url: str, reason: str, *, status: int | None = None, kind: Kind = "policy"
    ) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.kind: Kind = "status" if status is not None and kind == "policy" else kind
        # Requests the server saw for this failure, retries included (set by the
        # client's retry loop; enrich counts them). An unreachable host saw none.
        self.attempts = 0 if self.unreachable else 1
        where = f"HTTP {status} " if status is not None else ""
        super().__init__(f"{display_url(url)}: {where}{reason}")

    @property
    def unreachable(self) -> bool:
        """True when the host could not be reached at all (another attempt would not help)."""
        return self.kind in ("dns", "refused")


class TooLarge(FetchError):
    """A response body over the download cap (a `policy` refusal): `import URL`
    adds "(see --max-size)", as it does for a file over the cap."""


class Retryable(Exception):
    """An attempt failed in a way worth trying again; `error` is what to raise if not."""

    def __init__(
        self, error: Exception, retry_after: float | None = None, hold: float = 0.0
    ) -> None:
        """`hold`: seconds before the host may be asked again anyway (its spacing,
        arXiv's backoff after a throttling answer): the least the retry waits
        when no Retry-After says how long."""
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.hold = hold


class RetryAfterTooLong(Exception):
    """The server asked us to wait longer than the policy allows."""

    def __init__(self, error: Exception, seconds: float, limit: float, waited: float = 0.0) -> None:
        self.error = error
        self.seconds = seconds
        self.limit = limit
        self.waited = waited  # seconds this request has waited already
        super().__init__(self.note)

    @property
    def note(self) -> str:
        """Saying what was waited only when that made the Retry-After too long: the
        ms a first arXiv request spent taking its turn were said "after 0 s waited
        … in all", where another host's request says it plainly (found by a bug hunt)."""
        if self.seconds <= self.limit and round(self.waited) > 0:
            return (
                f"Retry-After of {self.seconds:.0f} s after {self.waited:.0f} s waited "
                f"exceeds the limit of {self.limit:.0f} s in all"
            )
        return f"Retry-After of {self.seconds:.0f} s exceeds the limit of {self.limit:.0f} s"
