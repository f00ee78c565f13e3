"""load_config(): the config file as a typed Config, with its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError, ConfigWarning, as_warning
from tui_digest.config.fetch_settings import FetchSettings, parse_fetch
from tui_digest.config.fields import unknown_keys
from tui_digest.config.keymap import KeyEntry, parse_keys
from tui_digest.config.paths import config_path
from tui_digest.config.reader_settings import ReaderSettings, parse_reader
from tui_digest.config.sources import DEFAULT_SOURCES, Source, parse_sources
from tui_digest.config.toml_file import parse_toml, read_toml
from tui_digest.config.watches import Watch, WatchTables, parse_watches


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
    # The [[watches]] tables left out (each also in `warnings`), by name: a bad
    # watch costs only itself, and `tui-digest watch NAME` names its problem.
    refused_watches: dict[str, ConfigWarning] = field(default_factory=dict)
    watch_names: list[str] = field(default_factory=list)  # each table's name, in file order
    keys: list[KeyEntry] = field(default_factory=list)  # [keys] binding id = key
    # [keys] entries left out (the reader names them with its own; the CLI prints them)
    key_warnings: list[ConfigWarning] = field(default_factory=list)
    # [reader] when it cannot be read: left out, said as [keys] entries are
    reader_warnings: list[ConfigWarning] = field(default_factory=list)

    @property
    def default_sources(self) -> bool:
        """True when the built-in sources are in use (the file has no `sources`)."""
        return "sources" not in self.data

    def enabled_sources(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def load_warned(path: str | Path | None = None, *, must_exist: bool = False) -> Config:
    """`load_config`, after printing its warnings on stderr, one line each (unknown
    keys, `[keys]` entries and `[[watches]]` tables left out): what every command
    that reads the config says (`cli_config`, and `publish`, which may not import
    the CLI's modules)."""
    import sys

    from tui_digest.core.sanitize import clean_line

    config = load_config(path, must_exist=must_exist)
    for warning in [*config.warnings, *config.key_warnings, *config.reader_warnings]:
        print(clean_line(str(warning), 1000), file=sys.stderr)
    return config


def load_config(path: str | Path | None = None, *, must_exist: bool = False) -> Config:
    """Read the config; without a file, the defaults. Raises ConfigError.

    Unknown keys do not stop anything: they are in `Config.warnings`, each naming
    the file, the line and the key (with a suggestion when one is close). Nor
    does a bad [[watches]] table: it is left out, with its warning there too;
    nor a bad `[keys]` entry or `[reader]` table (`key_warnings`, `reader_warnings`).
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
    watches = parse_watches(where, text, data["watches"]) if "watches" in data else WatchTables()
    keys, key_warnings = parse_keys(where, text, data["keys"]) if "keys" in data else ([], [])
    # Only the reader uses [reader]: an error in it stopped `fetch`, `watch`,
    # `sources` and the reader's own refresh (bug hunt s41 `auditconf` #10). It is
    # left out with a warning, as the reader leaves it out (`load_reader_tables`).
    reader_warnings: list[ConfigWarning] = []
    try:
        reader = parse_reader(where, text, data.get("reader", {}))
    except ConfigError as error:
        reader = ReaderSettings(auto_read=False)
        reader_warnings.append(as_warning(error, where, READER_DROPPED))
    return Config(
        where,
        True,
        list(DEFAULT_SOURCES) if sources is None else sources,
        fetch,
        data,
        text,
        [*unknown_keys(where, text, data), *fetch.warnings, *watches.warnings],
        reader=reader,
        watches=watches.watches,
        refused_watches=watches.refused,
        watch_names=watches.names,
        keys=keys,
        key_warnings=key_warnings,
        reader_warnings=reader_warnings,
    )


# What stands instead of a reader table that cannot be used, said with its error.
READER_DROPPED = "[reader] is not used until it is fixed: only m marks papers read"
KEYS_DROPPED = "[keys] is not used until it is fixed: the default keys apply"


@dataclass(slots=True)
class ReaderTables:
    """`[reader]` and `[keys]`, each read on its own (the reader's settings).

    An error elsewhere (`[fetch] interval_minutes = "30"`) made `load_config`
    fail, and the reader then used its defaults: `auto_read = false` was on
    again and papers were marked read against it, every `[keys]` remap gone,
    with no word of either (found by a bug hunt). A table that is itself
    broken is left out with a message naming its error and what stands
    instead: for `[reader]`, no read timer (what the user wanted cannot be
    told, and a paper marked read by mistake cannot be told from one read).
    """

    path: Path
    reader: ReaderSettings = field(default_factory=ReaderSettings)
    keys: list[KeyEntry] = field(default_factory=list)
    key_warnings: list[ConfigWarning] = field(default_factory=list)  # entries left out
    reader_dropped: str = ""  # why [reader] is not used, and what stands instead
    keys_dropped: str = ""  # the same for [keys] (a file that is no TOML)


def load_reader_tables(path: str | Path | None = None) -> ReaderTables:
    """The reader's tables of the config, never raising ConfigError."""
    where = config_path(path)
    try:
        file = read_toml(where)
    except ConfigError as error:  # not TOML, not readable: neither table can be read
        return ReaderTables(
            where,
            ReaderSettings(auto_read=False),
            reader_dropped=f"{error}; {READER_DROPPED}",
            keys_dropped=f"{error}; {KEYS_DROPPED}",
        )
    tables = ReaderTables(file.path)
    if not file.exists:
        return tables
    try:
        tables.reader = parse_reader(file.path, file.text, file.data.get("reader", {}))
    except ConfigError as error:
        tables.reader = ReaderSettings(auto_read=False)
        tables.reader_dropped = f"{error}; {READER_DROPPED}"
    if "keys" in file.data:  # (its bad entries are warnings, never an error)
        tables.keys, tables.key_warnings = parse_keys(file.path, file.text, file.data["keys"])
    return tables
