"""The [enrich] table of the config file (the same file as [fetch] and [[sources]]).

    [enrich]
    api_url = "http://export.arxiv.org/api/query"   # arXiv's query API (the default)
    after_fetch = true                              # enrich new papers after each fetch or refresh
    batch_size = 100                                # ids per request (arXiv allows 2,000)

Enrichment needs no key and is on by default: without the table these defaults
apply. Unknown keys are warned about by `load_config`, like in every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_digest.config.errors import ConfigError
from tui_digest.config.fields import Table
from tui_digest.config.loader import Config, load_config
from tui_digest.config.toml_file import at, line_of
from tui_digest.core.arxiv_api import API_URL, MAX_IDS_PER_REQUEST

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
    return parse_enrich(config.data.get("enrich"), where=config.path, text=config.text)


def parse_enrich(raw: Any, *, where: Path, text: str = "") -> EnrichConfig:
    if raw is None:
        return EnrichConfig(path=where)
    line = line_of(text, "enrich") if text else 0
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{at(where, line)}: [enrich] must be a table")
    table = Table(raw, name="enrich", path=where, line=line, text=text)
    api_url = table.string("api_url", API_URL)
    problem = _url_problem(api_url)
    if problem:
        raise table.error("api_url", problem)
    return EnrichConfig(
        api_url=api_url,
        after_fetch=table.boolean("after_fetch", True),
        batch_size=table.integer("batch_size", DEFAULT_BATCH, 1, MAX_IDS_PER_REQUEST),
        path=where,
    )


def _url_problem(url: str) -> str:
    if not url or any(c in url for c in "\n\r\t\x00 "):
        return "must be a URL without spaces or control characters"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL such as http://export.arxiv.org/api/query"
    if parts.username or parts.password:
        return "must not contain credentials"
    if parts.fragment:
        return "must not contain a #fragment"
    return ""
