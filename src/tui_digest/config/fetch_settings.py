"""[fetch]: how often the reader refreshes, and the politeness numbers for the net layer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_digest.config.errors import ConfigError, ConfigWarning
from tui_digest.config.fields import Table, check_number, number_rule
from tui_digest.config.toml_file import at, line_of
from tui_digest.core.paths import arxiv_clock_path
from tui_digest.net.options import HttpOptions

# Sane ranges: a value outside is a typo or an attack on the program's patience
# (`per_host_interval = inf` once hung `fetch` forever).
MAX_INTERVAL_MINUTES = 7 * 24 * 60.0
# The reader's refresh: 0 is off (the README), else at least a minute (0.005 once
# asked every source every 0.3 s while the reader ran; found by a bug hunt).
MIN_INTERVAL_MINUTES = 1.0
MAX_HOST_INTERVAL = 3600.0
MAX_CONCURRENCY = 64


@dataclass(slots=True)
class FetchSettings:
    interval_minutes: float = 0.0
    concurrency: int = 4
    default_host_interval: float = 0.0
    host_intervals: dict[str, float] = field(default_factory=dict)
    warnings: list[ConfigWarning] = field(default_factory=list)  # keys left out

    def http_options(self, **overrides: Any) -> HttpOptions:
        # Every process of the user takes turns with arXiv by one record
        # (`net.shared_clock`): a fetch and an enrich started together, or a
        # cron fetch during the reader's refresh, keep arXiv's 3 s between them.
        options = HttpOptions(
            concurrency=self.concurrency,
            default_host_interval=self.default_host_interval,
            host_intervals=dict(self.host_intervals),
            arxiv_clock_file=str(arxiv_clock_path()),
        )
        for name, val in overrides.items():
            setattr(options, name, val)
        return options


# A host name as a request's URL names its host (`urlsplit(url).hostname`, which
# the politeness clock is keyed by: net/politeness.py), an IPv6 address, or a
# name in another script (`例子.cn`, as a URL written so gives it).
_HOST_NAME = re.compile(r"[\w.-]+|[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*")


def host_key_problem(key: str) -> str:
    """Why `key` of [fetch.per_host_interval] can match no request ("" when it can).

    `"127.0.0.1:8765"` (the host as a source URL shows it) was taken and never
    matched: three requests to that server went in the same second, with no word
    (bug hunt s41 `auditconf` #4)."""
    name = key.lower()
    if _HOST_NAME.fullmatch(name):
        return ""
    problem = "is not a host name and is ignored"
    if name.startswith("*.") and _HOST_NAME.fullmatch(name[2:]):
        return f"{problem} (write {name[2:]!r}: an interval holds for its subdomains too)"
    try:
        host = urlsplit(name if "//" in name else f"//{name}").hostname or ""
    except ValueError:
        host = ""
    if host and host != name and _HOST_NAME.fullmatch(host):
        return f"{problem} (write {host!r}: an interval holds for every port of its host)"
    return problem


def parse_fetch(path: Path, text: str, raw: Any) -> FetchSettings:
    line = line_of(text, "fetch")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{at(path, line)}: [fetch] must be a table")
    table = Table(raw, name="fetch", path=path, line=line, text=text)
    settings = FetchSettings()
    interval = check_number(raw.get("interval_minutes", 0.0), 0.0, MAX_INTERVAL_MINUTES)
    if interval is None or 0 < interval < MIN_INTERVAL_MINUTES:
        raise table.error(
            "interval_minutes",
            f"must be 0 (off) or a number of minutes from {MIN_INTERVAL_MINUTES:g} "
            f"to {MAX_INTERVAL_MINUTES:g}",
        )
    settings.interval_minutes = interval
    settings.concurrency = table.integer("concurrency", settings.concurrency, 1, MAX_CONCURRENCY)
    per_host = raw.get("per_host_interval", 0)
    if isinstance(per_host, Mapping):
        table.line = line_of(text, "fetch.per_host_interval") or table.line
        for host, seconds in per_host.items():
            value = check_number(seconds, 0.0, MAX_HOST_INTERVAL)
            if value is None:
                raise table.error(
                    f"per_host_interval.{host}", number_rule(0, MAX_HOST_INTERVAL) + " (seconds)"
                )
            if host == "default":
                settings.default_host_interval = value
            elif problem := host_key_problem(host):
                line = table.key_line(f"per_host_interval.{host}")
                message = f"[fetch.per_host_interval] {host!r} {problem}"
                settings.warnings.append(ConfigWarning(path, line, message))
            else:
                settings.host_intervals[host.lower()] = value
    else:
        value = check_number(per_host, 0.0, MAX_HOST_INTERVAL)
        if value is None:
            raise table.error(
                "per_host_interval",
                f"must be seconds from 0 to {MAX_HOST_INTERVAL:g} or a table of host = seconds",
            )
        settings.default_host_interval = value
    return settings
