"""The full-text index: its columns, one paper's row, and rebuilding it.

A contentless FTS5 table (detail=full, for exact phrases) whose rowid is the
paper's listing key (`schema.sort_key`); see `schema` for why. Its text is
pre-tokenised by `search_tokens` and folded by `fts_fold`, so FTS5's `ascii`
tokenizer only splits it at the spaces.

Row layouts: a contentless row is deleted by repeating the values it was
inserted with, so what a row holds is versioned (`ROW_LAYOUT`, kept in the
cache's `meta` table, `row_layout`) and a row is always written and deleted
by the builder of its cache's layout (`search_row(..., layout=)`). A cache
whose rows were written by an older builder keeps using it, answering as it
did, until `reindex` (`rebuild_search_index`) rewrites every row in the
current one; `stats` calls it an older layout meanwhile.

- Layout 1: each column's texts one after another, the authors as one text.
- Layout 2: the texts of a column (each author's name, a title and its
  translation) are kept apart by `APART`, a token no query can produce, so
  a phrase matches inside one text only (`au:"li na"` no longer finds the
  authors "Wei Li" and "Na Zhang"); the English one-line summary is in
  `abs`, as the Chinese one is; titles, summaries, abstracts and authors are
  indexed as the reader shows them, LaTeX made readable (`_shown_pair`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.latex_text import readable
from tui_digest.core.search_tokens import WordSink, index_pair, is_cjk_piece, words

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

# The row builder new indexes and `reindex` use (see the module docstring).
ROW_LAYOUT = 2
# A cache without this `meta` row holds layout 1: every cache made before
# layouts were counted (`schema_early.count_row_layouts`).
LAYOUT_KEY = "search_row_layout"


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
    summary_en: str,
    abstract_en: str,
    abstract_zh: str,
    authors_json: str,
    categories_json: str,
    announce_type: str,
    *,
    layout: int = ROW_LAYOUT,
) -> tuple[str, ...]:
    """The FTS5 column values of one paper, in `SEARCH_COLUMNS` order, as
    layout `layout` writes them (the fields as `SEARCH_SOURCE` reads them).

    Deterministic: a contentless FTS5 delete must repeat the inserted values.
    """
    authors = json.loads(authors_json or "[]")
    categories = json.loads(categories_json or "[]")
    return _BUILDERS[layout](id, title_en, title_zh, summary_zh, summary_en, abstract_en,
                             abstract_zh, authors, categories, announce_type, None)  # fmt: skip


def search_row_lists(
    id: str,
    title_en: str,
    title_zh: str,
    summary_zh: str,
    summary_en: str,
    abstract_en: str,
    abstract_zh: str,
    authors: Sequence[str],
    categories: Sequence[str],
    announce_type: str,
    *,
    latin: WordSink | None = None,
    layout: int = ROW_LAYOUT,
) -> tuple[str, ...]:
    """`search_row` from lists (a `Paper`'s), with no JSON round trip.

    `latin`, when given, gathers the row's Latin/digit words. An importer
    gathers a whole batch's in one set and calls `long_terms` once, folding
    each distinct word once (words recur across papers: per paper, this was a
    seventh of the tokenising time).
    """
    return _BUILDERS[layout](id, title_en, title_zh, summary_zh, summary_en, abstract_en,
                             abstract_zh, authors, categories, announce_type, latin)  # fmt: skip


def long_terms(words: Iterable[str]) -> set[str]:
    """The `terms` entries of these Latin/digit words (see `row_terms`)."""
    # `fts_fold` only changes non-ASCII words: most are ASCII, so test that first.
    terms = {t if t.isascii() else fts_fold(t) for t in words if len(t) >= TERM_MIN}
    # A character unicode61 splits at made two tokens of one word (rare).
    for split in [t for t in terms if " " in t]:
        terms.discard(split)
        terms.update(t for t in split.split() if len(t) >= TERM_MIN)
    return terms


def _row_v1(
    id: str,
    title_en: str,
    title_zh: str,
    summary_zh: str,
    summary_en: str,
    abstract_en: str,
    abstract_zh: str,
    authors: Sequence[str],
    categories: Sequence[str],
    announce_type: str,
    latin: WordSink | None,
) -> tuple[str, ...]:
    """Layout 1, as every cache made before layouts were counted holds it
    (without the English one-line summary).

    Never change it: its rows are deleted by repeating what it made.
    """
    ti, pti = index_pair(title_en, title_zh, latin=latin)
    ab, pab = index_pair(summary_zh, abstract_en, abstract_zh, latin=latin)
    # One text per list, not one per name: a space separates words in both
    # regular expressions and NFKC does not compose across it, so the tokens
    # are those of the names apart (tested), for less per-text overhead. (A
    # phrase could then span two names: layout 2 keeps them apart.)
    au, pau = index_pair(" ".join(authors), latin=latin)
    ca, pca = index_pair(" ".join(categories), latin=latin)
    i, pi = index_pair(id, latin=latin)
    ty = type_tokens(announce_type)
    return (ti, ab, au, ca, i, f"{EVERY} {ty}" if ty else EVERY, pti, pab, pau, pca, pi)


def _row_v2(
    id: str,
    title_en: str,
    title_zh: str,
    summary_zh: str,
    summary_en: str,
    abstract_en: str,
    abstract_zh: str,
    authors: Sequence[str],
    categories: Sequence[str],
    announce_type: str,
    latin: WordSink | None,
) -> tuple[str, ...]:
    """Layout 2: each column's texts kept apart (`search_tokens.APART`), each
    author's name a text of its own, so that no phrase spans two of them;
    the English one-line summary with the Chinese one and the abstracts; the
    texts the reader shows with their LaTeX made readable, as shown
    (`_shown_pair`)."""
    ti, pti = _shown_pair([title_en, title_zh], latin)
    ab, pab = _shown_pair([summary_zh, summary_en, abstract_en, abstract_zh], latin)
    au, pau = _shown_pair(list(authors), latin)
    # Categories stay one text: their names are fixed pairs (`cs.CL`), and
    # a phrase across two of them (`"cl cs"`) means nothing to search for.
    ca, pca = index_pair(" ".join(categories), latin=latin)
    i, pi = index_pair(id, latin=latin)
    ty = type_tokens(announce_type)
    return (ti, ab, au, ca, i, f"{EVERY} {ty}" if ty else EVERY, pti, pab, pau, pca, pi)


def _shown_pair(texts: list[str], latin: WordSink | None) -> tuple[str, str]:
    """`index_pair` of `texts` as the reader shows them (`latex_text.readable`:
    `na\\"ive` is naïve, `$\\theta$` θ, `\\textit{word}` word), each apart;
    then, after `APART`, the words of the texts as written that the shown ones
    lack (`na`, `ive`, `theta`, `textit`), once each: every Latin/digit word
    that found a paper before still does (`theta` for θ), and no phrase runs
    into them (phrases match the text as shown).

    Indexed as written only, `naïve gradient`, `θ` or `"the right segment"`
    found nothing where the reader showed them (tests/test_index_latex.py).
    """
    shown = [readable(t, cache=False) for t in texts]
    if shown == texts:  # no LaTeX (most papers): `readable` returned each text itself
        return index_pair(*texts, latin=latin, apart=True)
    lost: dict[str, None] = {}
    for text, seen in zip(texts, shown, strict=True):
        if seen != text:
            kept = set(words(seen))
            lost.update((w, None) for w in words(text) if w not in kept and not is_cjk_piece(w))
    return index_pair(*shown, " ".join(lost), latin=latin, apart=True)


# Each layout's row builder, by its number (`ROW_LAYOUT`, `row_layout`).
_BUILDERS = {1: _row_v1, 2: _row_v2}


def row_terms(row: Sequence[str]) -> set[str]:
    """The long Latin/digit tokens of one `search_row`, as FTS5 stores them
    (the row's text is folded already: `index_pair`)."""
    # CJK tokens are one or two characters, so length alone tells them apart.
    return {t for t in " ".join(row[: len(TEXT_COLUMNS)]).split() if len(t) >= TERM_MIN}


# The paper columns `search_row` reads, in its argument order. The English
# one-line summary is the generator archive's (`papers.summary_en`), else the
# digest's summary slot (`extras`: `Extra.SUMMARY_EN`), as the reader shows
# and exports it (`rows.search_fields` reads a `Paper` alike); the English
# abstract arXiv's whole one where it is longer than the digest's
# (`Paper.shown_abstract_en`: both count characters, as SQLite's `length` does
# of text, which holds no NUL: `sanitize`).
_SUMMARY_EN = (
    "CASE summary_en WHEN '' THEN coalesce(json_extract(extras, '$.summary_en'), '') "
    "ELSE summary_en END"
)
_ABSTRACT_EN = (
    "CASE WHEN length(arxiv_abstract) > length(abstract_en) THEN arxiv_abstract "
    "ELSE abstract_en END"
)
_SOURCE = (
    "id, title_en, title_zh, summary_zh, {}, {}, abstract_zh, authors, categories, announce_type"
)
SEARCH_SOURCE = _SOURCE.format(_SUMMARY_EN, _ABSTRACT_EN)


def search_source(conn: sqlite3.Connection, layout: int) -> str:
    """`SEARCH_SOURCE` for a rebuild in `layout` of this cache's `papers`.

    Layout 1 reads no English summary: '' (the v3 migration's rebuild runs
    before `papers.summary_en` exists); the migrations that rebuild before
    `papers.arxiv_abstract` exists (`schema._index_arxiv_abstracts`) read the
    digest's abstract, as every paper's was then.
    """
    columns = {r[1] for r in conn.execute("PRAGMA table_info(papers)")}
    abstract = _ABSTRACT_EN if "arxiv_abstract" in columns else "abstract_en"
    return _SOURCE.format("''" if layout == 1 else _SUMMARY_EN, abstract)


# The order the columns are declared in; rows are written and read by column
# name, so a cache created with another order works the same. FTS5 writes a
# column marker (0x01 and the column number) before the positions of every
# column but the first, in each paper's entry of each term
# (`sqlite3Fts5PoslistSafeAppend` in SQLite's ext/fts5/fts5_buffer.c). Most
# entries are the abstracts' (10k papers: 3.3 of 7.3 million) and their
# prefixes' (`pabs`, 2.9 million). `abs` first made the smallest index, but a
# `ti:` search then skips each paper's abstract positions to reach the title's
# (at 500k, `ti:"large language"` 10.4 -> 13.6 ms); a `pabs` entry is one
# position. Measured on 10k generated papers: the index 41.9 -> 36.6 MB
# (`abs` first 35.9), its inserts 1.13 -> 0.98 s of CPU. The default bm25
# weighs every column alike, so `sort:relevance` is unchanged.
DECLARED_ORDER = ("pabs", *(c for c in SEARCH_COLUMNS if c != "pabs"))

# `ascii`: the text comes folded as unicode61 (remove_diacritics 2) folded it,
# which indexes made before still use; both answer alike (`fts_fold`).
_CREATE_SEARCH = (
    "CREATE VIRTUAL TABLE search USING fts5("
    + ", ".join(DECLARED_ORDER)
    + ", content='', tokenize=\"ascii\")"
)


def layout_is_current(conn: sqlite3.Connection) -> bool:
    """Whether the index was created as `rebuild_search_index` creates it now.

    One declared in an older order or with another tokenizer answers the same
    (columns are used by name); one with rows of an older layout answers as
    that layout did (`row_layout`). `reindex` rebuilds either in the current one.
    """
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    return row is not None and row[0] == _CREATE_SEARCH and row_layout(conn) == ROW_LAYOUT


def row_layout(conn: sqlite3.Connection) -> int:
    """The layout the cache's index rows were written in (see the module docstring).

    Every row of the cache has it: rows are inserted, and deleted, by its
    builder (`search_row(layout=)`), until `rebuild_search_index` rewrites them all.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LAYOUT_KEY,)).fetchone()
    return 1 if row is None else int(row[0])


def _record_layout(conn: sqlite3.Connection, layout: int) -> None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        # The migrations before `meta` existed rebuild in layout 1, which
        # a cache without the row has (`schema_early.count_row_layouts`).
        if layout != 1:
            raise ValueError("a search index of layout 2 and up needs the `meta` table")
    elif layout == 1:
        conn.execute("DELETE FROM meta WHERE key = ?", (LAYOUT_KEY,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (LAYOUT_KEY, layout))


FTS_INSERT = (
    f"INSERT INTO search(rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"VALUES (?{', ?' * len(SEARCH_COLUMNS)})"
)
FTS_DELETE = (
    f"INSERT INTO search(search, rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"VALUES ('delete', ?{', ?' * len(SEARCH_COLUMNS)})"
)
TERMS_INSERT = "INSERT OR IGNORE INTO terms(term) VALUES (?)"

# How much pending index data FTS5 gathers in memory before writing a segment
# (its 'hashsize' option, 1 MB by default: see sqlite3Fts5ConfigSetValue in
# SQLite's ext/fts5/fts5_config.c; kept in the table's config). Each segment
# written is merged again later, so larger pending batches mean less merging:
# a 10k-paper digest's inserts took 2.6 s of CPU at 1 MB, 2.0 s at 4 MB and
# 1.7 s at 16 MB, but at 8 MB and up the import ended with the inputs of its
# last merges free in the file (10k: 78 MB, 87 MB at 16 MB); at 4 MB none.
FTS_HASH_SIZE = 4 * 1024 * 1024
# How large FTS5 writes the leaf pages of its doclists (its 'pgsz' option,
# 4,050 bytes by default, also in fts5_config.c), each a row of `search_data`.
# A search reads a long doclist leaf by leaf, one blob lookup each: with
# leaves that fill one 16 KB page of the cache file (`connection`'s
# page_size, less the row's overhead) the 500k-paper benchmark's page p95 went
# 11.2-11.7 -> 10.5 ms (caches reindexed each way, alternated; its slow phrases
# ~7-12 % faster), at a cost where little is read: 65k p95 3.1-3.2 -> 3.2 ms,
# and +0.4-0.5 % of cache. FTS5 reads leaves of any size, so an index written
# before keeps working and its segments take the new size as they are merged
# (tests/test_index_leaves.py).
FTS_PAGE_SIZE = 16_000
_FTS_OPTIONS = {"hashsize": FTS_HASH_SIZE, "pgsz": FTS_PAGE_SIZE}


def set_fts_options(conn: sqlite3.Connection) -> None:
    """Give the index `FTS_HASH_SIZE` and `FTS_PAGE_SIZE` (each written only
    when it differs: a write tells every reader the cache changed)."""
    for name, value in _FTS_OPTIONS.items():
        row = conn.execute("SELECT v FROM search_config WHERE k = ?", (name,)).fetchone()
        if row is None or row[0] != value:
            conn.execute(f"INSERT INTO search(search, rank) VALUES ('{name}', {value})")


def rebuild_search_index(conn: sqlite3.Connection, layout: int = ROW_LAYOUT) -> int:
    """Drop and refill the search index (and `terms`) from `papers`, its rows in
    `layout` (recorded: `row_layout`); returns papers indexed."""
    conn.execute("DROP TABLE IF EXISTS search")
    conn.execute(_CREATE_SEARCH)
    _record_layout(conn, layout)
    set_fts_options(conn)
    conn.execute("DELETE FROM terms")
    rows = conn.execute(f"SELECT sort_key, {search_source(conn, layout)} FROM papers")
    n = 0
    batch: list[tuple[object, ...]] = []
    terms: set[str] = set()

    def flush() -> None:
        batch.sort()  # ascending rowids: see `store.index`
        conn.executemany(FTS_INSERT, batch)
        conn.executemany(TERMS_INSERT, ((t,) for t in terms))
        batch.clear()
        terms.clear()

    for row in rows:
        values = search_row(*row[1:], layout=layout)
        batch.append((row[0], *values))
        terms.update(row_terms(values))
        if len(batch) >= 2000:
            n += len(batch)
            flush()
    n += len(batch)
    flush()
    conn.execute("INSERT INTO search(search, rank) VALUES ('optimize', 0)")
    return n
