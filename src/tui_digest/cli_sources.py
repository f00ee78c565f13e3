"""The headless `sources` subcommand: the configured sources, listed and edited.

    tui-digest sources [list [--json] | add URL | rm NAME | import FILE | export FILE [--force]]
                       [--config PATH]

`list` shows each source with its last fetch (from the cache, read-only);
`add`, `rm` and `import` edit the config file (its comments survive, see
`config.editing`); `export` writes OPML without the URLs' passwords, over an
existing file only with `--force`. Errors
are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_digest.cli_args import CommandError, add_config_argument, guarded, refuse_own_files
from tui_digest.cli_config import load_chosen, load_for_writing
from tui_digest.cli_output import write_json, write_note
from tui_digest.core.sanitize import clean_line, for_terminal
from tui_digest.net.urls import display_url

if TYPE_CHECKING:  # (the loader is imported when a command runs)
    from tui_digest.config.loader import Config

EXIT_OK = 0


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    """Add `sources`; `common` is a parent parser (the global --db flag)."""
    parents = [common] if common is not None else []
    # --config on `sources` and on each action: a value given before a nested
    # action is not reset by the action's default (see `add_config_argument`).
    p = subparsers.add_parser(
        "sources", parents=parents, help="list, add, remove, import or export sources"
    )
    add_config_argument(p)
    _json_flag(p)
    actions = p.add_subparsers(dest="sources_action", metavar="{list,add,rm,import,export}")
    a = actions.add_parser(
        "list", parents=parents, help="list sources and their last fetch (the default)"
    )
    add_config_argument(a)
    _json_flag(a)
    a = actions.add_parser(
        "add",
        parents=parents,
        help="add a feed, or a published folder (one source per category of its index.json)",
    )
    a.add_argument(
        "url",
        metavar="URL",
        help="a feed URL or path (a relative path is stored absolute), or a published folder",
    )
    a.add_argument(
        "--name",
        default="",
        help="source name (for a folder: the name prefix); refused when a source has it",
    )
    add_config_argument(a)
    a = actions.add_parser(
        "rm", parents=parents, help="remove a source from the config (its digests stay)"
    )
    a.add_argument("name", metavar="NAME", help="the source's name, as `sources` lists it")
    add_config_argument(a)
    a = actions.add_parser(
        "import", parents=parents, help="add the feeds of an OPML file to the config"
    )
    a.add_argument("file", metavar="FILE", help="OPML file ('-' for stdin)")
    add_config_argument(a)
    a = actions.add_parser("export", parents=parents, help="write the sources as OPML")
    a.add_argument("file", metavar="FILE", help="output file ('-' for stdout)")
    a.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_config_argument(a)
    p.set_defaults(func=cmd_sources)


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print a JSON array of {name, url, kind, enabled, category, last_checked, "
        "last_status, last_error}",
    )


def cmd_sources(args: argparse.Namespace) -> int:
    action = getattr(args, "sources_action", None) or "list"
    body = {
        "list": _sources_list,
        "add": _sources_add,
        "rm": _sources_rm,
        "import": _sources_import,
        "export": _sources_export,
    }[action]
    return guarded(body, args)


def _sources_list(args: argparse.Namespace) -> int:
    from tui_digest.core.when import SYSTEM_CLOCK  # local time, relative (--json keeps UTC ISO)

    config = load_chosen(args)
    states = _source_states(getattr(args, "db", None), config.sources)
    if getattr(args, "json", False):
        write_json(source_rows(config.sources, states))
        return EXIT_OK
    origin = str(config.path) if config.exists else f"built-in defaults (no {config.path})"
    # Where the list came from, and each source's last error, are for the
    # person: into a pipe they go to stderr, and stdout holds the table only.
    write_note(f"# sources from {clean_line(origin, 500)}")
    from tui_digest.cli_table import format_table

    headers = ("NAME", "KIND", "ENABLED", "LAST CHECKED", "LAST STATUS", "URL")
    rows: list[tuple[str, ...]] = []
    for s in config.sources:
        state = states.get(s.name) or {}
        rows.append(
            (
                clean_line(s.name, 60),
                s.kind,
                "yes" if s.enabled else "no",
                SYSTEM_CLOCK.show_stamp(state.get("last_checked"), "never"),
                clean_line(str(state.get("last_status") or "-"), 60),
                clean_line(display_url(s.url), 500),
            )
        )
    # In terminal cells, as the other tables: a source named 中文源 pushed its
    # row's columns three cells right of the others' (found by a bug hunt).
    print(format_table(headers, rows, max_width=None), end="")
    for s in config.sources:
        error = (states.get(s.name) or {}).get("last_error")
        if error:
            write_note(f"{clean_line(s.name, 60)}: last error: {clean_line(str(error), 500)}")
    return EXIT_OK


def source_rows(
    sources: list[Any], states: dict[str, dict[str, object]]
) -> list[dict[str, object]]:
    """The `sources list --json` array; URLs shown without their password."""

    def text(value: object) -> str | None:
        return clean_line(str(value), 1000) if value else None

    rows = []
    for s in sources:
        state = states.get(s.name) or {}
        rows.append(
            {
                "name": clean_line(s.name, 1000),
                "url": clean_line(display_url(s.url), 2000),
                "kind": s.kind,
                "enabled": s.enabled,
                "category": s.effective_category or None,
                "last_checked": text(state.get("last_checked")),
                "last_status": text(state.get("last_status")),
                # Why it failed, for a script (the table says it on stderr).
                "last_error": text(state.get("last_error")),
            }
        )
    return rows


def _source_states(db: str | None, sources: list[Any]) -> dict[str, dict[str, object]]:
    """Fetch state per source name, of the URL it has now (another URL's result is not
    this one's: a renamed URL is as never fetched); empty when there is no cache yet."""
    from tui_digest.core import paths
    from tui_digest.core.store import CacheError, Store

    path = Path(db).expanduser() if db else paths.default_db_path()
    if not path.exists():
        return {}
    try:
        store = Store.open_reading(path)
    except CacheError as exc:
        print(f"tui-digest: {for_terminal(exc)}; fetch state not shown", file=sys.stderr)
        return {}
    try:
        return {s.name: st for s in sources if (st := store.fetch_state(s.name, s.url))}
    finally:
        store.close()


def _sources_import(args: argparse.Namespace) -> int:
    from tui_digest.cli_stdin import stdin_binary
    from tui_digest.config.config_lock import config_locked
    from tui_digest.config.editing import save_sources
    from tui_digest.config.loader import load_config
    from tui_digest.fetch.opml import merge_sources, read_opml

    label = "<stdin>" if args.file == "-" else args.file
    data = (
        stdin_binary("sources import -").read()
        if args.file == "-"
        else Path(args.file).read_bytes()
    )
    imported = read_opml(data, source=label)
    imported.sources = _visible_urls(imported.sources, label)
    for note in imported.notes:  # (a GB18030 rescue; U+FFFD for invalid bytes)
        print(f"{for_terminal(label)}: warning: {clean_line(note, 300)}", file=sys.stderr)
    config = load_for_writing(args)
    with config_locked(config.path, waiting=_say_waiting):
        config = load_config(config.path)  # (as it is now: another edit may have ended)
        merged = merge_sources(config.sources, imported.sources)
        for why in imported.skipped + merged.skipped:
            print(f"{for_terminal(label)}: skipped {clean_line(why, 500)}", file=sys.stderr)
        if merged.added:
            save_sources(config.path, merged.sources)
    print(
        f"{for_terminal(config.path)}: added {len(merged.added)} source(s), "
        f"{len(merged.sources)} in all"
    )
    return EXIT_OK


def _sources_add(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: every CLI start would pay for it

    from tui_digest.config.config_lock import config_locked
    from tui_digest.config.editing import save_sources
    from tui_digest.config.loader import load_config
    from tui_digest.config.sources import without_invisible
    from tui_digest.fetch.download import SourceFetcher
    from tui_digest.fetch.opml import merge_sources
    from tui_digest.net.errors import FetchError
    from tui_digest.publish.subscribe import SubscribeError, discover

    config = load_for_writing(args)
    given, dropped = without_invisible(args.url)
    for what in dropped:
        print(f"tui-digest: dropped {what} of the URL ({INVISIBLE})", file=sys.stderr)
    url = absolute_path(given)

    async def find():  # -> Found
        async with SourceFetcher(config.fetch.http_options()) as fetcher:
            return await discover(url, fetcher, name=args.name)

    try:
        found = asyncio.run(find())
    except (SubscribeError, FetchError) as exc:
        raise CommandError(str(exc)) from None
    for note in found.notes:
        print(f"tui-digest: index: {clean_line(note, 300)}", file=sys.stderr)
    # Decided and written under the config's lock, from the config as it is then:
    # two `sources add` at once each wrote the list it read before the other's
    # edit, and one source was lost (found by a bug hunt).
    with config_locked(config.path, waiting=_say_waiting):
        config = load_config(config.path)
        if args.name:
            _refuse_taken_names(config.sources, found.sources, config)
        merged = merge_sources(config.sources, found.sources)
        for why in merged.skipped:
            print(f"skipped {clean_line(why, 500)}", file=sys.stderr)
        if merged.added:
            save_sources(config.path, merged.sources)
    if found.publisher:
        print(f"published folder of {clean_line(found.publisher, 100)!r}")
    for s in merged.added:
        made = s.url == url != given
        how = f" (the absolute path of {clean_line(given, 500)})" if made else ""
        if found.plain_folder:
            how += " (a folder: every digest and feed inside)"
        print(f"added {clean_line(s.name, 100)} ({s.kind}): {clean_line(s.url, 500)}{how}")
    where = clean_line(str(config.path), 500)
    print(f"{where}: added {len(merged.added)} source(s), {len(merged.sources)} in all")
    return EXIT_OK


INVISIBLE = "invisible, never part of an address"


def _visible_urls(sources: list[Any], label: str) -> list[Any]:
    """OPML sources (`Source`s) with the invisible characters of their URLs dropped,
    each one said: stored raw, they were requested while messages showed the URL
    without them (bug hunt `fuzz` #1)."""
    from dataclasses import replace

    from tui_digest.config.sources import without_invisible

    out = []
    for s in sources:
        url, dropped = without_invisible(s.url)
        for what in dropped:
            print(
                f"{for_terminal(label)}: warning: {clean_line(s.name, 100)}: "
                f"dropped {what} of its URL ({INVISIBLE})",
                file=sys.stderr,
            )
        name = clean_line(url, 500) if s.name == s.url else s.name
        out.append(replace(s, url=url, name=name) if dropped else s)
    return out


def _say_waiting(path: Path) -> None:
    """Another edit of the config holds its lock: said once, then waited for."""
    print(f"tui-digest: {for_terminal(path)}: waiting for another edit of it", file=sys.stderr)


def _refuse_taken_names(existing: list, found: list, config: Config) -> None:  # (Source lists)
    """A name given with --name (or a folder's prefix) that a new source would share
    with a source already there: refused (CommandError). It once became "myai (2)"
    without a word, and its digests `myai-2-<date>` read as myai's second list of
    the day (found by a bug hunt). An inferred name still gets merge_sources's suffix.
    Without `[[sources]]` in the file (or without a file) the sources there are
    the built-in defaults: said so, not "already in" a file that may not exist
    (bug hunt `tz` #5). Names are compared as the config loader reads them,
    stripped: `--name "arxiv-cs.AI "` passed here, and the loader refused the
    edit as a duplicate (regression hunt `regtz` #4)."""
    from tui_digest.config.sources import same_feed_key

    held = {same_feed_key(s.url) for s in existing}
    taken = {s.name.strip() for s in existing}
    where = (
        "is one of the built-in default sources"
        if config.default_sources
        else f"is already in {clean_line(str(config.path), 500)}"
    )
    for s in found:
        name = s.name.strip()
        if same_feed_key(s.url) not in held and name in taken:  # (a feed there: skipped)
            raise CommandError(
                f"a source named {clean_line(name, 100)!r} {where}; "
                "give another --name (nothing added)"
            )


def absolute_path(url: str) -> str:
    """A relative file path made absolute (against the current folder, `..` folded,
    links kept, as `import` names a file): a source is fetched from whatever folder
    a cron job or the reader starts in. URLs, `~/…` and absolute paths stay as given."""
    import os
    from urllib.parse import urlsplit

    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return url  # (discover says what is wrong with it)
    if not url.strip() or len(scheme) > 1 or url.startswith("~") or os.path.isabs(url):
        return url
    try:
        return os.path.abspath(url)
    except FileNotFoundError:  # (the current folder was deleted under the shell)
        from tui_digest.cli_import import NO_CWD

        raise CommandError(f"{for_terminal(url)}: {NO_CWD}") from None


def _sources_rm(args: argparse.Namespace) -> int:
    from tui_digest.config.config_lock import config_locked
    from tui_digest.config.editing import remove_source

    path = load_for_writing(args).path
    with config_locked(path, waiting=_say_waiting):
        where = remove_source(path, args.name)
    print(
        f"{for_terminal(where)}: removed source {clean_line(args.name, 100)} "
        "(its digests stay in the cache; `tui-digest digests rm NAME...` removes them)"
    )
    return EXIT_OK


def _sources_export(args: argparse.Namespace) -> int:
    from tui_digest.fetch.opml import write_opml
    from tui_digest.net.urls import has_credentials

    config = load_chosen(args)
    data = write_opml(config.sources)
    for s in config.sources:
        if has_credentials(s.url):
            print(
                f"{clean_line(s.name, 200)}: the URL's user name and password are left out "
                "of the OPML (they stay in the config file)",
                file=sys.stderr,
            )
    if args.file == "-":
        from tui_digest.cli_output import write_stdout_bytes

        write_stdout_bytes(data)
    else:
        from tui_digest.core.atomic_file import write_atomic

        # Complete or absent, and never over the cache or the config it was read from;
        # an existing file only with --force, as `export -o` and `backup`.
        refuse_own_files(args.file, db=getattr(args, "db", None), config=config.path)
        write_atomic(args.file, data, overwrite=args.force)
        print(f"{for_terminal(args.file)}: wrote {len(config.sources)} source(s)", file=sys.stderr)
    return EXIT_OK
