"""[keys]: the user's own keys for the reader's bindings, by binding id (issue 16 item 9).

    [keys]
    "main.star" = "x"          # a binding id (the help screen lists them) = a key
    main.read = "r,ctrl+r"     # a dotted key is the same id; several keys: comma-separated

The reader hands these to Textual's keymap support (`App.set_keymap`, which
replaces a binding's keys by its id:
https://textual.textualize.io/api/app/#textual.app.App.set_keymap). Which ids
exist is the reader's business (`ui/keymap.py` warns about unknown ones); here
the table is only checked for shape, with file and line in every message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError
from tui_digest.config.toml_file import at, line_of, line_of_key

MAX_ENTRIES = 500


@dataclass(frozen=True, slots=True)
class KeyEntry:
    binding_id: str
    keys: str  # Textual key names, comma-separated
    line: int  # where the entry is in the file (0: unknown)


def parse_keys(path: Path, text: str, raw: Any) -> list[KeyEntry]:
    start = line_of(text, "keys")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{at(path, start)}: [keys] must be a table of binding id = key")
    entries: list[KeyEntry] = []
    for binding_id, value in _flatten(raw, ""):
        last = binding_id.rsplit(".", 1)[-1]
        line = line_of_key(text, binding_id, start) or line_of_key(text, last, start) or start
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f'{at(path, line)}: keys.{binding_id} must be a key such as "x" or "ctrl+r" '
                '(several: "x,ctrl+r")'
            )
        keys = ",".join(part.strip() for part in value.split(",") if part.strip())
        entries.append(KeyEntry(binding_id, keys, line))
        if len(entries) > MAX_ENTRIES:
            raise ConfigError(f"{at(path, start)}: [keys] has more than {MAX_ENTRIES} entries")
    return entries


def _flatten(table: Mapping[str, Any], prefix: str) -> list[tuple[str, Any]]:
    """`main.star = "x"` (a dotted key: a nested table in TOML) as ("main.star", "x")."""
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out += _flatten(value, name)
        else:
            out.append((name, value))
    return out
