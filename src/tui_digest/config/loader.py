"""load_config(): the config file as a typed Config, with its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigWarning
from tui_digest.config.fetch_settings import FetchSettings, parse_fetch
from tui_digest.config.fields import unknown_keys
from tui_digest.config.keymap import KeyEntry, parse_keys
from tui_digest.config.paths import config_path
from tui_digest.config.reader_settings import ReaderSettings, parse_reader
from tui_digest.config.sources import DEFAULT_SOURCES, Source, parse_sources
from tui_digest.config.toml_file import parse_toml, read_toml
from tui_digest.config.watches import Watch, parse_watches


@dataclass(slots=True)
class Config:
    path: Path
    exists: bool
    sources: list[Source]
    fetch: FetchSettings
    data: dict[str, Any] = field(default_factory=dict)  # the whole file as read
    text: str = ""  # the file's text, for line numbers in later messages
    warnings: list[ConfigWarning] = field(default_factory=list)
    reader: ReaderSettings = field(default_factory=ReaderSettings)
    watches: list[Watch] = field(default_factory=list)  # [[watches]] named queries
    keys: list[KeyEntry] = field(default_factory=list)  # [keys] binding id = key

    @property
    def default_sources(self) -> bool:
        """True when the built-in sources are in use (the file has no `sources`)."""
        return "sources" not in self.data

    def enabled_sources(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def load_config(path: str | Path | None = None, *, must_exist: bool = False) -> Config:
    """Read the config; without a file, the defaults. Raises ConfigError.

    Unknown keys do not stop anything: they are in `Config.warnings`, each naming
    the file, the line and the key (with a suggestion when one is close).
    """
    file = read_toml(config_path(path), must_exist=must_exist)
    if not file.exists:
        return Config(file.path, False, list(DEFAULT_SOURCES), FetchSettings())
    return _config(file.path, file.text, file.data)


def config_from_text(where: Path, text: str) -> Config:
    """The Config that `text` would be as the file `where`: an edit is checked
    with it before it is written. Raises ConfigError, as `load_config`."""
    return _config(where, text, parse_toml(where, text))


def _config(where: Path, text: str, data: dict[str, Any]) -> Config:
    fetch = parse_fetch(where, text, data.get("fetch", {}))
    sources = parse_sources(where, text, data["sources"]) if "sources" in data else None
    watches = parse_watches(where, text, data["watches"]) if "watches" in data else []
    return Config(
        where,
        True,
        list(DEFAULT_SOURCES) if sources is None else sources,
        fetch,
        data,
        text,
        unknown_keys(where, text, data),
        reader=parse_reader(where, text, data.get("reader", {})),
        watches=watches,
        keys=parse_keys(where, text, data["keys"]) if "keys" in data else [],
    )
