"""`tui-digest digests rm NAME...` and `tui-digest prune --older-than 180d` (issue 16 item 1).

Both say what they will remove (digests, and the papers no remaining digest
lists; starred papers are kept) and ask before removing, unless `--yes`.
Without a terminal on stdin there is no one to ask: they refuse unless `--yes`.
The removal is one transaction (see `core.store.retention`). A cache open
read-only is refused before the plan, as `mark` and `import` refuse.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import sys
from typing import TYPE_CHECKING, TextIO

from tui_digest.cli_output import OutputError, drop_stdout
from tui_digest.cli_stdin import can_ask
from tui_digest.core import digest_day
from tui_digest.core.sanitize import for_terminal
from tui_digest.core.wording import counted, plural

if TYPE_CHECKING:  # the store is imported when a command runs, not at every CLI start
    from tui_digest.core.store import Store
    from tui_digest.core.store.retention import Removal


class RetentionError(ValueError):
    """A problem worth one line on stderr (the CLI reports ValueErrors as such)."""


def parse_age(text: str) -> int:
    """Days in `180d`, `26w` or a bare `180`; a ValueError says what is expected."""
    m = re.fullmatch(r"\s*(\d{1,5})\s*([dw]?)\s*", text)
    if m is None or int(m[1]) == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an age like 180d or 26w")
    return int(m[1]) * (7 if m[2] == "w" else 1)


def cutoff(days: int, today: str) -> str:
    """The first day kept: digests dated before it are older than `days` days.

    An age reaching before year 1 (a scripted early `TUI_DIGEST_TODAY`) keeps
    from 0001-01-01: nothing is dated before it.
    """
    ordinal = _dt.date.fromisoformat(today).toordinal() - days
    return _dt.date.fromordinal(max(ordinal, 1)).isoformat()


def remove(store: Store, pks: list[int], *, yes: bool, what: str, loose_before: str = "") -> int:
    """Say what removing `pks` does, ask (unless `yes`), remove; returns the exit status.
    `loose_before`: `prune` also removes the papers no digest lists any more.
    A cache open read-only is refused first: the whole plan was printed, then
    "nothing was changed" (found by a bug hunt)."""
    store.refuse_readonly()
    plan = store.removal_plan(pks, loose_before=loose_before)
    if not pks and not plan.papers_deleted:
        print(f"nothing to remove ({what})")
        return 0
    # Asked, the plan and the question go where the person reads: standard
    # output redirected (`> rm.log`), they went into the file and the command
    # seemed to hang (bug hunt `auditout` #2); on standard error now.
    cut = False  # (standard output gone while the plan was written)
    say = sys.stdout if yes or sys.stdout.isatty() else sys.stderr
    if not yes and not can_ask():  # (no terminal, or stdin closed: `<&-`)
        _show_plan(plan, what, loose_before, sys.stdout)
        raise RetentionError("not removing anything: no terminal to ask on; add --yes")
    if not yes:
        _show_plan(plan, what, loose_before, say)
        if not _confirmed(say):
            print("nothing removed", file=say)
            return 1
    else:
        try:
            _show_plan(plan, what, loose_before, sys.stdout)
        except (OSError, OutputError):  # (BrokenPipeError, a full disk)
            # With --yes nobody reads the plan to decide: a reader gone
            # (`| head`) stopped the removal when the plan outgrew the pipe
            # (bug hunt `auditout` #7). The removal goes on; see _report.
            drop_stdout()
            cut = True
    # Only the digests planned: the row numbers were read before the question, and
    # one freed meanwhile by another process's removal goes to the next digest
    # imported (`named`; bug hunt `auditui` #1).
    done = _remove_showing(store, pks, loose_before, plan.digests)
    for name in plan.digests:
        if name in done.returned:  # (the plan printed was not of it: regui41 #2)
            print(
                f"{for_terminal(name)} was removed and imported again meanwhile (by another "
                "process): not removed; run the command again to remove it"
            )
        elif name not in done.digests:
            print(f"{for_terminal(name)} was already removed (by another process)")
    return _report(
        cut,
        f"removed {counted(len(done.digests), 'digest')} and "
        f"{counted(done.papers_deleted, 'paper')}",
        status=1 if done.returned else 0,
    )


def _report(cut: bool, line: str, *, status: int = 0) -> int:
    """The result line; with standard output gone (`| head`, a full disk) it is
    said on standard error instead, and `status` stands: the removal is done,
    only its listing was cut (a quiet 141 read the same as "nothing removed").
    `status` 1: a digest asked about was imported again meanwhile, not removed."""
    try:
        print(line)
        sys.stdout.flush()
    except (OSError, OutputError):
        drop_stdout()
        cut = True
    if cut:
        print(
            f"tui-digest: {line} (standard output could not be written: the listing is incomplete)",
            file=sys.stderr,
        )
    return status


def _show_plan(plan: Removal, what: str, loose_before: str, out: TextIO) -> None:
    print(f"will remove {counted(len(plan.digests), 'digest')} ({what}):", file=out)
    for name in plan.digests:
        print(f"  {for_terminal(name)}", file=out)
    kept = (
        f"; {plan.papers_kept:,} starred, tagged or noted {plural(plan.papers_kept, 'paper')} kept"
        if plan.papers_kept
        else ""
    )
    print(f"and {counted(plan.papers_deleted, 'paper')} no other digest lists{kept}", file=out)
    if plan.papers_loose:
        print(
            f"(of them {plan.papers_loose} listed by no digest since a same-day update dropped"
            f" them, first seen before {loose_before})",
            file=out,
        )
    out.flush()


def _confirmed(out: TextIO) -> bool:
    """ "remove them? [y/N]" on `out`, read on standard input; end of input
    (Ctrl-D) is "no", as for any [y/N] question (it was a traceback; bug hunt
    `auditout` #1)."""
    print("remove them? [y/N] ", end="", file=out, flush=True)
    try:
        answer = input("")  # (the question is already on `out`)
    except EOFError:
        print(file=out)
        return False
    return answer.strip().lower() in ("y", "yes")


def _remove_showing(store: Store, pks: list[int], loose_before: str, named: list[str]) -> Removal:
    """`remove_digests` with a bar on a terminal: papers deleted or moved, of how many
    (a 50,000-paper archive was minutes of silence after the plan; bug hunt `scale`)."""
    from tui_digest.cli_progress import stderr_bar

    bar = stderr_bar("removing")
    if bar is None:
        return store.remove_digests(pks, loose_before=loose_before, named=named)
    task = bar.add_task("papers", total=None)
    try:
        return store.remove_digests(
            pks,
            loose_before=loose_before,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            named=named,
        )
    finally:
        bar.stop()


def cmd_digests_rm(store: Store, args: argparse.Namespace) -> int:
    if not args.names:
        raise RetentionError("digests rm: name at least one digest (see `tui-digest digests`)")
    return remove(store, store.digest_pks(args.names), yes=args.yes, what="as named")


def cmd_prune(store: Store, args: argparse.Namespace) -> int:
    day = cutoff(args.older_than, digest_day.local_today())
    pks = store.digests_older_than(day)
    return remove(store, pks, yes=args.yes, what=f"dated before {day}", loose_before=day)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `prune`."""
    p = sub.add_parser(
        "prune",
        parents=[common],
        help="remove digests older than an age, and the papers only they listed",
    )
    p.add_argument(
        "--older-than",
        type=parse_age,
        required=True,
        metavar="AGE",
        help="e.g. 180d or 26w: digests dated before that many days ago",
    )
    p.add_argument("--yes", "-y", action="store_true", help="remove without asking")
    p.set_defaults(func=_run_prune)


def _run_prune(args: argparse.Namespace) -> int:
    from tui_digest.core.store import Store

    store = Store.open(args.db, existing=True)
    try:
        for notice in store.notices:
            print(f"tui-digest: {for_terminal(notice)}", file=sys.stderr)
        return cmd_prune(store, args)
    finally:
        store.close()
