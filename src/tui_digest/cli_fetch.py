"""The headless `fetch` subcommand (`sources` is `cli_sources`).

    tui-digest fetch [--source NAME]... [--config PATH]

`fetch` prints one line per source (`name: new N / updated N / unchanged N` or
`name: failed (reason)`) and exits 1 when any source failed; the others are
committed all the same. Without a network it says so in one line
(`offline: could not reach HOST`) instead of one failure per source. Errors
are one line on stderr, never a traceback.

Then, as the reader does after a refresh (`[enrich] after_fetch`, on by
default; `--no-enrich` skips it), it asks arXiv's query API about the papers
of the digests that brought new ones, over the same HTTP client, so arXiv's
feeds and its API keep one politeness clock: a cron job's `fetch` gives
`au:` and `cat:` the new papers at once. Its line (`asked arXiv about N
paper(s) …`) follows the sources'. A stopped enrichment (arXiv unreachable or throttling) is said
on stderr and does not change the exit status, which is the fetch's: what
was not asked is asked by `tui-digest enrich`.
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
    from tui_digest.core.store import Store
    from tui_digest.enrich.config import EnrichConfig
    from tui_digest.enrich.runner import EnrichReport
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
    p.add_argument(
        "--no-enrich",
        action="store_true",
        help="do not ask arXiv about the new papers afterwards ([enrich] after_fetch)",
    )
    add_config_argument(p)
    p.set_defaults(func=cmd_fetch)


# --- fetch -------------------------------------------------------------------------


def cmd_fetch(args: argparse.Namespace) -> int:
    return guarded(_fetch, args)


def _fetch(args: argparse.Namespace) -> int:
    from tui_digest.core.store import Store

    config = load_chosen(args)
    sources = _chosen_sources(config, getattr(args, "source", None))
    if not sources:
        print(f"{for_terminal(config.path)}: no enabled sources; nothing to fetch", file=sys.stderr)
        return EXIT_OK
    enrich = None
    if not getattr(args, "no_enrich", False):
        from tui_digest.enrich.config import enrich_from

        enrich = enrich_from(config)  # a bad [enrich] table stops before any fetch
        if not enrich.after_fetch:
            enrich = None
    store = Store.open(getattr(args, "db", None))
    try:
        import asyncio  # here, not at the top: every CLI start would pay for it

        results, report = asyncio.run(_fetch_then_enrich(store, sources, config, enrich))
    finally:
        store.close()
    _print_results(results)
    if report is not None:
        for problem in report.problems:
            print(f"tui-digest: {clean_line(problem, 500)}", file=sys.stderr)
        print(report.summary(), file=sys.stderr if report.stopped else sys.stdout)
    return EXIT_SOURCE_FAILED if any(not r.ok for r in results) else EXIT_OK


async def _fetch_then_enrich(
    store: Store, sources: list[Any], config: Config, enrich: EnrichConfig | None
) -> tuple[list[SourceResult], EnrichReport | None]:
    """The sources fetched; then, with `enrich`, arXiv asked about the new digests'
    papers over the same client (None: nothing to ask, or not asked)."""
    import asyncio

    from tui_digest.cli_enrich import EnrichProgress
    from tui_digest.enrich.runner import digest_candidates, enrich_papers
    from tui_digest.fetch.download import SourceFetcher
    from tui_digest.fetch.results import new_digests
    from tui_digest.fetch.runner import fetch_all

    fetcher = SourceFetcher(config.fetch.http_options())
    try:
        with _ProgressLine(len(sources)) as progress:
            results = await fetch_all(store, sources, progress=progress.update, fetcher=fetcher)
        digests = new_digests(results)
        if enrich is None or not digests:
            return results, None
        candidates = await asyncio.to_thread(digest_candidates, store, digests)
        with EnrichProgress() as line:
            report = await enrich_papers(
                store, candidates, enrich, http=fetcher.http, progress=line.update
            )
        return results, report
    finally:
        await fetcher.aclose()


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
