"""The `tui-digest` command: the reader when run bare, headless subcommands otherwise.

Everything heavy is imported inside the handlers so that `tui-digest --help`
and the reader's start stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.cli_args import (
    CommandError,
    add_config_argument,
    error_text,
    positive_int,
    refuse_own_files,
)
from tui_digest.cli_argv import options_first, query_terms_last
from tui_digest.cli_import import MAX_IMPORT_MIB, MAX_WHOLE_MIB, NO_CWD
from tui_digest.cli_output import (
    OutputError,
    drop_stdout,
    guard_stdout,
    stand_in_for_closed_streams,
    tolerate_encoding,
    write_json,
    write_note,
    write_stdout,
)
from tui_digest.core.errors import CompactionSkipped, NoRoomToCompact
from tui_digest.core.output_target import note_given_descriptors
from tui_digest.core.sanitize import for_terminal

if TYPE_CHECKING:
    from tui_digest.core.store import Store

EXPORT_FORMATS = ("markdown", "bibtex", "ris", "csl-json", "json")  # = core.export.FORMATS
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _open_store(
    args: argparse.Namespace, *, readonly: bool = False, existing: bool = False
) -> Store:
    """The cache; created when missing only for a command that brings papers in
    (neither `readonly` nor `existing`)."""
    from tui_digest.core.store import Store

    # A reading command upgrades a cache an older release made (`open_reading`).
    store = Store.open_reading(args.db) if readonly else Store.open(args.db, existing=existing)
    for notice in store.notices:
        print(f"tui-digest: {for_terminal(notice)}", file=sys.stderr)
    return store


def _common_parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the subcommand; SUPPRESS keeps a value
    # given before the subcommand from being reset by the subparser's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="cache file (default: $TUI_DIGEST_DB or the user data dir)",
    )
    return common


# --- import -------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from tui_digest.cli_import_paths import import_paths
    from tui_digest.cli_stdin import stdin_binary

    if args.source is not None:
        from tui_digest.cli_import_url import resolve_named_source

        _check_named_source(args)
        resolve_named_source(args)  # (a configured source's name: its URL and category)
    if "-" in args.paths:
        stdin_binary("import -")  # (closed, `<&-`: said before the cache is opened)
    with _closing(_open_store(args)) as store:
        failed = import_paths(store, args, _describe)
    return 1 if failed else 0


def _check_named_source(args: argparse.Namespace) -> None:
    """`--source` names the source of one document: not of a folder's many, nor an archive's."""
    from tui_digest.core.archive_input import is_archive, is_record_file

    if len(args.paths) != 1:
        raise CliError("--source names the source of one document; give one PATH")
    raw = args.paths[0]
    path = Path(raw)
    if raw != "-" and (path.is_dir() or is_archive(path) or is_record_file(path)):
        raise CliError(f"--source names the source of one document, not of {for_terminal(raw)}")
    from tui_digest.core.sanitize import clean_line

    if not clean_line(args.source, 2000):
        raise CliError("--source: an empty name")


# --- export / search ------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    if args.output == "":
        # Not standard output by accident: an empty $VAR in `-o "$OUT"` is a mistake.
        raise CliError("-o needs a file name (or - for standard output)")
    if args.output == "-":  # as `import -` reads standard input
        args.output = None
    from tui_digest.cli_export import export_format

    args.format = export_format(args.format, args.output)
    if args.output:
        refuse_own_files(args.output, db=args.db)  # (--force or not), before any work
    with _closing(_open_store(args, readonly=True)) as store:
        original: bytes | None = None
        if args.digest:
            _known_digest(store, args)
            name = args.digest
            kind = next((d.kind for d in store.digests() if d.name == name), "")
            if args.format == "markdown" and kind == "digest" and not (args.query or args.ids):
                # A whole Markdown digest: exactly the bytes it was read from
                # (a feed's digest is written in the digest layout instead).
                original = store.original_bytes(name)
        from tui_digest.cli_export import export_original, export_streamed, select_rowids

        # The ids and every chunk of papers from one state of the cache
        # (`Store.snapshot`): a removal meanwhile gave a mix of before and after.
        with store.snapshot():
            rowids = select_rowids(store, args)
            if original is not None:
                export_original(args, original, len(rowids))
            else:
                export_streamed(args, store, rowids)
    return 0


def _known_digest(store: Store, args: argparse.Namespace) -> None:
    """`--digest NAME` names a digest (or an alias of one): else a CliError, as
    `export` says (`search` said "no matches (0 / 0)", exit 0)."""
    if args.digest:
        name = store.digest_name(args.digest)
        if name is None:
            raise CliError(f"no digest named {args.digest!r} (see `tui-digest digests`)")
        args.digest = name


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    from tui_digest.rank.listing import split_query

    if args.digest:
        with _closing(_open_store(args, readonly=True)) as store:
            _known_digest(store, args)

    if split_query(query).ranked:  # sort:foryou, related:ID
        from tui_digest.cli_rank import ranked_search

        return ranked_search(args, query)
    with _closing(_open_store(args, readonly=True)) as store:
        if args.json:
            # Read and written a chunk at a time, as `export` is: the whole list
            # and its JSON string took 1.86 GB for 100,000 papers (bug hunt).
            from tui_digest.cli_export import json_streamed

            with store.snapshot():  # the ids and every chunk: one state of the cache
                ids = store.page_ids(query, digest=args.digest, limit=args.limit)
                json_streamed(args, store, ids)
            return 0
        total, rows = store.page(query, digest=args.digest, limit=args.limit)
    from tui_digest.cli_table import write_rows

    write_rows(rows, total=total)
    return 0


# --- listings -------------------------------------------------------------------


def cmd_digests(args: argparse.Namespace) -> int:
    if args.action == "rm":
        from tui_digest.cli_retention import cmd_digests_rm

        with _closing(_open_store(args, existing=True)) as store:
            return cmd_digests_rm(store, args)
    with _closing(_open_store(args, readonly=True)) as store:
        infos = store.digests(unread=True)
    from tui_digest.core.model import newest_first
    from tui_digest.net.urls import display_url

    infos = newest_first(infos)  # the picker's order, which `n`/`N` follow

    if getattr(args, "json", False):
        # A cache from an earlier release may hold a source URL with its password.
        objs = [
            {
                "name": d.name,
                "label": d.label,
                "date": d.date,
                "source": display_url(d.source),
                "category": d.category,
                "papers": d.count,
                "unread": d.unread,
            }
            for d in infos
        ]
        write_json(objs)
        return 0
    if not infos:
        write_note("no digests imported yet (try `tui-digest import FILE`)")
        return 0
    from tui_digest.cli_output import terminal_width
    from tui_digest.cli_table import format_digests

    rows = [[d.date or "-", d.name, str(d.count), str(d.unread), d.label] for d in infos]
    # Whole names into a pipe: a name cut with "…" is one `digests rm` refuses.
    write_stdout(format_digests(rows, terminal_width() if sys.stdout.isatty() else None))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _closing(_open_store(args, readonly=True)) as store:
        stats = store.stats()
    for key, value in stats.items():
        print(f"{key}: {for_terminal(value)}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    with _closing(_open_store(args, existing=True)) as store:
        store.check_room_to_reindex()
        papers = store.reindex()
        print(f"search index rebuilt ({papers} papers)", flush=True)
        # The old index's pages are free now; give them back. Should that fail (VACUUM
        # needs room for a copy), the rebuilt index stays and the error is reported.
        try:
            before, after = store.compact()
        except NoRoomToCompact as exc:  # (exit status 1: done, but not all of it)
            if exc.left_full:
                print(f"tui-digest: {exc.path}: {_left_full(exc)}", file=sys.stderr)
                return 1
            log = f" ({exc.log_note})" if exc.log_note else ""
            print(
                f"tui-digest: {exc.path}: the search index was rebuilt and saved, but "
                f"compacting the cache needs {exc.room}; the cache is fine: run reindex "
                f"again with more room{log}",
                file=sys.stderr,
            )
            return 1
        except CompactionSkipped as exc:  # (status 2, as a locked cache always said)
            print(
                f"tui-digest: {exc.path}: the search index was rebuilt and saved, but another "
                "process is using the cache, so compacting it was skipped; run reindex again "
                "when it is done",
                file=sys.stderr,
            )
            return 2
        mb = 1_000_000
        print(f"cache compacted: {before / mb:.1f} -> {after / mb:.1f} MB")
    return 0


def _left_full(exc: NoRoomToCompact) -> str:
    log = f" ({exc.path}-wal is the rebuilt index, not yet folded in)" if exc.log else ""
    return (
        "the search index was rebuilt and saved, but the disk is now full, and every "
        f"change will fail until there is room (compacting needs {exc.room}){log}: free "
        "some, then run reindex again to compact the cache"
    )


def cmd_run(args: argparse.Namespace) -> int:
    from tui_digest.cli_stdin import reader_refusal
    from tui_digest.ui.launch import run_reader

    config = getattr(args, "config", None)
    if config is not None:
        from tui_digest.config.paths import config_path

        path = config_path(config)
        if not path.is_file():
            # (the words `read_toml` has for them; what is wrong inside the
            # file the reader shows itself, and starts anyway)
            why = "is a folder, not a config file" if path.is_dir() else "config file not found"
            print(f"tui-digest: {for_terminal(str(path))}: {why}", file=sys.stderr)
            return 2
        # Everything the reader starts (its settings, keys, watch lists and
        # fetches) finds its config through this variable (config/paths.py).
        os.environ["TUI_DIGEST_CONFIG"] = str(path.resolve())
    if refusal := reader_refusal():  # (Pilot runs start the app itself, not through here)
        print(f"tui-digest: {refusal}", file=sys.stderr)
        return 2
    return run_reader(getattr(args, "db", None))


# --- plumbing -------------------------------------------------------------------


class _closing:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def _describe(exc: BaseException) -> str:
    """One clean line for `exc`: paths and messages from outside are untrusted text."""
    return for_terminal(error_text(exc))


def build_parser() -> argparse.ArgumentParser:
    common = _common_parser()
    parser = argparse.ArgumentParser(
        prog="tui-digest",
        description="A terminal reader for bilingual (Chinese + English) arXiv digests. "
        "Run without a command to open the reader.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=_version())
    add_config_argument(parser)  # a command's own --config takes it when given first
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", parents=[common], help="open the reader (the default)")
    add_config_argument(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "import", parents=[common], help="import digests, feeds or the generator's JSON archive"
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="file, folder (recursive), - for stdin, an http(s) URL (fetched as `fetch` "
        "fetches it), or papers/YY/MM/<id>.json records "
        "(one file, a folder, or a .zip/.tar.gz of the repository)",
    )
    p.add_argument(
        "--format",
        choices=("digest", "digest-feed", "arxiv", "feed"),
        help="override the format detected from the content",
    )
    p.add_argument(
        "--max-size",
        type=positive_int,
        default=None,
        metavar="MIB",
        help=f"refuse an input larger than this many MiB (default {MAX_IMPORT_MIB} for a digest, "
        f"which is streamed; {MAX_WHOLE_MIB} for a feed, which is read whole)",
    )
    p.add_argument(
        "--source",
        metavar="NAME",
        help="the source the one document given belongs to (say the URL a piped "
        "document came from, or a configured source's name as `sources list` shows it): "
        "its digests by day, its label and category follow it "
        "(default: the file's absolute path; every stdin import is the source <stdin>)",
    )
    p.add_argument(
        "--all-months",
        action="store_true",
        help="import the records of the archive months you removed too (digests rm, prune): "
        "by default an archive or folder of the generator's records skips them",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="export papers")
    p.add_argument("query", nargs="*", help="search query (default: everything)")
    p.add_argument("--digest", metavar="NAME", help="only papers of this digest")
    p.add_argument(
        "--ids",
        metavar="ID,...",
        action="append",
        help="only these arXiv ids (comma-separated; may be repeated)",
    )
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="default: the one -o's name ends in (.md .bib .ris .csl.json .json), else markdown",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of stdout (- is stdout)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing -o file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", parents=[common], help="search the cache")
    p.add_argument("query", nargs="+", help="query (see README for the language)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--limit", type=positive_int, default=50, help="at most N (default 50)")
    p.add_argument("--digest", metavar="NAME", help="only papers of this digest")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "digests", parents=[common], help="list imported digests (`digests rm NAME...` removes)"
    )
    p.add_argument("action", nargs="?", choices=("list", "rm"), default="list", help="list or rm")
    p.add_argument("names", nargs="*", metavar="NAME", help="rm: digest names or aliases")
    p.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="rm: remove without asking (before or after the names)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_digests)
    p = sub.add_parser("stats", parents=[common], help="counts and the cache path")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("reindex", parents=[common], help="rebuild the search index")
    p.set_defaults(func=cmd_reindex)

    _register_optional(sub, common)
    return parser


def _register_optional(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Subcommands that live with their feature (fetch, sources, translate, publish, related,
    enrich)."""
    from tui_digest.cli_backup import register as register_backup
    from tui_digest.cli_enrich import register as register_enrich
    from tui_digest.cli_fetch import register as register_fetch
    from tui_digest.cli_rank import register as register_rank
    from tui_digest.cli_retention import register as register_retention
    from tui_digest.cli_sources import register as register_sources
    from tui_digest.cli_state import register as register_state
    from tui_digest.cli_translate import register as register_translate
    from tui_digest.cli_watch import register as register_watch
    from tui_digest.publish.commands import register as register_publish

    register_fetch(sub, common)
    register_sources(sub, common)
    register_translate(sub, common)
    register_publish(sub, common)
    register_rank(sub, common)
    register_enrich(sub, common)
    register_retention(sub, common)
    register_state(sub, common)
    register_watch(sub, common)
    register_backup(sub, common)


def _version() -> str:
    from tui_digest import __version__

    return f"tui-digest {__version__}"


def _check_today() -> None:
    """A `$TUI_DIGEST_TODAY` that is not a date would be ignored: a scripted replay
    or back-fill would then file its days under the real date, unnoticed."""
    from tui_digest.core.digest_day import TODAY_ENV, valid_date

    forced = os.environ.get(TODAY_ENV, "").strip()
    if forced and not valid_date(forced):
        raise CliError(f"{TODAY_ENV}={forced!r} is not a date (YYYY-MM-DD)")


def _user_errors() -> tuple[type[BaseException], ...]:
    from tui_digest.core.model import InputError
    from tui_digest.core.query import QueryError
    from tui_digest.core.store import CacheError

    return (CliError, CommandError, CacheError, QueryError, InputError, OSError, ValueError)


def _say_waiting(path: Path) -> None:
    shown = for_terminal(path, 300)
    print(
        f"tui-digest: waiting for another tui-digest process writing to {shown}…",
        file=sys.stderr,
        flush=True,
    )


def _announce_upgrades() -> None:
    """A command that upgrades the cache says so first, on stderr: it takes a while."""
    from tui_digest.core.store import Store

    def notice(old: int, new: int) -> None:
        print(f"tui-digest: Upgrading the cache (schema {old} → {new})…", file=sys.stderr)

    Store.upgrade_notice = staticmethod(notice)


def main(argv: list[str] | None = None) -> int:
    note_given_descriptors()  # before any file of its own is open (`-o /dev/fd/N`)
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(options_first(parser, query_terms_last(parser, argv)))
    if not hasattr(args, "db"):
        args.db = None
    stand_in_for_closed_streams()  # (after --help, which argparse prints to stderr then)
    tolerate_encoding()
    func = getattr(args, "func", cmd_run)
    if func is not cmd_run:  # (the reader shows both in its window)
        from tui_digest.core.store.connection import Connections

        _announce_upgrades()
        Connections.on_wait = _say_waiting
        unguarded = guard_stdout()
        try:
            return _run(func, args)
        finally:
            Connections.on_wait = None  # (main is called in-process by tests)
            sys.stdout = unguarded
    return _run(func, args)


def _check_relative_paths(args: argparse.Namespace) -> None:
    """A relative `--db` or `--config` in a folder deleted under the shell: said
    naming it (it was a bare "No such file or directory")."""
    for given in (getattr(args, "db", None), getattr(args, "config", None)):
        if given is None or os.path.isabs(os.path.expanduser(str(given))):
            continue
        try:
            os.getcwd()
        except FileNotFoundError:
            raise CommandError(f"{for_terminal(str(given))}: {NO_CWD}") from None


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        _check_today()
        _check_relative_paths(args)
        status = func(args)
        write_stdout("")  # what print() left buffered fails here, not silently at exit
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of a pipe went away (`| head`): the output is incomplete,
        # so the status says so (141, as a process killed by SIGPIPE), quietly
        # as other Unix tools do, except for `export`, whose output is data.
        drop_stdout()
        if func is cmd_export:
            print(
                "tui-digest: standard output was closed early; the export is incomplete",
                file=sys.stderr,
            )
        return EXIT_BROKEN_PIPE
    except OutputError as exc:
        print(f"tui-digest: {exc}", file=sys.stderr)
        return 2
    except _user_errors() as exc:
        print(f"tui-digest: {_describe(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
