"""What a config file can be wrong with."""

from __future__ import annotations

import re
from pathlib import Path

from tui_digest.core.record import record


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and, when known, the line."""


@record(frozen=True)
class ConfigWarning:
    """A problem that does not stop the program (an unknown key).

    Shown as `file:line: warning: message`, the form compilers use, which editors
    and terminals can jump to.
    """

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: warning: {self.message}"


def as_warning(error: ConfigError, path: Path, then: str) -> ConfigWarning:
    """`error` (`path:line: problem`) as a warning at that line, `then` said after it:
    for a table that stops only the command that uses it."""
    message, line = str(error), 0
    match = re.match(rf"{re.escape(str(path))}(?::(\d+))?: ", message)
    if match:
        message, line = message[match.end() :], int(match[1] or 0)
    return ConfigWarning(path, line, f"{message}; {then}")
