"""Naming the rows `A` selected without drawing them (bug hunt `regselect` #1, #2).

A selected row carries the arXiv id the reader showed for it, so that `e`,
`s`, `m`, `#` and `t` find each paper again by its id (`core/store/picked.py`).
Rows never drawn have no id on screen: their ids are read here, in a thread
(50,000 rows take ~60 ms, several frames), as their listing read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tui_digest.core.wording import counted
from tui_digest.ui.readonly import Notifies

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.core.store import Store
    from tui_digest.ui.widgets.list_messages import SelectionUnnamed
    from tui_digest.ui.widgets.paper_list import PaperList


class Naming(Notifies, Protocol):
    store: Store | None

    @property
    def app(self) -> App: ...

    @property
    def paper_list(self) -> PaperList: ...


def name_selection(screen: Naming, message: SelectionUnnamed) -> None:
    """Read the ids of `message.rowids` in a thread, then hand them to the list."""
    store = screen.store
    rowids, listed_at = message.rowids, message.listed_at
    if store is None:
        _named(screen, rowids, None)
        return

    def read() -> None:
        try:
            names = store.names_at(rowids, listed_at)
        except BaseException:
            # Left unnamed, the rows stayed in `naming` and every key after said
            # "press the key again in a moment" for good (bug hunt `auditui` #6):
            # they leave the selection; the error itself is said as the worker's.
            screen.app.call_from_thread(_unread, screen, rowids)
            raise
        screen.app.call_from_thread(_named, screen, rowids, names)

    screen.app.run_worker(
        read,
        thread=True,
        group="selection-names",
        exit_on_error=False,
        description="read the selected papers' ids",
    )


def _named(screen: Naming, rowids: list[int], names: dict[int, str] | None) -> None:
    dropped = screen.paper_list.name_selected(rowids, names)
    if dropped:
        screen.notify(
            f"The cache changed while selecting: {counted(dropped, 'paper')} not "
            "selected (press A again once the list is shown anew).",
            markup=False,
            severity="warning",
        )


def _unread(screen: Naming, rowids: list[int]) -> None:
    dropped = screen.paper_list.name_selected(rowids, None)
    if dropped:
        screen.notify(
            f"{counted(dropped, 'paper')} not selected: their ids could not be read "
            "(press A again to try again).",
            markup=False,
            severity="warning",
        )
