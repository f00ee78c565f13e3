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


def is_own_file(target: str | Path, own: str | Path) -> bool:
    """Whether writing `target` would write over `own` (the cache, with its `-wal`,
    `-shm` and `-journal` companions, or the config file), by any path or link.

    `state export -o cache.db` replaced the cache with JSON lines, `sources export`
    did the same with OPML: every file a command writes is checked with this."""
    own_path = Path(own).expanduser()
    target_path = Path(target).expanduser()
    try:
        resolved, base = target_path.resolve(), own_path.resolve()
    except OSError:
        return False
    if resolved in {base, *(Path(f"{base}{s}") for s in ("-wal", "-shm", "-journal"))}:
        return True
    try:
        return target_path.exists() and os.path.samefile(own_path, target_path)
    except OSError:
        return False
