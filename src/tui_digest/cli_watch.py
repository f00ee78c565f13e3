"""`tui-digest watch [NAME] [--json] [--since-last-run]`: what the watch lists match.

A watch is a named query in the config (`[[watches]]`, config/watches.py).
Without NAME every watch is printed, each under a `== name ==` line (the table)
or as one JSON object per watch name (`--json`: {"name": [papers of
`search --json`]}; with NAME just the array). `--since-last-run` prints only
the papers not printed by an earlier run with that flag and remembers them in
the cache (per watch), so a cron job mails each paper once: a watch with
nothing new prints nothing (the table form; `--json` always prints its JSON),
and of two runs at once each new paper goes to one (`_print_new`). The exit status is
0 with or without matches (1 for an unknown watch, 2 for a bad config or cache).
A [[watches]] table the config loader left out (a malformed query: its warning
names file and line) is an error for `watch NAME` (2); without NAME the other
watches are printed and the status is 2.

A watch whose query has `sort:foryou` is ranked as `search` ranks it (best
first; the reader's watch list does the same, it opens the watch's query as a
search): the watch printed newest first without a word (found by a bug hunt).
When it cannot be ranked (fewer stars than For you needs, the rank extra not
installed) the papers are still printed, in listing order, after a line on
stderr saying why: a cron job still mails the day's papers, and the reason.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui_digest.cli_args import add_config_argument
from tui_digest.cli_output import write_json, write_note, write_stdout
from tui_digest.cli_signals import EXIT_TERMINATED, Terminated, on_sigterm, raise_terminated
from tui_digest.core.sanitize import for_terminal

EXIT_OK = 0
EXIT_UNKNOWN = 1
EXIT_ERROR = 2


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    parents = [common] if common is not None else []
    p = subparsers.add_parser(
        "watch",
        parents=parents,
        help="print the papers of the config's watch lists",
        description="Print the papers each [[watches]] query of the config matches.",
    )
    p.add_argument("name", nargs="?", help="only this watch (default: every watch)")
    p.add_argument("--json", action="store_true", help="print the paper objects as JSON")
    p.add_argument(
        "--since-last-run",
        action="store_true",
        help="only papers not printed by an earlier --since-last-run (and remember these)",
    )
    add_config_argument(p)
    p.set_defaults(func=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    from tui_digest.cli_config import load_chosen
    from tui_digest.config.errors import ConfigError
    from tui_digest.core.query import QueryError
    from tui_digest.core.sanitize import clean_line
    from tui_digest.core.store import Store

    try:
        # A --config that names no file is an error, as for every other command:
        # a cron job's mistyped path printed nothing and exited 0 (found by a bug hunt).
        config = load_chosen(args)
    except ConfigError as exc:
        print(f"tui-digest: {clean_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    watches = _chosen(args.name, config)
    if isinstance(watches, int):
        return watches
    # Every watch was asked for: the ones left out (warned about above) make it 2.
    status = EXIT_ERROR if config.refused_watches and args.name is None else EXIT_OK
    if not watches and args.json:
        write_json({})  # (no cache needed to say there is nothing)
        return status
    if not watches and status:
        return status
    if not watches:
        # It printed nothing, exit 0, as for watches that found nothing: a new
        # user (or a cron job reading the wrong config) could not tell the two
        # apart (left from a bug hunt). Said where a person reads it (write_note).
        write_note(
            f"no watches in {for_terminal(str(config.path))}: add one as "
            '[[watches]] name = "…" query = "…" (README: Watch lists), '
            "or save a search in the reader with ctrl+s"
        )
        return EXIT_OK
    store = Store.open(getattr(args, "db", None), readonly=not args.since_last_run, existing=True)
    try:
        found: list[tuple[str, list[int]]] = []
        unranked: dict[str, str] = {}
        for watch in watches:
            try:
                ids, why = _watch_ids(store, watch.query)
            except QueryError as exc:  # validated at load; a cache may still refuse
                print(f"tui-digest: watch {watch.name!r}: {exc}", file=sys.stderr)
                return EXIT_ERROR
            found.append((watch.name, ids))
            if why:
                unranked[watch.name] = why
        if args.since_last_run:
            try:
                _print_new(store, args, found, unranked)
            except Terminated:
                # The whole claim is given back, so the papers already printed
                # come again too (it said "the papers not printed": regfiles2).
                print(
                    "tui-digest: stopped (SIGTERM); every paper of this run comes again "
                    "next run, those already printed too",
                    file=sys.stderr,
                )
                return EXIT_TERMINATED
        else:
            _print_found(store, args, found, unranked)
    finally:
        store.close()
    return status


# How long a run's claim holds at most (a live but stuck run: output into a pipe
# nobody reads); a killed run's claims end as soon as its process is gone.
CLAIM_SECONDS = 3600


def _print_new(store, args: argparse.Namespace, found, unranked: dict[str, str]) -> None:
    """`--since-last-run`: the papers not shown before, claimed first for this run
    (one write transaction), so that of two runs at once (a slow cron run and the
    next) each paper is printed by one of them only (both printed all: a bug hunt).
    Only once everything is printed and flushed are they marked shown. Printing
    that fails (`| head`, a full disk, Ctrl-C, SIGTERM: `timeout`, a systemd stop)
    gives the claim back; a run killed outright (SIGKILL, a power loss) leaves a
    claim that ends with its process: the papers come again either way (a SIGTERM
    had marked the unprinted papers shown for good). A watch with nothing new
    prints nothing, so a cron job with nothing to say mails nothing."""
    import time
    import uuid

    from tui_digest.core.store import user_log

    run = uuid.uuid4().hex
    now = time.time()
    # (SIGTERM stopped as Ctrl-C is, so the papers not confirmed printed are given back)
    with on_sigterm(raise_terminated):
        claimed = store.claim_watch_unseen(found, run=run, now=now, until=now + CLAIM_SECONDS)
        try:
            shown = claimed if args.json else [(name, ids) for name, ids in claimed if ids]
            with_new = {name for name, ids in claimed if ids}
            _print_found(store, args, shown, {n: w for n, w in unranked.items() if n in with_new})
            sys.stdout.flush()
        except BaseException:
            store.release_watch_claim(claimed, run=run)
            raise
        store.confirm_watch_claim(claimed, run=run, when=user_log.stamp())


def _print_found(store, args: argparse.Namespace, found, unranked: dict[str, str]) -> None:
    """The watches' papers: JSON, or each under its `== name (N) ==` line (without NAME)."""
    from tui_digest.core.export import to_json
    from tui_digest.core.sanitize import clean_line

    for name, why in unranked.items():
        line = f"tui-digest: watch '{clean_line(name)}' not ranked, listed newest first: {why}"
        print(line, file=sys.stderr)
    if args.json:
        objs = {name: json.loads(to_json(store.get_papers(ids))) for name, ids in found}
        write_json(objs[args.name] if args.name is not None else objs)
        return
    from tui_digest.cli_table import write_rows

    for name, ids in found:
        if args.name is None:
            write_stdout(f"== {clean_line(name)} ({len(ids)}) ==")
        write_rows(store.list_rows(ids), total=len(ids))


def _chosen(name: str | None, config) -> list | int:  # (Config) -> list[Watch] | exit status
    """The watches asked for, or the exit status of a refusal (said on stderr)."""
    from tui_digest.config.toml_file import at
    from tui_digest.core.sanitize import clean_line

    refused = config.refused_watches.get(name or "")
    if refused is not None:  # (its warning was printed: said again as the error)
        where = at(refused.path, refused.line)
        print(f"tui-digest: {clean_line(f'{where}: {refused.message}', 1000)}", file=sys.stderr)
        return EXIT_ERROR
    if name is None:
        return list(config.watches)
    watches = [w for w in config.watches if w.name == name]
    if not watches:
        known = ", ".join(w.name for w in config.watches) or "none"
        print(
            f"tui-digest: no watch named {clean_line(name)!r} "
            f"in {clean_line(str(config.path))} (watches: {clean_line(known)})",
            file=sys.stderr,
        )
        return EXIT_UNKNOWN
    return watches


def _watch_ids(store, query: str) -> tuple[list[int], str]:  # (Store, ...)
    """The watch's papers: in listing order, or ranked for `sort:foryou` (see the
    module doc); and why they could not be ranked ("" when they were or needed
    not be). `related:` never gets here: config/watches.py refuses it."""
    from tui_digest.core.sanitize import clean_line
    from tui_digest.rank.listing import split_query

    if not split_query(query).ranked:
        return store.list_ids(query), ""
    from tui_digest.rank import CannotRank, RankUnavailable
    from tui_digest.rank.listing import rank_listing

    try:
        return rank_listing(store, query).ids, ""
    except (CannotRank, RankUnavailable) as exc:
        # The reason is sentences of its own: after them, "; listed newest first"
        # read "…your stars).; listed newest first" (found by a bug hunt).
        return store.list_ids(query), clean_line(str(exc), 500)
