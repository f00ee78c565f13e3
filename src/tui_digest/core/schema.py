"""The cache's tables and their forward migrations, keyed by `PRAGMA user_version`.

`MIGRATIONS[n]` takes a database at version n to n + 1 inside the caller's
transaction. A new schema change is a new function appended to the list; old
ones are never edited, so any older cache can be brought forward. A step that
creates a table names it in `schema_marks.TABLES_SINCE` (how a cache is told
from another program's file; a test checks the two agree).

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
  `listing_by_read` (`_index_read_flag`) lists one flag's papers in key order.
- `membership.hash` (v3): what each digest entry brought last time, so that
  re-importing an unchanged digest does not read its papers.
- `membership.announce_type` (`_add_listing_types`): the announce type that
  digest gave the paper ('' when it gave none); `query_compile.listing_type`
  reads it. `membership.version` (`_add_listing_versions`): the version it
  gave the paper with that type ('' when it gave none, or made before).
- `papers.summary_en` and `arxiv_meta` (`_add_archive_and_enrichment`): the
  generator archive's English one-line summary, and what arXiv's query API
  said about each id and when it was asked (see `arxiv_meta`), kept apart from
  the digests' text.
- `user_state`, `paper_tags`, `paper_notes` (`_add_user_state`): the user's
  read/starred/tags/note per arXiv id with the time of the last change, so
  the state can travel between machines (`core.store.user_log`). Triggers
  on `papers` stamp every read/starred change, whoever writes it.
- `meta` row `search_row_layout` (`_count_row_layouts`): which builder wrote
  the search index's rows (`search_index.row_layout`); a contentless row is
  deleted by repeating its values, so a cache keeps its layout until `reindex`.
- `removed_days` (`_add_removed_days`) and `removed_lists`
  (`_remember_removed_lists`): the days and the lists of the digests the user
  removed, which neither a catch-up nor a fetch of the same list brings back.
- `hand_read` (`_remember_hand_read`): the papers whose read flag the user set
  by hand, which the read timer never marks (`store.hand_read`).
- `paper_notes.folded` is the note's search tokens since `refold_notes`
  (schema 15; `query_notes.fold_note`).
- `claims` (`_add_claims`, schema 17): which run of which process is working
  on which paper for a job (machine translation), so that two runs at once
  do not both pay for the same paper (`store.claims`).
- `sources.history_read` (`_add_history_read`, schema 18): when the generator's
  history was last read whole for that source (`fetch.catch_up`).
- `undo_log.owner` (`_add_undo_owner`, schema 19): which reader made each undo
  entry, so ctrl+z in one reader never takes back another's change (`store.undo_log`).
- `papers.arxiv_abstract` (`_index_arxiv_abstracts`, schema 20): arXiv's whole
  English abstract where the digest's was cut (`enrich`), beside the digest's
  text, so that a paper's search row is made of its `papers` row alone and
  holds the abstract the reader shows (`Paper.shown_abstract_en`).
- `_respell_search_index` (schema 21) rebuilds the index and the notes'
  search forms: stroke letters spelt as ASCII, LaTeX operators spaced, prices
  kept (`search_tokens.LETTER_FOLDS`, `latex_text`).
The index, `terms` and `listing` are derived data; `rebuild_search_index`
recreates the first two.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from tui_digest.core import digest_day as day

# --- Listing order: see `listing_key` (re-exported: the query compiler and the store use it)
from tui_digest.core.listing_key import (
    DAY_SHIFT,
    PLACED_BIT,
    REF_MASK,
    SEQ_SHIFT,
    date_days,
    day_range_keys,
    orphan_key,
    placement,
    replace_members,
    sort_key,
)
from tui_digest.core.query_notes import fold_note  # (notes' search form: `refold_notes`)

# --- Search index: see `search_index` (re-exported here for the query compiler) --
from tui_digest.core.search_index import (
    EVERY,
    FTS_DELETE,
    FTS_INSERT,
    PREFIX_COLUMNS,
    SEARCH_COLUMNS,
    SEARCH_SOURCE,
    TERM_MIN,
    TERMS_INSERT,
    TEXT_COLUMNS,
    rebuild_search_index,
    row_layout,
    row_terms,
    search_row,
    search_source,
    type_tokens,
)
from tui_digest.core.search_tokens import index_text

__all__ = [
    "DAY_SHIFT",
    "EVERY",
    "FTS_DELETE",
    "FTS_INSERT",
    "PLACED_BIT",
    "PREFIX_COLUMNS",
    "REF_MASK",
    "SEARCH_COLUMNS",
    "SEARCH_SOURCE",
    "SEQ_SHIFT",
    "TERMS_INSERT",
    "TERM_MIN",
    "TEXT_COLUMNS",
    "date_days",
    "day_range_keys",
    "orphan_key",
    "placement",
    "rebuild_search_index",
    "replace_members",
    "row_terms",
    "search_row",
    "sort_key",
    "type_tokens",
]


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
    rebuild_search_index(conn, layout=1)  # (no `meta` yet: `_count_row_layouts`)


def _add_archive_and_enrichment(conn: sqlite3.Connection) -> None:
    """The archive's English one-line summary, and what arXiv's API said (apart)."""
    from tui_digest.core.arxiv_meta import CREATE_TABLE

    conn.execute("ALTER TABLE papers ADD COLUMN summary_en TEXT NOT NULL DEFAULT ''")
    conn.execute(CREATE_TABLE)


def _dated_digests(conn: sqlite3.Connection) -> None:
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
        rebuild_search_index(conn, layout=1)  # (no `meta` yet: `_count_row_layouts`)


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


def _add_user_state(conn: sqlite3.Connection) -> None:
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


def _index_read_flag(conn: sqlite3.Connection) -> None:
    """is:read / is:unread without a text word seek their papers in listing order.

    Without it is:read walked the whole listing when few papers are read
    (500k papers, nothing read: 12 ms for an empty page; with it 0.04 ms).
    The index holds (read, key): one flag's papers in key order.
    """
    conn.execute("CREATE INDEX listing_by_read ON listing(read)")


def _add_removed_days(conn: sqlite3.Connection) -> None:
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


def _add_undo_log(conn: sqlite3.Connection) -> None:
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


def _count_row_layouts(conn: sqlite3.Connection) -> None:
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


def _add_listing_types(conn: sqlite3.Connection) -> None:
    """Each listing of a paper keeps the announce type its document gave it.

    arXiv's per-category feeds announce one paper as `new` in its primary
    category and as `cross` in another on the same day
    (/work/shared/docs/upstream.md), so the type belongs to the listing: a
    digest is shown, searched (`type:`), exported and published with its own.
    `papers.announce_type` stays the paper's own (what `merge` keeps), used
    where no digest is chosen and for a listing whose document gave none ('').
    The rows made before get the paper's type: the best one known.
    """
    conn.execute("ALTER TABLE membership ADD COLUMN announce_type TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "UPDATE membership SET announce_type = "
        "(SELECT p.announce_type FROM papers p WHERE p.pk = membership.paper)"
    )


def _remember_removed_lists(conn: sqlite3.Connection) -> None:
    """What each digest the user removed listed (`digests rm`, `prune`), so that
    a fetch serving that list again creates nothing (`store.removed_lists`).

    `removed_days` keeps only the day, which the catch-ups of missed days read;
    a source's file served again unchanged (touched by a sync tool, an HTTP 200
    with the same body) became a new digest of the day it was fetched, every
    paper unread. `fingerprint` is 16 bytes of the removed digest's (ref, id,
    hash) list (`store.removed_lists.fingerprint`), so a digest of any size costs one row;
    `name` and `date` say which it was. Caches from before keep their removed
    days, with no list (what those digests listed is gone).
    """
    conn.execute(
        """CREATE TABLE removed_lists (
            source TEXT NOT NULL,
            fingerprint BLOB NOT NULL,
            date TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (source, fingerprint)
        ) WITHOUT ROWID"""
    )


def _add_listing_versions(conn: sqlite3.Connection) -> None:
    """Each listing of a paper keeps the version its document gave it, beside its type.

    A listing's type without its version paired the paper's newest version
    with an earlier day's type: v1 `new` on one day and v2 `replace` the next,
    the first day published again said "v2 … new", and a subscriber importing
    that file kept "v2 new" for good (found by a bug hunt). Rows made before
    get '' (unknown: the paper's own version, as before); importing their
    document again fills it (`days.relabels`).
    """
    conn.execute("ALTER TABLE membership ADD COLUMN version TEXT NOT NULL DEFAULT ''")


def _remember_hand_read(conn: sqlite3.Connection) -> None:
    """The papers whose read flag the user set by hand, by arXiv id (`store.hand_read`):
    the read timer leaves them alone across restarts ("`m m` leaves it unread for
    good" held only until quit; found by a bug hunt). Caches from before start
    with none (what was marked by hand was never recorded)."""
    conn.execute("CREATE TABLE hand_read (id TEXT PRIMARY KEY) WITHOUT ROWID")


def refold_notes(conn: sqlite3.Connection) -> None:
    """Each note's search form made again, from the note (`user_state`), as
    `query_notes.fold_note` makes it now: the note's index tokens.

    It was the note lower-cased with accents off, searched for any substring
    (`ran` found "Transformer"; full-width `ＢＥＲＴ` was not `bert`; found by a
    bug hunt). Notes are few: every one is read.
    """
    rows = conn.execute(
        "SELECT n.id, s.value FROM paper_notes n "
        "JOIN user_state s ON s.id = n.id AND s.field = 'note'"
    ).fetchall()
    conn.executemany(
        "UPDATE paper_notes SET folded = ? WHERE id = ?",
        [(fold_note(json.loads(value)), pid) for pid, value in rows],
    )


def _recover_hand_marks(conn: sqlite3.Connection) -> None:
    """Withdrawn: a step that did nothing now, kept so the steps keep their numbers.

    It took an unread change whose time no other read change shares for a hand
    mark made before `hand_read` existed. A regression hunt showed an undone
    `M` of one paper (common: `M` with one unread paper shown) has that shape
    too, so that paper's read timer went off for good, and `state export`
    carried the mark to every machine. Nothing recorded tells the two apart,
    so marks made before schema 14 are not recovered (`_remember_hand_read`).
    A cache that ran the first version keeps what it recovered (`hand_read`
    is never emptied): only development caches ran it, for an hour.
    """
    del conn


def _add_claims(conn: sqlite3.Connection) -> None:
    """Short-lived claims on papers (`store.claims`): a translation run takes a
    paper's claim before sending it and drops it once the answer is saved, so a
    second run at the same time (a cron `fetch` while the reader's `t` works)
    skips it instead of paying for it again (found by a bug hunt). A claim names
    the process (`pid` on `host`) and ends at `until`, or when that process is
    gone. Caches from before start with none."""
    conn.execute(
        """CREATE TABLE claims (
            job TEXT NOT NULL,
            paper INTEGER NOT NULL,
            run TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            since REAL NOT NULL,
            until REAL NOT NULL,
            PRIMARY KEY (job, paper)
        ) WITHOUT ROWID"""
    )


def _add_history_read(conn: sqlite3.Connection) -> None:
    """When a source's history (`fetch.git_history`) was last read whole: every
    day before that fetch's day read from it, or held otherwise. Missed days
    counted from the source's newest digest and a revision keyed on its last
    success, so a fetch whose history GitHub refused (a 403 rate limit) but which
    filed the day's list lost the days before for good (found by a review). A
    cache from before has none: its next fetch counts as before."""
    conn.execute("ALTER TABLE sources ADD COLUMN history_read TEXT")


def _add_undo_owner(conn: sqlite3.Connection) -> None:
    """Which reader made each undo entry (`undo_log.owner`): with two readers open
    on one cache, ctrl+z in one took back the other's stars (found by a bug
    hunt). Entries from before have none: any reader may take them back, as
    before."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(undo_log)")}
    if "owner" not in columns:  # (a cache rebuilt by hand at an older version may have it)
        conn.execute("ALTER TABLE undo_log ADD COLUMN owner TEXT NOT NULL DEFAULT ''")


def _index_arxiv_abstracts(conn: sqlite3.Connection) -> None:
    """arXiv's whole abstract goes beside the digest's (`papers.arxiv_abstract`),
    and into the search index: the reader showed it, but a word only it had was
    never found (found by a bug hunt).

    The papers enriched before get theirs from `arxiv_meta` (kept only where the
    digest's was cut), and only their search rows are written again, in the
    cache's row layout: each old row deleted with the values it was inserted
    with (the digest's abstract, which the column, empty, still gives), then
    the row the paper makes now. Nothing else is rebuilt: an upgrade costs the
    enriched papers' rows, not a `reindex`.
    """
    conn.execute("ALTER TABLE papers ADD COLUMN arxiv_abstract TEXT NOT NULL DEFAULT ''")
    found = conn.execute(
        "SELECT p.pk, m.abstract FROM papers p JOIN arxiv_meta m ON m.id = p.id "
        "WHERE m.status = 'found' AND m.abstract != ''"
    ).fetchall()
    if not found:
        return
    layout = row_layout(conn)
    source = search_source(conn, layout)
    pks = [pk for pk, _ in found]

    def rows() -> list[tuple[int, tuple[str, ...]]]:
        """(key, search row) of those papers as they are now, by key (ascending: `store.index`)."""
        made = []
        for i in range(0, len(pks), 500):
            chunk = pks[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, *fields in conn.execute(
                f"SELECT sort_key, {source} FROM papers WHERE pk IN ({marks})", chunk
            ):
                made.append((key, search_row(*fields, layout=layout)))
        return sorted(made)

    before = rows()
    conn.executemany(
        "UPDATE papers SET arxiv_abstract = ? WHERE pk = ?", [(a, pk) for pk, a in found]
    )
    changed = [(old, new) for old, new in zip(before, rows(), strict=True) if old != new]
    conn.executemany(FTS_DELETE, [(key, *row) for (key, row), _ in changed])
    conn.executemany(FTS_INSERT, [(key, *row) for _, (key, row) in changed])
    conn.executemany(TERMS_INSERT, [(t,) for _, (_, row) in changed for t in row_terms(row)])


def _respell_search_index(conn: sqlite3.Connection) -> None:
    """The search index's rows, and the notes' search forms, made again as the
    tokeniser and the reader now make them: Ł, Ø, Đ, Æ... spelt as ASCII
    (`search_tokens.LETTER_FOLDS`: `lukasiewicz` finds Łukasiewicz), `$O(n\\log
    n)$` shown and indexed as O(n log n), prices kept (`latex_text`); each
    found by a bug hunt.

    Every row may change (an author's name, any `$` or `\\` in a text), and a
    contentless row can only be deleted with the values it was inserted with,
    which the old code made and this one cannot: the whole index is rebuilt,
    in the cache's own row layout (a layout-1 cache stays one until `reindex`),
    and with the `ascii` tokenizer (a cache still on unicode61 moves over).
    Cost at 20k papers: docs/performance.md. The old index's pages stay free
    in the file, for later papers (`reindex` compacts).
    """
    refold_notes(conn)
    rebuild_search_index(conn, layout=row_layout(conn))


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v0_to_v1,
    _v1_to_v2,
    _v2_to_v3,
    _add_archive_and_enrichment,
    _dated_digests,
    _add_user_state,
    _index_read_flag,
    _add_removed_days,
    _add_undo_log,
    _count_row_layouts,
    _add_listing_types,
    _remember_removed_lists,
    _add_listing_versions,
    _remember_hand_read,
    refold_notes,
    _recover_hand_marks,
    _add_claims,
    _add_history_read,
    _add_undo_owner,
    _index_arxiv_abstracts,
    _respell_search_index,
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _begin_immediate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def migrate(
    conn: sqlite3.Connection,
    target: int = SCHEMA_VERSION,
    *,
    begin: Callable[[sqlite3.Connection], None] = _begin_immediate,
    on_upgrade: Callable[[int, int], None] | None = None,
) -> int:
    """Bring `conn` (autocommit mode) forward to `target`, one transaction per step
    (a new database: one for all).

    Returns the version it started from. The caller has already refused a
    database newer than this code. `begin` opens each step's write transaction
    (the store's waits while another process holds the write lock).
    `on_upgrade(from, to)` is called once, under the lock, before the first step
    runs (not when another process has upgraded it meanwhile): an upgrade of a
    large cache takes a while, and the user is told it is under way.
    """
    start = user_version(conn)
    if start >= target:
        return start  # current: no write lock, so opening never waits on another writer
    while True:
        begin(conn)
        try:
            # Read under the write lock: another process may have migrated meanwhile.
            version = user_version(conn)
            if version >= target:
                conn.execute("ROLLBACK")
                return start
            if on_upgrade is not None:
                on_upgrade(version, target)
                on_upgrade = None
            # A new cache is made in one transaction: made step by step, a
            # full disk left a half-made one, which the next start called "an
            # upgrade (schema 5 → 9)" of a cache that never was (found by a bug
            # hunt). An existing cache moves a step per transaction.
            for step in range(version, target if version == 0 else version + 1):
                MIGRATIONS[step](conn)
                conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk): a second ROLLBACK
            # said "no transaction is active" instead of what went wrong.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
