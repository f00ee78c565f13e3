"""Reading the config file with the standard library's tomllib, and finding lines for messages."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError


@dataclass(slots=True)
class TomlFile:
    path: Path
    exists: bool
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def read_toml(where: Path, *, must_exist: bool = False) -> TomlFile:
    """The file's text and data; a missing file is empty unless `must_exist`. Raises ConfigError."""
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"{where}: config file not found") from None
        return TomlFile(where, False)
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a folder, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: Windows editors start a UTF-8 file with a byte-order mark,
        # which TOML does not allow ("Invalid statement (at line 1, column 1)":
        # nothing a user could see; found by a bug hunt).
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    return TomlFile(where, True, text, parse_toml(where, text))


def parse_toml(where: Path, text: str) -> dict[str, Any]:
    """`text`, the config at `where`, as data. Raises ConfigError."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)".
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None


def line_of(text: str, table: str, nth: int = 0) -> int:
    """The 1-based line of the `nth` [table] or [[table]] header, or of `table =` (0 if absent)."""
    pattern = re.compile(
        rf"^[ \t]*(\[\[?\s*\"?{re.escape(table)}\"?\s*\]\]?|{re.escape(table)}\s*=)", re.M
    )
    for count, match in enumerate(pattern.finditer(text)):
        if count == nth:
            return text.count("\n", 0, match.start()) + 1
    return 0


def line_of_key(text: str, key: str, after: int = 0, before: int = 0) -> int:
    """The 1-based line of the first `key =` (or `"key" =`) at or after line `after`
    (and before line `before`, when given); 0 if none."""
    pattern = re.compile(rf"^[ \t]*(\"?){re.escape(key)}\1[ \t]*[=.]", re.M)
    start = 0
    if after > 1:
        start = _offset_of_line(text, after)
    match = pattern.search(text, start)
    line = text.count("\n", 0, match.start()) + 1 if match else 0
    return 0 if before and line >= before else line


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset)
        if offset < 0:
            return len(text)
        offset += 1
    return offset


def at(path: Path, line: int) -> str:
    """`path:line` for messages, or just `path` when the line is unknown."""
    return f"{path}:{line}" if line else str(path)
