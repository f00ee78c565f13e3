"""Loading the config file for a CLI command: its warnings go to stderr, one line each."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line

if TYPE_CHECKING:
    from tui_digest.config.loader import Config


def load_warned(path: str | Path | None, *, must_exist: bool = False) -> Config:
    """The config (ConfigError when unusable), after printing its warnings (unknown keys)."""
    from tui_digest.config.loader import load_config

    config = load_config(path, must_exist=must_exist)
    for warning in config.warnings:
        print(clean_line(str(warning), 1000), file=sys.stderr)
    return config
