"""The config's `[keys]` as a Textual keymap, with a warning for each id the reader lacks.

`App.set_keymap` ignores an id no binding carries, so a typo would silently do
nothing: each unknown id is named (file and line, and the closest real id).
Read by `make_app` before the app runs (file I/O off the event loop); a config
that cannot be read gives no keymap (the refresher reports the error itself).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.config.paths import config_path
from tui_digest.ui import keys

if TYPE_CHECKING:
    from tui_digest.config.errors import ConfigWarning
    from tui_digest.config.keymap import KeyEntry


def keymap_of(
    entries: Sequence[KeyEntry], path: Path
) -> tuple[dict[str, str], list[ConfigWarning]]:
    """(binding id -> keys for the ids the reader has, a warning per unknown id)."""
    from tui_digest.config.errors import ConfigWarning

    known = keys.binding_ids()
    keymap: dict[str, str] = {}
    warnings: list[ConfigWarning] = []
    for entry in entries:
        if entry.binding_id in known:
            keymap[entry.binding_id] = entry.keys
            continue
        message = f"[keys] {entry.binding_id!r} is not a binding id; ignored"
        close = difflib.get_close_matches(entry.binding_id, sorted(known), n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        warnings.append(ConfigWarning(path, entry.line, message))
    return keymap, warnings


def load_keymap() -> tuple[dict[str, str], list[ConfigWarning]]:
    """The keymap the config asks for, and its warnings ({} when it cannot be read)."""
    if not config_path().exists():
        return {}, []  # no file, no [keys]: the config's parser stays unloaded (issue 13 req 5)
    from tui_digest.config.errors import ConfigError
    from tui_digest.config.loader import load_config

    try:
        config = load_config()
    except ConfigError:
        return {}, []
    return keymap_of(config.keys, config.path)
