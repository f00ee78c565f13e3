"""Schema step 22: arXiv Atom digests filed under the UTC day of `<updated>`, re-dated.

An Atom feed was filed under the date of its channel's `<updated>` in its own
zone, UTC, which is the next day for a feed built after 00:00Z (the evening
in the Americas). The new rule (`arxiv_day.listing_day`) files it under its
entries' announcement day, so the next announcement met the misfiled digest
on its day: a `-2` digest beside it, or, when the user had removed it, a list
dropped as "unchanged" (regression hunt `regtz` #1). This step reads each
arXiv digest's kept original bytes again and moves the ones the old rule
misdated to the day the new rule gives them, with their name and label, and
their papers' listing places (and index rows) with them.

Only a digest that is safe to move is moved: its kept bytes are an Atom feed,
its date is the one the old rule gave them and the new rule gives another,
its name ends with that date, and no digest holds the new name (or alias) or
the source's new day already. Any other digest stays as it is.

Most of the step's time is Python's (each candidate feed decompressed and
parsed), where SQLite's progress handler never looks at the upgrade's stop:
the step looks between digests and between chunks of papers moved
(`schema_stop.check`), and rolls back when the reader quits (regression hunt
`regui41` #3: `q` waited seconds on a blank screen).
"""

from __future__ import annotations

import re
import sqlite3
import zlib

from tui_digest.core import schema_stop

_HEAD = 1 << 16  # (bytes of a document read for its channel's head)
# (an Atom feed's channel `<updated>`: before its first entry)
_UPDATED_RE = re.compile(rb"<(?:\w+:)?updated>\s*([^<\s]+)\s*</")


def redate_atom_digests(conn: sqlite3.Connection) -> None:
    from tui_digest.core.store.retention import re_place  # (store code: loaded here only)

    # (the documents one at a time: a large cache keeps gigabytes of them)
    rows = conn.execute(
        "SELECT pk, name, source, date, alias, label FROM digests "
        "WHERE kind = 'arxiv' AND date != '' "
        "AND EXISTS (SELECT 1 FROM digest_bytes b WHERE b.digest = digests.pk) "
        # Oldest first: a day filed a day late takes the name of the day before
        # it, freed only once that one has moved (read in no order, a backfilled
        # older day left the others a day late: regression hunt `reg2a`).
        "ORDER BY date, pk"
    ).fetchall()
    papers: set[int] = set()
    for pk, name, source, date, alias, label in rows:
        schema_stop.check()
        data = conn.execute("SELECT data FROM digest_bytes WHERE digest = ?", (pk,)).fetchone()[0]
        day = _new_day(data, date)
        if not day or not name.endswith(date):
            continue
        new_name = name[: -len(date)] + day
        if _taken(conn, new_name, source, day):
            continue
        new_alias = alias[: -len(date)] + day if alias.endswith(date) else alias
        new_label = " · ".join(day if part == date else part for part in label.split(" · "))
        conn.execute(
            "UPDATE digests SET name = ?, date = ?, alias = ?, label = ? WHERE pk = ?",
            (new_name, day, new_alias, new_label, pk),
        )
        papers.update(
            r[0] for r in conn.execute("SELECT paper FROM membership WHERE digest = ?", (pk,))
        )
    if papers:
        schema_stop.check()
        re_place(conn, sorted(papers), progress=lambda _done, _total: schema_stop.check())


def _new_day(data: bytes, date: str) -> str:
    """The day the new rule gives an Atom feed the old rule dated `date`, when it
    differs; "" for anything else (not Atom, not the old rule's date, unreadable)."""
    try:
        # The channel's head first: the whole document only for a likely one.
        head = zlib.decompressobj().decompress(data, _HEAD)
    except zlib.error:
        return ""
    head = head[: head.find(b"<entry")] if b"<entry" in head else head
    m = _UPDATED_RE.search(head)
    if b"http://www.w3.org/2005/Atom" not in head or m is None:
        return ""
    from tui_digest.core.arxiv_day import eastern_date, listing_day
    from tui_digest.core.feed_common import channel_date, iso_date, parse_feed

    updated = m[1].decode("ascii", "replace")
    if iso_date(updated) != date or eastern_date(updated) == date:
        return ""  # (cheap: the feed was not built between 00:00Z and arXiv's midnight)
    try:
        parsed = parse_feed(zlib.decompress(data))
    except (ValueError, zlib.error):  # (InputError: not a feed after all)
        return ""
    if not str(parsed.version).startswith("atom") or channel_date(parsed.feed) != date:
        return ""
    day = listing_day(parsed.feed, parsed.entries)
    return day if day and day != date else ""


def _taken(conn: sqlite3.Connection, name: str, source: str, day: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM digests WHERE name = ? OR alias = ? OR (source = ? AND date = ?)",
            (name, name, source, day),
        ).fetchone()
        is not None
    )
