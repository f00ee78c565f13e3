"""The SQLite cache: papers, digests, membership, the user's state, the search index.

Threads: every thread gets its own connection (the UI reads from thread
workers while a fetch imports); in WAL mode a reader never waits for a writer.
Every write is one short `BEGIN IMMEDIATE` transaction; importing a digest is
exactly one.

Listing order everywhere: newest digest first (digest date, then import
order), then ref order; a paper in several digests sorts by its newest
appearance. Inside one digest (`digest=` argument) papers keep that digest's
ref order. The order is kept in `papers.sort_key` (see `schema.sort_key`).

Query methods raise `QueryError` (a ValueError) for a malformed query.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tui_digest.core import schema
from tui_digest.core.cache_guard import check_cache, damage, is_locked_error
from tui_digest.core.model import (
    Digest,
    DigestInfo,
    ImportStats,
    ListRow,
    Paper,
    PaperRecord,
)
from tui_digest.core.paths import default_db_path
from tui_digest.core.query import MAX_EXPANSION, Plan, QueryError, compile_query, parse_query
from tui_digest.core.sanitize import clean_line, clean_text
from tui_digest.core.search_tokens import fold

__all__ = ["CacheError", "QueryError", "Store", "merge_paper"]


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


# --- Merge rules ----------------------------------------------------------------

_TEXT_FIELDS = (
    "version",
    "url",
    "title_en",
    "title_zh",
    "summary_zh",
    "abstract_en",
    "abstract_zh",
    "announce_type",
    "published",
)
_VERSION_RE = re.compile(r"\d+")

# Machine translation (see `Store.apply_translation`).
ZH_FIELDS = ("title_zh", "summary_zh", "abstract_zh")
MACHINE_FIELDS = "machine_fields"  # extras key: comma-separated machine-made fields
MACHINE_MODEL = "machine_model"  # extras key: the model that made them
TRANSLATE_ERROR = "translate_error"  # extras key: why the last attempt failed
MAX_ERROR = 500


def version_number(version: str) -> int:
    """ "v12" -> 12; "" or unparsable -> 0 (unknown, older than any known version)."""
    m = _VERSION_RE.search(version)
    return int(m[0]) if m else 0


def merge_paper(old: Paper, new: Paper) -> Paper:
    """What the cache keeps when `new` arrives for a paper it already holds.

    A non-empty field is never replaced by an empty one. A newer version
    (compared numerically) replaces the text fields; the same or an older
    version only fills fields that are empty. Author and category lists are
    replaced only by a non-empty list, and only when newer or the stored one is
    empty. `extras` follow the text rule key by key.
    """
    newer = version_number(new.version) > version_number(old.version)
    merged = Paper(id=old.id)
    for name in _TEXT_FIELDS:
        ov, nv = getattr(old, name), getattr(new, name)
        setattr(merged, name, nv if nv and (newer or not ov) else ov)
    for name in ("authors", "categories"):
        ov, nv = getattr(old, name), getattr(new, name)
        setattr(merged, name, list(nv) if nv and (newer or not ov) else list(ov))
    extras = dict(old.extras)
    for key, value in new.extras.items():
        if value and (newer or not extras.get(key)):
            extras[key] = value
    # A machine translation gives way to a human one: a non-empty value for a
    # machine-made field, from a paper that does not call it machine-made.
    machine = _names(old.extras.get(MACHINE_FIELDS, ""))
    if machine:
        theirs = _names(new.extras.get(MACHINE_FIELDS, ""))
        for name in list(machine):
            value = getattr(new, name, "")
            if value and name not in theirs:
                setattr(merged, name, value)
                machine.remove(name)
        if machine:
            extras[MACHINE_FIELDS] = ",".join(machine)
        else:
            extras.pop(MACHINE_FIELDS, None)
            extras.pop(MACHINE_MODEL, None)
    merged.extras = extras
    return merged


def _names(value: str) -> list[str]:
    return [n for n in value.split(",") if n in ZH_FIELDS]


# --- Row <-> Paper ----------------------------------------------------------------

_PAPER_COLS = (
    "pk, id, version, url, title_en, title_zh, summary_zh, abstract_en, abstract_zh, "
    "authors, categories, announce_type, published, extras, read, starred, sort_key"
)
_LIST_COLS = "pk, id, title_en, title_zh, summary_zh, list_date, category, read, starred, list_ref"


def _paper_from_row(row: sqlite3.Row | tuple) -> Paper:
    return Paper(
        id=row[1],
        version=row[2],
        url=row[3],
        title_en=row[4],
        title_zh=row[5],
        summary_zh=row[6],
        abstract_en=row[7],
        abstract_zh=row[8],
        authors=json.loads(row[9]),
        categories=json.loads(row[10]),
        announce_type=row[11],
        published=row[12],
        extras=json.loads(row[13]),
    )


def _search_values(p: Paper) -> tuple[str, ...]:
    return schema.search_row(
        p.id,
        p.title_en,
        p.title_zh,
        p.summary_zh,
        p.abstract_en,
        p.abstract_zh,
        _json_list(p.authors),
        _json_list(p.categories),
        p.announce_type,
    )


def _json_list(items: list[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _json_dict(items: dict[str, str]) -> str:
    return json.dumps(dict(items), ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


_SOURCE_FIELDS = (
    "url",
    "etag",
    "last_modified",
    "last_checked",
    "last_status",
    "last_error",
    "last_success",
)
# Columns written from a Paper, in `_paper_values` order.
_VALUE_COLS = (
    "id, version, url, title_en, title_zh, summary_zh, abstract_en, abstract_zh, authors, "
    "categories, category, announce_type, published, extras"
)
_INSERT_PAPER = (
    f"INSERT INTO papers(pk, {_VALUE_COLS}, added_at, sort_key, list_date, list_ref) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_PAPER = (
    "UPDATE papers SET version = ?, url = ?, title_en = ?, title_zh = ?, summary_zh = ?, "
    "abstract_en = ?, abstract_zh = ?, authors = ?, categories = ?, category = ?, "
    "announce_type = ?, published = ?, extras = ? WHERE pk = ?"
)


def _paper_values(p: Paper) -> tuple[object, ...]:
    return (
        p.id,
        p.version,
        p.url,
        p.title_en,
        p.title_zh,
        p.summary_zh,
        p.abstract_en,
        p.abstract_zh,
        _json_list(p.authors),
        _json_list(p.categories),
        p.primary_category,
        p.announce_type,
        p.published,
        _json_dict(p.extras),
    )


def _paper_hash(p: Paper) -> bytes:
    """What an incoming paper brings, as 16 bytes (compared on re-import).

    The same fields as `_paper_values`, but not built from it: this runs for
    every entry of every re-import, and its JSON encoding would double that cost.
    """
    text = repr(
        (
            p.id,
            p.version,
            p.url,
            p.title_en,
            p.title_zh,
            p.summary_zh,
            p.abstract_en,
            p.abstract_zh,
            p.authors,
            p.categories,
            p.announce_type,
            p.published,
            sorted(p.extras.items()),
        )
    )
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_CHUNK = 500  # bound parameters per IN (...) list


class Store:
    path: Path
    readonly: bool

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        # (owning thread, its connection); worker threads come and go, so the
        # connections of finished threads are closed when the next one opens.
        self._conns: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._conns_lock = threading.Lock()
        self._closed = False
        # What opening had to do that the user should hear about (a corrupt
        # cache moved aside, a read-only downgrade).
        self.notices: list[str] = []

    # --- Opening --------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, readonly: bool = False, quick_start: bool = False
    ) -> Store:
        """Open (creating or upgrading) the cache at `path`.

        Damaged caches are moved aside first. That check reads the whole file,
        so `quick_start` (the reader) runs it only after an unclean shutdown and
        otherwise leaves it to `verify()`, which it calls after its first frame.
        """
        if path is None:
            path = default_db_path()
        path = Path(path).expanduser()
        # Corrupt or zero-length caches are moved aside (and a fresh one made);
        # a read-only file or folder downgrades to a read-only open.
        guard = check_cache(path, want_readonly=readonly, thorough=None if quick_start else True)
        readonly = readonly or guard.readonly
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            _check_version(path)
        elif readonly:
            raise CacheError(f"{path}: no cache there (nothing imported yet)")
        store = cls(path, readonly)
        store.notices = list(guard.messages)
        conn = store._conn()
        if readonly:
            version = schema.user_version(conn)
            if version < schema.SCHEMA_VERSION:
                store.close()
                raise CacheError(
                    f"{path}: cache schema {version} needs an upgrade to "
                    f"{schema.SCHEMA_VERSION}; open it once without read-only"
                )
        else:
            try:
                if not exists:
                    # Rows hold ~2-3 KB of text: with 4 KB pages most would sit
                    # alone on a page; 16 KB pages pack them.
                    conn.execute("PRAGMA page_size = 16384")
                conn.execute("PRAGMA journal_mode=WAL")
                schema.migrate(conn)
            except Exception as exc:  # re-raised: a failed migration must not look like success
                store.close()
                raise CacheError(f"{path}: cannot prepare the cache: {exc}") from exc
        return store

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise CacheError(f"{self.path}: the store is closed")
        uri = self.path.resolve().as_uri() + ("?mode=ro" if self.readonly else "")
        try:
            # check_same_thread=False only so close() can close every thread's
            # connection; each connection is used by the thread that made it.
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10
            )
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -32000")
            conn.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot open the cache: {exc}") from exc
        with self._conns_lock:
            dead = [c for t, c in self._conns if not t.is_alive()]
            self._conns = [(t, c) for t, c in self._conns if t.is_alive()]
            self._conns.append((threading.current_thread(), conn))
        for old in dead:
            old.close()
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def verify(self) -> str:
        """Why the cache file is damaged (PRAGMA quick_check), or "" when it is sound."""
        return damage(self.path, thorough=True)

    def close(self) -> None:
        with self._conns_lock:
            conns, self._conns = self._conns, []
            self._closed = True
        for _, conn in conns:
            conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise CacheError(f"{self.path}: opened read-only")
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._as_cache_error(exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite may already have rolled back (SQLITE_FULL does); a second
            # ROLLBACK would raise and hide the real error.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._as_cache_error(exc) from exc
            raise

    def _as_cache_error(self, exc: sqlite3.OperationalError) -> Exception:
        text = str(exc)
        if "disk is full" in text or "database or disk is full" in text:
            return CacheError(f"{self.path}: the disk is full; nothing of this change was saved")
        if is_locked_error(exc):
            return CacheError(
                f"{self.path}: the cache is locked by another tui-digest process; try again"
            )
        return exc

    # --- Import ---------------------------------------------------------------

    def import_digest(self, digest: Digest) -> ImportStats:
        stats = ImportStats()
        now = _now()
        # One row per id, at its first ref; a repeated id still merges its data.
        incoming: dict[str, tuple[int, Paper]] = {}
        for ref, paper in enumerate(digest.papers, 1):
            if not paper.id:
                continue
            if paper.id in incoming:
                first_ref, first = incoming[paper.id]
                incoming[paper.id] = (first_ref, merge_paper(first, paper))
            else:
                incoming[paper.id] = (ref, paper)
        hashes = {pid: _paper_hash(p) for pid, (_, p) in incoming.items()}

        with self._write() as conn:
            row = conn.execute(
                "SELECT pk, date FROM digests WHERE name = ? AND source = ?",
                (digest.name, digest.source),
            ).fetchone()
            # ref -> (paper pk, paper id, hash of what that entry brought last time)
            previous: dict[int, tuple[int, str, bytes | None]] = {}
            if row is None:
                dpk = conn.execute(
                    "INSERT INTO digests(name, source, date, kind, imported_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (digest.name, digest.source, digest.date, digest.kind, now, now),
                ).lastrowid
                old_date = digest.date
            else:
                dpk, old_date = row
                previous = {
                    ref: (pk, pid, h)
                    for ref, pk, pid, h in conn.execute(
                        "SELECT m.ref, m.paper, p.id, m.hash FROM membership m "
                        "JOIN papers p ON p.pk = m.paper WHERE m.digest = ?",
                        (dpk,),
                    )
                }
            assert dpk is not None
            if not incoming:
                return stats  # an empty digest removes nothing
            date = digest.date or old_date
            if row is not None:
                conn.execute(
                    "UPDATE digests SET date = ?, kind = ?, updated_at = ? WHERE pk = ?",
                    (date, digest.kind, now, dpk),
                )

            # An entry that brings exactly what it brought last time changes
            # nothing (merging a paper in twice is a no-op): skip it unread.
            members: dict[str, int] = {}  # id -> pk
            todo: list[str] = []
            for pid, (ref, _) in incoming.items():
                was = previous.get(ref)
                if was is not None and was[1] == pid and was[2] == hashes[pid]:
                    members[pid] = was[0]
                    stats.unchanged += 1
                else:
                    todo.append(pid)

            found: dict[str, tuple] = {}
            for i in range(0, len(todo), _CHUNK):
                chunk = todo[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for r in conn.execute(
                    f"SELECT {_PAPER_COLS} FROM papers WHERE id IN ({marks})", chunk
                ):
                    found[r[1]] = r
            next_pk = conn.execute("SELECT coalesce(max(pk), 0) FROM papers").fetchone()[0]
            new_rows: list[tuple[object, ...]] = []
            fts_old: list[tuple[object, ...]] = []  # (key, *values) rows to delete
            fts_new: dict[int, Paper] = {}  # pk -> paper whose row to (re)insert
            changed: dict[int, Paper] = {}
            current: dict[int, Paper] = {}  # papers whose search text is known
            keys: dict[int, int] = {}  # existing pk -> sort key before this import
            for pid in todo:
                ref, paper = incoming[pid]
                r = found.get(pid)
                if r is None:
                    next_pk += 1
                    pk = next_pk
                    when = date or paper.published
                    new_rows.append(
                        (pk, *_paper_values(paper), now, schema.sort_key(when, dpk, ref), when, ref)
                    )
                    fts_new[pk] = paper
                    stats.new += 1
                else:
                    pk, old = r[0], _paper_from_row(r)
                    keys[pk] = r[16]
                    merged = merge_paper(old, paper)
                    current[pk] = merged
                    if merged != old:
                        changed[pk] = merged
                        fts_old.append((r[16], *_search_values(old)))
                        fts_new[pk] = merged
                        stats.updated += 1
                    else:
                        stats.unchanged += 1
                members[pid] = pk
            conn.executemany(_INSERT_PAPER, new_rows)
            conn.executemany(
                _UPDATE_PAPER, [(*_paper_values(p)[1:], pk) for pk, p in changed.items()]
            )

            entries = sorted((ref, members[pid], hashes[pid]) for pid, (ref, _) in incoming.items())
            before = sorted((ref, pk, h) for ref, (pk, _, h) in previous.items())
            if entries != before:
                conn.execute("DELETE FROM membership WHERE digest = ?", (dpk,))
                conn.executemany(
                    "INSERT INTO membership(digest, ref, paper, hash) VALUES (?, ?, ?, ?)",
                    [(dpk, ref, pk, h) for ref, pk, h in entries],
                )
                conn.execute("UPDATE digests SET count = ? WHERE pk = ?", (len(entries), dpk))

            # Whose listing key may move: every member when the date changed,
            # else the papers whose entry in this digest is new, gone or moved.
            new_pks = {r[0] for r in new_rows}
            if date != old_date:
                affected = {pk for _, pk, _ in entries} | {pk for pk, _, _ in previous.values()}
            else:
                was_at = {(ref, pk) for ref, (pk, _, _) in previous.items()}
                now_at = {(ref, pk) for ref, pk, _ in entries}
                affected = {pk for _, pk in was_at ^ now_at}
            affected -= new_pks
            placements: dict[int, tuple[int, str, int]] = {}
            missing = [pk for pk in affected if pk not in keys]
            for i in range(0, len(missing), _CHUNK):
                chunk = missing[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for r in conn.execute(
                    f"SELECT {_PAPER_COLS} FROM papers WHERE pk IN ({marks})", chunk
                ):
                    keys[r[0]] = r[16]
                    current[r[0]] = _paper_from_row(r)
            for pk in affected:
                place = self._placement(conn, pk, current[pk].published)
                if place[0] != keys[pk]:
                    placements[pk] = place
                    if pk not in changed:
                        fts_old.append((keys[pk], *_search_values(current[pk])))
                        fts_new[pk] = current[pk]

            # Every old FTS row goes before any new one: keys may swap places.
            conn.executemany(schema.FTS_DELETE, fts_old)
            conn.executemany(
                "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
                [(*place, pk) for pk, place in placements.items()],
            )
            new_keys = {r[0]: r[-3] for r in new_rows}
            self._index(
                conn,
                [
                    (placements[pk][0] if pk in placements else new_keys.get(pk, keys.get(pk)), p)
                    for pk, p in fts_new.items()
                ],
            )
        return stats

    @staticmethod
    def _index(conn: sqlite3.Connection, rows: Sequence[tuple[int | None, Paper]]) -> None:
        """Insert the search rows of papers at their keys, and their long words into `terms`."""
        terms: set[str] = set()
        values = []
        for key, p in rows:
            v = _search_values(p)
            terms.update(schema.row_terms(v))
            values.append((key, *v))
        conn.executemany(schema.FTS_INSERT, values)
        conn.executemany(schema.TERMS_INSERT, ((t,) for t in terms))

    @staticmethod
    def _placement(conn: sqlite3.Connection, pk: int, published: str) -> tuple[int, str, int]:
        """(sort_key, list_date, list_ref) from the paper's newest appearance.

        Newest means the latest date; among digests of that date the paper stays
        where it was first listed. The same papers arrive the same day from the
        digest and from arXiv's feed (and as cross-lists in several categories),
        and moving them would re-key, so re-tokenise, every one of them.
        """
        best: tuple[tuple[int, int], int, str, int] | None = None
        for date, dpk, ref in conn.execute(
            "SELECT d.date, d.pk, m.ref FROM membership m JOIN digests d ON d.pk = m.digest "
            "WHERE m.paper = ?",
            (pk,),
        ):
            when = date or published
            rank = (schema.date_days(when), -dpk)
            if best is None or rank > best[0]:
                best = (rank, schema.sort_key(when, dpk, ref), when, ref)
        if best is None:
            return schema.orphan_key(published, pk), published, 0
        return best[1], best[2], best[3]

    def reindex(self) -> int:
        """Rebuild the search index from the papers table; returns papers indexed."""
        with self._write() as conn:
            return schema.rebuild_search_index(conn)

    # --- Queries --------------------------------------------------------------

    def _plan(self, query: str, digest: str | None) -> Plan:
        return compile_query(parse_query(query), digest=digest, expand=self._expand)

    def _expand(self, prefix: str) -> list[str] | None:
        """Indexed words starting with `prefix`; None when there are too many to list."""
        prefix = fold(prefix)
        found = [
            r[0]
            for r in self._conn().execute(
                "SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
                (prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1),
            )
        ]
        return None if len(found) > MAX_EXPANSION else found

    def count(self, query: str = "", *, digest: str | None = None) -> int:
        plan = self._plan(query, digest)
        return int(self._conn().execute(plan.count_sql, plan.params).fetchone()[0])

    def list_ids(self, query: str = "", *, digest: str | None = None) -> list[int]:
        plan = self._plan(query, digest)
        # One string instead of a Python row per match: several times faster
        # for tens of thousands of ids. The subquery keeps its ORDER BY (SQLite
        # does not flatten an ordered subquery into an aggregate).
        joined = (
            self._conn()
            .execute(
                f"SELECT group_concat(pk) FROM ({plan.ids_sql})",
                plan.params,
            )
            .fetchone()[0]
        )
        return list(map(int, joined.split(","))) if joined else []

    def list_rows(self, rowids: Sequence[int]) -> list[ListRow]:
        conn = self._conn()
        found: dict[int, ListRow] = {}
        for i in range(0, len(rowids), _CHUNK):
            chunk = rowids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(
                f"SELECT {_LIST_COLS} FROM papers WHERE pk IN ({marks})", tuple(chunk)
            ):
                found[r[0]] = ListRow(
                    rowid=r[0],
                    id=r[1],
                    title_en=r[2],
                    title_zh=r[3],
                    summary_zh=r[4],
                    date=r[5],
                    category=r[6],
                    read=bool(r[7]),
                    starred=bool(r[8]),
                    ref=r[9],
                )
        return [found[pk] for pk in rowids if pk in found]

    def search(
        self, query: str = "", *, digest: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[ListRow]:
        plan = self._plan(query, digest)
        ids = [
            r[0]
            for r in self._conn().execute(
                plan.ids_sql + " LIMIT ? OFFSET ?", (*plan.params, limit, offset)
            )
        ]
        return self.list_rows(ids)

    def page(
        self, query: str = "", *, digest: str | None = None, limit: int = 200, offset: int = 0
    ) -> tuple[int, list[ListRow]]:
        """(total matches, one page of rows): what a listing shows, from one plan.

        When the whole result fits in the first page, its length is the total
        and the count query (a second full evaluation) is skipped; narrow and
        excluding queries, the slowest to evaluate, are usually in that case.
        """
        plan = self._plan(query, digest)
        conn = self._conn()
        ids = [
            r[0]
            for r in conn.execute(
                plan.ids_sql + " LIMIT ? OFFSET ?", (*plan.params, limit + 1, offset)
            )
        ]
        if offset == 0 and len(ids) <= limit:
            total = len(ids)
        else:
            total = int(conn.execute(plan.count_sql, plan.params).fetchone()[0])
        return total, self.list_rows(ids[:limit])

    def get_paper(self, key: int | str) -> PaperRecord | None:
        conn = self._conn()
        if isinstance(key, int):
            row = conn.execute(f"SELECT {_PAPER_COLS} FROM papers WHERE pk = ?", (key,)).fetchone()
        else:
            paper_id = re.sub(r"v\d+$", "", key.strip())
            row = conn.execute(
                f"SELECT {_PAPER_COLS} FROM papers WHERE id = ?", (paper_id,)
            ).fetchone()
        return self._record(conn, row) if row is not None else None

    def get_papers(self, rowids: Sequence[int]) -> list[PaperRecord]:
        conn = self._conn()
        found: dict[int, PaperRecord] = {}
        for i in range(0, len(rowids), _CHUNK):
            chunk = rowids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                f"SELECT {_PAPER_COLS} FROM papers WHERE pk IN ({marks})", tuple(chunk)
            ).fetchall():
                found[row[0]] = self._record(conn, row)
        return [found[pk] for pk in rowids if pk in found]

    @staticmethod
    def _record(conn: sqlite3.Connection, row: tuple) -> PaperRecord:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT d.name FROM membership m JOIN digests d ON d.pk = m.digest "
                "WHERE m.paper = ? ORDER BY d.date DESC, d.pk DESC",
                (row[0],),
            )
        ]
        return PaperRecord(
            rowid=row[0],
            paper=_paper_from_row(row),
            read=bool(row[14]),
            starred=bool(row[15]),
            digests=names,
        )

    # --- Machine translation -------------------------------------------------

    _WANTS_TRANSLATION = (
        "(p.title_zh = '' OR p.summary_zh = '' OR p.abstract_zh = '') "
        "AND (p.title_en != '' OR p.abstract_en != '')"
    )

    def translation_candidates(
        self, query: str = "", *, limit: int | None = None
    ) -> list[PaperRecord]:
        """Papers with English but some Chinese field empty, in listing order.

        `query` narrows them with the search language.
        """
        conn = self._conn()
        if limit is not None and limit <= 0:
            return []
        if not query.strip():
            sql = (
                "SELECT l.pk FROM listing l CROSS JOIN papers p ON p.pk = l.pk "
                f"WHERE {self._WANTS_TRANSLATION} ORDER BY l.key DESC"
            )
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            return self.get_papers([r[0] for r in conn.execute(sql)])
        wanted: list[int] = []
        ids = self.list_ids(query)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            keep = {
                r[0]
                for r in conn.execute(
                    f"SELECT p.pk FROM papers p WHERE p.pk IN ({marks}) "
                    f"AND {self._WANTS_TRANSLATION}",
                    chunk,
                )
            }
            wanted.extend(pk for pk in chunk if pk in keep)
            if limit is not None and len(wanted) >= limit:
                del wanted[limit:]
                break
        return self.get_papers(wanted)

    def apply_translation(self, rowid: int, fields: dict[str, str], *, model: str) -> list[str]:
        """Fill the paper's EMPTY Chinese fields from `fields`; returns the names filled.

        The values are cleaned like any ingested text and marked machine-made
        (extras `machine_fields`, `machine_model`), so a later human translation
        replaces them (see `merge_paper`). A recorded failure is cleared. The
        search index follows, all in one transaction.
        """
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_PAPER_COLS} FROM papers WHERE pk = ?", (rowid,)
            ).fetchone()
            if row is None:
                return []
            old = _paper_from_row(row)
            new = _paper_from_row(row)
            filled: list[str] = []
            for name in ZH_FIELDS:
                clean = clean_text if name == "abstract_zh" else clean_line
                value = clean(fields.get(name) or "")
                if value and not getattr(old, name):
                    setattr(new, name, value)
                    filled.append(name)
            extras = dict(old.extras)
            if filled:
                machine = _names(extras.get(MACHINE_FIELDS, ""))
                machine += [n for n in filled if n not in machine]
                extras[MACHINE_FIELDS] = ",".join(n for n in ZH_FIELDS if n in machine)
                extras[MACHINE_MODEL] = clean_line(model, 200)
                extras.pop(TRANSLATE_ERROR, None)
            new.extras = extras
            if new == old:
                return filled
            conn.execute(_UPDATE_PAPER, (*_paper_values(new)[1:], rowid))
            if filled:
                conn.execute(schema.FTS_DELETE, (row[16], *_search_values(old)))
                self._index(conn, [(row[16], new)])
        return filled

    def record_translation_failure(self, rowid: int, reason: str) -> None:
        """Remember why translating the paper failed (extras `translate_error`, capped)."""
        with self._write() as conn:
            row = conn.execute("SELECT extras FROM papers WHERE pk = ?", (rowid,)).fetchone()
            if row is None:
                return
            extras = json.loads(row[0])
            extras[TRANSLATE_ERROR] = clean_line(reason, MAX_ERROR) or "failed"
            conn.execute("UPDATE papers SET extras = ? WHERE pk = ?", (_json_dict(extras), rowid))

    # --- User state -----------------------------------------------------------

    def _set_flag(self, column: str, rowids: Sequence[int], value: bool) -> None:
        with self._write() as conn:
            for i in range(0, len(rowids), _CHUNK):
                chunk = rowids[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"UPDATE papers SET {column} = ? WHERE pk IN ({marks}) AND {column} != ?",
                    (int(value), *chunk, int(value)),
                )

    def set_read(self, rowids: Sequence[int], read: bool = True) -> None:
        self._set_flag("read", rowids, read)

    def set_starred(self, rowids: Sequence[int], starred: bool = True) -> None:
        self._set_flag("starred", rowids, starred)

    # --- Digests, stats, sources ------------------------------------------------

    def digests(self) -> list[DigestInfo]:
        return [
            DigestInfo(name=r[0], date=r[1], source=r[2], count=r[3], kind=r[4])
            for r in self._conn().execute(
                "SELECT name, date, source, count, kind FROM digests ORDER BY date DESC, pk DESC"
            )
        ]

    def stats(self) -> dict[str, object]:
        conn = self._conn()
        papers, read, starred = conn.execute(
            "SELECT count(*), coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM papers"
        ).fetchone()
        digests = conn.execute("SELECT count(*) FROM digests").fetchone()[0]
        size = 0
        for suffix in ("", "-wal"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                size += part.stat().st_size
        return {
            "papers": papers,
            "digests": digests,
            "read": read,
            "starred": starred,
            "path": str(self.path),
            "size_bytes": size,
            "schema": schema.user_version(conn),
        }

    def is_empty(self) -> bool:
        return self._conn().execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None

    def get_source_state(self, name: str) -> dict[str, object] | None:
        row = (
            self._conn()
            .execute(
                f"SELECT name, {', '.join(_SOURCE_FIELDS)} FROM sources WHERE name = ?", (name,)
            )
            .fetchone()
        )
        if row is None:
            return None
        return dict(zip(("name", *_SOURCE_FIELDS), row, strict=True))

    def set_source_state(self, name: str, **fields: object) -> None:
        unknown = set(fields) - set(_SOURCE_FIELDS)
        if unknown:
            raise ValueError(f"unknown source field(s): {', '.join(sorted(unknown))}")
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO sources(name) VALUES (?)", (name,))
            if fields:
                sets = ", ".join(f"{k} = ?" for k in fields)
                conn.execute(f"UPDATE sources SET {sets} WHERE name = ?", (*fields.values(), name))


def _check_version(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not our cache or is newer than us."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            version = schema.user_version(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CacheError(f"{path}: not a readable tui-digest cache: {exc}") from exc
    if version > schema.SCHEMA_VERSION:
        raise CacheError(
            f"{path} was written by a newer tui-digest (schema {version}, this one knows "
            f"{schema.SCHEMA_VERSION}); not modified"
        )
    if version == 0 and tables:
        raise CacheError(f"{path}: not a tui-digest cache (unknown tables); not modified")
