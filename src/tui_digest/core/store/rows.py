"""Rows of the `papers` table by column name, and a `Paper`'s values for them.

Whole rows are read as `PaperRow`s (`paper_rows.py`, loaded when a paper is
first read: the reader's first frame reads `ListRow`s only, issue 13 req 5).
Writes go through `paper_values`, whose order `INSERT_PAPER` and
`UPDATE_PAPER` follow.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from tui_digest.core import search_index
from tui_digest.core.extras import Extra
from tui_digest.core.model import ListRow

if TYPE_CHECKING:
    from tui_digest.core.paper import Paper
    from tui_digest.core.search_tokens import WordSink

# Bound parameters per IN (...) list. SQLite binds at most
# SQLITE_MAX_VARIABLE_NUMBER parameters in one statement (999 before SQLite
# 3.32.0, 32,766 since: https://www.sqlite.org/limits.html); 500 keeps every
# statement under either, with room for the query's own parameters.
CHUNK = 500

_T = TypeVar("_T")


def in_chunks(values: Sequence[_T]) -> Iterator[tuple[list[_T], str]]:
    """`values` CHUNK at a time, each with the "?,?,…" of its IN (...) list.

    The one place for the loop every store module wrote out itself (ten times)."""
    for i in range(0, len(values), CHUNK):
        chunk = list(values[i : i + CHUNK])
        yield chunk, ",".join("?" * len(chunk))


# What the paper list draws, in `ListRow` field order.
_LIST_COLS = (
    "pk, id, title_en, title_zh, summary_zh, list_date, category, read, starred, list_ref, "
    "announce_type"
)


def list_rows(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[ListRow]:
    """The list rows of `rowids`, in that order (unknown ones left out)."""
    found: dict[int, ListRow] = {}
    for chunk, marks in in_chunks(rowids):
        cursor = conn.execute(f"SELECT {_LIST_COLS} FROM papers WHERE pk IN ({marks})", chunk)
        for (
            pk, pid, title_en, title_zh, summary_zh, date, category, read, starred, ref, kind
        ) in cursor:  # fmt: skip
            found[pk] = ListRow(
                rowid=pk,
                id=pid,
                title_en=title_en,
                title_zh=title_zh,
                summary_zh=summary_zh,
                date=date,
                category=category,
                read=bool(read),
                starred=bool(starred),
                ref=ref,
                announce_type=kind,
            )
    return [found[pk] for pk in rowids if pk in found]


# --- Writing -------------------------------------------------------------------

# Columns written from a Paper, in `paper_values` order.
_VALUE_COLS = (
    "id",
    "version",
    "url",
    "title_en",
    "title_zh",
    "summary_zh",
    "abstract_en",
    "abstract_zh",
    "authors",
    "categories",
    "category",
    "announce_type",
    "published",
    "extras",
    "summary_en",
    "arxiv_abstract",
)
_PLACE_COLS = ("added_at", "sort_key", "list_date", "list_ref")
INSERT_PAPER = (
    f"INSERT INTO papers(pk, {', '.join(_VALUE_COLS)}, {', '.join(_PLACE_COLS)}) "
    f"VALUES (?{', ?' * (len(_VALUE_COLS) + len(_PLACE_COLS))})"
)
# Everything but the id (a row's id never changes), then the pk.
UPDATE_PAPER = f"UPDATE papers SET {', '.join(f'{c} = ?' for c in _VALUE_COLS[1:])} WHERE pk = ?"


# `json.dumps` with any non-default option builds a new encoder per call (a
# third of its cost for a short list); an import encodes three per paper.
_ENCODE_LIST = json.JSONEncoder(ensure_ascii=False).encode
_ENCODE_DICT = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def json_list(items: Iterable[str]) -> str:
    return _ENCODE_LIST(list(items))


def json_dict(items: dict[str, str]) -> str:
    return _ENCODE_DICT(dict(items))


def paper_values(p: Paper) -> tuple[object, ...]:
    """The `_VALUE_COLS` of a paper."""
    return (
        p.id,
        p.version,
        p.url,
        p.title_en,
        p.title_zh,
        p.summary_zh,
        p.abstract_en,
        p.abstract_zh,
        json_list(p.authors),
        json_list(p.categories),
        p.primary_category,
        p.announce_type,
        p.published,
        json_dict(p.extras),
        p.summary_en,
        p.arxiv_abstract,
    )


def update_values(p: Paper, pk: int) -> tuple[object, ...]:
    """The parameters of `UPDATE_PAPER` for paper `p` at row `pk`."""
    return (*paper_values(p)[1:], pk)


def search_fields(p: Paper) -> tuple[Any, ...]:
    """The fields of `p` the search index reads, in `search_index.search_row`'s order."""
    # The English summary and abstract as the reader shows them
    # (`search_index.SEARCH_SOURCE`): an enriched paper's abstract is arXiv's
    # whole one where the digest's was cut.
    summary_en = p.summary_en or p.extras.get(Extra.SUMMARY_EN, "")
    return (p.id, p.title_en, p.title_zh, p.summary_zh, summary_en, p.shown_abstract_en,
            p.abstract_zh, p.authors, p.categories, p.announce_type)  # fmt: skip


def search_values(p: Paper, layout: int = search_index.ROW_LAYOUT) -> tuple[str, ...]:
    """The paper's row of the search index in `layout` (see `search_index.search_row`)."""
    return search_index.search_row_lists(*search_fields(p), layout=layout)


def search_values_terms(p: Paper) -> tuple[tuple[str, ...], set[str]]:
    """`search_values` and its long words for `terms`, tokenised once."""
    latin: set[str] = set()
    row = search_values_words(p, latin)
    return row, search_index.long_terms(latin)


def search_values_words(
    p: Paper, latin: WordSink, layout: int = search_index.ROW_LAYOUT
) -> tuple[str, ...]:
    """`search_values`, its Latin/digit words added to `latin` (see `search_row_lists`)."""
    return search_index.search_row_lists(*search_fields(p), latin=latin, layout=layout)


def paper_hash(p: Paper) -> bytes:
    """What an incoming paper brings, as 16 bytes (compared on re-import).

    The same fields as `paper_values`, but not built from it: this runs for
    every entry of every re-import, and its JSON encoding would double that cost.
    (Not `arxiv_abstract`: no document brings it, and the hashes stored in
    `membership` would all have changed.)
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
            p.summary_en,
            sorted(p.extras.items()),
        )
    )
    import hashlib  # (here: the reader's start does not load it; issue 13 req 5)

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
