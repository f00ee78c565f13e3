"""The headless `fetch` subcommand (`sources` is `cli_sources`).

    tui-digest fetch [--source NAME]... [--config PATH]

`fetch` prints one line per source (`name: new N / updated N / unchanged N` or
`name: failed (reason)`) as each source ends, and exits 1 when any source
failed; the others are committed all the same. Ctrl-C, or SIGTERM (`timeout`,
a systemd stop), then says on stderr how many sources were done (their papers
are committed) and exits 130, or 143 as a shell reports a process SIGTERM
ended: a killed run's log said nothing before, its lines printed only once
every source had ended (found by a bug hunt). Without a network it says so in one line
(`offline: could not reach HOST`) instead of one failure per source. Errors
are one line on stderr, never a traceback.

Then, as the reader does after a refresh (`[enrich] after_fetch`, on by
default; `--no-enrich` skips it), it asks arXiv's query API about the papers
of the digests that brought new ones, over the same HTTP client, so arXiv's
feeds and its API keep one politeness clock: a cron job's `fetch` gives
`au:` and `cat:` the new papers at once. Its line (`asked arXiv about N
paper(s) …`) follows the sources'. A stopped enrichment (arXiv unreachable or
throttling) is said on stderr and does not change the exit status, which is
the fetch's: what was not asked is asked by `tui-digest enrich`.

With `[translate] after_fetch = true` (off by default), the English-only ones
among those papers are then translated, as in the reader (`--no-translate`
skips it), and with the room the run has left, papers whose earlier
translation failed (`translate.rules.after_fetch_papers`): its lines are
`tui-digest translate`'s, a line says how many failed papers are still
waiting, and a translation that cannot run (the key's variable unset) is one
line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from tui_digest.cli_args import CommandError, add_config_argument, guarded
from tui_digest.cli_config import load_chosen
from tui_digest.cli_output import OutputError, stdout_failed
from tui_digest.cli_progress import say_wait, stderr_bar
from tui_digest.cli_signals import EXIT_TERMINATED, Terminated, on_sigterm
from tui_digest.core.sanitize import clean_line, for_terminal
from tui_digest.core.wording import counted

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Coroutine

    from tui_digest.config.loader import Config
    from tui_digest.core.model import PaperRecord
    from tui_digest.core.store import Store
    from tui_digest.enrich.config import EnrichConfig
    from tui_digest.enrich.runner import EnrichReport
    from tui_digest.fetch.runner import SourceResult
    from tui_digest.translate.config import TranslateConfig

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
    p.add_argument(
        "--no-translate",
        action="store_true",
        help="do not translate the new English-only papers afterwards ([translate] after_fetch)",
    )
    add_config_argument(p)
    p.set_defaults(func=cmd_fetch)


# --- fetch -------------------------------------------------------------------------


EXIT_INTERRUPTED = 130  # 128 + SIGINT


T = TypeVar("T")


class _Signals:
    """Whether SIGTERM came (the run then ends as Ctrl-C ends it, with 143), and
    the fetch's main task while it runs (`_run_stoppable`)."""

    terminated = False
    main_task: asyncio.Task[Any] | None = None


def _run_stoppable(coro: Coroutine[Any, Any, T], signals: _Signals) -> T:
    """`asyncio.run(coro)`, its task known to `_sigterm_stops`: with Ctrl-C
    ignored (a script's `fetch &`: POSIX starts it with SIGINT ignored, so
    asyncio sets no handler) SIGTERM cancels that task as Ctrl-C would, and
    the run ends with a KeyboardInterrupt (`Terminated`) out of here. Raised
    where the signal landed, it was a traceback when that was a connecting
    task (bug hunt `regnet2` #1)."""
    import asyncio

    async def main() -> T:
        signals.main_task = asyncio.current_task()
        try:
            return await coro
        except asyncio.CancelledError:
            if signals.terminated:
                raise Terminated from None
            raise
        finally:
            signals.main_task = None

    return asyncio.run(main())


def cmd_fetch(args: argparse.Namespace) -> int:
    signals = _Signals()
    try:
        with _sigterm_stops(signals):
            return guarded(lambda a: _fetch(a, signals), args)
    except KeyboardInterrupt:  # (before the sources started: nothing to say)
        if signals.terminated:
            return EXIT_TERMINATED
        raise


def _nothing() -> None:
    """A callback that does nothing (its being scheduled wakes the event loop)."""


@contextmanager
def _sigterm_stops(signals: _Signals) -> Iterator[None]:
    """While inside, SIGTERM is Ctrl-C: it is sent on as SIGINT, so every phase
    stops as Ctrl-C stops it (asyncio cancels the fetch's main task; the
    translation saves its answers and reports), and `signals` remembers it for
    the exit status. Raised where it landed, it was a traceback when it hit a
    connecting task, and the translation's orderly save never ran (found by a bug
    hunt). In the main thread only: there a signal handler can be set."""
    import signal

    def terminated(signum: int, frame: object) -> None:
        signals.terminated = True
        if signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, signal.SIG_DFL, None):
            signal.raise_signal(signal.SIGINT)
            return
        # Ctrl-C ignored: nothing would stop the run. The fetch's main task is
        # cancelled (as asyncio does on Ctrl-C: this runs in the main thread,
        # the loop's), else raised here (no event loop running).
        task = signals.main_task
        if task is not None and not task.done():
            task.cancel()
            task.get_loop().call_soon_threadsafe(_nothing)  # (wakes the selector)
            return
        raise Terminated

    with on_sigterm(terminated):
        yield


def _fetch(args: argparse.Namespace, signals: _Signals) -> int:
    from tui_digest.core.store import Store

    config = load_chosen(args)
    sources = _chosen_sources(config, getattr(args, "source", None))
    if not sources:
        print(f"{for_terminal(config.path)}: no enabled sources; nothing to fetch", file=sys.stderr)
        return EXIT_OK
    enrich = None if getattr(args, "no_enrich", False) else _enrich_config(config)
    translate = None if getattr(args, "no_translate", False) else _translate_config(config)
    store = Store.open(getattr(args, "db", None))
    done = _Ended()
    done.checked_before = _last_checked(store, [s.name for s in sources])
    try:
        import asyncio  # here, not at the top: every CLI start would pay for it

        fetching = _fetch_then_enrich(store, sources, config, enrich, done)
        results, digests = _run_stoppable(fetching, signals)
        interrupted = False
        if translate is not None:  # (also with nothing new: earlier failures are retried)
            interrupted = asyncio.run(_translate_new(store, digests, translate))
    except KeyboardInterrupt:
        # Ctrl-C exited 130 saying nothing, not even the sources committed (found
        # by a bug hunt). Said on stderr: the run is incomplete.
        if not done.said:
            _print_interrupted(done.results, len(sources), _stored_now(store, done))
        return EXIT_TERMINATED if signals.terminated else EXIT_INTERRUPTED
    finally:
        store.close()
    if interrupted:  # (Ctrl-C or SIGTERM during the translation: the fetch is committed)
        return EXIT_TERMINATED if signals.terminated else EXIT_INTERRUPTED
    # A source that came in but could not have all it should (a folder's unreadable
    # file, a missed day) is a failure to a cron job too: it says so on stderr.
    failed = any(not r.ok or r.notes for r in results)
    return EXIT_SOURCE_FAILED if failed else EXIT_OK


def _enrich_config(config: Config) -> EnrichConfig | None:
    """[enrich] when it asks for enrichment after fetching (the default). A broken
    table is said in one line and the fetch goes on without it: fetching is the
    command's job, and it worked with that table before it also enriched."""
    from tui_digest.config.errors import ConfigError
    from tui_digest.enrich.config import enrich_from

    try:
        cfg = enrich_from(config)
    except ConfigError as exc:
        print(f"tui-digest: {clean_line(str(exc), 1000)}; not asking arXiv", file=sys.stderr)
        return None
    return cfg if cfg.after_fetch else None


def _translate_config(config: Config) -> TranslateConfig | None:
    """[translate] when it is enabled with `after_fetch`. A broken table stops the
    command before any fetch only when it asks for translation after fetching:
    otherwise it is `translate`'s business, and `fetch` worked with it before.
    An `after_fetch` that is neither true nor false (`"true"`) may have asked for
    it: said in one line (as for [enrich]), and the fetch goes on without it
    (it never translated, and said nothing, while the reader warned; found by a
    bug hunt)."""
    from tui_digest.config.errors import ConfigError
    from tui_digest.translate.config import NotConfigured, load_translate_config, usable_or_raise

    try:
        cfg = usable_or_raise(load_translate_config(config=config))
    except NotConfigured:
        return None
    except ConfigError as exc:
        table = config.data.get("translate")
        asked = table.get("after_fetch", False) if isinstance(table, dict) else False
        if asked is True:
            raise
        if asked is not False:
            print(f"tui-digest: {clean_line(str(exc), 1000)}; not translating", file=sys.stderr)
        return None
    return cfg if cfg.after_fetch else None


async def _fetch_then_enrich(
    store: Store,
    sources: list[Any],
    config: Config,
    enrich: EnrichConfig | None,
    done: _Ended,
) -> tuple[list[SourceResult], list[str]]:
    """The sources fetched, and with `enrich` arXiv asked about the papers of the
    digests they brought over the same client (each said as it ends); the
    results, and those digests. `done` is told each source's result as it ends,
    and when their lines are printed."""
    import asyncio

    from tui_digest.cli_enrich import EnrichProgress
    from tui_digest.enrich.runner import digest_candidates, enrich_papers
    from tui_digest.fetch.download import SourceFetcher
    from tui_digest.fetch.results import new_digests
    from tui_digest.fetch.runner import fetch_all

    fetcher = SourceFetcher(config.fetch.http_options())
    fetcher.http.on_wait = say_wait
    try:
        with _ProgressLine(len(sources)) as progress:

            def ended(result: SourceResult) -> None:
                done.results.append(result)
                try:
                    with progress.below():
                        _print_result(result, done)
                except (OSError, OutputError) as exc:
                    # `fetch | head -1`, a full disk: raised here, it cancelled every
                    # source still running, unrecorded (found by a bug hunt).
                    done.output_failed = done.output_failed or exc

            results = await fetch_all(
                store, sources, progress=progress.update, fetcher=fetcher, done=ended
            )
        done.said = True
        if done.output_failed is not None:
            _output_lost(done.output_failed)
        _print_offline(results)
        digests = new_digests(results)
        if enrich is not None and digests:
            candidates = await asyncio.to_thread(digest_candidates, store, digests)
            with EnrichProgress() as line:
                report = await enrich_papers(
                    store, candidates, enrich, http=fetcher.http, progress=line.update
                )
            _print_enriched(report)
        return results, digests
    finally:
        await fetcher.aclose()


def _output_lost(exc: BaseException) -> NoReturn:
    """Every source has ended and is recorded, but a line could not be written:
    a closed pipe ends the run with 141 (`cli._run`), another write error with
    2 and its reason, as any command's output does. Nothing more is done (what
    enrichment would ask is asked by the next `fetch` or `tui-digest enrich`)."""
    if isinstance(exc, (BrokenPipeError, OutputError)):
        raise exc
    assert isinstance(exc, OSError)
    stdout_failed(exc)


def _print_enriched(report: EnrichReport) -> None:
    for problem in report.problems:
        print(f"tui-digest: {clean_line(problem, 500)}", file=sys.stderr)
    print(report.summary(), file=sys.stderr if report.stopped else sys.stdout, flush=True)


async def _translate_new(store: Store, digests: list[str], cfg: TranslateConfig) -> bool:
    """The English-only papers of `digests`, then earlier failures, translated with
    `tui-digest translate`'s lines; then how many failed papers still wait.
    True when Ctrl-C interrupted it (what was received is saved, and said)."""
    import asyncio

    from tui_digest.cli_translate import TranslateProgress, ctrl_c_stops, print_report
    from tui_digest.config.errors import ConfigError
    from tui_digest.translate.rules import (
        MAX_AUTO_TRIES,
        after_fetch_papers,
        failed_papers,
        worth_retrying,
    )
    from tui_digest.translate.runner import needs_translation, translate_papers

    def chosen() -> tuple[list[PaperRecord], int]:
        plan = after_fetch_papers(store, digests, cfg.max_papers_per_run)
        records = [r for r in store.get_papers(plan.rowids) if needs_translation(r.paper)]
        return records, plan.retried

    records, retried = await asyncio.to_thread(chosen)
    if records:
        if retried:
            # (a failure, or a paper an earlier run left: its limit, a newer version)
            print(f"trying again {retried} paper(s) an earlier run did not translate", flush=True)
        try:
            cfg.api_key()  # its variable unset: said before anything starts
            # (at most max_papers_per_run of them: the report says how many are left)
            total = min(len(records), cfg.max_papers_per_run)
            stop = asyncio.Event()
            with TranslateProgress(total, cfg) as progress, ctrl_c_stops(stop):
                report = await translate_papers(
                    store, records, cfg, progress=progress.update, stop=stop, on_wait=say_wait
                )
        except ConfigError as exc:  # the key's variable unset, a broken glossary
            print(f"tui-digest: cannot translate: {clean_line(str(exc), 1000)}", file=sys.stderr)
            return False
        print_report(report)
        if report.interrupted:
            return True
    failed = await asyncio.to_thread(failed_papers, store)
    # Said apart: those after-fetch translation takes again, and those it never
    # will (the line counted both, and said "the next fetches try them again"
    # while none was sent: a bug hunt).
    waiting = sum(1 for r in failed if worth_retrying(r.paper))
    if waiting:
        print(
            # Not all failed: some were left by the run's limit (`max_papers_per_run`)
            # or by a newer version arriving while their answer was on its way.
            f"{waiting} paper(s) still without Chinese fields (a translation failed, or a "
            "run left them): "
            f"the next fetches try them again (up to {MAX_AUTO_TRIES} times), "
            "`tui-digest translate` takes them all"
        )
    if len(failed) > waiting:
        print(
            f"{len(failed) - waiting} paper(s) whose translation failed are left to "
            "`tui-digest translate`: the server refused them for good, or they failed "
            f"{MAX_AUTO_TRIES} times"
        )
    return False


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


def _print_result(r: SourceResult, done: _Ended | None = None) -> None:
    """A source's line as it ends: what came on stdout, a failure on stderr, so
    `fetch >/dev/null` in cron still says why it exits 1. A source the run found
    offline is said once for all of them, at the end (`_print_offline`). Once
    stdout has failed (`| head -1`, a full disk) its lines are lost, but not the
    stderr ones: a later failure was dropped with them (bug hunt `regnet2` #5)."""
    if r.offline:
        return
    if not r.ok:
        print(r.summary(), file=sys.stderr, flush=True)
    elif done is None:
        print(r.summary(), file=sys.stdout, flush=True)
    elif done.output_failed is None:
        try:
            print(r.summary(), file=sys.stdout, flush=True)
        except (OSError, OutputError) as exc:
            done.output_failed = exc
    name = clean_line(r.name, 200)
    for note in r.notes:
        print(f"{name}: skipped {clean_line(note, 500)}", file=sys.stderr)
    if r.decoding:  # (not an entry's trouble: `import` says it as a warning too)
        print(f"{name}: warning: {clean_line(r.decoding, 300)}", file=sys.stderr)
    if r.problems:
        print(
            f"{name}: {r.problems} entr{'y' if r.problems == 1 else 'ies'}"
            " could not be read fully (see `tui-digest import` for details)",
            file=sys.stderr,
        )
    sys.stderr.flush()


def _print_offline(results: list[SourceResult]) -> None:
    """The offline line (on stderr), when the run found no network."""
    from tui_digest.fetch.results import offline_line

    offline = offline_line(results)
    if offline:
        missed = sum(1 for r in results if r.offline)
        line = f"{clean_line(offline, 300)} ({counted(missed, 'source')} not fetched)"
        print(line, file=sys.stderr, flush=True)


class _Ended:
    """The sources a run has ended so far, and whether their lines were printed."""

    def __init__(self) -> None:
        self.results: list[SourceResult] = []
        self.said = False
        self.checked_before: dict[str, object] = {}
        # Why a line could not be written (the rest are not printed; the run goes on).
        self.output_failed: OSError | OutputError | None = None


def _last_checked(store: Store, names: list[str]) -> dict[str, object]:
    """Each source's `last_checked` in the cache (None: never)."""
    return {name: (store.get_source_state(name) or {}).get("last_checked") for name in names}


def _stored_now(store: Store, done: _Ended) -> int:
    """How many sources the cache says this run recorded: one stopped between its
    commit and its line was not counted ("nothing was fetched" with its papers
    stored; found by a bug hunt). 0 when the cache cannot say."""
    import sqlite3

    from tui_digest.core.store import CacheError

    try:
        now = _last_checked(store, list(done.checked_before))
    except (CacheError, sqlite3.Error, OSError):
        return 0
    return sum(1 for name, when in now.items() if when != done.checked_before[name])


def _print_interrupted(done: list[SourceResult], total: int, stored: int = 0) -> None:
    """How many sources ended before Ctrl-C or SIGTERM (their lines were printed
    as they ended; `stored`: how many the cache says this run recorded, which
    can be more), and what was not fetched."""
    count = max(len(done), stored)
    if not count:
        print("interrupted: no source was done; nothing was fetched", file=sys.stderr)
        return
    left = total - count
    rest = "the other was not fetched" if left == 1 else f"the other {left} were not fetched"
    if not left:
        rest = "stopped before the run's summary"
    kept = "its papers are stored" if count == 1 else "their papers are stored"
    print(f"interrupted: {count} of {total} sources done ({kept}); {rest}", file=sys.stderr)


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

    @contextmanager
    def below(self) -> Iterator[None]:
        """Lines printed meanwhile go below the bar (erased, then drawn again)."""
        if self._progress is None:
            yield
            return
        self._progress.stop()
        try:
            yield
        finally:
            self._progress.start()

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
