"""Changing the user's config file with tomlkit, so that comments and layout survive.

The program writes `sources` (OPML import, `sources rm`) and `watches`
(`save_watch`). When the
new list only adds sources after the existing ones, the new `[[sources]]`
tables go after the last one's own lines, above the comment of the table that
follows (config/toml_lines.py; in a list written inline, `sources = [ {…} ]`,
inline tables are appended) and everything already there stays byte for byte,
as written (a default spelled out, an unknown key); a removal takes
out the one entry (config/toml_lines.py); otherwise the `sources` value is
replaced where it stands. Either way the
result is read back with the loader and compared before it replaces the old
file (atomically; config/writing.py): an edit the loader would refuse writes
nothing. Each edit reads and writes the file under its edit lock
(config/config_lock.py): two at once both land.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui_digest.config.config_lock import config_locked
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import Config, load_config
from tui_digest.config.paths import config_path
from tui_digest.config.sources import Source, source_table
from tui_digest.config.toml_file import at, line_of
from tui_digest.config.toml_lines import with_array_tables, without_array_table
from tui_digest.config.watches import Watch, watch_problem
from tui_digest.config.writing import write_edited


def save_sources(path: str | Path | None, sources: list[Source]) -> Path:
    """Write `sources` into the config file, keeping every other key and comment.

    A caller that chose `sources` from the config it read holds the config's
    lock from that read on (`config_locked`), or another edit meanwhile is lost."""
    with config_locked(path):
        return _save_sources(config_path(path), sources)


def _save_sources(where: Path, sources: list[Source]) -> Path:
    import tomlkit

    config = load_config(where)  # refuses (ConfigError) to edit a file it cannot read
    doc = tomlkit.parse(config.text) if config.exists else tomlkit.document()
    old = config.sources if "sources" in config.data else []
    tables = [source_table(s) for s in sources]
    current = doc.get("sources")
    lists = (tomlkit.items.AoT, tomlkit.items.Array)
    kept = [i for i, s in enumerate(old) if s in sources]
    # The entries the edit keeps, as the file holds them: a source that spells out
    # a default (`enabled = true`), has an unknown key or a name with a space
    # around it is itself, not its `source_table` (the edit was refused as "not
    # faithful" when compared with that; bug hunt s41 `auditconf` #1).
    written: list[Any] | None = None
    if isinstance(current, lists) and sources[: len(old)] == old and len(old) > 0:
        written = [*config.data["sources"], *tables[len(old) :]]
        if isinstance(current, tomlkit.items.AoT):  # above the next table's comment
            meant = {**config.data, "sources": written}
            text = _appended(config.text, "sources", len(old), tables[len(old) :], meant)
            if text is not None:
                return write_edited(where, text, lambda edited: edited.data == meant)
        # `sources = [ {…}, # comment ]` stays an inline array, [[sources]] stay tables
        inline = isinstance(current, tomlkit.items.Array)
        for table in tables[len(old) :]:
            current.append(_inline(table) if inline else _table(table))
    elif isinstance(current, tomlkit.items.Array) and [old[i] for i in kept] == sources:
        written = [config.data["sources"][i] for i in kept]
        for i in reversed(range(len(old))):  # removed only: the other entries' comments stay
            if i not in kept:
                del current[i]
    elif tables:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(_table(table))
        doc["sources"] = aot
    else:
        doc["sources"] = tomlkit.array()  # `sources = []`: no sources (not the defaults)
    expected = {**config.data, "sources": tables if written is None else written}
    return write_edited(where, tomlkit.dumps(doc), lambda edited: edited.data == expected)


def remove_source(path: str | Path | None, name: str) -> Path:
    """Remove the source called `name` from the config file, with the comment lines
    directly above it, keeping every other table and comment byte for byte; a
    ConfigError when there is none by that name.

    A config without `sources` uses the built-in defaults: removing one of
    them writes the others out (the user has now chosen the list).
    """
    with config_locked(path):
        return _remove_source(config_path(path), name)


def _remove_source(where: Path, name: str) -> Path:
    import tomlkit

    config = load_config(where)
    names = [s.name for s in config.sources]
    if name not in names:
        raise ConfigError(f"{where}: no source named {name!r} (see `tui-digest sources`)")
    current = tomlkit.parse(config.text).get("sources") if config.exists else None
    if not isinstance(current, tomlkit.items.AoT):
        return _save_sources(where, [s for s in config.sources if s.name != name])
    index = names.index(name)
    expected = dict(config.data)
    expected["sources"] = [t for i, t in enumerate(config.data["sources"]) if i != index]
    # Its own comment lines go with it and the next source keeps its own (toml_lines);
    # when the text cannot be cut so (or the last source goes: `sources = []`),
    # tomlkit removes the table and the comments stay where tomlkit keeps them.
    text = without_array_table(config.text, "sources", index, len(names))
    if text is None or not _reads_as(text, expected):
        doc = tomlkit.parse(config.text)
        del doc["sources"][index]
        text = tomlkit.dumps(doc)
    return write_edited(where, text, lambda edited: edited.data == expected)


def _appended(
    text: str, name: str, count: int, tables: list[dict[str, Any]], expected: dict[str, Any]
) -> str | None:
    """`text` with `tables` as `[[name]]` tables after its last one and before the
    comment lines of the table that follows (toml_lines), when it reads back as
    `expected`; else None (tomlkit appends them then)."""
    import tomlkit

    written = []
    for table in tables:  # one blank line between them, as `_table` parts them
        doc = tomlkit.document()
        doc.add(name, tomlkit.aot())
        doc[name].append(table)
        written.append(tomlkit.dumps(doc).strip("\n"))
    edited = with_array_tables(text, name, count, "\n\n".join(written))
    return edited if edited is not None and _reads_as(edited, expected) else None


def _inline(values: dict[str, Any]) -> Any:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(values)
    return table


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        return tomllib.loads(text) == expected
    except tomllib.TOMLDecodeError:
        return False


def _table(values: dict[str, Any]) -> Any:
    import tomlkit

    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    table.add(tomlkit.nl())  # a blank line before whatever follows, as a person would write
    return table


def save_watch(path: str | Path | None, watch: Watch) -> Path:
    """Add `watch` to the config (replacing the query of a watch of that name).

    The reader's ctrl+s. The watch of that name is the one the loader calls so
    (it strips names: `"agents "` is "agents"). As with `save_sources`, the text
    is read back with the loader and compared before it atomically replaces
    the file; a watch the loader would refuse is refused, and nothing written.
    """
    with config_locked(path):
        return _save_watch(config_path(path), Watch(watch.name.strip(), watch.query.strip()))


def _save_watch(where: Path, watch: Watch) -> Path:
    import tomlkit

    config = load_config(where)  # refuses (ConfigError) to edit a file it cannot read
    doc = tomlkit.parse(config.text) if config.exists else tomlkit.document()
    expected = dict(config.data)
    _refuse_odd_watches(config)
    tables = [dict(t) for t in expected.get("watches", [])]
    problem = watch_problem(watch.name, watch.query)
    if problem:  # (a watch the loader would leave out)
        raise ConfigError(f"{where}: not saved (the file is unchanged): {problem}")
    # One per table, as the loader reads them (a table it left out too: saving
    # its name mends it).
    names = config.watch_names
    index = names.index(watch.name) if watch.name in names else None
    current = doc.get("watches")
    entry = {"name": watch.name, "query": watch.query}
    if isinstance(current, (tomlkit.items.AoT, tomlkit.items.Array)):
        if index is not None:
            current[index]["query"] = watch.query
            tables[index]["query"] = watch.query
        else:  # `watches = [ {...} ]` stays an inline array, [[watches]] tables stay tables
            count = len(tables)
            tables.append(entry)
            expected["watches"] = tables
            if isinstance(current, tomlkit.items.AoT):  # above the next table's comment
                text = _appended(config.text, "watches", count, [entry], expected)
                if text is not None:
                    return write_edited(where, text, lambda edited: edited.data == expected)
            inline = isinstance(current, tomlkit.items.Array)
            current.append(_inline(entry) if inline else _table(entry))
    else:
        aot = tomlkit.aot()
        aot.append(_table(entry))
        doc["watches"] = aot
        tables = [entry]
    expected["watches"] = tables
    return write_edited(where, tomlkit.dumps(doc), lambda edited: edited.data == expected)


def _refuse_odd_watches(config: Config) -> None:
    """A ConfigError when the file's `watches` is no list of tables (`[watches]` with
    `name = "query"` lines, `watches = ["agent"]`): where would the new one go? It
    was answered with Python's own words ("dictionary update sequence element #0
    has length 1; 2 is required"; bug hunt s41 `auditconf` #11)."""
    if "watches" not in config.data:
        return
    raw, line = config.data["watches"], line_of(config.text, "watches")
    if not isinstance(raw, list):
        problem = f"'watches' is {_kind(raw)}, not [[watches]] tables"
    else:
        odd = [i for i, entry in enumerate(raw) if not isinstance(entry, Mapping)]
        if not odd:
            return
        line = line_of(config.text, "watches", odd[0]) or line
        problem = f"watches[{odd[0] + 1}] is not a table with name and query"
    raise ConfigError(
        f"{at(config.path, line)}: not saved (the file is unchanged): {problem}; "
        "fix it to save a watch"
    )


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "a date or time"
