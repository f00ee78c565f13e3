"""What the digests the user removed listed, so that no fetch brings them back.

`digests rm` and `prune` remember each removed digest's list as a fingerprint
(schema `_remember_removed_lists`). A source's file served again unchanged (a
sync tool touched it; an HTTP 200 with the same body) is compared only with
the source's latest remaining digest (`days.choose`), so it became a new
digest of the day it was fetched, every paper unread, though README promises a
removed day stays removed (found by a bug hunt's replay). An import by hand
(`tui-digest import FILE`) brings it back, as README says, and forgets it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence


def fingerprint(listed: Iterable[Sequence[object]]) -> bytes | None:
    """16 bytes standing for a list of (ref, id, hash) entries, sorted by ref; None
    when an entry's hash is unknown (membership from before schema v3)."""
    import hashlib  # (here: the reader's first frame loads this module, not hashlib)

    h = hashlib.blake2b(digest_size=16)
    for ref, pid, entry in listed:
        if not isinstance(entry, bytes):
            return None
        # (every hash is 16 bytes, so ref, id and hash cannot run into the next entry)
        h.update(f"{ref}\0{pid}\0".encode())
        h.update(entry)
    return h.digest()


def stored_list(conn: sqlite3.Connection, dpk: int) -> sqlite3.Cursor:
    """What digest `dpk` lists: (ref, id, hash) rows by ref (also `days.lists_exactly`'s)."""
    return conn.execute(
        "SELECT m.ref, p.id, m.hash FROM membership m JOIN papers p ON p.pk = m.paper "
        "WHERE m.digest = ? ORDER BY m.ref",
        (dpk,),
    )


def remember_removed(conn: sqlite3.Connection, pks: Sequence[int], skip_source: str) -> None:
    """Before digests `pks` go: what each listed, so no fetch brings it back."""
    for pk, source, date, name in conn.execute(
        f"SELECT pk, source, date, name FROM digests WHERE pk IN ({','.join('?' * len(pks))}) "
        "AND source != ?",
        (*pks, skip_source),
    ).fetchall():
        mark = fingerprint(stored_list(conn, pk))
        if mark is not None:
            conn.execute(
                "INSERT OR REPLACE INTO removed_lists(source, fingerprint, date, name) "
                "VALUES (?, ?, ?, ?)",
                (source, mark, date, name),
            )


def removed_list(
    conn: sqlite3.Connection, source: str, listed: Sequence[Sequence[object]], *, revive: bool
) -> bool:
    """Whether `listed` (ref, id, hash by ref) is a list the user removed from
    `source`. `revive`: an import by hand, which brings it back: it is no
    longer remembered as removed, and this says False."""
    mark = fingerprint(listed)
    if mark is None:
        return False
    if revive:
        conn.execute(
            "DELETE FROM removed_lists WHERE source = ? AND fingerprint = ?", (source, mark)
        )
        return False
    row = conn.execute(
        "SELECT 1 FROM removed_lists WHERE source = ? AND fingerprint = ?", (source, mark)
    ).fetchone()
    return row is not None
