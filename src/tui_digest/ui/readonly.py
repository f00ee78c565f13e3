"""A cache opened read-only (read-only media, a read-only file or folder): say so once.

`Store.open` downgrades to a read-only open when the cache cannot be written
(`core/cache_guard.py`), and the listing shows its notice; the follower (`ui/follow.py`)
makes it read-only too when the cache is replaced or upgraded under the reader,
and `store.readonly_why` then says so instead. Every key that
would write (s, m, M, ctrl+z, #, a, r, t, deleting a digest) then asks
`refuse_readonly` first and gets one clear sentence instead of a failed write
per key; the status line shows "read-only cache" the whole time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tui_digest.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui_digest.core.store import Store

LABEL = "read-only cache"
# The status line's tag once the follower stopped the saves: the cache was
# replaced, damaged or upgraded under the reader (`store.readonly_why`). After
# its notice had gone nothing on screen said why keys refused (regression hunt
# `regmove` #3).
STOPPED = "nothing is saved: restart the reader"


class Notifies(Protocol):
    """A screen or the app."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...


def is_readonly(store: Store | None) -> bool:
    return store is not None and store.readonly


def refuse_readonly(host: Notifies, store: Store | None, what: str) -> bool:
    """True, after telling the user, when `store` is read-only: `what` cannot be saved."""
    if store is None or not store.readonly:
        return False
    if store.readonly_why:  # (replaced or upgraded under the reader: not the file's mode)
        host.notify(
            f"{what[:1].upper()}{what[1:]} cannot be saved: {clean_line(store.readonly_why, 400)}.",
            title="Nothing more is saved",
            severity="warning",
            markup=False,
        )
        return True
    host.notify(
        f"The cache {clean_line(str(store.path), 200)} is read-only: {what} cannot be saved.",
        title="Read-only cache",
        severity="warning",
        markup=False,
    )
    return True
