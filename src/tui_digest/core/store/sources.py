"""What the cache holds as a whole: its digests, the fetch state of sources, totals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_digest.core import schema
from tui_digest.core.model import DigestInfo
from tui_digest.core.sanitize import without_password
from tui_digest.core.search_index import layout_is_current

SOURCE_FIELDS = (
    "url",
    "etag",
    "last_modified",
    "last_checked",
    "last_status",
    "last_error",
    "last_success",
    "history_read",  # (`fetch.catch_up`: when the generator's history was last read whole)
)


def digests(conn: sqlite3.Connection, *, unread: bool = False) -> list[DigestInfo]:
    """Every digest, newest day first; `unread` also counts each one's unread papers."""
    found = [
        DigestInfo(
            name=name,
            date=date,
            source=source,
            count=count,
            kind=kind,
            label=label,
            category=category,
            alias=alias,
        )
        for name, date, source, count, kind, label, category, alias in conn.execute(
            "SELECT name, date, source, count, kind, label, category, alias FROM digests "
            "ORDER BY date DESC, pk DESC"
        )
    ]
    if unread:
        counts = dict(
            conn.execute(
                "SELECT d.name, count(*) FROM digests d JOIN membership m ON m.digest = d.pk "
                "JOIN papers p ON p.pk = m.paper WHERE p.read = 0 GROUP BY d.pk"
            ).fetchall()
        )
        for info in found:
            info.unread = counts.get(info.name, 0)
    return found


def stats(conn: sqlite3.Connection, path: Path) -> dict[str, object]:
    papers, read, starred = conn.execute(
        "SELECT count(*), coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM papers"
    ).fetchone()
    n_digests = conn.execute("SELECT count(*) FROM digests").fetchone()[0]
    # Stars, tags and notes a state file brought for papers this cache does not
    # hold (not yet, or removed here by prune/digests rm before the sync): the
    # two machines' counts differed with no hint why (found by a bug hunt).
    # Read marks are left out: every paper removed here keeps its own to come
    # back with (`user_log.await_return`), and a routine prune made thousands.
    waiting = conn.execute(
        "SELECT count(DISTINCT id) FROM user_state WHERE id NOT IN (SELECT id FROM papers) "
        "AND ((field = 'starred' AND value = 'true') OR (field = 'tags' AND value != '[]') "
        """OR (field = 'note' AND value != '""'))"""
    ).fetchone()[0]
    # The original bytes of every digest version, compressed, are part of the
    # file size below; said apart so nobody has to guess what they cost.
    kept = conn.execute("SELECT coalesce(sum(length(data)), 0) FROM digest_bytes").fetchone()[0]
    size = 0
    for suffix in ("", "-wal"):
        part = Path(str(path) + suffix)
        if part.exists():
            size += part.stat().st_size
    return {
        "papers": papers,
        "digests": n_digests,
        "read": read,
        "starred": starred,
        "state_waiting": waiting,
        "path": str(path),
        "size_bytes": size,
        "digest_bytes": kept,
        "schema": schema.user_version(conn),
        "search_index": "current"
        if layout_is_current(conn)
        else "an older layout (`tui-digest reindex` rebuilds it in the current one)",
    }


def is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None


def get_source_state(conn: sqlite3.Connection, name: str) -> dict[str, object] | None:
    row = conn.execute(
        f"SELECT name, {', '.join(SOURCE_FIELDS)} FROM sources WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("name", *SOURCE_FIELDS), row, strict=True))


def fetch_state(conn: sqlite3.Connection, name: str, url: str) -> dict[str, object] | None:
    """What the last fetch of source `name` recorded, when that fetch was of `url`.

    A source keeps its name when its URL changes in the config; the result of its
    old URL (its status, its error, its validators) says nothing about the new one,
    which is then as never fetched. The cache holds URLs without their password.
    A state with no URL is an earlier release's record of failures only (it
    stored the URL on success): it is the source's, or an upgrade hid why the
    source had been failing (found by a regression hunt).
    """
    state = get_source_state(conn, name)
    if state is None or state["url"] not in (None, "", without_password(url)):
        return None
    return state


def check_source_fields(fields: dict[str, object]) -> None:
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown source field(s): {', '.join(sorted(unknown))}")


def set_source_state(conn: sqlite3.Connection, name: str, fields: dict[str, object]) -> None:
    """Record `fields` of a source's fetch state.

    The state belongs to one URL: `fields` naming another URL than the stored one
    clear what they do not set (the old URL's validators, last success, error).
    """
    conn.execute("INSERT OR IGNORE INTO sources(name) VALUES (?)", (name,))
    if "url" in fields:
        (stored,) = conn.execute("SELECT url FROM sources WHERE name = ?", (name,)).fetchone()
        if stored != fields["url"]:
            fields = {**dict.fromkeys(SOURCE_FIELDS), **fields}
    if fields:
        sets = ", ".join(f"{k} = ?" for k in fields)
        conn.execute(f"UPDATE sources SET {sets} WHERE name = ?", (*fields.values(), name))
