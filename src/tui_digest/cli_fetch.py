"""The headless `fetch` subcommand (`sources` is `cli_sources`).

    tui-digest fetch [--source NAME]... [--config PATH]

`fetch` prints one line per source (`name: new N / updated N / unchanged N` or
`name: failed (reason)`) and exits 1 when any source failed; the others are
committed all the same. Without a network it says so in one line
(`offline: could not reach HOST`) instead of one failure per source. Errors
are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tui_digest.cli_args import CommandError, add_config_argument, guarded
from tui_digest.cli_config import load_chosen
from tui_digest.cli_progress import stderr_bar
from tui_digest.core.sanitize import clean_line, for_terminal

if TYPE_CHECKING:
    from tui_digest.config.loader import Config
    from tui_digest.fetch.runner import SourceResult

EXIT_OK = 0
EXIT_SOURCE_FAILED = 1


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    """Add `fetch`; `common` is a parent parser (the global --db flag)."""
    parents = [common] if common is not None else []

    p = subparsers.add_parser(
        "fetch", parents=parents, help="fetch the configured sources into the cache"
    )
    p.add_argument(
        "--source",
        metavar="NAME",
        action="append",
        help="fetch only this source (repeatable; also fetches a disabled one)",
    )
    add_config_argument(p)
    p.set_defaults(func=cmd_fetch)


# --- fetch -------------------------------------------------------------------------


def cmd_fetch(args: argparse.Namespace) -> int:
    return guarded(_fetch, args)


def _fetch(args: argparse.Namespace) -> int:
    from tui_digest.core.store import Store
    from tui_digest.fetch.runner import fetch_all

    config = load_chosen(args)
    sources = _chosen_sources(config, getattr(args, "source", None))
    if not sources:
        print(f"{for_terminal(config.path)}: no enabled sources; nothing to fetch", file=sys.stderr)
        return EXIT_OK
    store = Store.open(getattr(args, "db", None))
    try:
        with _ProgressLine(len(sources)) as progress:
            import asyncio  # here, not at the top: every CLI start would pay for it

            results = asyncio.run(
                fetch_all(
                    store,
                    sources,
                    progress=progress.update,
                    options=config.fetch.http_options(),
                )
            )
    finally:
        store.close()
    _print_results(results)
    return EXIT_SOURCE_FAILED if any(not r.ok for r in results) else EXIT_OK


def _chosen_sources(config: Config, names: list[str] | None) -> list[Any]:
    if not names:
        return config.enabled_sources()
    chosen = []
    for name in names:
        source = config.source(name)
        if source is None:
            known = ", ".join(s.name for s in config.sources) or "none"
            raise CommandError(f"{config.path}: no source named {name!r} (known: {known})")
        if source not in chosen:
            chosen.append(source)
    return chosen


def _print_results(results: list[SourceResult]) -> None:
    from tui_digest.fetch.results import offline_line

    for r in results:
        if r.offline:
            continue  # said once, below
        print(r.summary(), flush=True)
        name = clean_line(r.name, 200)
        for note in r.notes:
            print(f"{name}: skipped {clean_line(note, 500)}", file=sys.stderr)
        if r.problems:
            print(
                f"{name}: {r.problems} entr{'y' if r.problems == 1 else 'ies'}"
                " could not be read fully (see `tui-digest import` for details)",
                file=sys.stderr,
            )
    offline = offline_line(results)
    if offline:
        missed = sum(1 for r in results if r.offline)
        print(f"{clean_line(offline, 300)} ({missed} source(s) not fetched)", flush=True)


class _ProgressLine:
    """A transient progress bar on a terminal's stderr; silent when stderr is not a TTY."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _ProgressLine:
        self._progress = stderr_bar("fetching")
        if self._progress is not None:
            self._task = self._progress.add_task("", total=self.total)
        return self

    def update(self, done: int, total: int, name: str) -> None:
        if self._progress is not None:
            self._progress.update(
                self._task, completed=done, total=total, description=clean_line(name, 60)
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
