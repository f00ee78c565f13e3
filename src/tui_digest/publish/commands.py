"""The headless `publish` subcommand.

    tui-digest publish --out DIR [--category CAT]... [--date YYYY-MM-DD]
                       [--query Q] [--title NAME] [--no-translate] [--config PATH]

Translates the day's papers that lack Chinese fields first (when [translate]
is enabled; bounded by max_papers_per_run and max_tokens_per_run), then writes
the folder (see publish/folder.py). Prints one line per category and the
translation summary. Exit status: 0 published, 1 published but some papers
could not be translated (or the translation config is broken: the papers
then go out in English), 2 nothing could be published (bad folder or cache,
a file that could not be written: the folder is left as it was; should a
file not move into place, the message names those that did).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line, for_terminal

if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    parents = [common] if common is not None else []
    p = subparsers.add_parser(
        "publish",
        parents=parents,
        help="write the day's bilingual digests (Markdown, RSS, index.json) to a folder",
        description="Translate the day's papers that lack Chinese fields, then write one "
        "digest per category (<cat>.md, <cat>.xml, <cat>/<date>.md|.xml) and index.json "
        "into a folder any static web server can serve.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to publish into")
    p.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="CAT",
        help="publish this category (repeatable; default: every category the day has)",
    )
    p.add_argument(
        "--date", type=_date, default=None, help="the day to publish (default: the newest)"
    )
    p.add_argument("--query", default="", metavar="Q", help="only papers matching this search")
    p.add_argument(
        "--title",
        default=None,
        help="publisher name shown to subscribers (feed title); kept for later runs "
        "(default: the folder's, else tui-digest)",
    )
    p.add_argument(
        "--no-translate", action="store_true", help="publish as is, without translating first"
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $TUI_DIGEST_CONFIG or the user config dir)",
    )
    p.set_defaults(func=cmd_publish)


def cmd_publish(args: argparse.Namespace) -> int:
    from tui_digest.config.errors import ConfigError
    from tui_digest.core.model import InputError
    from tui_digest.core.query import QueryError
    from tui_digest.core.store import CacheError
    from tui_digest.publish.folder import PublishError

    try:
        return _publish(args)
    except BrokenPipeError:
        raise  # (an OSError too: the reader of a pipe went away, cli._run's 141)
    except (PublishError, ConfigError, CacheError, InputError, QueryError, sqlite3.Error) as exc:
        print(f"tui-digest: {clean_line(str(exc), 1000)}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        message = str(exc)
        if exc.strerror:
            message = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
        print(f"tui-digest: {clean_line(message, 1000)}", file=sys.stderr)
        return EXIT_ERROR


def _translation_config(args: argparse.Namespace):  # -> (TranslateConfig | None, bool)
    """The config to translate with, and whether a broken one made us skip translation.

    Publishing goes on without translation either way: a headless run should
    still give colleagues the day's papers (in English) when the key's
    variable is missing or the [translate] table is wrong; the exit status
    then says something needs fixing.
    """
    from tui_digest.config.errors import ConfigError
    from tui_digest.config.loader import load_warned
    from tui_digest.translate.config import NotConfigured, load_translate_config, usable_or_raise

    if args.no_translate:
        return None, False
    path = getattr(args, "config", None)
    try:
        # Its warnings (unknown keys, a [[watches]] table left out) said, as by
        # every command that reads the config.
        config = load_warned(path, must_exist=path is not None)
        cfg = usable_or_raise(load_translate_config(path, config=config))
        cfg.api_key()  # fail before any work when the key's variable is unset
    except NotConfigured as exc:
        _warn_english(str(exc))
        return None, False
    except ConfigError as exc:
        _warn_english(str(exc))
        return None, True
    return cfg, False


def _warn_english(reason: str) -> None:
    print(
        f"tui-digest: not translating ({clean_line(reason, 300)}); "
        "papers without Chinese fields are published in English",
        file=sys.stderr,
    )


def _nothing_to_publish(store, plan) -> str:  # (Store, Plan)
    """Why the plan is empty, and (when no category was asked for) which day is not."""
    from tui_digest.publish.day import digests_of_day, newest_publishable_day

    if plan.papers:  # categories asked for (or found) but without papers
        asked = ", ".join(clean_line(c, 100) for c in plan.papers)
        matching = " match --query" if plan.query.strip() else ""
        return f"{plan.date}: {asked}: no papers that day{matching}; nothing published"
    names = digests_of_day(store, plan.date)
    if names:
        shown = ", ".join(clean_line(n, 100) for n in names[:5])
        shown += f" and {len(names) - 5} more" if len(names) > 5 else ""
        why = f"no digest of that day has a category ({shown})"
    else:
        why = "no digest"
    newest = newest_publishable_day(store, skip=plan.date)
    hint = (
        f"the newest day that can be published is {newest} (--date {newest})"
        if newest
        else "no day has a digest with a category"
    )
    return f"{plan.date}: {why}; nothing published; {hint}"


def _say_waiting(lock: Path) -> None:
    """Said before `publish` waits for another run into the same folder (folder_lock)."""
    print(
        f"tui-digest: another publish is writing to {for_terminal(lock.parent)}; "
        f"waiting for it to finish (lock {for_terminal(lock.name)})",
        file=sys.stderr,
        flush=True,
    )


def _say_unlocked(lock: Path, error: OSError) -> None:
    """Said when the folder's file system cannot take the lock (folder_lock): the run goes on."""
    print(
        f"tui-digest: could not lock {for_terminal(lock.parent)} "
        f"({for_terminal(error.strerror or str(error))}); publishing without the lock: "
        "do not start another publish into this folder until this one ends",
        file=sys.stderr,
        flush=True,
    )


def _publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tui_digest.config.errors import ConfigError
    from tui_digest.core.store import Store
    from tui_digest.publish.run import (
        check_folder,
        plan_day,
        refresh,
        translate_missing,
        write_plan,
    )

    store = Store.open(getattr(args, "db", None), existing=True)
    report = None
    try:
        plan = plan_day(store, categories=args.category, date=args.date or "", query=args.query)
        if not plan.unique():  # nothing to publish: the folder is left as it was
            print(f"tui-digest: {_nothing_to_publish(store, plan)}", file=sys.stderr)
            return EXIT_ERROR
        check_folder(Path(args.out))  # a broken index refused before any translation
        # Only now: "published in English" came before "nothing published".
        cfg, broken = _translation_config(args)
        if cfg is not None:  # (the plan has papers: see above)
            import asyncio  # here, not at the top: every CLI start would pay for it

            try:
                report = asyncio.run(translate_missing(store, plan, cfg))
            except ConfigError as exc:  # the glossary file, read when the run starts
                _warn_english(str(exc))
                broken = True
            plan = refresh(store, plan)
        published = write_plan(
            plan,
            Path(args.out),
            title=None if args.title is None else clean_line(args.title, 100),
            waiting=_say_waiting,
            unlocked=_say_unlocked,
        )
    finally:
        store.close()
    for line in published.withdrawn:
        print(clean_line(line, 2000))
    for day in published.days:
        for line in day.lines():
            print(clean_line(line, 2000))
    if published.index_changed:
        print("index.json: updated")
    if report is not None and report.outcomes:
        print(report.summary())
    if broken or (report is not None and (report.aborted or report.failed)):
        return EXIT_PARTIAL
    return EXIT_OK
