"""`tui-digest backup FILE`: a consistent copy of the cache (issue 16 item 9).

The cache is the only copy of past days, so this is the one thing worth
scheduling. The copy is made with SQLite's `VACUUM INTO` (see
`core.store.backup`), so a fetch writing meanwhile never tears it; restoring
is copying the file back to the cache path (`tui-digest stats` names it) or
pointing `--db` at it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui_digest.core.sanitize import for_terminal


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[common],
        help="write a consistent copy of the cache to FILE (restore: use it as --db)",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="where to write the copy (one SQLite file; not `-`: it is written by name)",
    )
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from tui_digest.core.errors import UpgradeNeeded
    from tui_digest.core.store import Store

    if args.file == "-":
        # It wrote a file named "-" and said "backed up": `backup - | gzip > b.gz`
        # made an empty archive, exit 0 (found by a bug hunt). SQLite writes a
        # copy by name, never into a pipe.
        from tui_digest.cli_args import CommandError

        raise CommandError(
            "backup cannot write to standard output (`-`): the copy is a SQLite file, "
            "written by name; give a file (then `gzip FILE` if you like)"
        )
    try:
        store = Store.open(args.db, readonly=True)
    except UpgradeNeeded:
        # A cache an older release made: copied as it is, so that it can be backed
        # up before this release upgrades it (which any other command does).
        from tui_digest.core.paths import default_db_path
        from tui_digest.core.store.backup import backup_as_is

        cache = Path(args.db).expanduser() if args.db else default_db_path()
        path, papers, digests = backup_as_is(cache, args.file, overwrite=args.force)
    else:
        try:
            for notice in store.notices:
                print(f"tui-digest: {for_terminal(notice)}", file=sys.stderr)
            papers = store.count("")
            digests = len(store.digests())
            path = store.backup(args.file, overwrite=args.force)
        finally:
            store.close()
    size = path.stat().st_size / (1024 * 1024)
    print(
        f"backed up {papers} papers in {digests} digests ({size:.1f} MiB) to {for_terminal(path)}"
    )
    return 0
