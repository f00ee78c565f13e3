"""[[watches]]: named queries (issue 10 req 5), read from and saved to the config.

    [[watches]]
    name = "agents"
    query = "agent 规划 -survey"

A watch is a query of the search language (core/query.py); a malformed one is
refused with the file, line and the parser's message. `save_watch` adds or
replaces one watch with tomlkit (config/editing.py), so the user's comments
and layout survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError
from tui_digest.config.schema import WATCH_KEYS as WATCH_KEYS
from tui_digest.config.toml_file import at, line_of, line_of_key


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
        header = line_of(text, "watches", index)
        where = f"{at(path, header)}: watches[{index + 1}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: each watch must be a table with name and query")
        name, query = entry.get("name"), entry.get("query")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' must be a non-empty string")
        # A bad query is named at its own `query =` line, not the table's header
        # (found by a bug hunt); the header when it cannot be found (an inline table).
        query_line = line_of_key(text, "query", header) if header else 0
        following = line_of(text, "watches", index + 1)
        if following and query_line > following:
            query_line = 0  # (the next watch's: this one has none)
        at_query = f"{at(path, query_line)}: watches[{index + 1}]" if query_line else where
        if not isinstance(query, str) or not query.strip():
            raise ConfigError(f"{where}: watch {name!r}: 'query' must be a non-empty string")
        try:
            parsed = parse_query(query)
        except QueryError as exc:
            raise ConfigError(f"{at_query}: watch {name!r}: {exc}") from None
        if parsed.related is not None:
            # `tui-digest watch` cannot answer it (it lists papers of the search
            # language only): said here, not when it stopped the other watches.
            raise ConfigError(
                f"{at_query}: watch {name!r}: related:ID lists similar papers only in the "
                "reader and `search`, not in a watch"
            )
        if name.strip() in seen:
            raise ConfigError(f"{where}: duplicate watch name {name.strip()!r}")
        seen.add(name.strip())
        watches.append(Watch(name.strip(), query.strip()))
    return watches
