"""Arguments and error lines shared by the CLI's subcommands."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable
from pathlib import Path

from tui_digest.core.sanitize import clean_line

EXIT_ERROR = 2


class CommandError(Exception):
    """A problem worth one line on stderr."""


# More than any count the CLI meets (papers, MiB), and far from SQLite's
# 64-bit integers: a larger N means the same, "all of them".
MAX_COUNT = 2**53


def positive_int(text: str) -> int:
    """A count of at least 1 ("at most N papers", N MiB), capped at `MAX_COUNT`:
    `search --limit 9223372036854775807` was SQLite's OverflowError, a
    traceback (found by a bug hunt)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return min(value, MAX_COUNT)


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """`--config PATH`, left unset when absent so the global flag (or the default) wins."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $TUI_DIGEST_CONFIG or the user config dir)",
    )


# Every command that refuses to write over an existing file takes --force
# (`export -o`, `backup`, `sources export`): the refusal says so.
FORCE_HINT = " (--force overwrites it)"


def error_text(exc: BaseException) -> str:
    """The text of a command's error: an OSError as `file: reason`, else its message.

    Our own OSErrors name the path in their text already ("cannot write X:
    folder Y does not exist"): the file is not put before them a second time.
    """
    if isinstance(exc, OSError) and exc.strerror:
        hint = FORCE_HINT if isinstance(exc, FileExistsError) else ""
        named = not exc.filename or str(exc.filename) in exc.strerror
        return (exc.strerror if named else f"{exc.filename}: {exc.strerror}") + hint
    return str(exc) or type(exc).__name__


def guarded(body: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """`body(args)`, with the errors a config/sources command expects as one line on
    stderr and exit status 2, never a traceback."""
    from tui_digest.config.errors import ConfigError
    from tui_digest.core.model import InputError
    from tui_digest.core.store import CacheError
    from tui_digest.fetch.opml import OpmlError

    try:
        return body(args)
    except BrokenPipeError:
        raise  # (an OSError too: the reader of a pipe went away, cli._run's 141)
    except (CommandError, ConfigError, OpmlError, CacheError, InputError, OSError) as exc:
        print(f"tui-digest: {clean_line(error_text(exc), 1000)}", file=sys.stderr)
        return EXIT_ERROR


def refuse_own_files(
    target: str | Path, *, db: str | Path | None, config: str | Path | None = None
) -> None:
    """OSError (a one-line user error) when `target` is the cache or the config file:
    a command's output file must never replace them (`state export -o cache.db`)."""
    from tui_digest.core.paths import own_file_named
    from tui_digest.core.sanitize import for_terminal

    what = own_file_named(target, db=db, config=config)
    if what is not None:
        raise OSError(errno.EINVAL, f"refusing to write over {what} ({for_terminal(str(target))})")
