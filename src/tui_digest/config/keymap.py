"""[keys]: the user's own keys for the reader's bindings, by binding id (issue 16 item 9).

    [keys]
    "main.star" = "x"          # a binding id (the help screen lists them) = a key
    main.read = "r,ctrl+r"     # a dotted key is the same id; several keys: comma-separated

The reader hands these to Textual's keymap support (`App.set_keymap`, which
replaces a binding's keys by its id:
https://textual.textualize.io/api/app/#textual.app.App.set_keymap). Which ids
exist is the reader's business (`ui/keymap.py` warns about unknown ones); here
the table is only checked for shape, with file and line in every message. A bad
entry is a warning, never an error: no command but the reader reads the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigWarning
from tui_digest.config.toml_file import line_of, line_of_key

MAX_ENTRIES = 500


@dataclass(frozen=True, slots=True)
class KeyEntry:
    binding_id: str
    keys: str  # Textual key names, comma-separated
    line: int  # where the entry is in the file (0: unknown)


def parse_keys(path: Path, text: str, raw: Any) -> tuple[list[KeyEntry], list[ConfigWarning]]:
    """The entries, and a warning for each that cannot be one (its default stays).

    Never an error: the table is the reader's, and a bad entry once made every
    command that reads the config exit 2, a cron `fetch` too (found by a bug hunt).
    """
    start = line_of(text, "keys")
    if not isinstance(raw, Mapping):
        message = "[keys] must be a table of binding id = key; ignored, the default keys apply"
        return [], [ConfigWarning(path, start, message)]
    entries: list[KeyEntry] = []
    warnings: list[ConfigWarning] = []
    seen: dict[str, int] = {}  # binding id -> the line of its first entry
    for binding_id, value in _flatten(raw, ""):
        if len(entries) == MAX_ENTRIES:
            message = f"[keys] has more than {MAX_ENTRIES} entries; the rest are ignored"
            warnings.append(ConfigWarning(path, start, message))
            break
        last = binding_id.rsplit(".", 1)[-1]
        line = line_of_key(text, binding_id, start) or line_of_key(text, last, start) or start
        if binding_id in seen:
            # `"main.star" = "x"` and `main.star = "y"` (or `main = {star = "y"}`) are
            # two TOML keys for one binding: the later silently won (found by a bug hunt).
            after = seen[binding_id] + 1
            later = line_of_key(text, binding_id, after) or line_of_key(text, last, after) or line
            message = (
                f"keys.{binding_id} is given twice (first at line {seen[binding_id]}); "
                "this one is ignored"
            )
            warnings.append(ConfigWarning(path, later, message))
            continue
        seen[binding_id] = line
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        keys = ""
        if isinstance(value, str):
            keys = ",".join(part.strip() for part in value.split(",") if part.strip())
        if keys:
            entries.append(KeyEntry(binding_id, keys, line))
        else:
            warnings.append(ConfigWarning(path, line, _not_a_key(binding_id, value)))
    return entries, warnings


def _not_a_key(binding_id: str, value: Any) -> str:
    if isinstance(value, str):
        # `""` to unbind: Textual's `App.set_keymap` takes an empty string as no
        # change (`BindingsMap.apply_keymap`), so the default key would stay
        # while the user thinks it gone; said instead.
        return (
            f"keys.{binding_id} is empty: a binding cannot be left without a key "
            "(Textual's keymap has no unbound binding); ignored, its default stays"
        )
    return (
        f'keys.{binding_id} must be a key such as "x" or "ctrl+r" (several: "x,ctrl+r"); '
        "ignored, its default stays"
    )


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
