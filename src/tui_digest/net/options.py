"""The numbers of the HTTP policy, passed to each client as one value (no class attributes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from tui_digest import __version__

# No project URL yet: a made-up one would point server operators at nothing.
USER_AGENT = f"tui-digest/{__version__} (bilingual arXiv digest reader; httpx)"

MiB = 1024 * 1024
# arXiv asks robots for at most one request every 3 seconds, across the API and the
# feeds (see /work/shared/docs/upstream.md, "Politeness").
ARXIV_MIN_INTERVAL = 3.0

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(slots=True)
class HttpOptions:
    connect_timeout: float = 10.0
    # A host name must resolve within this many seconds (inside the chain's deadline);
    # without a network the resolver tends to wait rather than fail.
    resolve_timeout: float = 5.0
    read_timeout: float = 30.0
    # One request chain (every redirect hop, headers and body) must end within this many
    # seconds. A retry starts a new chain.
    deadline: float = 120.0
    # Whether a chain that ran out of time is tried again. Off for feeds (a slow server
    # stays slow within one run); on for LLM answers, whose time varies per request.
    retry_on_deadline: bool = False
    max_bytes: int = 20 * MiB  # decompressed
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0  # a longer Retry-After fails the request instead of waiting
    concurrency: int = 4
    default_host_interval: float = 0.0
    # Host (or parent domain) -> minimum seconds between two requests to it.
    host_intervals: Mapping[str, float] = field(default_factory=dict)
    arxiv_interval: float = ARXIV_MIN_INTERVAL
    # The record every process's arXiv requests take turns by (`net.shared_clock`);
    # "" keeps the spacing within this process (tests, library use).
    arxiv_clock_file: str = ""
    user_agent: str = USER_AGENT
