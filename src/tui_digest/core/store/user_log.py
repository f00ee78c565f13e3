"""Tags, notes and the time of every change of the user's state, by arXiv id.

`user_state` holds one row per (arXiv id, field) with the field's value (JSON)
and when it last changed. read/starred stay in `papers` (the listing needs
them); triggers on `papers` (`schema_early.add_user_state`) stamp every change of
them, so the reader's marks, bulk changes and `tui-digest mark` all travel
without each writer remembering to. Tags and notes live here only, with
`paper_tags` and `paper_notes` derived for searching.

Keyed by arXiv id, not by the cache's row numbers: a state file written on one
machine applies on another (`merge`: the newest change wins per paper and
field; ties keep what is here). A change for a paper this cache does not hold
yet is kept (`pending`) and applied when the paper arrives (`apply_arrived`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from tui_digest.core.query import fold_tag, nfkc, saved_tag
from tui_digest.core.query_user import fold_note
from tui_digest.core.query_words import tag_is_cut
from tui_digest.core.record import record
from tui_digest.core.sanitize import clean_line, clean_text
from tui_digest.core.store import hand_read, watch_seen
from tui_digest.core.store.rows import in_chunks
from tui_digest.core.store.user_state import MERGES, FlagRow

FIELDS = ("read", "starred", "tags", "note", "watch_seen")
FLAG_FIELDS = ("read", "starred")
# What `tui-digest watch --since-last-run` has shown, one line per paper and
# watch (value: the watch's name); merged as a union (store.watch_seen).
SEEN_FIELD = "watch_seen"
# The time of a flag set before changes were recorded: older than any change.
EPOCH = "1970-01-01T00:00:00.000Z"
MAX_NOTE = 20_000
# Clocks of two machines differ by seconds or minutes (NTP keeps them close);
# a change stamped beyond this ahead of now is a clock set wrong (`merge`).
FUTURE_SLACK = _dt.timedelta(hours=1)


def stamp(when: _dt.datetime | None = None) -> str:
    """UTC time as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') writes it (string order = time order)."""
    when = (when or _dt.datetime.now(_dt.UTC)).astimezone(_dt.UTC)
    # The year with four digits always: strftime's %Y writes year 9 as "9" on
    # glibc, and "9-01-01…" sorts after "2026-…", so it won every merge.
    return f"{when.year:04d}-{when:%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z"


def parse_stamp(text: str) -> str:
    """An ISO 8601 time from a state file, as `stamp` writes it; ValueError when not one."""
    when = _dt.datetime.fromisoformat(text.strip())
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    try:
        return stamp(when)
    except OverflowError:
        # In UTC it falls before year 1 or after 9999 ("0001-01-01T00:00:00+01:00"):
        # one bad line of a state file, not a crash of the whole import.
        raise ValueError(f"changed_at {text.strip()[:40]!r} is out of range in UTC") from None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: NFKC, trimmed, inner spaces as '-', no commas (a
    full-width one splits too), once each (`fold_tag`: any case, any width)."""
    out: list[str] = []
    seen: set[str] = set()
    for part in tag_parts(tags):
        tag = saved_tag(part)
        if tag and fold_tag(tag) not in seen:
            seen.add(fold_tag(tag))
            out.append(tag)
    return out


def tag_parts(tags: Iterable[object]) -> list[str]:
    """The tags of a list as saving splits them (commas, a full-width one too),
    before `saved_tag` cuts them: `clean_tags` and `merge`'s cut notice."""
    return [part for t in tags for part in nfkc(clean_line(str(t))).split(",")]


def clean_note(text: str) -> str:
    """A note as stored: controls out, trimmed, then cut to MAX_NOTE characters
    (`note_length` says whether it will be: callers say so to the user)."""
    note = clean_text(str(text), sys.maxsize).strip()
    return clean_text(note, MAX_NOTE) if len(note) > MAX_NOTE else note


def note_length(text: str) -> int:
    """The characters of the note `text` before `clean_note` cuts it."""
    return len(clean_text(str(text), sys.maxsize).strip())


# --- Reading ---------------------------------------------------------------------


def _values(conn: sqlite3.Connection, field: str, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk, marks in in_chunks(ids):
        for pid, value in conn.execute(
            f"SELECT id, value FROM user_state WHERE field = ? AND id IN ({marks})",
            (field, *chunk),
        ):
            found[pid] = value
    return found


def tags_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    return {
        k: v for k, v in ((k, json.loads(v)) for k, v in _values(conn, "tags", ids).items()) if v
    }


def notes_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    return {
        k: v for k, v in ((k, json.loads(v)) for k, v in _values(conn, "note", ids).items()) if v
    }


def all_tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag in use with its number of papers, most used first."""
    # Of papers held: a state file's tags wait for papers not here yet (`merge`),
    # and completing one of those offered a tag `tag:` found nothing for (bug hunt).
    rows = conn.execute(
        "SELECT tag, count(*) AS n FROM paper_tags WHERE id IN (SELECT id FROM papers) "
        "GROUP BY tag ORDER BY n DESC, tag"
    )
    # One entry per tag as `fold_tag` compares them (a full-width `ｒｏｂｏｔｉｃｓ`
    # a cache saved before it is `robotics`), shown as most papers have it.
    counts: dict[str, tuple[str, int]] = {}
    for tag, n in rows:
        shown, total = counts.get(fold_tag(tag), (tag, 0))
        counts[fold_tag(tag)] = (shown, total + int(n))
    return sorted(counts.values(), key=lambda c: -c[1])


# --- Writing (inside the caller's transaction) -------------------------------------


def _put(
    conn: sqlite3.Connection, pid: str, field: str, value: object, at: str, pending: bool = False
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO user_state(id, field, value, changed_at, pending) "
        "VALUES (?, ?, ?, ?, ?)",
        (pid, field, json.dumps(value, ensure_ascii=False), at, int(pending)),
    )


def write_tags(conn: sqlite3.Connection, pid: str, tags: Sequence[str], at: str) -> None:
    _put(conn, pid, "tags", list(tags), at)
    conn.execute("DELETE FROM paper_tags WHERE id = ?", (pid,))
    conn.executemany(
        "INSERT OR IGNORE INTO paper_tags(tag, id) VALUES (?, ?)", ((t, pid) for t in tags)
    )


def write_note(conn: sqlite3.Connection, pid: str, note: str, at: str) -> None:
    _put(conn, pid, "note", note, at)
    if note:
        conn.execute(
            "INSERT OR REPLACE INTO paper_notes(id, folded) VALUES (?, ?)", (pid, fold_note(note))
        )
    else:
        conn.execute("DELETE FROM paper_notes WHERE id = ?", (pid,))


def edit_tags(
    conn: sqlite3.Connection,
    ids: Sequence[str],
    add: Sequence[str],
    remove: Sequence[str],
    at: str,
) -> int:
    """Add and remove tags on papers; returns how many papers changed."""
    add, gone = clean_tags(add), {fold_tag(t) for t in clean_tags(remove)}
    current = tags_of(conn, ids)
    changed = 0
    for pid in dict.fromkeys(ids):
        old = current.get(pid, [])
        new = clean_tags([t for t in old if fold_tag(t) not in gone] + add)
        # (a tag saved in full width before `fold_tag` is the same tag)
        if [fold_tag(t) for t in new] != [fold_tag(t) for t in old]:
            write_tags(conn, pid, new, at)
            changed += 1
    return changed


def set_note(conn: sqlite3.Connection, pid: str, note: str, at: str) -> bool:
    note = clean_note(note)
    if notes_of(conn, [pid]).get(pid, "") == note:
        if note:  # (saved by an older release's reader open across an upgrade: mend it)
            conn.execute(
                "UPDATE paper_notes SET folded = ? WHERE id = ? AND folded != ?",
                (fold_note(note), pid, fold_note(note)),
            )
        return False
    write_note(conn, pid, note, at)
    return True


# --- Travelling: export and merge ------------------------------------------------


@dataclass(slots=True, frozen=True)
class Change:
    """One field of one paper's state as of `changed_at` (a line of a state file)."""

    id: str
    field: str
    value: object
    changed_at: str
    # A read flag the user set by hand (`hand_read`): the read timer of the
    # machine importing it leaves the paper alone too. Written as "by_hand":
    # true on read lines only; a reader of the file that knows nothing of it
    # ignores the key (a line is an object; unknown keys were always skipped).
    by_hand: bool = False

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "field": self.field,
            "value": self.value,
            "changed_at": self.changed_at,
        }
        if self.by_hand:
            out["by_hand"] = True
        return out


def export_changes(conn: sqlite3.Connection) -> Iterator[Change]:
    """Every recorded field, and flags set before changes were recorded (at EPOCH).

    A read line says whether the user set that flag by hand (`Change.by_hand`):
    `m m` on the laptop left the paper unread for good there, and the desktop's
    read timer marked it read again once the state travelled (a known gap,
    closed here)."""
    for pid, field, value, at, hand in conn.execute(
        "SELECT u.id, u.field, u.value, u.changed_at, "
        "u.field = 'read' AND EXISTS (SELECT 1 FROM hand_read h WHERE h.id = u.id) "
        "FROM user_state u ORDER BY u.id, u.field"
    ):
        yield Change(pid, field, json.loads(value), at, by_hand=bool(hand))
    # A hand mark that changed nothing (`mark unread` of an unread paper) stamps
    # no change, yet says "leave it unread" all the same: it travels at EPOCH,
    # so any real change elsewhere still wins.
    for pid, read in conn.execute(
        "SELECT h.id, coalesce(p.read, 0) FROM hand_read h LEFT JOIN papers p ON p.id = h.id "
        "WHERE NOT EXISTS (SELECT 1 FROM user_state u WHERE u.id = h.id AND u.field = 'read') "
        "ORDER BY h.id"
    ):
        yield Change(pid, "read", bool(read), EPOCH, by_hand=True)
    for flag in FLAG_FIELDS:
        # (a read flag set by hand travels below, with its word)
        by_hand = "AND p.id NOT IN (SELECT id FROM hand_read) " if flag == "read" else ""
        for (pid,) in conn.execute(
            f"SELECT p.id FROM papers p WHERE p.{flag} AND NOT EXISTS "
            f"(SELECT 1 FROM user_state u WHERE u.id = p.id AND u.field = '{flag}') "
            f"{by_hand}ORDER BY p.id"
        ):
            yield Change(pid, flag, True, EPOCH)
    for pid, watch, shown_at in watch_seen.exported(conn):
        yield Change(pid, SEEN_FIELD, watch, parse_stamp(shown_at))


@record()
class MergeResult:
    """What merging a state file did, field by field."""

    applied: int = 0  # fields changed to the newer value from the file
    kept: int = 0  # fields where this cache had the same or a newer change
    pending: int = 0  # of `applied`: changes for papers not in this cache yet
    future: int = 0  # of `applied`: stamped over an hour ahead, filling a field not set here
    refused: int = 0  # stamped over an hour ahead, where this cache had a change of its own
    cut: list[str] = dataclasses.field(default_factory=list)  # papers whose note was cut
    tags_cut: list[str] = dataclasses.field(default_factory=list)  # papers with a tag cut


def _local(conn: sqlite3.Connection, pid: str, field: str) -> tuple[object, str] | None:
    row = conn.execute(
        "SELECT value, changed_at FROM user_state WHERE id = ? AND field = ?", (pid, field)
    ).fetchone()
    if row is not None:
        return json.loads(row[0]), row[1]
    if field in FLAG_FIELDS:
        flag = conn.execute(f"SELECT {field} FROM papers WHERE id = ?", (pid,)).fetchone()
        if flag is not None and flag[0]:
            return True, EPOCH
    return None


def _apply_flag(conn: sqlite3.Connection, c: Change) -> bool:
    """Set a flag from a change with its own time; False when the paper is not here."""
    cur = conn.execute(f"UPDATE papers SET {c.field} = ? WHERE id = ?", (int(bool(c.value)), c.id))
    # The trigger stamped the update with the time now; the change keeps its own.
    _put(conn, c.id, c.field, bool(c.value), c.changed_at, pending=cur.rowcount == 0)
    return cur.rowcount > 0


def merge(
    conn: sqlite3.Connection, changes: Iterable[Change], when: _dt.datetime | None = None
) -> MergeResult:
    """Merge changes in: per paper and field, the newest wins (a tie keeps this cache's);
    watch hits shown are added to what this cache has shown (a union)."""
    result = MergeResult()
    seen: list[tuple[str, str, str]] = []
    when = when or _dt.datetime.now(_dt.UTC)
    now, ahead = stamp(when), stamp(when + FUTURE_SLACK)
    for c in changes:
        if c.field == SEEN_FIELD:
            seen.append((c.id, str(c.value), min(c.changed_at, now)))
            continue
        local = _local(conn, c.id, c.field)
        if c.changed_at > ahead:
            # A machine whose clock runs ahead (a dual-boot clock kept in local
            # time, 8 h ahead in UTC+8) stamped it in the future: taken at its
            # word, it beat every later real change, and an unstar on the other
            # machine kept coming back (found by a bug hunt). Such a change only
            # fills a field this cache never had (as made now); re-importing the
            # file can then never undo what was done here since.
            if local is not None:
                result.refused += 1
                continue
            result.future += 1
            c = dataclasses.replace(c, changed_at=now)
        if local is not None and local[1] >= c.changed_at:
            result.kept += 1
            if c.by_hand and local == (c.value, c.changed_at):
                # The same change, already here (a file imported before by a
                # version that did not read `by_hand`, or both ways round).
                hand_read.remember_ids(conn, [c.id])
            continue
        result.applied += 1
        if c.by_hand:
            # By id: a paper not here yet is left alone by the timer once it arrives.
            hand_read.remember_ids(conn, [c.id])
        if c.field in FLAG_FIELDS:
            result.pending += not _apply_flag(conn, c)
            continue
        # A tag or note of a paper not here waits for it too (it is kept by id):
        # it counts as pending like a flag (only flags were counted: a new
        # cache's `state import` said 8 of 17 changes were for absent papers).
        result.pending += not _present(conn, c.id)
        if c.field == "tags":
            listed = c.value if isinstance(c.value, list) else []
            if any(tag_is_cut(t) for t in tag_parts(listed)):
                result.tags_cut.append(c.id)  # (said as `tag` says it: bug hunt `huge`)
            write_tags(conn, c.id, clean_tags(c.value), c.changed_at)  # type: ignore[arg-type]
        else:
            if note_length(str(c.value)) > MAX_NOTE:  # (it was cut unsaid: bug hunt)
                result.cut.append(c.id)
            write_note(conn, c.id, clean_note(str(c.value)), c.changed_at)
    if seen:
        added = watch_seen.merge_seen(conn, seen)
        result.applied += len(added)
        result.kept += len(seen) - len(added)
        result.pending += sum(not _present(conn, pid) for pid in added)
    if result.applied:
        # The changes keep their own (older) times, so neither the count nor the
        # newest time of `user_state` need move: an open reader's watch missed
        # the import, kept stale stars, and `s` then unstarred a starred paper
        # (found by a bug hunt). A counter it reads moves instead.
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, 1) "
            "ON CONFLICT(key) DO UPDATE SET value = value + 1",
            (MERGES,),
        )
    return result


def _present(conn: sqlite3.Connection, pid: str) -> bool:
    """Whether this cache holds paper `pid`."""
    return conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone() is not None


def await_return(conn: sqlite3.Connection, pids: Sequence[str]) -> None:
    """Papers `pids` left the cache (`retention`): their flags wait for them, as
    imported ones for a paper not yet here do, and `apply_arrived` puts them back.
    Imported again, a paper was unread, while `state export` still said read."""
    marks = ",".join("?" * len(FLAG_FIELDS))
    conn.executemany(
        f"UPDATE user_state SET pending = 1 WHERE id = ? AND field IN ({marks})",
        ((pid, *FLAG_FIELDS) for pid in pids),
    )


def waiting_flags(conn: sqlite3.Connection, field: str, pids: Sequence[str]) -> dict[str, bool]:
    """The flag `field` each of papers `pids` (not in this cache) will come back with."""
    found = dict.fromkeys(pids, False)
    for chunk, marks in in_chunks(list(found)):
        for pid, value in conn.execute(
            f"SELECT id, value FROM user_state WHERE field = ? AND id IN ({marks})",
            (field, *chunk),
        ):
            found[pid] = bool(json.loads(value))
    return found


def flag_rows(conn: sqlite3.Connection, field: str, pids: Sequence[str]) -> dict[str, FlagRow]:
    """The rows of flag `field` of papers `pids`, as they are (for undo)."""
    found: dict[str, FlagRow] = dict.fromkeys(pids)
    for chunk, marks in in_chunks(list(found)):
        for pid, value, at, pending in conn.execute(
            "SELECT id, value, changed_at, pending FROM user_state "
            f"WHERE field = ? AND id IN ({marks})",
            (field, *chunk),
        ):
            found[pid] = (value, at, int(pending))
    return found


def drop_awaited(
    conn: sqlite3.Connection, field: str, value: bool, before: Sequence[tuple[str, FlagRow]]
) -> int:
    """Undo of `await_flags`: each paper's row as `before` holds it, where the flag
    still waits with `value` (not changed elsewhere since). Returns how many."""
    dropped = 0
    for pid, row in before:
        now = conn.execute(
            "SELECT value, pending FROM user_state WHERE id = ? AND field = ?", (pid, field)
        ).fetchone()
        if now is None or not now[1] or bool(json.loads(now[0])) != value:
            continue
        if row is None:
            conn.execute("DELETE FROM user_state WHERE id = ? AND field = ?", (pid, field))
        else:
            conn.execute(
                "UPDATE user_state SET value = ?, changed_at = ?, pending = ? "
                "WHERE id = ? AND field = ?",
                (*row, pid, field),
            )
        dropped += 1
    return dropped


def await_flags(conn: sqlite3.Connection, field: str, pids: Sequence[str], value: bool) -> None:
    """The user set flag `field` to `value` on papers `pids` that another process
    removed meanwhile: it waits for them, as a state file's does (`apply_arrived`)."""
    at = stamp()
    for pid in pids:
        _put(conn, pid, field, value, at, pending=True)


def apply_arrived(conn: sqlite3.Connection) -> int:
    """Apply imported flags of papers that have arrived since; returns how many."""
    rows = conn.execute(
        "SELECT u.id, u.field, u.value, u.changed_at FROM user_state u "
        "JOIN papers p ON p.id = u.id WHERE u.pending"
    ).fetchall()
    for pid, field, value, at in rows:
        _apply_flag(conn, Change(pid, field, json.loads(value), at))
    return len(rows)
