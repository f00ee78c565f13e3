"""The [enrich] table of the config file (the same file as [fetch] and [[sources]]).

    [enrich]
    api_url = "http://export.arxiv.org/api/query"   # arXiv's query API (the default)
    after_fetch = true                              # enrich new papers after each fetch
    batch_size = 100                                # ids per request (arXiv allows 2,000)

Enrichment needs no key and is on by default: without the table these defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_digest.core.arxiv_api import API_URL, MAX_IDS_PER_REQUEST
from tui_digest.fetch.config import Config, ConfigError, _line_of, load_config

KEYS = frozenset({"api_url", "after_fetch", "batch_size"})
# A query of 100 ids is a URL of ~1.3 KB; 2,000 would be ~26 KB, more than
# many servers and proxies accept in a request line.
DEFAULT_BATCH = 100


@dataclass(frozen=True, slots=True)
class EnrichConfig:
    api_url: str = API_URL
    after_fetch: bool = True
    batch_size: int = DEFAULT_BATCH
    path: Path | None = None


def load_enrich_config(path: str | Path | None = None) -> EnrichConfig:
    """[enrich] from the config file (defaults without a file or table); raises ConfigError."""
    return enrich_from(load_config(path, must_exist=path is not None))


def enrich_from(config: Config) -> EnrichConfig:
    text = config.path.read_text("utf-8") if config.exists else ""
    return parse_enrich(config.data.get("enrich"), where=config.path, text=text)


def parse_enrich(raw: Any, *, where: Path, text: str = "") -> EnrichConfig:
    if raw is None:
        return EnrichConfig(path=where)
    line = _line_of(text, "enrich") if text else 0
    at = f"{where}:{line}" if line else str(where)
    if not isinstance(raw, dict):
        raise ConfigError(f"{at}: [enrich] must be a table")
    unknown = set(raw) - KEYS
    if unknown:
        raise ConfigError(f"{at}: unknown key(s) in [enrich]: {', '.join(sorted(unknown))}")
    api_url = raw.get("api_url", API_URL)
    if not isinstance(api_url, str) or not api_url.strip():
        raise ConfigError(f"{at}: enrich.api_url must be a non-empty string")
    api_url = api_url.strip()
    problem = _url_problem(api_url)
    if problem:
        raise ConfigError(f"{at}: enrich.api_url: {problem}")
    after_fetch = raw.get("after_fetch", True)
    if not isinstance(after_fetch, bool):
        raise ConfigError(f"{at}: enrich.after_fetch must be true or false")
    batch = raw.get("batch_size", DEFAULT_BATCH)
    if (
        isinstance(batch, bool)
        or not isinstance(batch, int)
        or not 1 <= batch <= MAX_IDS_PER_REQUEST
    ):
        raise ConfigError(
            f"{at}: enrich.batch_size must be an integer from 1 to {MAX_IDS_PER_REQUEST}"
        )
    return EnrichConfig(api_url=api_url, after_fetch=after_fetch, batch_size=batch, path=where)


def _url_problem(url: str) -> str:
    if any(c in url for c in "\n\r\t\x00 "):
        return "the URL contains spaces or control characters"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL such as http://export.arxiv.org/api/query"
    if parts.username or parts.password:
        return "must not contain credentials"
    if parts.fragment:
        return "must not contain a #fragment"
    return ""
