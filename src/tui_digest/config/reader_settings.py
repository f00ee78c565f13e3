"""[reader]: how the reader marks papers read by itself (issue 10, requirement 1).

[reader]
auto_read = true          # false: only `m` marks a paper read
read_after_seconds = 2    # how long a paper must stay current after a deliberate move
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_digest.config.errors import ConfigError
from tui_digest.config.fields import Table
from tui_digest.config.toml_file import at, line_of

MAX_READ_AFTER = 3600.0


@dataclass(slots=True)
class ReaderSettings:
    auto_read: bool = True
    read_after_seconds: float = 2.0

    @property
    def read_after(self) -> float | None:
        """Seconds of dwell before a paper counts as read; None when that is off."""
        return self.read_after_seconds if self.auto_read else None


def parse_reader(path: Path, text: str, raw: Any) -> ReaderSettings:
    line = line_of(text, "reader")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{at(path, line)}: [reader] must be a table")
    table = Table(raw, name="reader", path=path, line=line, text=text)
    defaults = ReaderSettings()
    return ReaderSettings(
        auto_read=table.boolean("auto_read", defaults.auto_read),
        read_after_seconds=table.number(
            "read_after_seconds", defaults.read_after_seconds, 0.0, MAX_READ_AFTER, low_open=True
        ),
    )
