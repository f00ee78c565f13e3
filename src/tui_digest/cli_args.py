"""Arguments and error lines shared by the CLI's subcommands."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """`--config PATH`, left unset when absent so the global flag (or the default) wins."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $TUI_DIGEST_CONFIG or the user config dir)",
    )


def error_text(exc: BaseException) -> str:
    """The text of a command's error: an OSError as `file: reason`, else its message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__
