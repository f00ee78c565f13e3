"""The headless `translate` subcommand.

    tui-digest translate [QUERY...] [--limit N] [--config PATH] [--db PATH]

Translates the papers that still lack Chinese fields (those matching QUERY,
in listing order, at most --limit or max_papers_per_run), printing one line
per paper and a summary with the tokens used. Exit status: 0 all done,
1 some papers failed, 2 not configured / configuration error / run stopped,
130 interrupted (Ctrl-C): the answers received are saved and the summary
printed first (`ctrl_c_stops`); a second Ctrl-C quits at once.
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tui_digest.cli_args import add_config_argument, error_text, positive_int
from tui_digest.cli_progress import stderr_bar
from tui_digest.core.sanitize import clean_line

if TYPE_CHECKING:
    import asyncio

    from tui_digest.translate.config import TranslateConfig
    from tui_digest.translate.runner import PaperOutcome, TranslateReport

EXIT_OK = 0
EXIT_PAPER_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # (as the shell reports a process SIGINT ended)


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    """Add `translate`; `common` is a parent parser (the global --db flag)."""
    parents = [common] if common is not None else []
    p = subparsers.add_parser(
        "translate",
        parents=parents,
        help="fill missing Chinese titles, summaries and abstracts with an LLM",
        description="Translate papers that lack Chinese fields with an OpenAI-compatible "
        "LLM configured in the [translate] table of the config file.",
    )
    p.add_argument("query", nargs="*", help="only papers matching this search query")
    p.add_argument(
        "--limit", type=positive_int, metavar="N", help="at most N papers (and max_papers_per_run)"
    )
    add_config_argument(p)
    p.set_defaults(func=cmd_translate)


def not_configured_help(reason: str, path: object) -> str:
    """What `translate` prints when it cannot run: why, and a section to paste."""
    from tui_digest.translate.config import SAMPLE_SECTION

    return (
        f"tui-digest: {reason}\n"
        f"To translate English-only papers, add a [translate] table to {path}, e.g.:\n\n"
        f"{SAMPLE_SECTION}\n"
        "Put the API key in the environment variable named by api_key_env (never in the "
        "file);\nleave api_key_env out for a local server that needs no key.\n"
    )


def cmd_translate(args: argparse.Namespace) -> int:
    from tui_digest.config.errors import ConfigError
    from tui_digest.core.model import InputError
    from tui_digest.core.store import CacheError
    from tui_digest.translate.config import NotConfigured

    try:
        return _translate(args)
    except BrokenPipeError:
        raise  # (an OSError too: the reader of a pipe went away, cli._run's 141)
    except NotConfigured as exc:
        help_text = not_configured_help(clean_line(str(exc), 1000), _config_path(args))
        print(help_text, end="", file=sys.stderr)
        return EXIT_ERROR
    except (ConfigError, CacheError, InputError, sqlite3.Error, OSError, ValueError) as exc:
        print(f"tui-digest: {clean_line(error_text(exc), 1000)}", file=sys.stderr)
        return EXIT_ERROR


def _config_path(args: argparse.Namespace) -> object:
    from tui_digest.config.paths import config_path

    return config_path(getattr(args, "config", None))


def _translate(args: argparse.Namespace) -> int:
    from tui_digest.cli_config import load_warned
    from tui_digest.cli_progress import say_wait
    from tui_digest.core.store import Store
    from tui_digest.translate.config import load_translate_config, usable_or_raise
    from tui_digest.translate.rules import translation_candidates
    from tui_digest.translate.runner import translate_papers

    path = getattr(args, "config", None)
    config = load_warned(path, must_exist=path is not None)
    cfg = usable_or_raise(load_translate_config(path, config=config))
    cfg.api_key()  # fail before opening anything when the variable is unset
    query = " ".join(getattr(args, "query", None) or [])
    limit = min(args.limit or cfg.max_papers_per_run, cfg.max_papers_per_run)
    store = Store.open(getattr(args, "db", None), existing=True)
    try:
        # One more than asked for tells whether papers are left for another run.
        records = translation_candidates(store, query, limit=limit + 1)
        more_left = len(records) > limit
        records = records[:limit]
        if not records:
            print("nothing to translate: every matching paper has its Chinese fields")
            return EXIT_OK
        with TranslateProgress(len(records), cfg) as progress:
            import asyncio  # here, not at the top: every CLI start would pay for it

            async def run() -> TranslateReport:
                stop = asyncio.Event()
                with ctrl_c_stops(stop):
                    return await translate_papers(
                        store, records, cfg, progress=progress.update, stop=stop, on_wait=say_wait
                    )

            report = asyncio.run(run())
    finally:
        store.close()
    print_report(report)
    if report.interrupted:
        return EXIT_INTERRUPTED
    if more_left and not report.aborted:
        print(
            f"more papers still lack Chinese fields (at most {limit} per run: "
            "--limit or max_papers_per_run); run `tui-digest translate` again"
        )
    if report.aborted:
        return EXIT_ERROR
    return EXIT_PAPER_FAILED if report.failed else EXIT_OK


@contextmanager
def ctrl_c_stops(stop: asyncio.Event) -> Iterator[None]:
    """While inside (on a running event loop), Ctrl-C sets `stop` instead of
    cancelling everything: a translation run then saves the answers it received
    and reports what it spent (lost before, with exit status 130 and no word).
    A second Ctrl-C raises KeyboardInterrupt at once, as before."""
    import asyncio

    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(
            "tui-digest: interrupted: saving the answers received (Ctrl-C again to quit at once)",
            file=sys.stderr,
            flush=True,
        )

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (NotImplementedError, RuntimeError, ValueError):
        # No signal handlers on this loop (Windows) or thread: Ctrl-C stops at once.
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def print_report(report: TranslateReport) -> None:
    # A run that stopped says so on stderr, with the papers it left, as
    # `enrich` does: `translate >/dev/null` in cron still tells why it failed.
    out = sys.stderr if report.aborted or report.interrupted else sys.stdout
    for outcome in report.outcomes:
        if outcome.status == "skipped":
            print(outcome.line(), file=out, flush=True)
    print(report.summary(), file=out, flush=True)


class TranslateProgress:
    """Per-paper lines (a failure's on stderr, the rest on stdout); a transient
    rich bar on stderr when it is a terminal."""

    def __init__(self, total: int, cfg: TranslateConfig) -> None:
        self.total = total
        self.cfg = cfg
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> TranslateProgress:
        self._bar = stderr_bar("translating")
        if self._bar is not None:
            self._task = self._bar.add_task("", total=self.total)
        else:
            print(
                f"translating {self.total} paper(s) with {clean_line(self.cfg.model, 100)}",
                file=sys.stderr,
                flush=True,
            )
        return self

    def update(self, done: int, total: int, outcome: PaperOutcome) -> None:
        if outcome.status != "skipped":
            line = outcome.line()
            failed = outcome.status == "failed"
            if self._bar is not None and (failed or sys.stdout.isatty()):
                # Above the bar, on the same terminal (the bar's is stderr).
                self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                print(line, file=sys.stderr if failed else sys.stdout, flush=True)
        if self._bar is not None:
            self._bar.update(
                self._task, completed=done, total=total, description=clean_line(outcome.title, 60)
            )

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
