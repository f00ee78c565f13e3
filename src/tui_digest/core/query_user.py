"""Compiling queries that search the user's own words: `tag:`, `note:`, and bare
words once some paper has a note.

Tags and notes are not in the FTS index: they change with every keystroke of
the user's, while the index is keyed by listing order and rewritten only when
a paper moves. They are few, so `paper_tags` (by tag) and `paper_notes` (folded
text, matched as a substring: "diffus" finds "diffusion", 规划 finds 任务规划)
are small tables read whole. Queries without them keep `core.query`'s plans,
so this costs the common search nothing.

A bare word matches a paper when its text OR its note matches; `-word`
excludes papers whose text or note matches.
"""

from __future__ import annotations

from tui_digest.core.query import (
    Expand,
    Plan,
    Query,
    Relisted,
    compile_query,
    date_cond,
    fts_term,
)
from tui_digest.core.search_tokens import fold


def fold_note(text: str) -> str:
    """What note searches compare: lower case, accents removed, single spaces."""
    return " ".join(fold(text.lower()).split())


def compile_any(
    q: Query,
    *,
    digest: str | None = None,
    expand: Expand | None = None,
    relisted: Relisted | None = None,
    notes: bool = False,
) -> Plan:
    """Any query. `notes`: some paper has a note, so bare words must also search notes."""
    user_text = q.tags or q.notes or (notes and any(t.field is None for t in q.terms))
    if user_text and q.related is None:  # related: is refused by compile_query
        return compile_with_user_text(
            q, digest=digest, expand=expand, notes=notes, relisted=relisted
        )
    return compile_query(q, digest=digest, expand=expand, relisted=relisted)


def compile_with_user_text(
    q: Query,
    *,
    digest: str | None,
    expand: Expand | None,
    notes: bool,
    relisted: Relisted | None = None,
) -> Plan:
    key, pk, flag = ("l.key", "l.pk", "l.") if digest is None else ("p.sort_key", "p.pk", "p.")
    in_search = f"{key} IN (SELECT rowid FROM search WHERE search MATCH ?)"
    in_notes = (
        f"{pk} IN (SELECT np.pk FROM paper_notes n JOIN papers np ON np.id = n.id "
        "WHERE instr(n.folded, ?) > 0)"
    )
    in_tags = (
        f"{pk} IN (SELECT tp.pk FROM paper_tags t JOIN papers tp ON tp.id = t.id WHERE t.tag = ?)"
    )
    conds: list[str] = []
    params: list[object] = []

    def both(term_text: str) -> bool:
        return notes and bool(fold_note(term_text))

    text_only = [
        fts_term(t, expand)
        for t in q.terms
        if not t.negated and not (t.field is None and both(t.text))
    ]
    text_only += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    if text_only:
        conds.append(in_search)
        params.append(" AND ".join(f"({e})" for e in text_only))
    for t in q.terms:
        if not t.negated and t.field is None and both(t.text):
            conds.append(f"({in_search} OR {in_notes})")
            params += [fts_term(t, expand), fold_note(t.text)]
    negative = [fts_term(t, expand) for t in q.terms if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    if negative:
        conds.append("NOT " + in_search)
        params.append(" OR ".join(f"({e})" for e in negative))
    for t in q.terms:
        if t.negated and t.field is None and both(t.text):
            conds.append("NOT " + in_notes)
            params.append(fold_note(t.text))
    for tag, neg in q.tags:
        conds.append(("NOT " if neg else "") + in_tags)
        params.append(tag)
    for text, neg in q.notes:
        conds.append(("NOT " if neg else "") + in_notes)
        params.append(fold_note(text))
    if q.read is not None:
        conds.append(f"{flag}read = {int(q.read)}")
    if q.starred is not None:
        conds.append(f"{flag}starred = {int(q.starred)}")
    conds += [date_cond(key, *d, relisted) for d in q.dates]
    where = " AND ".join(conds) or "1"

    if digest is not None:
        ids = (
            "SELECT p.pk AS pk FROM digests d JOIN membership m ON m.digest = d.pk "
            f"CROSS JOIN papers p ON p.pk = m.paper WHERE d.name = ? AND {where}"
            " GROUP BY p.pk ORDER BY max(d.date) DESC, max(d.pk) DESC, min(m.ref)"
        )
        return Plan(ids, f"SELECT count(*) FROM ({ids})", [digest, *params])
    return Plan(
        f"SELECT l.pk AS pk FROM listing l WHERE {where} ORDER BY l.key DESC",
        f"SELECT count(*) FROM listing l WHERE {where}",
        params,
    )
