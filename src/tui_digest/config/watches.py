"""[[watches]]: named queries (issue 10 req 5), read from and saved to the config.

    [[watches]]
    name = "agents"
    query = "agent 规划 -survey"

A watch is a query of the search language (core/query.py); a malformed one is
refused with the file, line and the parser's message. `save_watch` adds or
replaces one watch with tomlkit, so the user's comments and layout survive
(the reader's ctrl+s); like `editing.save_sources`, the result is read back
and compared before it atomically replaces the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError
from tui_digest.config.paths import config_path
from tui_digest.config.schema import WATCH_KEYS as WATCH_KEYS
from tui_digest.config.toml_file import at, line_of, read_toml
from tui_digest.core.atomic_file import write_atomic


@dataclass(frozen=True, slots=True)
class Watch:
    name: str
    query: str


def parse_watches(path: Path, text: str, raw: Any) -> list[Watch]:
    from tui_digest.core.query import QueryError, parse_query

    if not isinstance(raw, list):
        raise ConfigError(
            f"{at(path, line_of(text, 'watches'))}: 'watches' must be [[watches]] tables"
        )
    watches: list[Watch] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"{at(path, line_of(text, 'watches', index))}: watches[{index + 1}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: each watch must be a table with name and query")
        name, query = entry.get("name"), entry.get("query")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' must be a non-empty string")
        if not isinstance(query, str) or not query.strip():
            raise ConfigError(f"{where}: watch {name!r}: 'query' must be a non-empty string")
        try:
            parse_query(query)
        except QueryError as exc:
            raise ConfigError(f"{where}: watch {name!r}: {exc}") from None
        if name.strip() in seen:
            raise ConfigError(f"{where}: duplicate watch name {name.strip()!r}")
        seen.add(name.strip())
        watches.append(Watch(name.strip(), query.strip()))
    return watches


def save_watch(path: str | Path | None, watch: Watch) -> Path:
    """Add `watch` to the config (replacing the query of a watch of that name)."""
    import tomlkit

    from tui_digest.config.loader import load_config

    where = config_path(path)
    config = load_config(where)  # refuses (ConfigError) to edit a file it cannot read
    doc = tomlkit.parse(config.text) if config.exists else tomlkit.document()
    expected = dict(read_toml(where).data) if config.exists else {}
    tables = [dict(t) for t in expected.get("watches", [])]
    current = doc.get("watches")
    if isinstance(current, tomlkit.items.AoT):
        for i, table in enumerate(current):
            if table.get("name") == watch.name:
                table["query"] = watch.query
                tables[i]["query"] = watch.query
                break
        else:
            current.append(_table(watch))
            tables.append({"name": watch.name, "query": watch.query})
    else:
        aot = tomlkit.aot()
        aot.append(_table(watch))
        doc["watches"] = aot
        tables = [{"name": watch.name, "query": watch.query}]
    expected["watches"] = tables
    text = tomlkit.dumps(doc)
    if tomllib.loads(text) != expected:  # pragma: no cover - tomlkit's own bug
        raise ConfigError(f"{where}: could not write the config faithfully")
    where.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(where, text, overwrite=True)
    return where


def _table(watch: Watch) -> Any:
    import tomlkit

    table = tomlkit.table()
    table.add("name", watch.name)
    table.add("query", watch.query)
    table.add(tomlkit.nl())
    return table
