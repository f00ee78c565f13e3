"""A digest per (source, day): which digest an import becomes, and its name and bytes.

The rule (issue 17): a document whose content differs from its source's
latest digest creates that day's digest, or replaces that day's digest when
the source already has one for the day; content identical to the latest
digest, or to any of the source's digests of that day, creates nothing; an
empty document creates nothing and removes nothing. A source is the
document's path or URL (or, for a document with no source, its name), so
re-importing the same path every day keeps every day. Replacing is for a
revision of a list only (`revision_or_new`): a document sharing less than
half of the smaller list with that day's digest is another digest of the day
(`-2`); of several digests of the day, it is a revision of the one it shares
the most with. A revision fetched after local midnight (the
evening's list revised and read the next morning) is still a revision: a
document that keeps the source's digest of the day before nearly whole (a
tenth of it gone at most, at most as many papers added) replaces that digest
and keeps its date; any other list is the new day's digest. (Only a document that does not
state its day: one dated by itself or its file name is of the day it says.)

A digest the user removed (`digests rm`, `prune`) is remembered by its list
(`removed_lists`): a fetch whose list is one the user removed from that source
(whatever its papers' text), or of a day the user removed from it, creates
nothing, as content identical to the latest digest does; only an import by
hand (`revive`) brings it back.

Names are unique ASCII `<source name>-<date>` (`-2`… when taken); the name a
document gave itself is kept as `alias`, so names from before v4 still work.
Each digest version's original bytes are kept zlib-compressed
(`digest_bytes`) for `export --digest`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from tui_digest.core import digest_day
from tui_digest.core.model import IDENTICAL, NEW_DIGEST, SAME_DAY
from tui_digest.core.record import record
from tui_digest.core.store.removed_lists import removed_list, stored_list

if TYPE_CHECKING:  # (types only: reading the cache does not load the importer)
    from tui_digest.core.model import Digest
    from tui_digest.core.store.importer import Incoming


@record()
class Target:
    """Where an import goes: an existing digest row (`pk`), or a new one (`pk` 0)."""

    outcome: str
    pk: int = 0
    name: str = ""
    old_date: str = ""


def source_key(digest: Digest) -> str:
    return digest.source or digest.name


def choose(
    conn: sqlite3.Connection, digest: Digest, incoming: Incoming, day: str, *, revive: bool
) -> Target:
    """Identical to the source's latest digest, a revision of that day's digest (or
    of the latest's, of an earlier day: `earlier_candidate`), or a new one. A
    revision's `old_date` is the day it is filed under. A list the user removed
    from the source is IDENTICAL too, with no digest (pk 0, no name), unless
    `revive` (`removed_list`)."""
    key = source_key(digest)
    latest = _latest(conn, key)
    listing = _listing(incoming)  # (what the held digests and the removed lists are matched by)
    same = identical(
        conn, key, day, latest[0] if latest is not None else 0, listing, undated=not digest.date
    )
    if same:
        return latest_target(conn, same)
    if removed_list(conn, key, listing, revive=revive, day=day, dated=bool(digest.date)):
        return Target(IDENTICAL)
    earlier = latest if earlier_candidate(digest) else None
    ids = set(incoming.papers)
    target = _candidate(conn, key, day, earlier, ids)
    return revision_or_new(conn, target, ids, day=day)


def identical(
    conn: sqlite3.Connection,
    key: str,
    day: str,
    latest: int,
    listing: list[tuple[int, str, bytes]],
    *,
    undated: bool = True,
) -> int:
    """The digest of source `key` that lists exactly `listing` (`lists_exactly`),
    among its latest digest (`latest`, 0 if none) and its other digests of `day`
    and of the latest's day (an undated list served again after midnight); 0 if none.

    Every digest of the day counts: a source going back to an earlier list of
    the day (lists A, B, A, B: two CDN edges, a sync tool restoring an older
    copy) made a new digest each time, `-3`, `-4`, … listing the same papers,
    while only the latest was compared (found by a bug hunt). For an `undated`
    list the day before counts too: yesterday's list served again just after
    today's arrived (the moment a flip between two copies is likeliest) became
    today's `-2` (found by a regression hunt). A dated list says its day: a
    day listing the papers of the day before again is a day of its own.
    """
    pks = [latest] if latest else []
    pks += [
        r[0]
        for r in conn.execute(
            # (date(NULL, …) is NULL, equal to no date: a dated list skips the day before)
            "SELECT pk FROM digests WHERE source = ? AND (date = ? OR date = date(?, '-1 day') "
            "OR date = (SELECT date FROM digests WHERE pk = ?)) ORDER BY pk DESC",
            (key, day, day if undated else None, latest),
        )
        if r[0] != latest
    ]
    return next((pk for pk in pks if lists_exactly(conn, pk, listing)), 0)


def refuse_cut(
    conn: sqlite3.Connection, digest: Digest, target: Target, incoming: Iterable[str]
) -> None:
    """Raise InputError when `digest` looks cut off (`Digest.cut`) and would replace
    a digest the cache holds (`target` SAME_DAY), inside the caller's transaction.

    A cut copy of a day's digest (a download or a copy that ended early) shares
    most of its list with the day held, so it passed for a revision: it
    replaced the day's kept bytes and list, and the footnote it ends in cut
    mid-way shortened a stored abstract (found by a bug hunt). A cut feed is
    kept out of a day held the same way (`fetch.runner._cut_off`). A cut
    document of a day not held is still imported: its problems say what it lacks.

    The document's signs are checked against the day held, because a whole
    document can show them too (saved without its final line break, a row
    repeated after the last) and a cut one can add papers too (a cut copy of
    the generator's next version). It is a cut copy when it would cost the day
    something: ending in its table, it drops papers the day lists; ending
    inside its last footnote (mid-line, or at a line break before its English
    abstract), that paper's abstracts come shorter than stored; its last rows
    without footnotes are of papers the day holds (their text would be the
    table's alone). A whole revision without its final line
    break was refused, and a cut copy that added one paper shortened an
    abstract (found by regression hunts and a review).
    """
    if not digest.cut or target.outcome != SAME_DAY:
        return
    held = {pid for _, pid, _ in stored_list(conn, target.pk)}
    # (a document that ends mid-line in a footnote: that paper's stored text wins)
    if not (digest.cut_id and _shorter(conn, digest)):
        if digest.cut_kind == "note":
            return
        if digest.cut_kind == "table" and held <= set(incoming) and not _has_text(conn, target):
            return
        if digest.cut_kind == "rows" and not held.intersection(digest.cut_ids):
            return
    from tui_digest.core.model import InputError

    where = digest.source or digest.name or "<input>"
    raise InputError(
        f"{where}: the document looks cut off: {digest.cut}; not taken as a "
        f"revision of digest {target.name}, which is left as it was; the whole document replaces it"
    )


def _has_text(conn: sqlite3.Connection, target: Target) -> bool:
    """Whether the day held has footnote text (an abstract): a document without
    footnotes would put the table alone in its place (the kept bytes lost them all:
    a copy of the next version cut after its table; found by a regression hunt)."""
    return (
        conn.execute(
            "SELECT 1 FROM membership m JOIN papers p ON p.pk = m.paper WHERE m.digest = ? "
            "AND (p.abstract_en != '' OR p.abstract_zh != '') LIMIT 1",
            (target.pk,),
        ).fetchone()
        is not None
    )


def _shorter(conn: sqlite3.Connection, digest: Digest) -> bool:
    """Whether the paper `digest` ends in came with shorter abstracts than stored."""
    stored = conn.execute(
        "SELECT length(abstract_en), length(abstract_zh) FROM papers WHERE id = ?",
        (digest.cut_id,),
    ).fetchone()
    # Each abstract on its own: a next version's longer Chinese one hid a cut English one.
    en, zh = digest.cut_chars
    return stored is not None and (en < stored[0] or zh < stored[1])


def earlier_candidate(digest: Digest) -> bool:
    """Whether `digest` may revise its source's digest of an earlier day: only when
    it does not state its day (`digest_day.stated_day`). Its day is then when it
    was served or read, which after midnight is the next day; a dated document
    (a feed, a history's day, `…-2025-06-01.md`) is of the day it says."""
    return not digest_day.stated_day(digest.date, digest.source)


def _latest(conn: sqlite3.Connection, key: str) -> tuple[int, str, str] | None:
    """(pk, name, date) of source `key`'s latest digest."""
    row = conn.execute(
        "SELECT pk, name, date FROM digests WHERE source = ? ORDER BY date DESC, pk DESC LIMIT 1",
        (key,),
    ).fetchone()
    return (row[0], row[1], row[2]) if row is not None else None


def _candidate(
    conn: sqlite3.Connection,
    key: str,
    day: str,
    latest: tuple[int, str, str] | None,
    ids: set[str] | None = None,
) -> Target:
    """The digest a document of `day` may be a revision of: the source's digest of
    that day (of several, the one sharing the most of `ids`, else the newest),
    else its latest digest when that is of the day before; or none.

    (A corrected copy of the day's first list, served after a second list of
    the day, is a revision of the first: compared with the newest only, it was
    another digest and its corrections were never applied; found by a bug hunt.)"""
    rows = conn.execute(
        "SELECT pk, name, date FROM digests WHERE source = ? AND date = ? ORDER BY pk DESC",
        (key, day),
    ).fetchall()
    if rows:
        if ids and len(rows) > 1:
            rows.sort(key=lambda r: -len(_ids_of(conn, r[0]) & ids))  # (stable: newest first)
        return Target(SAME_DAY, *rows[0])
    if latest is not None and latest[2] and latest[2] == _day_before(day):
        return Target(SAME_DAY, *latest)
    return Target(NEW_DIGEST)


def _day_before(day: str) -> str:
    try:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    except ValueError:
        return ""


def revision_or_new(
    conn: sqlite3.Connection, target: Target, ids: set[str], *, day: str = ""
) -> Target:
    """An update is a revision of the list it may replace (translations filled
    in, rows added, a summary corrected): it replaces it, at its date. A
    document that shares less than half of the smaller of the two lists is
    another list, and a digest of its own: of the same day (`-2`) when the
    generator's file, overwritten by each of its runs, lists other papers after
    arXiv's next announcement under the same local day (replacing the earlier
    list left its papers in no digest: issue 17's rule, found by a replay on
    2026-12-01), or of the new day. The digest of the day before is a
    candidate too (`_candidate`), for a list that keeps it nearly whole: the
    evening's list revised and fetched after midnight became a second digest
    of the same papers (found by a replay).
    `import_stream` never revises an earlier day's; it learns the list only
    as it writes it, so it asks for the list first (`listed_ids`, a first
    reading of the file) when the source has a digest of the day, and
    without it keeps replacing that day's newest digest."""
    if target.outcome != SAME_DAY:
        return target
    old = _ids_of(conn, target.pk)
    if target.old_date and day and target.old_date < day:
        # Yesterday's list revised after midnight keeps (nearly) all of it and adds
        # a few rows. A list that shares only some papers with it (a small day
        # repeating replacements, a new day half the same) is a new day: taken for a
        # revision, it replaced yesterday's list and left the rest in no digest
        # (found by a regression hunt).
        if len(old - ids) * 10 > len(old) or len(ids - old) > len(old):
            return Target(NEW_DIGEST)
        return target
    if len(old & ids) * 2 < min(len(old), len(ids)):
        return Target(NEW_DIGEST)
    return target


def _ids_of(conn: sqlite3.Connection, dpk: int) -> set[str]:
    """The arXiv ids digest `dpk` lists."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT p.id FROM membership m JOIN papers p ON p.pk = m.paper WHERE m.digest = ?",
            (dpk,),
        )
    }


def _listing(incoming: Incoming) -> list[tuple[int, str, bytes]]:
    """The incoming entries (ref, id, what each brought), by ref."""
    return sorted((ref, pid, incoming.hashes[pid]) for pid, (ref, _) in incoming.papers.items())


def lists_exactly(conn: sqlite3.Connection, dpk: int, wanted: list[tuple[int, str, bytes]]) -> bool:
    """Whether digest `dpk` lists exactly `wanted` (ref, id, hash), sorted by ref."""
    if conn.execute("SELECT count(*) FROM membership WHERE digest = ?", (dpk,)).fetchone()[
        0
    ] != len(wanted):
        return False
    return all(tuple(r) == w for r, w in zip(stored_list(conn, dpk), wanted, strict=False))


# A listing's version and type as an identical document gives them (`relabels`).
RELABEL = (
    "UPDATE membership SET version = ?, announce_type = ? "
    "WHERE digest = ? AND ref = ? AND paper = ?"
)


def relabels(
    conn: sqlite3.Connection, dpk: int, wanted: Iterable[tuple[int, str, str]]
) -> list[tuple[str, str, int, int, int]]:
    """RELABEL's parameters for the rows of digest `dpk` whose version or type
    differ from `wanted` ((ref, version, type) of a document `lists_exactly` found
    identical to it); usually none.

    An identical document writes no digest, but what it says of each listing
    is still right where the row is not: a cache upgraded to schema 11 gave
    every old listing the paper's own type, and to 13 an unknown version, and
    importing the same documents again could not repair them (found by a bug
    hunt). A row is updated in place: no new digest, the outcome still IDENTICAL.
    """
    stored = {
        ref: (paper, version, kind)
        for ref, paper, version, kind in conn.execute(
            "SELECT ref, paper, version, announce_type FROM membership WHERE digest = ?", (dpk,)
        )
    }
    fixes = []
    for ref, version, kind in wanted:
        row = stored.get(ref)
        if row is not None and row[1:] != (version, kind):
            fixes.append((version, kind, dpk, ref, row[0]))
    return fixes


def relabel(conn: sqlite3.Connection, dpk: int, wanted: Iterable[tuple[int, str, str]]) -> None:
    """Update the listings of digest `dpk` an identical document says otherwise of
    (`relabels`), inside the caller's transaction."""
    conn.executemany(RELABEL, relabels(conn, dpk, wanted))


def choose_streamed(
    conn: sqlite3.Connection,
    digest: Digest,
    day: str,
    *,
    earlier: bool = False,
    ids: set[str] | None = None,
) -> tuple[Target, int]:
    """For a document read as it is imported: that day's digest or a new one, and the
    source's latest digest (0 if none), to compare with once every entry is known
    (`identical`). `earlier`: the latest digest of an earlier day is a candidate
    too (as `earlier_candidate` allows), for a caller that knows the list before
    writing (`ids`) and asks `revision_or_new`."""
    key = source_key(digest)
    latest = _latest(conn, key)
    earlier = earlier and earlier_candidate(digest)
    target = _candidate(conn, key, day, latest if earlier else None, ids)
    return target, latest[0] if latest is not None else 0


def latest_target(conn: sqlite3.Connection, dpk: int) -> Target:
    name, date = conn.execute("SELECT name, date FROM digests WHERE pk = ?", (dpk,)).fetchone()
    return Target(IDENTICAL, dpk, name, date)


def create(
    conn: sqlite3.Connection,
    digest: Digest,
    *,
    day: str,
    source_name: str,
    category: str,
    now: str,
) -> Target:
    """Insert the row of a new digest for `day`; returns it as a Target."""
    base = digest_day.ascii_name(
        source_name or digest_day.source_name_of(digest.name, digest.source)
    )
    own = digest_day.ascii_name(digest.name)
    # A document whose name already says its day (or month: the archive's) keeps it.
    says_day = not source_name and own.endswith((day, day[:7]))
    wanted = own if says_day else f"{base}-{day}"
    taken = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM digests WHERE name = ? OR name LIKE ? ESCAPE '\\'",
            (wanted, _like_prefix(wanted) + "-%"),
        )
    }
    name = digest_day.unique_name(wanted, taken)
    label = digest_day.digest_label(category, day, digest_day.origin_of(digest.source))
    pk = conn.execute(
        "INSERT INTO digests(name, source, date, kind, imported_at, updated_at, alias, label, "
        "category, source_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (name, source_key(digest), day, digest.kind, now, now, digest.name, label, category, base),
    ).lastrowid
    return Target(NEW_DIGEST, pk or 0, name, day)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keep_bytes(conn: sqlite3.Connection, dpk: int, raw: bytes | None) -> None:
    """Keep this digest version's original bytes (compressed); a same-day update replaces them."""
    from tui_digest.core.text_stream import KEEP_LEVEL  # (importing only)

    if raw is None:
        conn.execute("DELETE FROM digest_bytes WHERE digest = ?", (dpk,))
        return
    conn.execute(
        "INSERT OR REPLACE INTO digest_bytes(digest, data) VALUES (?, ?)",
        (dpk, zlib.compress(raw, KEEP_LEVEL)),
    )


def keep_compressed(conn: sqlite3.Connection, dpk: int, data: BinaryIO, size: int) -> None:
    """Keep zlib-compressed bytes read from file `data` (`size` bytes), in pieces:
    a 169 MB digest's 40 MB never sit in memory at once (SQLite's incremental blob I/O)."""
    conn.execute(
        "INSERT OR REPLACE INTO digest_bytes(digest, data) VALUES (?, zeroblob(?))", (dpk, size)
    )
    with conn.blobopen("digest_bytes", "data", dpk) as blob:
        while chunk := data.read(1 << 20):
            blob.write(chunk)


def original_bytes(conn: sqlite3.Connection, name: str) -> bytes | None:
    """The bytes digest `name` (or alias) was read from, when the cache kept them."""
    pk = resolve(conn, name)
    if pk is None:
        return None
    row = conn.execute("SELECT data FROM digest_bytes WHERE digest = ?", (pk,)).fetchone()
    return zlib.decompress(row[0]) if row is not None else None


def days_of(conn: sqlite3.Connection, source: str) -> set[str]:
    """The days `source` has a digest of, or had one the user removed (`removed_days`):
    the days a catch-up of missed days must not bring (back)."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT date FROM digests WHERE source = ? AND date != '' "
            "UNION SELECT date FROM removed_days WHERE source = ?",
            (source, source),
        )
    }


def removed_days(conn: sqlite3.Connection, source: str) -> set[str]:
    """The days `source` had a digest of that the user removed and that have none now."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT date FROM removed_days WHERE source = ?1 "
            "EXCEPT SELECT date FROM digests WHERE source = ?1",
            (source,),
        )
    }


def removed_sources(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Day -> (source, category) of each digest of that day the user removed
    whose source has none of it now (`publish` withdraws those days from its
    folder); the category is '' when unknown (removed before schema 23)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for source, date, category in conn.execute(
        "SELECT r.source, r.date, r.category FROM removed_days r WHERE NOT EXISTS "
        "(SELECT 1 FROM digests d WHERE d.source = r.source AND d.date = r.date)"
    ):
        out.setdefault(date, []).append((source, category))
    return out


def newest_digest_day(conn: sqlite3.Connection, source: str) -> str:
    """The newest day `source` has a digest of ("" when none): a catch-up of missed
    days starts after it, whatever empty days are held after it (`hold_day`)."""
    row = conn.execute(
        "SELECT max(date) FROM digests WHERE source = ? AND date != ''", (source,)
    ).fetchone()
    return str(row[0] or "")


def digest_days(conn: sqlite3.Connection, source: str, since: str) -> set[str]:
    """The days from `since` on that `source` has a digest of: those a catch-up may
    read again for a later version (`fetch.git_history.to_revise`)."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT date FROM digests WHERE source = ? AND date >= ? AND date != ''",
            (source, since),
        )
    }


def hold_day(conn: sqlite3.Connection, source: str, day: str) -> None:
    """A day `source` was fetched and brought nothing (an empty weekend file): held
    like a day with a digest, so no catch-up of missed days asks for it again.
    Kept with the removed days (`removed_days`: the days a catch-up must not bring)."""
    conn.execute("INSERT OR IGNORE INTO removed_days(source, date) VALUES (?, ?)", (source, day))


def kept_sha256(conn: sqlite3.Connection, source: str, dates: Iterable[str]) -> dict[str, str]:
    """date -> SHA-256 (hex) of the bytes `source`'s digest of that day was last read
    from, for those of `dates` it has a digest of whose bytes the cache kept."""
    import hashlib

    wanted = sorted(set(dates))
    if not wanted:
        return {}
    rows = conn.execute(
        "SELECT d.date, b.data FROM digests d JOIN digest_bytes b ON b.digest = d.pk "
        f"WHERE d.source = ? AND d.date IN ({','.join('?' * len(wanted))}) ORDER BY d.pk",
        (source, *wanted),
    )
    kept: dict[str, str] = {}
    for date, data in rows:  # the newest digest of a day last, as `choose` files updates
        try:
            kept[date] = hashlib.sha256(zlib.decompress(data)).hexdigest()
        except zlib.error:  # damaged bytes: that day cannot be compared
            kept.pop(date, None)
    return kept


def resolve(conn: sqlite3.Connection, name: str) -> int | None:
    """The digest called `name`, else the newest whose alias is `name`."""
    row = conn.execute("SELECT pk FROM digests WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT pk FROM digests WHERE alias = ? ORDER BY date DESC, pk DESC LIMIT 1", (name,)
        ).fetchone()
    return row[0] if row is not None else None
