"""The cache's tables and their forward migrations, keyed by `PRAGMA user_version`.

`MIGRATIONS[n]` takes a database at version n to n + 1 inside the caller's
transaction. The first ten steps are in `schema_early`, the later ones here.
A new schema change is a new function appended to the list; old ones are never
edited, so any older cache can be brought forward. A step that
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
  `listing_by_read` (`schema_early.index_read_flag`) lists one flag's papers in key order.
- `membership.hash` (v3): what each digest entry brought last time, so that
  re-importing an unchanged digest does not read its papers.
- `membership.announce_type` (`_add_listing_types`): the announce type that
  digest gave the paper ('' when it gave none); `query_compile.listing_type`
  reads it. `membership.version` (`_add_listing_versions`): the version it
  gave the paper with that type ('' when it gave none, or made before).
- `papers.summary_en` and `arxiv_meta` (`schema_early.add_archive_and_enrichment`): the
  generator archive's English one-line summary, and what arXiv's query API
  said about each id and when it was asked (see `arxiv_meta`), kept apart from
  the digests' text.
- `user_state`, `paper_tags`, `paper_notes` (`schema_early.add_user_state`): the user's
  read/starred/tags/note per arXiv id with the time of the last change, so
  the state can travel between machines (`core.store.user_log`). Triggers
  on `papers` stamp every read/starred change, whoever writes it.
- `meta` row `search_row_layout` (`schema_early.count_row_layouts`): which builder wrote
  the search index's rows (`search_index.row_layout`); a contentless row is
  deleted by repeating its values, so a cache keeps its layout until `reindex`.
- `removed_days` (`schema_early.add_removed_days`) and `removed_lists`
  (`_remember_removed_lists`): the days and the lists of the digests the user
  removed, which neither a catch-up nor a fetch of the same list brings back.
  `removed_days.category` (`_remember_removed_categories`, schema 23): the
  removed digest's category ('' unknown), for `publish` to withdraw the day.
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
- `schema_redate.redate_atom_digests` (schema 22) moves the arXiv Atom digests
  the old rule filed under the UTC day of `<updated>` to their announcement day.
The index, `terms` and `listing` are derived data; `rebuild_search_index`
recreates the first two.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from tui_digest.core import schema_early as early  # (steps 1-10)

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
from tui_digest.core.schema_redate import redate_atom_digests  # (step 22)

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


def _remember_removed_categories(conn: sqlite3.Connection) -> None:
    """Each removed day keeps the category its digest had (`removed_days.category`).

    `publish` withdraws from its folder the days whose digest the user removed
    (README: `digests rm NAME --yes`, then `publish`), but it learnt a removed
    day's category only from its source's other digests or its URL's file
    name: a source whose category is the config's (`url = ".../today.md"`,
    `category = "cs.AI"`) and whose only digest was the one removed kept the
    day the folder's newest, "never in this cache" (found by a code audit).
    Rows from before get '' (unknown: `publish` reads the source as before).
    A table that has the column already (a cache set back to an older
    version number) keeps it.
    """
    columns = {row[1] for row in conn.execute("PRAGMA table_info(removed_days)")}
    if "category" not in columns:
        conn.execute("ALTER TABLE removed_days ADD COLUMN category TEXT NOT NULL DEFAULT ''")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    early.v0_to_v1,
    early.v1_to_v2,
    early.v2_to_v3,
    early.add_archive_and_enrichment,
    early.dated_digests,
    early.add_user_state,
    early.index_read_flag,
    early.add_removed_days,
    early.add_undo_log,
    early.count_row_layouts,
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
    redate_atom_digests,
    _remember_removed_categories,
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
