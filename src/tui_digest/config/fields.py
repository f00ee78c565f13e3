"""Typed reading of one config table: each value checked for type and range, with a message
naming the file, the line and the key; unknown keys become warnings with a suggestion.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError, ConfigWarning
from tui_digest.config.schema import FREE, SCHEMA
from tui_digest.config.toml_file import at, line_of, line_of_key
from tui_digest.config.toml_lines import table_end


class Table:
    """The values of one table (`[fetch]`, one `[[sources]]` entry) with typed getters."""

    def __init__(
        self, raw: Mapping[str, Any], *, name: str, path: Path, line: int, text: str = ""
    ) -> None:
        self.raw = raw
        self.name = name  # "fetch", "translate", "sources[2]"
        self.path = path
        self.line = line
        self.text = text  # the file's text, to name a bad key's own line

    @property
    def where(self) -> str:
        return at(self.path, self.line)

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{at(self.path, self.key_line(key))}: {self.name}.{key} {problem}")

    def key_line(self, key: str) -> int:
        """The line of `key` (dotted for a subtable's: `per_host_interval.host`), else
        the table's own line (0 when unknown)."""
        # The key's own line, not its table's header (a bad value three lines down
        # was reported on the `[fetch]` line).
        line = 0
        if self.text:  # `key`, or a subtable's `host` of `per_host_interval.host`
            head, _, rest = key.partition(".")
            # `fetch.concurrency = 0` at the top (a dotted key, no [fetch] header)
            # was reported with no line at all (found by a bug hunt).
            if not self.line:
                line = line_of_key(self.text, f"{self.name}.{key}")
                line = line or line_of_key(self.text, f"{self.name}.{head}")
            # Only within the table: a key of an inline table (`translate = {…}`) was
            # named at another table's line of that key (bug hunt s41 `auditconf` #8).
            end = table_end(self.text, self.line) if self.line else 0
            line = line or (line_of_key(self.text, rest, self.line, end) if rest else 0)
            line = line or line_of_key(self.text, head, self.line, end)
        return line or self.line

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def string(self, key: str, default: str = "") -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, "must be a string")
        return value.strip()

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"must be an integer from {low} to {high}")
        return value

    def number(
        self, key: str, default: float, low: float, high: float, *, low_open: bool = False
    ) -> float:
        """A finite number within [low, high] (or (low, high] with `low_open`)."""
        value = check_number(self.raw.get(key, default), low, high, low_open=low_open)
        if value is None:
            raise self.error(key, number_rule(low, high, low_open=low_open))
        return value


def number_rule(low: float, high: float, *, low_open: bool = False) -> str:
    above = f"above {low:g}" if low_open else f"from {low:g}"
    return f"must be a number {above} to {high:g}"


def check_number(value: Any, low: float, high: float, *, low_open: bool = False) -> float | None:
    """`value` as a float when it is a finite number in range, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number > high or number < low:
        return None
    if low_open and number <= low:
        return None
    return number


# --- unknown keys ----------------------------------------------------------------


def unknown_keys(path: Path, text: str, data: Mapping[str, Any]) -> list[ConfigWarning]:
    """A warning for every key the program does not read, anywhere in the file."""
    warnings: list[ConfigWarning] = []
    _walk(path, text, data, SCHEMA, "", 0, warnings)
    return warnings


def _walk(
    path: Path,
    text: str,
    data: Mapping[str, Any],
    schema: Mapping[str, Any],
    prefix: str,
    after: int,
    out: list[ConfigWarning],
) -> None:
    if schema is FREE:
        return
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if key not in schema:
            line = line_of(text, dotted) or line_of_key(text, key, after) or after
            out.append(ConfigWarning(path, line, _unknown_message(key, dotted, schema)))
            continue
        sub = schema[key]
        if isinstance(sub, dict) and isinstance(value, Mapping):
            _walk(path, text, value, sub, dotted, line_of(text, dotted) or after, out)
        elif isinstance(sub, list) and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    line = line_of(text, dotted, index) or after
                    _walk(path, text, item, sub[0], f"{dotted}[{index + 1}]", line, out)


def _unknown_message(key: str, dotted: str, schema: Iterable[str]) -> str:
    where = "at the top level" if dotted == key else f"in [{dotted.rsplit('.', 1)[0]}]"
    message = f"unknown key {key!r} {where} is ignored"
    close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message
