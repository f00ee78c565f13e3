"""Putting an edited config in place: read back with the loader first, then written atomically.

Every edit (`sources add|rm|import`, the reader's ctrl+s) ends here. The new
text must load as the config the edit meant (`faithful`), or nothing is
written: a file the program itself made unusable would stop every command
until the user mended it by hand. A symlinked config is written through the
link to its target, whose mode the new file keeps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import Config, config_from_text
from tui_digest.core.atomic_file import write_atomic


def write_edited(where: Path, text: str, faithful: Callable[[Config], bool]) -> Path:
    """Write `text` to the config `where` if it loads and `faithful` accepts what it
    loads as; otherwise a ConfigError and the file stays as it was."""
    try:
        edited = config_from_text(where, text)
    except ConfigError as exc:
        raise ConfigError(
            f"{where}: not saved (the file is unchanged): the edited config would not load: "
            f"{_without_place(str(exc), where)}"
        ) from None
    if not faithful(edited):  # pragma: no cover - tomlkit's own bug
        raise ConfigError(f"{where}: not saved: could not write the config faithfully")
    # A config linked from a dotfiles repository is written through the link,
    # which stays; the file keeps its mode (0600, say: it may hold a password).
    # (write_atomic itself replaces a link: right for exports, not here.)
    target = Path(os.path.realpath(where))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text, overwrite=True)
    return where


def _without_place(message: str, where: Path) -> str:
    """The loader's message without its `path:line: ` (a line of a text never written)."""
    return re.sub(rf"^{re.escape(str(where))}(:\d+)?: ", "", message)
