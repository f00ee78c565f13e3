"""Headless commands on the user's state: `mark`, `tag`, `note`, `state export|import`.

    tui-digest mark read|unread|star|unstar ID... | --query Q
    tui-digest tag ID... +robotics -old      (no +/-: print the papers' tags)
    tui-digest note ID [TEXT...]             (no TEXT: print the note; "" clears it)
    tui-digest state export [-o FILE]        JSON lines (core.state_file)
    tui-digest state import FILE...          newest change wins per paper and field

Every change is timestamped like the reader's (core.store.user_log), so it
travels with `state export`. Exit status: 0 done, 1 some ids or lines were
not usable (the others were applied; an id not in the cache, for `note` too),
2 usage or cache error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, BinaryIO

from tui_digest.cli_output import write_note
from tui_digest.core.sanitize import clean_text, for_terminal
from tui_digest.core.wording import plural

if TYPE_CHECKING:
    from tui_digest.core.state_file import Parsed

MARKS = {"read": ("read", True), "unread": ("read", False), "star": ("starred", True)}
MARKS["unstar"] = ("starred", False)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "mark", parents=[common], help="mark papers read, unread, starred or not, for scripts"
    )
    p.add_argument("action", choices=tuple(MARKS))
    p.add_argument("ids", nargs="*", metavar="ID", help="arXiv ids")
    p.add_argument("--query", metavar="Q", help="every paper matching this search query")
    p.set_defaults(func=cmd_mark)

    p = subparsers.add_parser(
        "tag", parents=[common], help="add (+tag) or remove (-tag) tags; alone, print the tags"
    )
    p.add_argument("items", nargs="*", metavar="ID|+TAG|-TAG")
    p.set_defaults(func=cmd_tag)

    p = subparsers.add_parser(
        "note", parents=[common], help='set a paper\'s note ("" clears it); alone, print it'
    )
    p.add_argument("id", metavar="ID")
    # A default makes argparse treat it as optional: without one, `note` alone
    # said "the following arguments are required: ID, TEXT" (TEXT is not).
    p.add_argument("text", nargs="*", default=[], metavar="TEXT")
    p.set_defaults(func=cmd_note)

    p = subparsers.add_parser(
        "state",
        parents=[common],
        help="export or import read/starred/tags/notes/watch hits shown (JSON lines)",
    )
    actions = p.add_subparsers(dest="state_action", metavar="ACTION", required=True)
    e = actions.add_parser("export", parents=[common], help="write the state as JSON lines")
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE (replaced) not stdout")
    e.set_defaults(func=cmd_state_export)
    i = actions.add_parser("import", parents=[common], help="merge a state file in")
    i.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="the state file (`-`: standard input); several are merged as one",
    )
    i.set_defaults(func=cmd_state_import)


class StateUsageError(ValueError):
    """Wrong arguments: printed by the CLI's main as one line, exit status 2."""


def _store(args: argparse.Namespace, *, readonly: bool = False, existing: bool = True):
    """The cache; only `state import` (`existing=False`: its changes wait for papers
    not here yet) creates a missing one."""
    from tui_digest.core.store import Store

    db = getattr(args, "db", None)
    store = Store.open_reading(db) if readonly else Store.open(db, existing=existing)
    for notice in store.notices:
        print(f"tui-digest: {for_terminal(notice)}", file=sys.stderr)
    return store


def _rowids(store, ids: list[str]) -> tuple[list[int], list[str]]:
    """Rows of the papers with these arXiv ids, and the ids not in the cache."""
    found, missing = [], []
    for pid in ids:
        rec = store.get_paper(pid)
        if rec is None:
            missing.append(pid)
        else:
            found.append(rec.rowid)
    return found, missing


def _missing(missing: list[str]) -> int:
    for pid in missing:
        print(f"tui-digest: no paper with id {for_terminal(pid)!r} in the cache", file=sys.stderr)
    return 1 if missing else 0


def cmd_mark(args: argparse.Namespace) -> int:
    if args.ids and args.query is not None:
        raise StateUsageError("mark: give arXiv ids or --query Q, not both")
    if args.query is not None and not args.query.strip():
        raise StateUsageError("mark: --query is empty; give a search (e.g. is:unread) or arXiv ids")
    if not args.ids and args.query is None:
        raise StateUsageError("mark: give arXiv ids or --query Q")
    if args.query:
        _refuse_every_paper(args.query)
    column, value = MARKS[args.action]
    missing: list[str] = []
    with _store(args) as store:
        if args.query:
            rowids = store.list_ids(args.query)
        else:
            rowids, missing = _rowids(store, args.ids)
        before = sum(getattr(r, column) == value for r in store.get_papers(rowids))
        if column == "read":  # by hand: the reader's timer leaves these papers alone
            store.set_read(rowids, value, by_hand=True)
        else:
            store.set_starred(rowids, value)
    # Plain digits, as `search` and `stats` print them: scripts read this line
    # (a thousands separator made `(\d+) papers changed` read 1; regression hunt).
    changed = len(rowids) - before
    print(f"{args.action}: {changed} {plural(changed, 'paper')} changed, {before} already were")
    return _missing(missing)


def _refuse_every_paper(query: str) -> None:
    """A query that selects nothing out (`sort:relevance` alone) would change
    every paper: refused as an empty one is. (A term that searches for nothing,
    `note:🚀`, is refused by the parser; it was left out, and `mark star --query
    'note:🚀'` starred every paper: found by a bug hunt.)"""
    from tui_digest.core.query import parse_query

    q = parse_query(query)
    if q.is_empty and q.related is None:
        raise StateUsageError(
            f"mark: --query {for_terminal(query, 80)!r} selects every paper; "
            "give a search (e.g. is:unread) or arXiv ids"
        )


def cmd_tag(args: argparse.Namespace) -> int:
    add = [t[1:] for t in args.items if t.startswith("+")]
    remove = [t[1:] for t in args.items if t.startswith("-")]
    ids = [t for t in args.items if not t.startswith(("+", "-"))]
    if not ids:
        raise StateUsageError("tag: give at least one arXiv id (then +tag to add, -tag to remove)")
    with _store(args, readonly=not (add or remove)) as store:
        rowids, missing = _rowids(store, ids)
        if add or remove:
            from tui_digest.core.query import MAX_TAG
            from tui_digest.core.query_words import tag_is_cut

            long = [t for t in add if tag_is_cut(t)]
            _say_cut(long, f"tag cut to {MAX_TAG} characters")
            changed = store.edit_tags(store.ids_of(rowids), add, remove)
            # A count for the person; the data lines below are "ID<tab>tags", and
            # `tag … | cut -f2` read this line as one (left from a bug hunt).
            if rowids:  # (for ids none of which is here, the errors say it all)
                write_note(f"tags: {changed} {plural(changed, 'paper')} changed")
        for rec in store.get_papers(rowids):
            # Every tag, however many: the line was cut at for_terminal's 4,000
            # characters, the last tag made up (`t68 […truncated]`; bug hunt `huge`).
            tags = ", ".join(rec.tags)
            print(f"{rec.paper.id}\t{for_terminal(tags, len(tags) + 1)}")
    return _missing(missing)


def _changes(n: int) -> str:
    return f"{n} change was" if n == 1 else f"{n} changes were"


def _say_cut(what: list[str], how: str) -> None:
    """Say on stderr what is stored shorter than given (it was cut silently)."""
    for item in what:
        print(f"tui-digest: {for_terminal(item, 80)}: {how}", file=sys.stderr)


def cmd_note(args: argparse.Namespace) -> int:
    with _store(args, readonly=not args.text) as store:
        rec = store.get_paper(args.id)
        if rec is None:  # an id not in the cache: 1, as `mark` and `tag` say it
            return _missing([args.id])
        from tui_digest.core.store.user_log import MAX_NOTE, note_length

        if not args.text:
            if rec.note:
                # Its lines and tabs kept (a note is text, not a file name), controls out.
                print(clean_text(rec.note, MAX_NOTE))
            return 0
        text = " ".join(args.text)
        if note_length(text) > MAX_NOTE:
            _say_cut([rec.paper.id], f"note cut to {MAX_NOTE:,} characters")
        changed = store.set_note(rec.paper.id, text)
    what = "cleared" if not text.strip() else "saved"
    print(f"note {what}" if changed else "note unchanged")
    return 0


def cmd_state_export(args: argparse.Namespace) -> int:
    from tui_digest.cli_args import refuse_own_files
    from tui_digest.core import state_file
    from tui_digest.core.store.user_log import stamp

    # `-o -` is standard output, as for `export -o -` (it made a file named "-").
    to_file = bool(args.output) and args.output != "-"
    if to_file:
        refuse_own_files(args.output, db=args.db, config=getattr(args, "config", None))
    with _store(args, readonly=True) as store:
        changes = store.export_state()
        cache = store.path
    text = state_file.header(stamp()) + "\n" + "".join(state_file.dump(changes))
    if to_file:
        from tui_digest.core.atomic_file import stream_atomic
        from tui_digest.core.copy_mode import no_wider_than

        payload = text.encode("utf-8")

        def fill(f: BinaryIO) -> None:
            no_wider_than(f.fileno(), cache)  # (it holds the notes: as private as the cache)
            f.write(payload)

        # Replaced whole (atomically): the usual target is a synced folder
        # that is exported to again and again.
        path = stream_atomic(args.output, fill, overwrite=True)
        print(f"wrote {len(changes)} changes to {for_terminal(path)}", file=sys.stderr)
    else:
        from tui_digest.cli_output import write_utf8

        # Data for `state import`: UTF-8 whatever the locale. A full disk (or a
        # closed standard output) fails here, inside main's error handling.
        write_utf8(text)
    return 0


def cmd_state_import(args: argparse.Namespace) -> int:
    from tui_digest.core.store.user_log import Change

    if args.files.count("-") > 1:
        from tui_digest.cli_args import CommandError

        raise CommandError("state import: `-` (standard input) can be given once")
    changes: list[Change] = []
    problems: list[str] = []
    for given in args.files:  # (as their concatenation: newest wins, one report)
        parsed = _read_state(given)
        changes.extend(parsed.changes)
        problems.extend(parsed.problems)
    for problem in problems[:20]:
        print(f"tui-digest: {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"tui-digest: ... and {len(problems) - 20} more problems", file=sys.stderr)
    with _store(args, existing=False) as store:
        result = store.merge_state(changes)
    print(
        f"state: {result.applied} changes applied ({result.pending} for papers not here yet), "
        f"{result.kept} kept (this cache had the same or newer)"
    )
    if result.cut:
        from tui_digest.core.store.user_log import MAX_NOTE

        _say_cut(result.cut, f"note cut to {MAX_NOTE:,} characters")
    if result.tags_cut:
        from tui_digest.core.query import MAX_TAG

        _say_cut(result.tags_cut, f"tag cut to {MAX_TAG} characters")
    ahead = result.future + result.refused
    if ahead:
        print(
            f"tui-digest: {_changes(ahead)} stamped over an hour later than now (is the "
            f"exporting machine's clock ahead?): {result.future} applied where this cache "
            f"had no change of its own, {result.refused} refused where it had; set that "
            "clock right, or its changes will win over later ones made here once its "
            "time comes",
            file=sys.stderr,
        )
    return 1 if problems else 0


def _read_state(given: str) -> Parsed:
    """One state file (`-`: standard input) read and parsed; its problems name it."""
    from tui_digest.core import state_file
    from tui_digest.core.readers import read_capped

    if given == "-":  # (`ssh box tui-digest state export | tui-digest state import -`)
        from tui_digest.cli_stdin import stdin_binary

        name = "<stdin>"
        raw = read_capped(name, cap=256 * 1024 * 1024, stream=stdin_binary("state import -"))
    else:
        name = given
        raw = read_capped(given, cap=256 * 1024 * 1024)
    text, note = state_file.decode(raw)  # a BOM names the encoding (state_file.decode)
    if note:
        print(f"tui-digest: {for_terminal(name)}: {note}", file=sys.stderr)
    return state_file.parse(text, name, state_file.garbled_lines(raw, note))
