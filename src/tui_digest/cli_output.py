"""Standard output for the CLI: its width, and writes that fail loudly.

A full disk or a closed pipe must be an error where it happens, not a
traceback at exit (see write_stdout).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def terminal_width() -> int:
    if not sys.stdout.isatty():
        return 160
    return os.get_terminal_size().columns


class OutputError(Exception):
    """Standard output could not take everything: the output is incomplete."""


def write_stdout(text: str) -> None:
    """Write and flush, so a full disk or `/dev/full` is an error here, not lost at exit."""
    try:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        stdout_failed(exc)


def stdout_failed(exc: OSError) -> NoReturn:
    """Standard output could not be written (a full disk, a closed terminal): say so."""
    drop_stdout()
    reason = exc.strerror or str(exc)
    raise OutputError(
        f"cannot write to standard output: {reason}; the output is incomplete"
    ) from None


def drop_stdout() -> None:
    # What is still buffered can never be written; without this, the flush
    # at exit fails again and Python prints a traceback-like warning.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
