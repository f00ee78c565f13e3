"""The cache's first ten migration steps (schemas 1-10), in `schema.MIGRATIONS`.

Like every step they are never edited: an old cache is brought forward by the
same statements that brought every other. The layout they make is described
in `schema`'s docstring."""

from __future__ import annotations

import json
import sqlite3

from tui_digest.core import digest_day as day
from tui_digest.core.listing_key import replace_members
from tui_digest.core.search_index import rebuild_search_index, type_tokens
from tui_digest.core.search_tokens import index_text


def v0_to_v1(conn: sqlite3.Connection) -> None:
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


def v1_to_v2(conn: sqlite3.Connection) -> None:
    # The v2 index (detail=full with FTS5 prefix indexes 1 2 3), as it was;
    # v3 replaces it.
    conn.execute(
        "CREATE VIRTUAL TABLE search USING fts5(ti, abs, au, cat, id, ty, content='', "
        "tokenize=\"unicode61 remove_diacritics 2\", prefix='1 2 3')"
    )
    rows = conn.execute(
        "SELECT sort_key, id, title_en, title_zh, summary_zh, abstract_en, abstract_zh, "
        "authors, categories, announce_type FROM papers"
    )
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


def v2_to_v3(conn: sqlite3.Connection) -> None:
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
    rebuild_search_index(conn, layout=1)  # (no `meta` yet: `count_row_layouts`)


def add_archive_and_enrichment(conn: sqlite3.Connection) -> None:
    """The archive's English one-line summary, and what arXiv's API said (apart)."""
    from tui_digest.core.arxiv_meta import CREATE_TABLE

    conn.execute("ALTER TABLE papers ADD COLUMN summary_en TEXT NOT NULL DEFAULT ''")
    conn.execute(CREATE_TABLE)


def dated_digests(conn: sqlite3.Connection) -> None:
    """A digest per (source, day): every digest dated, named `<source>-<date>`, labelled.

    The old name stays as `alias` (the CLI and saved searches keep working);
    `digest_bytes` holds each digest version's original bytes (zlib), so
    `export --digest` can write it back exactly. Digests that had no date get
    one (see `name_v3_digests`), which moves their papers in the listing: the
    listing keys and the search index are rebuilt then. A digest that lists no
    paper (a v3 cache kept an empty document, such as the generator's weekend
    file) is dropped first, as an import makes none now (`store.days`): dated by
    its import, it became the newest day, and For you's "No papers match."
    (found by a bug hunt).
    """
    for stmt in (
        "ALTER TABLE digests ADD COLUMN alias TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE digests ADD COLUMN label TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE digests ADD COLUMN category TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE digests ADD COLUMN source_name TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE digest_bytes (
            digest INTEGER PRIMARY KEY REFERENCES digests(pk) ON DELETE CASCADE,
            data BLOB NOT NULL
        )""",
    ):
        conn.execute(stmt)
    conn.execute(
        "DELETE FROM digests "
        "WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.digest = digests.pk)"
    )
    redated = name_v3_digests(conn)
    for stmt in (
        "CREATE UNIQUE INDEX digests_by_name ON digests(name)",
        "CREATE INDEX digests_by_alias ON digests(alias)",
        "CREATE INDEX digests_by_source ON digests(source, date)",
        "CREATE INDEX digests_by_date ON digests(date)",
    ):
        conn.execute(stmt)
    if redated:
        replace_members(conn, redated)
        conn.execute("DELETE FROM listing")
        conn.execute(
            "INSERT INTO listing(key, pk, read, starred) "
            "SELECT sort_key, pk, read, starred FROM papers ORDER BY sort_key"
        )
        rebuild_search_index(conn, layout=1)  # (no `meta` yet: `count_row_layouts`)


def name_v3_digests(conn: sqlite3.Connection) -> list[int]:
    """Date, name and label every digest of a v3 cache; returns the digests given a date.

    The date: the digest's own, else one in its name or source, else the
    local date it was imported. (A v3 cache kept no `Last-Modified` per digest.)
    """
    taken: set[str] = set()
    redated: list[int] = []
    rows = conn.execute("SELECT pk, name, source, date, imported_at FROM digests ORDER BY pk")
    for pk, name, source, date, imported_at in rows.fetchall():
        if not date:
            date = day.date_in_name(name) or day.date_in_name(source)
            date = date or day.iso_local_date(imported_at) or day.local_today()
            redated.append(pk)
        source_name = day.source_name_of(name, source)
        new_name = day.unique_name(f"{source_name}-{date}", taken)
        label = day.digest_label("", date, day.origin_of(source))
        conn.execute(
            "UPDATE digests SET name = ?, alias = ?, date = ?, label = ?, source_name = ? "
            "WHERE pk = ?",
            (new_name, name, date, label, source_name, pk),
        )
    return redated


def add_user_state(conn: sqlite3.Connection) -> None:
    """Tags, notes and the time of every change of the user's state (see `user_log`)."""
    for stmt in (
        # One row per arXiv id and field (read, starred, tags, note): its
        # value as JSON and when it last changed (UTC, "...T..:..:..sssZ", so
        # strings compare as times). Keyed by id, not pk: it travels. `pending`:
        # imported for a paper this cache does not hold yet.
        """CREATE TABLE user_state (
            id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            pending INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (id, field)
        ) WITHOUT ROWID""",
        "CREATE INDEX user_state_pending ON user_state(id) WHERE pending",
        # Derived from user_state, for tag: searches and completion.
        """CREATE TABLE paper_tags (
            tag TEXT NOT NULL COLLATE NOCASE,
            id TEXT NOT NULL,
            PRIMARY KEY (tag, id)
        ) WITHOUT ROWID""",
        "CREATE INDEX paper_tags_id ON paper_tags(id)",
        # Derived: the note folded for search (`query_notes.fold_note`; lower
        # case, no accents, single spaces until `refold_notes`); notes are few,
        # so no index of their own.
        """CREATE TABLE paper_notes (
            id TEXT PRIMARY KEY,
            folded TEXT NOT NULL
        ) WITHOUT ROWID""",
        *(
            f"""CREATE TRIGGER papers_state_{flag} AFTER UPDATE OF {flag} ON papers
            WHEN NEW.{flag} != OLD.{flag} BEGIN
                INSERT OR REPLACE INTO user_state(id, field, value, changed_at)
                VALUES (NEW.id, '{flag}', CASE WHEN NEW.{flag} THEN 'true' ELSE 'false' END,
                        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
            END"""
            for flag in ("read", "starred")
        ),
    ):
        conn.execute(stmt)


def index_read_flag(conn: sqlite3.Connection) -> None:
    """is:read / is:unread without a text word seek their papers in listing order.

    Without it is:read walked the whole listing when few papers are read
    (500k papers, nothing read: 12 ms for an empty page; with it 0.04 ms).
    The index holds (read, key): one flag's papers in key order.
    """
    conn.execute("CREATE INDEX listing_by_read ON listing(read)")


def add_removed_days(conn: sqlite3.Connection) -> None:
    """The days of a source whose digests the user removed (`digests rm`, `prune`).

    The catch-ups of missed days (`fetch.catch_up`: a published folder's
    index, the generator's git history) fetch the days after the newest one a
    source has; without this, removing a source's newest day would be undone
    by the next fetch. Keyed like `digests(source, date)`.
    """
    conn.execute(
        """CREATE TABLE removed_days (
            source TEXT NOT NULL,
            date TEXT NOT NULL,
            PRIMARY KEY (source, date)
        ) WITHOUT ROWID"""
    )


def add_undo_log(conn: sqlite3.Connection) -> None:
    """The reader's undo history (`store.undo_log`), so ctrl+z survives a restart,
    and `meta`, small counters (how often papers were removed)."""
    conn.execute(
        """CREATE TABLE undo_log (
            pk INTEGER PRIMARY KEY,
            flag TEXT NOT NULL,
            value INTEGER NOT NULL,
            asked INTEGER NOT NULL,
            rowids BLOB NOT NULL
        )"""
    )
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID")


def count_row_layouts(conn: sqlite3.Connection) -> None:
    """The search index's rows get a layout number (`search_index.row_layout`).

    A cache with papers keeps its rows, written in layout 1 (no `meta` row
    says so): deleting one repeats what layout 1 made, and `reindex` moves it
    to the current layout; nothing is rebuilt on open. An empty one (a new
    cache) is rebuilt in the current layout at once, at no cost. From this
    version on, a tui-digest that knows no layouts refuses the cache (its
    deletes would repeat layout 1's values in a cache of another).
    """
    if conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None:
        rebuild_search_index(conn)
