"""Putting an edited config in place: read back with the loader first, then written atomically.

Every edit (`sources add|rm|import`, the reader's ctrl+s) ends here. The new
text must load as the config the edit meant (`faithful`), or nothing is
written: a file the program itself made unusable would stop every command
until the user mended it by hand. A symlinked config is written through the
link to its target, whose mode the new file keeps, and a file with CRLF line
endings or a byte-order mark keeps them.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
from collections.abc import Callable
from pathlib import Path

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import Config, config_from_text
from tui_digest.core.atomic_file import write_atomic, write_error
from tui_digest.core.folder_links import broken_link


def write_edited(where: Path, text: str, faithful: Callable[[Config], bool]) -> Path:
    """Write `text` to the config `where` if it loads and `faithful` accepts what it
    loads as; otherwise a ConfigError and the file stays as it was."""
    # A config linked from a dotfiles repository is written through the link,
    # which stays; the file keeps its mode (0600, say: it may hold a password).
    # (write_atomic itself replaces a link: right for exports, not here.)
    target = Path(os.path.realpath(where))
    bom, crlf = _style_of(target)
    if crlf:  # tomlkit writes "\n": a Windows file would get mixed line endings
        text = re.sub(r"(?<!\r)\n", "\r\n", text)
    try:
        edited = config_from_text(where, text)
    except ConfigError as exc:
        raise ConfigError(
            f"{where}: not saved (the file is unchanged): the edited config would not load: "
            f"{_without_place(str(exc), where)}"
        ) from None
    if not faithful(edited):  # pragma: no cover - tomlkit's own bug
        raise ConfigError(f"{where}: not saved: could not write the config faithfully")
    _make_folder(target, where)
    write_atomic(target, (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"), overwrite=True)
    return where


def _make_folder(target: Path, where: Path) -> None:
    """Create the config's folder, or say why not in the words the config's other
    write errors use (it said "PATH: Permission denied": a bug hunt). A folder
    on the way that is a symlink to nothing (a drive not mounted) is not made at
    its target, as the cache's is not."""
    if broken := broken_link(where.parent):
        raise write_error(errno.ENOENT, f"cannot write {where}: {broken}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        folder = Path(exc.filename) if exc.filename else target.parent
        if isinstance(exc, PermissionError):
            why = f"no permission to create the folder {folder} in {folder.parent}"
        elif exc.errno == errno.EROFS:
            why = (
                f"cannot create the folder {folder}: {folder.parent} is on a read-only file system"
            )
        else:
            why = f"cannot create the folder {folder}: {exc.strerror or exc}"
        raise write_error(exc.errno, f"cannot write {target}: {why}") from exc


def _style_of(target: Path) -> tuple[bool, bool]:
    """Whether the file starts with a byte-order mark, and ends its lines with CRLF
    (most of them): the edited text keeps both. A new file: neither."""
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return False, False
    return raw.startswith(codecs.BOM_UTF8), raw.count(b"\r\n") * 2 > raw.count(b"\n")


def _without_place(message: str, where: Path) -> str:
    """The loader's message without its `path:line: ` (a line of a text never written)."""
    return re.sub(rf"^{re.escape(str(where))}(:\d+)?: ", "", message)
