"""A symlink in a folder's path that leads nowhere: why the folder cannot be made.

`mkdir(parents=True)` through a symlink to a missing target (a drive not
mounted) makes the target, on the wrong disk: the cache refused it in these
words, the config made it (found by a bug hunt). A symlink loop "did not exist"
either, as `os.path.exists` says of one; it is called a loop now.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

_LOOP_STEPS = 8  # links followed to show a loop


def broken_link(folder: Path) -> str:
    """How `folder` or a folder above it is a symlink leading nowhere; "" when none is."""
    for path in (folder, *folder.parents):
        if os.path.islink(path) and not os.path.exists(path):
            return describe_broken_link(path)
    return ""


def describe_broken_link(link: Path | str) -> str:
    """ "X is a symlink to Y, which does not exist", or "X is a symlink loop (…)"."""
    target = os.readlink(link)
    try:
        os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{link} is a symlink loop ({_chain(Path(link))})"
    return f"{link} is a symlink to {target}, which does not exist"


def _chain(link: Path) -> str:
    names, seen, here = [link.name], {os.path.abspath(link)}, link
    for _ in range(_LOOP_STEPS):
        if not os.path.islink(here):
            break
        target = os.readlink(here)
        names.append(target)
        here = here.parent / target
        if os.path.abspath(here) in seen:
            return " -> ".join(names)
        seen.add(os.path.abspath(here))
    return " -> ".join([*names, "…"])
