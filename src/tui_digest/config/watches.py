"""[[watches]]: named queries (issue 10 req 5), read from and saved to the config.

    [[watches]]
    name = "agents"
    query = "agent 规划 -survey"

A watch is a query of the search language (core/query.py); a malformed one is
left out with a warning naming the file, line and the parser's message (the
other watches, and every command, go on); `tui-digest watch NAME` refuses it. `save_watch` adds or
replaces one watch with tomlkit (config/editing.py), so the user's comments
and layout survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigWarning
from tui_digest.config.schema import WATCH_KEYS as WATCH_KEYS
from tui_digest.config.toml_file import line_of, line_of_key


@dataclass(frozen=True, slots=True)
class Watch:
    name: str
    query: str


LEFT_OUT = "this watch is left out"


@dataclass(slots=True)
class WatchTables:
    """The usable watches, and a warning for each table that is not one.

    A bad watch costs only that watch: one malformed query once made the whole
    config unusable, so `fetch`, `enrich`, `sources` and every other watch exited
    2 and the reader showed no sources (found by a bug hunt), as `[keys]` had
    done before (config/keymap.py).
    """

    watches: list[Watch] = field(default_factory=list)
    warnings: list[ConfigWarning] = field(default_factory=list)
    refused: dict[str, ConfigWarning] = field(default_factory=dict)  # name -> why left out
    names: list[str] = field(default_factory=list)  # each table's name ("": none), in order


def watch_problem(name: object, query: object) -> str:
    """What makes `name = query` no watch ("" when it is one)."""
    from tui_digest.core.query import QueryError, parse_query

    if not isinstance(name, str) or not name.strip():
        return "'name' must be a non-empty string"
    if not isinstance(query, str) or not query.strip():
        return f"watch {name.strip()!r}: 'query' must be a non-empty string"
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        return f"watch {name.strip()!r}: {exc}"
    if parsed.related is not None:
        # `tui-digest watch` cannot answer it (it lists papers of the search
        # language only): said here, not when it stopped the other watches.
        return (
            f"watch {name.strip()!r}: related:ID lists similar papers only in the "
            "reader and `search`, not in a watch"
        )
    return ""


def parse_watches(path: Path, text: str, raw: Any) -> WatchTables:
    """Every [[watches]] table as a Watch, or as a warning naming file, line and problem."""
    tables = WatchTables()
    if not isinstance(raw, list):
        message = "'watches' must be [[watches]] tables; left out, no watch is used"
        tables.warnings.append(ConfigWarning(path, line_of(text, "watches"), message))
        return tables
    for index, entry in enumerate(raw):
        header = line_of(text, "watches", index)
        if not isinstance(entry, Mapping):
            tables.names.append("")
            message = f"watches[{index + 1}]: each watch must be a table with name and query"
            tables.warnings.append(ConfigWarning(path, header, f"{message}; {LEFT_OUT}"))
            continue
        name, query = entry.get("name"), entry.get("query")
        named = name.strip() if isinstance(name, str) else ""
        tables.names.append(named)
        line, problem = header, watch_problem(name, query)
        if problem and isinstance(query, str) and query.strip() and header:
            # A bad query is named at its own `query =` line, not the table's header
            # (found by a bug hunt); the header when it cannot be found (an inline table).
            query_line = line_of_key(text, "query", header)
            following = line_of(text, "watches", index + 1)
            if query_line and not (following and query_line > following):
                line = query_line
        known = named in tables.refused or any(w.name == named for w in tables.watches)
        if not problem and known:
            problem = f"duplicate watch name {named!r}"
        if problem:
            warning = ConfigWarning(path, line, f"watches[{index + 1}]: {problem}; {LEFT_OUT}")
            tables.warnings.append(warning)
            if named and not known:  # (a duplicate of a usable watch leaves it usable)
                tables.refused[named] = warning
            continue
        tables.watches.append(Watch(named, query.strip()))  # type: ignore[union-attr]
    return tables
