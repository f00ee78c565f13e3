"""Whole papers: reading them with their state, and the generic edits features build on.

Features that change stored papers (machine translation today) do it through
`update_paper` (read, change, write back and re-index in one transaction) and
find their work with `find_incomplete`; their rules live with the feature.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tui_digest.core.store.rows import (
    UPDATE_PAPER,
    in_chunks,
    search_fields,
    update_values,
)
from tui_digest.core.store.watch import EDITS

if TYPE_CHECKING:
    from tui_digest.core.arxiv_meta import ArxivMeta
    from tui_digest.core.model import Paper, PaperRecord
    from tui_digest.core.paper import Listing
    from tui_digest.core.store.paper_rows import PaperRow

# Columns `find_incomplete` may name (text columns of `papers`).
TEXT_COLUMNS = frozenset(
    ("title_en", "title_zh", "summary_zh", "abstract_en", "abstract_zh", "url", "published")
)


def record(conn: sqlite3.Connection, row: PaperRow, meta: ArxivMeta | None = None) -> PaperRecord:
    from tui_digest.core.paper import Listing, PaperRecord  # (after the first frame)

    # Each listing's own announce type and version, "" when its document gave none
    # (never the paper's: that may be a version announced weeks later, history
    # hunt #1). A listing with a type and no version was made before versions
    # were recorded (schema 13, `_add_listing_versions`): the paper's, as then.
    listings = [
        Listing(
            name,
            date,
            ref,
            announce_type,
            version or (row.version if announce_type else ""),
            category,
            own_type=bool(announce_type),
            own_version=bool(version),
        )
        for name, date, ref, announce_type, version, category in conn.execute(
            "SELECT d.name, d.date, m.ref, m.announce_type, m.version, d.category "
            "FROM membership m "
            "JOIN digests d ON d.pk = m.digest WHERE m.paper = ? ORDER BY d.date DESC, d.pk DESC",
            (row.pk,),
        )
    ]
    return PaperRecord(
        rowid=row.pk,
        paper=row.paper(),
        read=bool(row.read),
        starred=bool(row.starred),
        digests=[item.digest for item in listings],
        listings=listings,
        meta=meta,
    )


def paper_id(text: str) -> str:
    """An arXiv id as the cache keys papers, from an id as the reader shows or copies
    it and RIS and CSL-JSON write it (`2403.10056v2`, `arXiv:2403.10056`, an arxiv.org
    abs/pdf link), as search reads them (`arxiv_id.word_arxiv_id`); any other id
    trimmed, its version dropped."""
    text = text.strip()
    if _PASTED_RE.search(text) and any(c.isdigit() for c in text):
        # (loaded for such a text only: the keys the reader reopens on are plain, and
        # the module is not loaded before its first frame, issue 13 req 5)
        from tui_digest.core.arxiv_id import word_arxiv_id

        found = word_arxiv_id(text)
        if found:
            return found
    return re.sub(r"v\d+$", "", text)


# What `word_arxiv_id` reads beyond a plain key: `arXiv:`, a link, brackets, `V2`.
_PASTED_RE = re.compile(r"[Aa][Rr][Xx][Ii][Vv]|[^\w./-]|V\d+$")


def get_paper(conn: sqlite3.Connection, key: int | str) -> PaperRecord | None:
    """The paper at row `key` (int), or with arXiv id `key` (str, version ignored)."""
    from tui_digest.core.store.paper_rows import paper_rows  # (after the first frame)

    if isinstance(key, int):
        rows = paper_rows(conn, "pk = ?", (key,))
    else:
        rows = paper_rows(conn, "id = ?", (paper_id(key),))
    row = next(rows, None)
    if row is None:
        return None
    from tui_digest.core import arxiv_meta  # what arXiv's API said: not needed at start

    return record(conn, row, arxiv_meta.load(conn, [row.id]).get(row.id))


def rowid_of(conn: sqlite3.Connection, arxiv_id: str) -> int | None:
    """The row of the paper with arXiv id `arxiv_id` (version ignored), without reading it."""
    found = conn.execute("SELECT pk FROM papers WHERE id = ?", (paper_id(arxiv_id),)).fetchone()
    return None if found is None else int(found[0])


def get_papers(
    conn: sqlite3.Connection, rowids: Sequence[int], digest: str | None = None
) -> list[PaperRecord]:
    """The papers at `rowids`, in that order. With `digest` (a name or an alias),
    each as that digest listed it: its announce type is that listing's."""
    from tui_digest.core import arxiv_meta  # not needed at start
    from tui_digest.core.store.paper_rows import paper_rows_in

    rows = list(paper_rows_in(conn, "pk", rowids))
    metas = arxiv_meta.load(conn, (row.id for row in rows))  # what arXiv's API said
    found = {row.pk: record(conn, row, metas.get(row.id)) for row in rows}
    if digest is not None:
        as_listed(conn, found.values(), digest)
    return [found[pk] for pk in rowids if pk in found]


def as_listed(conn: sqlite3.Connection, records: Iterable[PaperRecord], digest: str) -> None:
    """Give each record's paper the announce type `digest`'s listing gave it
    (schema `_add_listing_types`), with the version it gave it with
    (`_add_listing_versions`: an earlier day's type is of an earlier version),
    and the text of that version: the cache keeps the newest text only, so a
    listing of another version has its own read from its document's kept bytes
    (`listed_text`); without them the record says which version its text is of
    (`PaperRecord.text_version`). A paper that digest does not list keeps its own."""
    from tui_digest.core.store.queries import canonical_name

    name = canonical_name(conn, digest)
    other: list[tuple[PaperRecord, Listing]] = []
    for rec in records:
        listing = next((x for x in rec.listings if x.digest == name), None)
        if listing is None:
            continue
        if _other_version(listing, rec.paper):
            other.append((rec, listing))
        else:
            rec.paper.announce_type = listing.announce_type
            rec.paper.version = listing.version
    if other:
        _with_listed_text(conn, name, other)


def _other_version(listing: Listing, paper: Paper) -> bool:
    """Whether the paper's stored text may be of another version than `listing`'s:
    it gave another version; it gave neither version nor type where the paper has
    one (a header-less digest, the paper since announced); or, made before
    versions were recorded, it announced the paper first (`new`, `cross`) where
    the paper's own type says a later version came (`replace`...)."""
    if listing.own_version:
        return listing.version.lower() != paper.version.lower()
    if not listing.own_type:
        return bool(paper.version or paper.announce_type)
    return listing.announce_type in _FIRST and paper.announce_type in _LATER


_FIRST = frozenset(("new", "cross"))
_LATER = frozenset(("replace", "replace-cross"))


def _with_listed_text(
    conn: sqlite3.Connection, digest: str, other: Sequence[tuple[PaperRecord, Listing]]
) -> None:
    from tui_digest.core.store import listed_text

    wanted = {rec.paper.id: listing.version for rec, listing in other}
    given = listed_text.listed_papers(conn, digest, wanted)
    for rec, listing in other:
        own = given.get(rec.paper.id)
        stored = rec.paper
        if own is not None:
            rec.paper = listed_text.as_given(own, stored)
            rec.listed_text = True
            if listing.own_type or listing.own_version:
                rec.paper.announce_type = listing.announce_type or own.announce_type
                rec.paper.version = (listing.version if listing.own_version else "") or own.version
            continue
        if listing.own_version or not listing.own_type:
            # The text is the paper's newest version's: said, not passed off as the listing's.
            rec.text_version = stored.version or "later"  # (a version unknown)
            rec.text_type = stored.announce_type
        stored.announce_type, stored.version = listing.announce_type, listing.version


def update_paper(
    conn: sqlite3.Connection,
    rowid: int,
    change: Callable[[Paper], Paper],
    *,
    paper_id: str | None = None,
) -> Paper | None:
    """Apply `change` to the stored paper inside the caller's transaction.

    `change` gets a copy and returns the paper to store (its id must not
    change). Nothing is written when it returns an equal paper; the search
    index is rewritten only when the searchable text changed. Returns the
    stored paper, or None when there is no such row, or when it holds another
    paper than `paper_id`.

    A caller that read the paper earlier (a run waiting on arXiv or an LLM)
    passes the id it read: a paper removed meanwhile gives its row number to
    the next paper added, whose text the answer for the removed one must not
    replace (bug hunt s41 `auditstore` #1).
    """
    from tui_digest.core.store.paper_rows import paper_rows

    row = next(paper_rows(conn, "pk = ?", (rowid,)), None)
    if row is None or (paper_id is not None and row.id != paper_id):
        return None
    old = row.paper()
    new = change(
        replace(
            old, authors=list(old.authors), categories=list(old.categories), extras=dict(old.extras)
        )
    )
    if new.id != old.id:
        raise ValueError(f"update_paper cannot change a paper's id ({old.id} -> {new.id})")
    if new == old:
        return old
    conn.execute(UPDATE_PAPER, update_values(new, rowid))
    # Counted, so that an open reader notices another process's edit (`watch.EDITS`).
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1",
        (EDITS,),
    )
    # The fields the rows are made of, not the rows: making a paper's rows is
    # its tokenising, and the rows are made again below to delete and insert.
    if search_fields(new) != search_fields(old):
        # (The index's writer loads with the first edit, not the reader's start.)
        from tui_digest.core.store.index import index_rows, unindex_rows

        unindex_rows(conn, [(row.sort_key, old)])
        index_rows(conn, [(row.sort_key, new)])
    return new


def find_incomplete(
    conn: sqlite3.Connection,
    ordered_ids: Callable[[], list[int]] | None,
    *,
    missing: Mapping[str, Sequence[str]],
    limit: int | None = None,
    marked: str | None = None,
) -> list[int]:
    """Row ids, in listing order, of papers with a field of `missing` empty while one
    of that field's sources (`missing[field]`) is filled.

    Per field, not any empty field with any filled one: a paper without an
    English abstract has no Chinese one to make, and was asked for it again at
    every run. `ordered_ids` narrows the papers to those ids (a query's matches);
    None means every paper. `marked`: only papers whose extras have that key.
    """
    columns = set(missing) | {c for sources in missing.values() for c in sources}
    unknown = columns - TEXT_COLUMNS
    if unknown or not missing or not all(missing.values()):
        raise ValueError(f"find_incomplete: bad columns {sorted(unknown) or 'none'}")
    if limit is not None and limit <= 0:
        return []
    wanted = " OR ".join(
        f"(p.{field} = '' AND (" + " OR ".join(f"p.{c} != ''" for c in sources) + "))"
        for field, sources in missing.items()
    )
    wanted = f"({wanted})"
    if marked is not None:
        if not re.fullmatch(r"[a-z_]+", marked):
            raise ValueError(f"find_incomplete: bad extras key {marked!r}")
        # instr first: the JSON is parsed only for the few papers that name the key.
        wanted += (
            f" AND instr(p.extras, '\"{marked}\"') > 0"
            f" AND json_extract(p.extras, '$.{marked}') IS NOT NULL"
        )
    if ordered_ids is None:
        sql = (
            "SELECT l.pk FROM listing l CROSS JOIN papers p ON p.pk = l.pk "
            f"WHERE {wanted} ORDER BY l.key DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in conn.execute(sql)]
    found: list[int] = []
    ids = ordered_ids()
    for chunk, marks in in_chunks(ids):
        keep = {
            r[0]
            for r in conn.execute(
                f"SELECT p.pk FROM papers p WHERE p.pk IN ({marks}) AND {wanted}", chunk
            )
        }
        found.extend(pk for pk in chunk if pk in keep)
        if limit is not None and len(found) >= limit:
            del found[limit:]
            break
    return found
