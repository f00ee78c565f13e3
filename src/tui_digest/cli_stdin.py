"""Standard input for the CLI: closed by the shell (`<&-`), it is said, never a traceback.

Python sets `sys.stdin` to None when descriptor 0 is closed at start, as process
supervisors and some cron wrappers start jobs; every command that read it or
asked on it then crashed (AttributeError on None, found by a bug hunt).
"""

from __future__ import annotations

import errno
import sys
from typing import BinaryIO


def stdin_binary(what: str) -> BinaryIO:
    """Standard input's bytes, for `what` (`import -`); an OSError saying so when closed.

    (An OSError: the CLI reports one as a line on stderr, exit status 2.)
    """
    if sys.stdin is None:
        raise OSError(
            errno.EBADF, f"standard input is closed (`<&-`): nothing to read for `{what}`"
        )
    return sys.stdin.buffer


def can_ask() -> bool:
    """Whether a person can be asked on standard input (a terminal, not closed)."""
    return sys.stdin is not None and sys.stdin.isatty()


def reader_refusal() -> str:
    """Why the reader cannot start on this standard input ("" when it can).

    Without a terminal there (`</dev/null`, a cron line that forgot its
    command) Textual's input thread reads end-of-file at once, forever (see
    `ui/hangup.py`): the reader ran on at a third of a core, its escape
    sequences going into a file (found by a bug hunt).
    """
    if can_ask():
        return ""
    why = "standard input is closed" if sys.stdin is None else "standard input is not one"
    scripts = "for scripts use a command (see `tui-digest --help`)"
    return f"the reader needs a terminal, and {why}; {scripts}"
