"""What a config file can be wrong with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and, when known, the line."""


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
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
