"""Where the cache and config live."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tui-digest"


def default_db_path() -> Path:
    env = os.environ.get("TUI_DIGEST_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "cache.db"


def default_config_path() -> Path:
    env = os.environ.get("TUI_DIGEST_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"
