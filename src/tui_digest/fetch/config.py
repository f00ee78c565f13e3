"""The sources to fetch and how, read from the TOML config file.

    [fetch]
    interval_minutes = 60        # refresh while the reader runs; 0 or absent = off
    concurrency = 4
    per_host_interval = 1.0      # seconds between requests to one host (arXiv: >= 3 always)
    # or per host:  [fetch.per_host_interval]  "example.org" = 2.0

    [[sources]]
    name = "cs.AI digest"
    url = "https://raw.githubusercontent.com/liuchengxu/cn-chat-arxiv/master/cs.AI.md"
    kind = "digest"              # auto (default), digest, digest-feed, arxiv, feed
    enabled = true               # default

`file://` URLs and plain local paths are allowed as source URLs. Without a
config file the defaults below are used.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_digest.core import paths
from tui_digest.fetch import toml_writer
from tui_digest.fetch.http import HttpOptions

KINDS = ("auto", "digest", "digest-feed", "arxiv", "feed")

# The public bilingual digests (raw Markdown of the cn-chat-arxiv repository,
# rewritten daily) and arXiv's own RSS feeds for the same three categories.
DIGEST_URL = "https://raw.githubusercontent.com/liuchengxu/cn-chat-arxiv/master/{category}.md"
ARXIV_RSS_URL = "https://rss.arxiv.org/rss/{category}"
DEFAULT_CATEGORIES = ("cs.AI", "cs.CL", "cs.LG")


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and, when known, the line."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    kind: str = "auto"
    enabled: bool = True

    @property
    def format(self) -> str | None:
        """The reader format to force, or None to let the readers detect it."""
        return None if self.kind == "auto" else self.kind


DEFAULT_SOURCES: tuple[Source, ...] = (
    *(Source(f"digest-{c}", DIGEST_URL.format(category=c), "digest") for c in DEFAULT_CATEGORIES),
    *(Source(f"arxiv-{c}", ARXIV_RSS_URL.format(category=c), "arxiv") for c in DEFAULT_CATEGORIES),
)


@dataclass(slots=True)
class FetchSettings:
    interval_minutes: float = 0.0
    concurrency: int = 4
    default_host_interval: float = 0.0
    host_intervals: dict[str, float] = field(default_factory=dict)

    def http_options(self, **overrides: Any) -> HttpOptions:
        options = HttpOptions(
            concurrency=self.concurrency,
            default_host_interval=self.default_host_interval,
            host_intervals=dict(self.host_intervals),
        )
        for name, val in overrides.items():
            setattr(options, name, val)
        return options


@dataclass(slots=True)
class Config:
    path: Path
    exists: bool
    sources: list[Source]
    fetch: FetchSettings
    data: dict[str, Any] = field(default_factory=dict)  # the whole file as read

    def enabled_sources(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def config_path(path: str | Path | None = None) -> Path:
    return Path(path).expanduser() if path else paths.default_config_path()


def load_config(path: str | Path | None = None, *, must_exist: bool = False) -> Config:
    """Read the config; without a file, the defaults. Raises ConfigError."""
    where = config_path(path)
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"{where}: config file not found") from None
        return Config(where, False, list(DEFAULT_SOURCES), FetchSettings())
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)".
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    return _parse(where, text, data)


def _parse(where: Path, text: str, data: dict[str, Any]) -> Config:
    fetch = _parse_fetch(where, text, data.get("fetch", {}))
    if "sources" not in data:
        return Config(where, True, list(DEFAULT_SOURCES), fetch, data)
    raw_sources = data["sources"]
    if not isinstance(raw_sources, list):
        raise ConfigError(
            f"{where}:{_line_of(text, 'sources')}: 'sources' must be [[sources]] tables"
        )
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw_sources):
        source = _parse_source(where, text, index, entry)
        if source.name in seen:
            raise ConfigError(
                f"{_where_source(where, text, index)}: duplicate source name {source.name!r}"
            )
        seen.add(source.name)
        sources.append(source)
    return Config(where, True, sources, fetch, data)


def _parse_source(where: Path, text: str, index: int, entry: Any) -> Source:
    at = _where_source(where, text, index)
    if not isinstance(entry, dict):
        raise ConfigError(f"{at}: each source must be a table with name and url")
    unknown = set(entry) - {"name", "url", "kind", "enabled"}
    if unknown:
        raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}")
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{at}: 'name' must be a non-empty string")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{at}: source {name!r}: 'url' must be a non-empty string")
    problem = url_problem(url.strip())
    if problem:
        raise ConfigError(f"{at}: source {name!r}: {problem}")
    kind = entry.get("kind", "auto")
    if kind not in KINDS:
        raise ConfigError(
            f"{at}: source {name!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}"
        )
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{at}: source {name!r}: 'enabled' must be true or false")
    return Source(name.strip(), url.strip(), kind, enabled)


def _parse_fetch(where: Path, text: str, raw: Any) -> FetchSettings:
    at = f"{where}:{_line_of(text, 'fetch')}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{at}: [fetch] must be a table")
    settings = FetchSettings()
    interval = raw.get("interval_minutes", 0)
    if not _is_number(interval) or interval < 0:
        raise ConfigError(f"{at}: fetch.interval_minutes must be a number >= 0")
    settings.interval_minutes = float(interval)
    concurrency = raw.get("concurrency", settings.concurrency)
    if (
        isinstance(concurrency, bool)
        or not isinstance(concurrency, int)
        or not 1 <= concurrency <= 64
    ):
        raise ConfigError(f"{at}: fetch.concurrency must be an integer from 1 to 64")
    settings.concurrency = concurrency
    per_host = raw.get("per_host_interval", 0)
    if _is_number(per_host) and per_host >= 0:
        settings.default_host_interval = float(per_host)
    elif isinstance(per_host, dict):
        for host, seconds in per_host.items():
            if not _is_number(seconds) or seconds < 0:
                raise ConfigError(
                    f"{at}: fetch.per_host_interval.{host} must be a number of seconds >= 0"
                )
            if host == "default":
                settings.default_host_interval = float(seconds)
            else:
                settings.host_intervals[host.lower()] = float(seconds)
    else:
        raise ConfigError(
            f"{at}: fetch.per_host_interval must be seconds >= 0 or a table of host = seconds"
        )
    unknown = set(raw) - {"interval_minutes", "concurrency", "per_host_interval"}
    if unknown:
        raise ConfigError(f"{at}: unknown key(s) in [fetch]: {', '.join(sorted(unknown))}")
    return settings


def url_problem(url: str) -> str:
    """Why `url` cannot be a source, or "" when it can."""
    if any(c in url for c in "\n\r\t\x00"):
        return "the url contains control characters"
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        return "" if urlsplit(url).hostname else "the url has no host"
    if scheme == "file" or len(scheme) <= 1:  # file URL, plain path, or a Windows drive
        return ""
    return f"unsupported URL scheme {scheme!r} (use http, https, file or a local path)"


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _line_of(text: str, table: str, nth: int = 0) -> int:
    """The 1-based line of the `nth` [table] or [[table]] header, or of `table =` (0 if absent)."""
    pattern = re.compile(
        rf"^[ \t]*(\[\[?\s*\"?{re.escape(table)}\"?\s*\]\]?|{re.escape(table)}\s*=)", re.M
    )
    for count, match in enumerate(pattern.finditer(text)):
        if count == nth:
            return text.count("\n", 0, match.start()) + 1
    return 0


def _where_source(where: Path, text: str, index: int) -> str:
    line = _line_of(text, "sources", index)
    return f"{where}:{line}: sources[{index + 1}]" if line else f"{where}: sources[{index + 1}]"


# --- Writing -------------------------------------------------------------------

_SOURCES_HEADER = re.compile(r"^\s*\[\[\s*\"?sources\"?\s*\]\]\s*(#.*)?$")
_SOURCES_SUBTABLE = re.compile(r"^\s*\[\[?\s*\"?sources\"?\s*\.")
_ANY_HEADER = re.compile(r"^\s*\[")


def source_table(source: Source) -> dict[str, Any]:
    table: dict[str, Any] = {"name": source.name, "url": source.url}
    if source.kind != "auto":
        table["kind"] = source.kind
    if not source.enabled:
        table["enabled"] = False
    return table


def render_sources(sources: list[Source]) -> str:
    return toml_writer.dumps({"sources": [source_table(s) for s in sources]})


def save_sources(path: str | Path | None, sources: list[Source]) -> Path:
    """Write `sources` into the config file atomically, keeping every other section.

    The [[sources]] blocks are replaced in the text, so comments elsewhere survive;
    when the file's layout defeats that (an inline `sources = [...]`, say), the
    whole file is rewritten from its parsed data. Either way the result is read
    back and compared before it replaces the old file.
    """
    where = config_path(path)
    text = ""
    data: dict[str, Any] = {}
    if where.exists():
        config = load_config(where)
        text, data = where.read_text("utf-8"), config.data
    expected = {k: v for k, v in data.items() if k != "sources"}
    expected["sources"] = [source_table(s) for s in sources]
    new_text = _replace_sources_text(text, sources)
    if not _reads_as(new_text, expected):
        new_text = toml_writer.dumps(expected)
        if not _reads_as(new_text, expected):  # pragma: no cover - the writer's own bug
            raise ConfigError(f"{where}: could not write the config faithfully")
    _atomic_write(where, new_text)
    return where


def _replace_sources_text(text: str, sources: list[Source]) -> str:
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        if _SOURCES_HEADER.match(line):
            inside = True
        elif inside and _ANY_HEADER.match(line) and not _SOURCES_SUBTABLE.match(line):
            inside = False
        if not inside:
            kept.append(line)
    body = "\n".join(kept).rstrip()
    block = render_sources(sources).rstrip() if sources else ""
    return (body + "\n\n" + block).strip() + "\n"


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        got = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return got == expected


def _atomic_write(where: Path, text: str) -> None:
    where.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{where.name}.", suffix=".tmp", dir=where.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if where.exists():
            os.chmod(tmp, where.stat().st_mode & 0o777)
        os.replace(tmp, where)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
