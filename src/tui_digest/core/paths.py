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


def arxiv_clock_path() -> Path:
    """The record every process's arXiv requests take turns by (`net.shared_clock`):
    in the user's cache dir, beside nothing else of ours (losing it loses a wait)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME)) / "arxiv-clock.json"


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


def own_file_named(
    target: str | Path, *, db: str | Path | None, config: str | Path | None = None
) -> str | None:
    """ "the cache" or "the config file" when writing `target` would write over it
    (`is_own_file`: any spelling, link, or the cache's companions), else None.

    The one check behind the CLI's refusal (cli_args.refuse_own_files) and the
    reader's export dialog: the dialog replaced the cache with a Markdown export."""
    owns = (
        ("the cache", Path(db) if db else default_db_path()),
        ("the config file", Path(config) if config else default_config_path()),
    )
    return next((what for what, own in owns if is_own_file(target, own)), None)
