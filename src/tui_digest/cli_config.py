"""Loading the config file for a CLI command: its warnings go to stderr, one line each."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_digest.config.loader import Config


def load_warned(path: str | Path | None, *, must_exist: bool = False) -> Config:
    """The config (ConfigError when unusable), after printing its warnings
    (`config.loader.load_warned`; imported when a command runs, not at start)."""
    from tui_digest.config.loader import load_warned as loaded

    return loaded(path, must_exist=must_exist)


def load_chosen(args: argparse.Namespace) -> Config:
    """The config `--config` names (it must exist then), else the default one."""
    explicit = getattr(args, "config", None)
    return load_warned(explicit, must_exist=explicit is not None)


def load_for_writing(args: argparse.Namespace) -> Config:
    """The config a command is about to change: one that does not exist yet is created."""
    return load_warned(getattr(args, "config", None))
