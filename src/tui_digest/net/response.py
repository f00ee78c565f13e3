"""Response: what every request of `HttpClient` answers with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tui_digest.net.headers import clean_validator


@dataclass(slots=True)
class Response:
    """A complete answer: the final URL, status, headers and (capped, decoded) body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    reason_phrase: str = ""
    note: str = ""  # why the retries stopped early ("Retry-After of 3600 s exceeds ...")
    elapsed: float = 0.0  # seconds the chain that answered took (every hop, the body)
    attempts: int = 1  # requests made for this answer, retries included (translate counts them)
    gave_up: str = ""  # an error status after retries: "gave up after 4 attempts over 5 min 0 s"
    # The `note` is the request's waits reaching the limit in all (each wait was
    # under it: retries used up), not one Retry-After beyond it (a used-up quota).
    waits_capped: bool = False

    @property
    def etag(self) -> str | None:
        return clean_validator(self.headers.get("etag"))

    @property
    def last_modified(self) -> str | None:
        return clean_validator(self.headers.get("last-modified"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")
