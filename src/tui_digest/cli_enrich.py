"""The headless `enrich` subcommand.

    tui-digest enrich [QUERY...] [--limit N] [--config PATH] [--db PATH]

Asks arXiv's query API about the papers matching QUERY (all by default) that
were not asked before, and prints one summary line (on stderr when the run
stopped early, saying why). Exit status: 0 done,
1 the run stopped early (arXiv unreachable, throttling, an error answer),
2 configuration or cache error.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import Any

from tui_digest.cli_args import add_config_argument, error_text, positive_int
from tui_digest.cli_progress import stderr_bar
from tui_digest.core.sanitize import clean_line

EXIT_OK = 0
EXIT_STOPPED = 1
EXIT_ERROR = 2


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    """Add `enrich`; `common` is a parent parser (the global --db flag)."""
    parents = [common] if common is not None else []
    p = subparsers.add_parser(
        "enrich",
        parents=parents,
        help="fill authors, categories, dates, comments, journal refs and DOIs from arXiv",
        description="Ask arXiv's query API about papers not asked before (many per request, "
        "one request every 3 s at most); configured in the [enrich] table.",
    )
    p.add_argument("query", nargs="*", help="only papers matching this search query")
    p.add_argument("--limit", type=positive_int, metavar="N", help="ask about at most N papers")
    add_config_argument(p)
    p.set_defaults(func=cmd_enrich)


def cmd_enrich(args: argparse.Namespace) -> int:
    from tui_digest.config.errors import ConfigError
    from tui_digest.core.model import InputError
    from tui_digest.core.store import CacheError

    try:
        return _enrich(args)
    except BrokenPipeError:
        raise  # (an OSError too: the reader of a pipe went away, cli._run's 141)
    except (ConfigError, CacheError, InputError, sqlite3.Error, OSError, ValueError) as exc:
        print(f"tui-digest: {clean_line(error_text(exc), 1000)}", file=sys.stderr)
        return EXIT_ERROR


def _enrich(args: argparse.Namespace) -> int:
    from tui_digest.cli_config import load_chosen
    from tui_digest.cli_progress import say_wait
    from tui_digest.core.store import Store
    from tui_digest.enrich.config import enrich_from
    from tui_digest.enrich.runner import enrich_papers, plan, utc_now

    config = load_chosen(args)  # (its warnings on stderr, as for every command)
    cfg = enrich_from(config)
    query = " ".join(getattr(args, "query", None) or [])
    store = Store.open(getattr(args, "db", None), existing=True)
    try:
        candidates = store.enrich_candidates(query)
        if args.limit:
            # The limit counts papers to ask, not papers already answered.
            todo = {c.id for c in plan(candidates, utc_now())[: args.limit]}
            candidates = [c for c in candidates if c.id in todo]
        with EnrichProgress() as progress:
            import asyncio  # here, not at the top: every CLI start would pay for it

            report = asyncio.run(
                enrich_papers(
                    store,
                    candidates,
                    cfg,
                    options=config.fetch.http_options(),
                    progress=progress.update,
                    on_wait=say_wait,
                )
            )
    finally:
        store.close()
    for problem in report.problems:
        print(f"tui-digest: {clean_line(problem, 500)}", file=sys.stderr)
    # A stopped run's line (it says why) on stderr, as `fetch` says it.
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr, flush=True)
    return EXIT_OK if report.ok else EXIT_STOPPED


class EnrichProgress:
    """A transient bar on a terminal's stderr (ids answered / ids to ask)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> EnrichProgress:
        self._bar = stderr_bar("asking arXiv")
        if self._bar is not None:
            self._task = self._bar.add_task("", total=None)
        return self

    def update(self, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total, description="")

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
