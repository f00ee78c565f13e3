"""What the digests the user removed listed, so that no fetch brings them back.

`digests rm` and `prune` remember each removed digest's list as a fingerprint
(schema `_remember_removed_lists`). A source's file served again unchanged (a
sync tool touched it; an HTTP 200 with the same body) is compared only with
the source's latest remaining digest (`days.choose`), so it became a new
digest of the day it was fetched, every paper unread, though README promises a
removed day stays removed (found by a bug hunt's replay). An import by hand
(`tui-digest import FILE`) brings it back, as README says, and forgets it.

A list was remembered with each paper's text only, so the same day published
again with the rest of it translated (README's "the next morning"), or
overwritten English-only from another cache, was "another list": it came back,
every paper unread (found by a bug hunt). Now a removed digest is remembered
twice: by (ref, id, hash), and by its ids alone (`ids_fingerprint`, another
row of the table under a fingerprint of its own kind). A document that states
its day is removed when its source had a digest of that day removed and has
none of it now, whatever it lists (a day re-published with a few papers more
too: the user removed the day, as `prune` and catch-ups of missed days treat
it); one that does not (dated by the fetch) when its ids are those of a
removed list.
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


def ids_fingerprint(listed: Iterable[Sequence[object]]) -> bytes:
    """16 bytes standing for the ids a list of (ref, id, hash) entries lists, whatever
    their text or order (a kind of its own: never equal to a `fingerprint`)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16, person=b"removed-ids")
    for pid in sorted({str(entry[1]) for entry in listed}):
        h.update(pid.encode() + b"\0")
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
        listed = stored_list(conn, pk).fetchall()
        for mark in (fingerprint(listed), ids_fingerprint(listed)):
            if mark is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO removed_lists(source, fingerprint, date, name) "
                    "VALUES (?, ?, ?, ?)",
                    (source, mark, date, name),
                )


def removed_list(
    conn: sqlite3.Connection,
    source: str,
    listed: Sequence[Sequence[object]],
    *,
    revive: bool,
    day: str = "",
    dated: bool = False,
    exclude: int = 0,
) -> bool:
    """Whether `listed` (ref, id, hash by ref) is a list the user removed from
    `source`: the same list, or (`dated`: a document that states its `day`) a day
    of `source` the user removed that has no digest now (but `exclude`, the one
    this import just made), or (undated) the same ids. `revive`: an import by
    hand, which brings it back: it is no longer remembered as removed, and this
    says False."""
    marks = [m for m in (fingerprint(listed),) if m is not None]
    if not dated:
        marks.append(ids_fingerprint(listed))
    where = f"fingerprint IN ({','.join('?' * len(marks))})"
    args: list[object] = [source, *marks]
    if dated and day:
        where = f"({where} OR date = ?)"
        args.append(day)
    if revive:
        conn.execute(f"DELETE FROM removed_lists WHERE source = ? AND {where}", args)
        return False
    row = conn.execute(f"SELECT 1 FROM removed_lists WHERE source = ? AND {where}", args).fetchone()
    if row is None or not (dated and day):
        return row is not None
    # (a removed day that has a digest again, e.g. imported by hand: its lists are revisions)
    held = conn.execute(
        "SELECT 1 FROM digests WHERE source = ? AND date = ? AND pk != ?", (source, day, exclude)
    ).fetchone()
    if held is None:
        return True
    same = conn.execute(
        f"SELECT 1 FROM removed_lists WHERE source = ? AND fingerprint IN "
        f"({','.join('?' * len(marks))})",
        [source, *marks],
    ).fetchone()
    return same is not None
