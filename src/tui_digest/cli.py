"""Command-line entry point (skeleton; subcommands land with the core)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tui-digest")
    parser.add_argument("--version", action="store_true")
    args = parser.parse_args(argv)
    if args.version:
        from tui_digest import __version__

        print(__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
