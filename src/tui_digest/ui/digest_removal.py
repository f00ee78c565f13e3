"""Deleting a digest from the reader (issue 16 item 1): ask, then remove in a thread.

The digest picker's `shift+delete` and the palette's "Delete this digest"
both end here. What would go is counted first (in a thread: it reads the
cache), the question says it, and the removal itself is one store
transaction (`Store.remove_digests`), counted in the status line as it goes,
after which the listing and the digest list are read again.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from tui_digest.core.wording import counted
from tui_digest.ui.readonly import Notifies, refuse_readonly
from tui_digest.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.core.store import Store
    from tui_digest.core.store.retention import Removal

SLOT = "remove"  # the status line's place for it (`set_activity`)

# A picker result asking to delete the digest named after it (names hold no NUL).
DELETE = "\0delete:"


class Removing(Notifies, Protocol):
    """What this needs from the screen showing the listing."""

    store: Store | None
    digest: str | None

    @property
    def app(self) -> App: ...

    def cache_changed(self, change: object = None) -> None: ...

    def unselect_removed(self, rowids: set[int], removal_count: int | None) -> int: ...

    def set_activity(self, text: str, *, slot: str = "fetch") -> None: ...


def ask_to_remove(screen: Removing, name: str) -> None:
    """Count what removing digest `name` takes away, ask, and remove it on yes."""
    store = screen.store
    if store is None or refuse_readonly(screen, store, "removing a digest"):
        return

    def count() -> None:
        if store.digest_name(name) is None:  # removed since the picker was opened
            screen.app.call_from_thread(_gone, screen, name)
            return
        pks = store.digest_pks([name])
        plan = store.removal_plan(pks)
        screen.app.call_from_thread(_ask, screen, store, name, pks, plan)

    screen.app.run_worker(
        count,
        thread=True,
        group="remove-digest",
        exit_on_error=False,
        description="count what removing the digest takes away",
    )


def _gone(screen: Removing, name: str) -> None:
    screen.notify(f"{name} was already removed.", title="Digest removed", markup=False)


def _ask(screen: Removing, store: Store, name: str, pks: list[int], plan: Removal) -> None:
    # (the papers `retention` keeps: starred, tagged or noted, as the CLI says)
    kept = f" ({plan.papers_kept} starred, tagged or noted stay)" if plan.papers_kept else ""
    question = (
        f"Remove the digest {name} and the {counted(plan.papers_deleted, 'paper')} "
        f"no other digest lists{kept}?"
    )

    def answered(yes: bool | None) -> None:
        if yes:
            screen.app.run_worker(
                lambda: _remove(screen, store, name, pks, plan.digests),
                thread=True,
                group="remove-digest",
                exit_on_error=False,
                description=f"remove the digest {name}",
            )

    screen.app.push_screen(ConfirmScreen(question, yes_label="Remove"), answered)


def _remove(screen: Removing, store: Store, name: str, pks: list[int], names: list[str]) -> None:
    """Remove, saying how far in the status line: a 50,000-paper archive takes
    minutes, and the reader was silent until it ended (the CLI shows a bar).

    Only the rows that still carry the names asked about (`names`): `pks` were
    read when the question was asked, and when another process removed the
    digest meanwhile, the next digest imported took its row number; `y` removed
    that one and its papers (bug hunt `auditui` #1)."""
    say = partial(screen.app.call_from_thread, screen.set_activity, slot=SLOT)

    def progress(done: int, total: int) -> None:
        say(f"removing {name}: {done:,} of {counted(total, 'paper')}…")

    say(f"removing {name}…")  # (the papers' count comes once they are found)
    try:
        listed = store.list_ids("", digest=name)  # its papers' row numbers
        done = store.remove_digests(pks, progress=progress, named=names)
        gone = set(listed) - store.present(listed)  # (those starred, tagged, noted stay)
    finally:
        say("")
    screen.app.call_from_thread(_removed, screen, name, done, gone)


def _removed(screen: Removing, name: str, done: Removal, gone: set[int]) -> None:
    """Show the cache as it is now; the papers removed leave the selection at
    once (it was left as it was until the cache poll cleared it, and a bulk
    `s` meanwhile said most of it was "removed meanwhile": bug hunt
    `regselect` #2).

    Another process removed it and imported it again after the question (a new
    row): nothing is removed, the view stays on it, and the question is asked
    again with its new counts; `y` said "already removed" of a digest still
    there, and the view left it (regression hunt `regui41` #2)."""
    if name in done.returned:
        screen.cache_changed()
        screen.notify(
            f"{name} was removed and imported again meanwhile (by another process): "
            "nothing removed. Asking again: its papers may differ.",
            title="Digest not removed",
            markup=False,
        )
        ask_to_remove(screen, name)
        return
    if screen.digest == name:
        screen.digest = None  # the digest shown is gone: show every paper
    if not done.digests:  # another process removed it after the question
        screen.cache_changed()
        _gone(screen, name)
        return
    unselected = screen.unselect_removed(gone, done.removal_count)
    screen.cache_changed()
    text = f"Removed {name} and {counted(done.papers_deleted, 'paper')}."
    if unselected:
        text += f" {counted(unselected, 'selected paper')} left the selection."
    screen.notify(text, title="Digest removed", markup=False)
