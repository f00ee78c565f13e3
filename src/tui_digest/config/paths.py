"""Where the config file lives."""

from __future__ import annotations

import os
from pathlib import Path

from tui_digest.core.paths import APP_NAME


def default_config_path() -> Path:
    env = os.environ.get("TUI_DIGEST_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def config_path(path: str | Path | None = None) -> Path:
    """`path` (with ~ expanded) when given, else the default location."""
    return Path(path).expanduser() if path else default_config_path()
