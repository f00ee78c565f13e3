"""The cache's tables and their forward migrations, keyed by `PRAGMA user_version`.

`MIGRATIONS[n]` takes a database at version n to n + 1 inside the caller's
transaction. A new schema change is a new function appended to the list; old
ones are never edited, so any older cache can be brought forward.

Layout
------
- `papers`: one row per arXiv id. The narrow listing columns come first and
  the long ones (abstracts, JSON lists, extras) last, so reading a list row
  does not touch overflow pages. `sort_key` is denormalised listing order (see
  `sort_key()`); the index on it covers `read` and `starred`, so the count and
  first page of the unfiltered list never read a table row.
- `digests` and `membership`: which paper appeared where, at which ref.
- `sources`: per-source state of the fetch worker (conditional GET, errors).
- `search` (v3): a contentless FTS5 index (detail=full, for exact phrases)
  whose rowid IS the paper's sort key, so FTS5 hands back matches already in
  listing order and a page of 200 stops after 200 hits. Its text is
  pre-tokenised by `search_tokens`. No FTS5 prefix indexes (they copied every
  CJK bigram twice and made the v2 cache 930 MB at 100k papers): a word of up
  to 3 characters is one token of a prefix column (`pti`, `pabs`...), and a
  longer one is the OR of the complete words it starts, listed by `terms`.
- `listing` (v3): key -> pk plus read/starred, kept by triggers on `papers`;
  a search with is:read/is:starred joins its matches with this small table.
- `membership.hash` (v3): what each digest entry brought last time, so that
  re-importing an unchanged digest does not read its papers.
- `papers.summary_en` and `arxiv_meta` (`_add_archive_and_enrichment`): the
  generator archive's English one-line summary, and what arXiv's query API
  said about each id and when it was asked (see `arxiv_meta`), kept apart from
  the digests' text.
The index, `terms` and `listing` are derived data; `rebuild_search_index`
recreates the first two.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Callable, Sequence

from tui_digest.core.search_tokens import fold, index_pair, index_text

# --- Listing order as one integer ---------------------------------------------
#
# bits 46..62  listing date as days since 1970-01-01 (0 when unknown)
# bit  45      1 = placed by a digest appearance, 0 = in no digest (orphan)
# bits 20..44  digest sequence (import order, the digest's primary key)
# bits  0..19  2**20 - 1 - ref, so that a higher key means an earlier ref
# Orphans use bits 0..44 for their own primary key instead.
# Listing order is `sort_key DESC`.

DAY_SHIFT = 46
PLACED_BIT = 1 << 45
SEQ_SHIFT = 20
REF_MASK = (1 << 20) - 1
_EPOCH = _dt.date(1970, 1, 1)


def date_days(date: str) -> int:
    """Days since 1970 of an ISO date ("YYYY-MM-DD"); 0 when missing or invalid."""
    if len(date) < 10:
        return 0
    try:
        days = (_dt.date.fromisoformat(date[:10]) - _EPOCH).days
    except ValueError:
        return 0
    return days if 0 < days < (1 << 17) else 0


def sort_key(date: str, seq: int, ref: int) -> int:
    """Key of a paper whose newest appearance is `ref` in digest `seq` dated `date`."""
    ref = min(max(ref, 0), REF_MASK)
    return (date_days(date) << DAY_SHIFT) | PLACED_BIT | (seq << SEQ_SHIFT) | (REF_MASK - ref)


def orphan_key(published: str, pk: int) -> int:
    """Key of a paper that is in no digest: dated by `published`, after placed ones."""
    return (date_days(published) << DAY_SHIFT) | pk


def day_range_keys(first_day: int, last_day: int) -> tuple[int, int]:
    """Inclusive sort-key bounds of the papers listed between two day numbers."""
    return first_day << DAY_SHIFT, ((last_day + 1) << DAY_SHIFT) - 1


# --- Search index --------------------------------------------------------------

TEXT_COLUMNS = ("ti", "abs", "au", "cat", "id")  # what a bare word searches
# Each text column's prefix column (see `search_tokens.index_pair`).
PREFIX_COLUMNS = {c: "p" + c for c in TEXT_COLUMNS}
SEARCH_COLUMNS = (*TEXT_COLUMNS, "ty", *PREFIX_COLUMNS.values())
# Every row's `ty` holds this token, so a query that only excludes can be
# answered by FTS5 itself as "everything NOT ...".
EVERY = "any"
# Latin/digit tokens at least this long go into `terms`: a query word that
# long is matched as the OR of the complete words it starts.
TERM_MIN = 4


def type_tokens(announce_type: str) -> str:
    # "replace-cross" also answers type:replace and type:cross; the joined
    # form lets type:replace-cross ask for exactly that.
    t = announce_type.lower()
    if t == "replace-cross":
        return "replace cross replacecross"
    return t


def search_row(
    id: str,
    title_en: str,
    title_zh: str,
    summary_zh: str,
    abstract_en: str,
    abstract_zh: str,
    authors_json: str,
    categories_json: str,
    announce_type: str,
) -> tuple[str, ...]:
    """The FTS5 column values of one paper, in `SEARCH_COLUMNS` order.

    Deterministic: a contentless FTS5 delete must repeat the inserted values.
    """
    authors = json.loads(authors_json or "[]")
    categories = json.loads(categories_json or "[]")
    ti, pti = index_pair(title_en, title_zh)
    ab, pab = index_pair(summary_zh, abstract_en, abstract_zh)
    au, pau = index_pair(*authors)
    ca, pca = index_pair(*categories)
    i, pi = index_pair(id)
    ty = type_tokens(announce_type)
    return (ti, ab, au, ca, i, f"{EVERY} {ty}" if ty else EVERY, pti, pab, pau, pca, pi)


def row_terms(row: Sequence[str]) -> set[str]:
    """The long Latin/digit tokens of one `search_row`, as FTS5 stores them."""
    # CJK tokens are one or two characters, so length alone tells them apart.
    unique = set(" ".join(row[: len(TEXT_COLUMNS)]).split())  # dedupe before folding
    return {fold(t) for t in unique if len(t) >= TERM_MIN}


# The paper columns `search_row` reads, in its argument order.
SEARCH_SOURCE = (
    "id, title_en, title_zh, summary_zh, abstract_en, abstract_zh, authors, categories, "
    "announce_type"
)

_CREATE_SEARCH = (
    "CREATE VIRTUAL TABLE search USING fts5("
    + ", ".join(SEARCH_COLUMNS)
    + ", content='', tokenize=\"unicode61 remove_diacritics 2\")"
)
FTS_INSERT = (
    f"INSERT INTO search(rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"VALUES (?{', ?' * len(SEARCH_COLUMNS)})"
)
FTS_DELETE = (
    f"INSERT INTO search(search, rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"VALUES ('delete', ?{', ?' * len(SEARCH_COLUMNS)})"
)
TERMS_INSERT = "INSERT OR IGNORE INTO terms(term) VALUES (?)"


def rebuild_search_index(conn: sqlite3.Connection) -> int:
    """Drop and refill the search index (and `terms`) from `papers`; returns papers indexed."""
    conn.execute("DROP TABLE IF EXISTS search")
    conn.execute(_CREATE_SEARCH)
    conn.execute("DELETE FROM terms")
    rows = conn.execute(f"SELECT sort_key, {SEARCH_SOURCE} FROM papers")
    n = 0
    batch: list[tuple[object, ...]] = []
    terms: set[str] = set()

    def flush() -> None:
        conn.executemany(FTS_INSERT, batch)
        conn.executemany(TERMS_INSERT, ((t,) for t in terms))
        batch.clear()
        terms.clear()

    for row in rows:
        values = search_row(*row[1:])
        batch.append((row[0], *values))
        terms.update(row_terms(values))
        if len(batch) >= 2000:
            n += len(batch)
            flush()
    n += len(batch)
    flush()
    conn.execute("INSERT INTO search(search, rank) VALUES ('optimize', 0)")
    return n


# --- Migrations ---------------------------------------------------------------


def _v0_to_v1(conn: sqlite3.Connection) -> None:
    for stmt in (
        """CREATE TABLE papers (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title_en TEXT NOT NULL DEFAULT '',
            title_zh TEXT NOT NULL DEFAULT '',
            summary_zh TEXT NOT NULL DEFAULT '',
            list_date TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            list_ref INTEGER NOT NULL DEFAULT 0,
            sort_key INTEGER NOT NULL DEFAULT 0,
            version TEXT NOT NULL DEFAULT '',
            announce_type TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL DEFAULT '',
            authors TEXT NOT NULL DEFAULT '[]',
            categories TEXT NOT NULL DEFAULT '[]',
            extras TEXT NOT NULL DEFAULT '{}',
            abstract_en TEXT NOT NULL DEFAULT '',
            abstract_zh TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX papers_sort ON papers(sort_key, read, starred)",
        "CREATE INDEX papers_starred ON papers(starred) WHERE starred",
        """CREATE TABLE digests (
            pk INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'digest',
            count INTEGER NOT NULL DEFAULT 0,
            imported_at TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL DEFAULT '',
            UNIQUE (name, source)
        )""",
        """CREATE TABLE membership (
            digest INTEGER NOT NULL REFERENCES digests(pk) ON DELETE CASCADE,
            ref INTEGER NOT NULL,
            paper INTEGER NOT NULL REFERENCES papers(pk) ON DELETE CASCADE,
            PRIMARY KEY (digest, ref)
        ) WITHOUT ROWID""",
        "CREATE INDEX membership_paper ON membership(paper, digest)",
        """CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL DEFAULT '',
            etag TEXT,
            last_modified TEXT,
            last_checked TEXT,
            last_status TEXT,
            last_error TEXT,
            last_success TEXT
        )""",
    ):
        conn.execute(stmt)


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    # The v2 index (detail=full with FTS5 prefix indexes 1 2 3), as it was;
    # v3 replaces it.
    conn.execute(
        "CREATE VIRTUAL TABLE search USING fts5(ti, abs, au, cat, id, ty, content='', "
        "tokenize=\"unicode61 remove_diacritics 2\", prefix='1 2 3')"
    )
    rows = conn.execute(f"SELECT sort_key, {SEARCH_SOURCE} FROM papers")
    conn.executemany(
        "INSERT INTO search(rowid, ti, abs, au, cat, id, ty) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                key,
                index_text(t_en, t_zh),
                index_text(s_zh, a_en, a_zh),
                index_text(*json.loads(au or "[]")),
                index_text(*json.loads(ca or "[]")),
                index_text(pid),
                type_tokens(ty),
            )
            for key, pid, t_en, t_zh, s_zh, a_en, a_zh, au, ca, ty in rows
        ),
    )


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Smaller, faster search: see the module docstring."""
    for stmt in (
        # Listing order, the user's flags and the paper, in ~20 bytes a row:
        # what a search joins its matches with (papers rows are ~3 KB).
        """CREATE TABLE listing (
            key INTEGER PRIMARY KEY,
            pk INTEGER NOT NULL,
            read INTEGER NOT NULL,
            starred INTEGER NOT NULL
        )""",
        # Kept by triggers, so no writer can forget it. REPLACE: while one
        # import moves papers, a key may still be held by a paper that moves
        # later in the same transaction (its own update then finds no row).
        """CREATE TRIGGER papers_listing_insert AFTER INSERT ON papers BEGIN
            INSERT OR REPLACE INTO listing(key, pk, read, starred)
            VALUES (NEW.sort_key, NEW.pk, NEW.read, NEW.starred);
        END""",
        """CREATE TRIGGER papers_listing_update AFTER UPDATE OF sort_key, read, starred ON papers
        BEGIN
            DELETE FROM listing WHERE key = OLD.sort_key AND pk = OLD.pk;
            INSERT OR REPLACE INTO listing(key, pk, read, starred)
            VALUES (NEW.sort_key, NEW.pk, NEW.read, NEW.starred);
        END""",
        """CREATE TRIGGER papers_listing_delete AFTER DELETE ON papers BEGIN
            DELETE FROM listing WHERE key = OLD.sort_key AND pk = OLD.pk;
        END""",
        "INSERT OR REPLACE INTO listing(key, pk, read, starred) "
        "SELECT sort_key, pk, read, starred FROM papers ORDER BY sort_key",
        "CREATE TABLE terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
        # Content hash of what each digest entry last brought: re-importing
        # an unchanged digest skips its papers without reading them.
        "ALTER TABLE membership ADD COLUMN hash BLOB",
    ):
        conn.execute(stmt)
    rebuild_search_index(conn)


def _add_archive_and_enrichment(conn: sqlite3.Connection) -> None:
    """The archive's English one-line summary, and what arXiv's API said (apart)."""
    from tui_digest.core.arxiv_meta import CREATE_TABLE

    conn.execute("ALTER TABLE papers ADD COLUMN summary_en TEXT NOT NULL DEFAULT ''")
    conn.execute(CREATE_TABLE)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v0_to_v1,
    _v1_to_v2,
    _v2_to_v3,
    _add_archive_and_enrichment,
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring `conn` (autocommit mode) forward to `target`, one transaction per step.

    Returns the version it started from. The caller has already refused a
    database newer than this code.
    """
    start = user_version(conn)
    if start >= target:
        return start  # current: no write lock, so opening never waits on another writer
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read under the write lock: another process may have migrated meanwhile.
            version = user_version(conn)
            if version >= target:
                conn.execute("ROLLBACK")
                return start
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
