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
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tui_digest.core import schema
from tui_digest.core.model import (
    Digest,
    DigestInfo,
    ImportStats,
    ListRow,
    Paper,
    PaperRecord,
)
from tui_digest.core.paths import default_db_path
from tui_digest.core.query import Plan, QueryError, compile_query, parse_query

__all__ = ["CacheError", "QueryError", "Store", "merge_paper"]


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


# --- Merge rules ----------------------------------------------------------------

_TEXT_FIELDS = (
    "version", "url", "title_en", "title_zh", "summary_zh", "abstract_en", "abstract_zh",
    "announce_type", "published",
)
_VERSION_RE = re.compile(r"\d+")


def version_number(version: str) -> int:
    """"v12" -> 12; "" or unparsable -> 0 (unknown, older than any known version)."""
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
    merged.extras = extras
    return merged


# --- Row <-> Paper ----------------------------------------------------------------

_PAPER_COLS = (
    "pk, id, version, url, title_en, title_zh, summary_zh, abstract_en, abstract_zh, "
    "authors, categories, announce_type, published, extras, read, starred, sort_key"
)
_LIST_COLS = "pk, id, title_en, title_zh, summary_zh, list_date, category, read, starred, list_ref"


def _paper_from_row(row: sqlite3.Row | tuple) -> Paper:
    return Paper(
        id=row[1], version=row[2], url=row[3], title_en=row[4], title_zh=row[5],
        summary_zh=row[6], abstract_en=row[7], abstract_zh=row[8],
        authors=json.loads(row[9]), categories=json.loads(row[10]),
        announce_type=row[11], published=row[12], extras=json.loads(row[13]),
    )


def _search_values(p: Paper) -> tuple[str, ...]:
    return schema.search_row(
        p.id, p.title_en, p.title_zh, p.summary_zh, p.abstract_en, p.abstract_zh,
        _json_list(p.authors), _json_list(p.categories), p.announce_type,
    )


def _json_list(items: list[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _json_dict(items: dict[str, str]) -> str:
    return json.dumps(dict(items), ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


_SOURCE_FIELDS = (
    "url", "etag", "last_modified", "last_checked", "last_status", "last_error", "last_success",
)
_FTS_INSERT = "INSERT INTO search(rowid, ti, abs, au, cat, id, ty) VALUES (?, ?, ?, ?, ?, ?, ?)"
_FTS_DELETE = (
    "INSERT INTO search(search, rowid, ti, abs, au, cat, id, ty) "
    "VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)"
)
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

    # --- Opening --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, readonly: bool = False) -> Store:
        if path is None:
            path = default_db_path()
        path = Path(path).expanduser()
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            _check_version(path)
        elif readonly:
            raise CacheError(f"{path}: no cache there (nothing imported yet)")
        store = cls(path, readonly)
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
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

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

        with self._write() as conn:
            row = conn.execute(
                "SELECT pk, date FROM digests WHERE name = ? AND source = ?",
                (digest.name, digest.source),
            ).fetchone()
            if row is None:
                dpk = conn.execute(
                    "INSERT INTO digests(name, source, date, kind, imported_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (digest.name, digest.source, digest.date, digest.kind, now, now),
                ).lastrowid
                old_date = digest.date
            else:
                dpk, old_date = row
                if incoming:
                    conn.execute(
                        "UPDATE digests SET date = ?, kind = ?, updated_at = ? WHERE pk = ?",
                        (digest.date or old_date, digest.kind, now, dpk),
                    )
            assert dpk is not None
            date = (digest.date or old_date) if incoming else old_date

            # Old FTS rows to delete (key, values) and papers whose key may move.
            fts_old: dict[int, tuple[int, tuple[str, ...]]] = {}
            text_changed: set[int] = set()
            current: dict[int, Paper] = {}
            keys: dict[int, int] = {}
            members: list[tuple[int, int]] = []
            new_pks: set[int] = set()
            for paper_id, (ref, paper) in incoming.items():
                found = conn.execute(
                    f"SELECT {_PAPER_COLS} FROM papers WHERE id = ?", (paper_id,)
                ).fetchone()
                if found is None:
                    pk = self._insert_paper(conn, paper, now)
                    new_pks.add(pk)
                    current[pk] = paper
                    stats.new += 1
                else:
                    pk, old = found[0], _paper_from_row(found)
                    keys[pk] = found[16]
                    merged = merge_paper(old, paper)
                    current[pk] = merged
                    if merged != old:
                        fts_old[pk] = (found[16], _search_values(old))
                        text_changed.add(pk)
                        self._update_paper(conn, pk, merged)
                        stats.updated += 1
                    else:
                        stats.unchanged += 1
                members.append((ref, pk))

            affected = {pk for _, pk in members}
            if incoming:
                previous = [
                    r[0] for r in conn.execute(
                        "SELECT paper FROM membership WHERE digest = ?", (dpk,)
                    )
                ]
                affected.update(previous)
                conn.execute("DELETE FROM membership WHERE digest = ?", (dpk,))
                conn.executemany(
                    "INSERT INTO membership(digest, ref, paper) VALUES (?, ?, ?)",
                    [(dpk, ref, pk) for ref, pk in members],
                )
                conn.execute(
                    "UPDATE digests SET count = ? WHERE pk = ?", (len(members), dpk)
                )

            # New listing keys. A brand-new paper's only appearance is here.
            placements: dict[int, tuple[int, str, int]] = {}
            for ref, pk in members:
                if pk in new_pks:
                    p = current[pk]
                    placements[pk] = (
                        schema.sort_key(date or p.published, dpk, ref), date or p.published, ref
                    )
            for pk in affected - new_pks:
                if pk not in current:
                    found = conn.execute(
                        f"SELECT {_PAPER_COLS} FROM papers WHERE pk = ?", (pk,)
                    ).fetchone()
                    current[pk] = _paper_from_row(found)
                    keys[pk] = found[16]
                placements[pk] = self._placement(conn, pk, current[pk].published)

            moved = {pk for pk, (key, _, _) in placements.items() if keys.get(pk) != key}
            for pk in moved - new_pks:
                if pk not in fts_old:
                    fts_old[pk] = (keys[pk], _search_values(current[pk]))
            # Delete every old FTS row before inserting: keys may swap places.
            conn.executemany(_FTS_DELETE, [(k, *v) for k, v in fts_old.values()])
            conn.executemany(
                "UPDATE papers SET sort_key = ?, list_date = ?, list_ref = ? WHERE pk = ?",
                [(*placements[pk], pk) for pk in moved],
            )
            conn.executemany(
                _FTS_INSERT,
                [
                    (placements[pk][0] if pk in placements else keys[pk],
                     *_search_values(current[pk]))
                    for pk in new_pks | moved | text_changed
                ],
            )
        return stats

    @staticmethod
    def _placement(conn: sqlite3.Connection, pk: int, published: str) -> tuple[int, str, int]:
        """(sort_key, list_date, list_ref) from the paper's newest appearance."""
        best: tuple[int, str, int] | None = None
        for date, dpk, ref in conn.execute(
            "SELECT d.date, d.pk, m.ref FROM membership m JOIN digests d ON d.pk = m.digest "
            "WHERE m.paper = ?",
            (pk,),
        ):
            when = date or published
            key = schema.sort_key(when, dpk, ref)
            if best is None or key > best[0]:
                best = (key, when, ref)
        return best or (schema.orphan_key(published, pk), published, 0)

    @staticmethod
    def _insert_paper(conn: sqlite3.Connection, p: Paper, now: str) -> int:
        pk = conn.execute(
            "INSERT INTO papers(id, version, url, title_en, title_zh, summary_zh, abstract_en, "
            "abstract_zh, authors, categories, category, announce_type, published, extras, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                p.id, p.version, p.url, p.title_en, p.title_zh, p.summary_zh, p.abstract_en,
                p.abstract_zh, _json_list(p.authors), _json_list(p.categories),
                p.primary_category, p.announce_type, p.published, _json_dict(p.extras), now,
            ),
        ).lastrowid
        assert pk is not None
        return pk

    @staticmethod
    def _update_paper(conn: sqlite3.Connection, pk: int, p: Paper) -> None:
        conn.execute(
            "UPDATE papers SET version = ?, url = ?, title_en = ?, title_zh = ?, summary_zh = ?, "
            "abstract_en = ?, abstract_zh = ?, authors = ?, categories = ?, category = ?, "
            "announce_type = ?, published = ?, extras = ? WHERE pk = ?",
            (
                p.version, p.url, p.title_en, p.title_zh, p.summary_zh, p.abstract_en,
                p.abstract_zh, _json_list(p.authors), _json_list(p.categories),
                p.primary_category, p.announce_type, p.published, _json_dict(p.extras), pk,
            ),
        )

    def reindex(self) -> int:
        """Rebuild the search index from the papers table; returns papers indexed."""
        with self._write() as conn:
            return schema.rebuild_search_index(conn)

    # --- Queries --------------------------------------------------------------

    def count(self, query: str = "", *, digest: str | None = None) -> int:
        plan = compile_query(parse_query(query), digest=digest)
        params = plan.params if plan.count_params is None else plan.count_params
        return int(self._conn().execute(plan.count_sql, params).fetchone()[0])

    def list_ids(self, query: str = "", *, digest: str | None = None) -> list[int]:
        plan = compile_query(parse_query(query), digest=digest)
        if plan.exclude_sql is not None:
            return self._difference(plan, None)
        return [r[0] for r in self._conn().execute(plan.ids_sql, plan.params)]

    def _difference(self, plan: Plan, stop: int | None) -> list[int]:
        """The base rows minus the excluded keys; both come sorted by key, descending."""
        conn = self._conn()
        assert plan.exclude_sql is not None
        base = conn.execute(plan.ids_sql, plan.params)
        excluded = conn.execute(plan.exclude_sql, plan.exclude_params)
        out: list[int] = []
        skip = next(excluded, None)
        for pk, key in base:
            while skip is not None and skip[0] > key:
                skip = next(excluded, None)
            if skip is not None and skip[0] == key:
                continue
            out.append(pk)
            if stop is not None and len(out) >= stop:
                break
        return out

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
                    rowid=r[0], id=r[1], title_en=r[2], title_zh=r[3], summary_zh=r[4],
                    date=r[5], category=r[6], read=bool(r[7]), starred=bool(r[8]), ref=r[9],
                )
        return [found[pk] for pk in rowids if pk in found]

    def search(
        self, query: str = "", *, digest: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[ListRow]:
        plan = compile_query(parse_query(query), digest=digest)
        if plan.exclude_sql is not None:
            return self.list_rows(self._difference(plan, offset + limit)[offset:])
        ids = [
            r[0]
            for r in self._conn().execute(
                plan.ids_sql + " LIMIT ? OFFSET ?", (*plan.params, limit, offset)
            )
        ]
        return self.list_rows(ids)

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
            rowid=row[0], paper=_paper_from_row(row), read=bool(row[14]),
            starred=bool(row[15]), digests=names,
        )

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
            "papers": papers, "digests": digests, "read": read, "starred": starred,
            "path": str(self.path), "size_bytes": size, "schema": schema.user_version(conn),
        }

    def is_empty(self) -> bool:
        return self._conn().execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None

    def get_source_state(self, name: str) -> dict[str, object] | None:
        row = self._conn().execute(
            f"SELECT name, {', '.join(_SOURCE_FIELDS)} FROM sources WHERE name = ?", (name,)
        ).fetchone()
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
                conn.execute(
                    f"UPDATE sources SET {sets} WHERE name = ?", (*fields.values(), name)
                )


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
