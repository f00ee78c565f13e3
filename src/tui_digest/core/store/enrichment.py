"""What arXiv's query API said about papers, beside them (see `core.arxiv_meta`).

The answers live in their own table; a found paper gets them by
`arxiv_meta.apply_to` (its EMPTY authors filled, or those arXiv's earlier
answer gave replaced; arXiv's published date and categories), which the
importer repeats after each later merge. Its digest text is not touched, and
`export --digest` writes each digest from the bytes it was read from, so
enrichment never changes what a digest exports.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from tui_digest.core import arxiv_meta
from tui_digest.core.arxiv_meta import ApiEntryLike, ArxivMeta, EnrichCandidate
from tui_digest.core.model import Paper
from tui_digest.core.store.listing_facts import (
    KINDS_AT_VERSION,
    listing_categories,
    listing_kinds,
)
from tui_digest.core.store.papers import update_paper
from tui_digest.core.store.rows import in_chunks


def candidates(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[EnrichCandidate]:
    """The papers at `rowids` (in that order) with what arXiv said about them so far."""
    found: dict[int, EnrichCandidate] = {}
    for chunk, marks in in_chunks(rowids):
        # The English abstract's length with its `arXiv:… Abstract:` header, without
        # reading either: the digests cut the two together at 1,000 characters; and
        # the kinds of the documents listing the paper at its version (an arXiv
        # feed's abstract is whole, however long: found by a bug hunt).
        for pk, pid, version, length, kinds in conn.execute(
            "SELECT pk, id, version, length(abstract_en) + "
            "length(coalesce(json_extract(extras, '$.abstract_en_header'), '')), "
            f"({KINDS_AT_VERSION.format(paper='papers.pk', version='papers.version')}) "
            f"FROM papers WHERE pk IN ({marks})",
            tuple(chunk),
        ):
            whole = arxiv_meta.abstract_is_whole((kinds or "").split(","))
            cut = length == 0 or arxiv_meta.length_looks_cut(length, whole=whole)
            found[pk] = EnrichCandidate(pk, pid, version, cut)
    metas = arxiv_meta.load(conn, (c.id for c in found.values()))
    out = []
    for pk in rowids:
        if pk in found:
            found[pk].meta = metas.get(found[pk].id)
            out.append(found[pk])
    return out


@dataclass(frozen=True, slots=True)
class Applied:
    """What storing one answer did."""

    changed: int  # papers whose stored fields changed
    # The ids asked about whose paper was removed while arXiv was asked (its row
    # gone, or given to another paper): their answer is not kept.
    gone: frozenset[str] = frozenset()


def apply(
    conn: sqlite3.Connection,
    asked: Sequence[EnrichCandidate],
    entries: Sequence[ApiEntryLike],
    *,
    asked_at: str,
    invalid: bool = False,
) -> Applied:
    """Remember one answer: every asked id still in the cache gets its row (see `Applied`)."""
    by_id = {e.id: e for e in entries}
    held = _held(conn, asked)
    still = [c for c in asked if c.id in held]
    previous = arxiv_meta.load(conn, (c.id for c in still))
    rows: list[ArxivMeta] = []
    changed = 0
    for c in still:
        entry = None if invalid else by_id.get(c.id)
        earlier = previous.get(c.id)
        meta = arxiv_meta.answered(c, earlier, entry, asked_at, invalid=invalid)
        rows.append(meta)
        if meta.found and _fill(conn, c, meta, earlier):
            changed += 1
    arxiv_meta.save(conn, rows)
    return Applied(changed, frozenset(c.id for c in asked) - held)


def _held(conn: sqlite3.Connection, asked: Sequence[EnrichCandidate]) -> set[str]:
    """The ids of `asked` whose row still holds them. A paper removed while arXiv
    was asked gives its row number to the next paper added: arXiv's answer for
    it was written on that one (bug hunt s41 `auditstore` #1)."""
    wanted = {c.rowid: c.id for c in asked}
    held: set[str] = set()
    for chunk, marks in in_chunks(list(wanted)):
        rows = conn.execute(f"SELECT pk, id FROM papers WHERE pk IN ({marks})", tuple(chunk))
        held.update(pid for pk, pid in rows if wanted[pk] == pid)
    return held


def _fill(
    conn: sqlite3.Connection, c: EnrichCandidate, meta: ArxivMeta, earlier: ArxivMeta | None
) -> bool:
    """Apply `meta` to candidate `c`'s paper (its search rows rewritten when they
    change), replacing what arXiv's `earlier` answer gave it."""
    rowid = c.rowid
    filled = False

    def change(p: Paper) -> Paper:
        nonlocal filled
        whole = arxiv_meta.abstract_is_whole(listing_kinds(conn, rowid, p.version))
        # Before arXiv's first answer, the paper's categories are all its documents'.
        first = earlier is None or not earlier.found
        listed = [*(p.categories if first else ()), *listing_categories(conn, rowid)]
        filled = arxiv_meta.apply_to(p, meta, earlier, whole=whole, listed=listed)
        return p

    update_paper(conn, rowid, change, paper_id=c.id)
    return filled
