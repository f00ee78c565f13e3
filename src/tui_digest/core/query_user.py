"""Compiling queries that search the user's own words: `tag:`, `note:`, and bare
words once some paper has a note.

Tags and notes are not in the FTS index: they change with every keystroke of
the user's, while the index is keyed by listing order and rewritten only when
a paper moves. They are few, so `paper_tags` (by tag) and `paper_notes` (folded
text, matched as a substring: "diffus" finds "diffusion", 规划 finds 任务规划)
are small tables read whole. Queries without them keep `core.query`'s plans,
so this costs the common search nothing.

Once some paper has a note, a query's bare words match a paper whose text
matches the query, or whose note holds every bare word (and whose text
matches the query's other terms); `-word` excludes papers whose text or note
holds the word.

An OR group's words search the papers' text only, so a query with groups
keeps `compile_query`'s single FTS5 match. (Letting them look in notes too
made a page of `diffusion OR 扩散` ~50-100x slower at 100k papers once a note
exists; that needs a plan of two sides, as `_text_or_note`.) A group holding
tag: or note: is compiled member by member (`_group_cond`).
"""

from __future__ import annotations

from tui_digest.core.query import AnyOf, Query
from tui_digest.core.query_compile import Plan, compile_query, has_user_terms
from tui_digest.core.query_dates import Relisted, date_cond
from tui_digest.core.query_fts import Expand, fts_term
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
    if q.groups:
        # An OR group's words search the papers' text only (one FTS5 match, as
        # fast as without notes). With tag: or note: (in a group or beside one)
        # each member is a condition of its own (`_group_cond`).
        if (q.tags or q.notes or has_user_terms(q.groups)) and q.related is None:
            return compile_with_user_text(
                q, digest=digest, expand=expand, notes=notes, relisted=relisted
            )
        return compile_query(q, digest=digest, expand=expand, relisted=relisted)
    bare = any(t.field is None and not t.negated for t in q.terms)
    if notes and bare and digest is None and not (q.tags or q.notes) and q.related is None:
        return _text_or_note(q, expand=expand, relisted=relisted)
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

    positive = [fts_term(t, expand) for t in q.terms if not t.negated]
    positive += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    bare = [fold_note(t.text) for t in q.terms if not t.negated and t.field is None]
    if positive and notes and bare:
        # The text matches the whole query, or the note holds every bare word
        # and the text the rest (as `_text_or_note`).
        rest = [fts_term(t, expand) for t in q.terms if not t.negated and t.field is not None]
        rest += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
        in_note = " AND ".join(in_notes for _ in bare)
        if rest:
            in_note += " AND " + in_search
        conds.append(f"({in_search} OR ({in_note}))")
        params += [" AND ".join(f"({e})" for e in positive), *bare]
        if rest:
            params.append(" AND ".join(f"({e})" for e in rest))
    elif positive:
        conds.append(in_search)
        params.append(" AND ".join(f"({e})" for e in positive))
    negative = [fts_term(t, expand) for t in q.terms if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    if negative:
        conds.append("NOT " + in_search)
        params.append(" OR ".join(f"({e})" for e in negative))
    for t in q.terms:
        if notes and t.negated and t.field is None and fold_note(t.text):
            conds.append("NOT " + in_notes)
            params.append(fold_note(t.text))
    for group in q.groups:
        cond, group_params = _group_cond(group, in_search, in_tags, in_notes, expand)
        conds.append(cond)
        params += group_params
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


def _group_cond(
    group: AnyOf, in_search: str, in_tags: str, in_notes: str, expand: Expand | None
) -> tuple[str, list[object]]:
    """An OR group as SQL: each option an AND of its members' conditions.

    A word or phrase is an FTS5 match of the papers' text (as in a group
    without tag: or note:); tag: and note: look in their tables.
    """
    options: list[str] = []
    params: list[object] = []
    for members in group.options:
        conds: list[str] = []
        for m in members:
            if isinstance(m, AnyOf):
                cond, inner = _group_cond(m, in_search, in_tags, in_notes, expand)
                conds.append(cond)  # (its own negation included)
                params += inner
                continue
            if m.field == "tag":
                cond, inner = in_tags, [m.text]
            elif m.field == "note":
                cond, inner = in_notes, [fold_note(m.text)]
            else:
                cond, inner = in_search, [fts_term(m, expand)]
            conds.append(("NOT " if m.negated else "") + cond)
            params += inner
        options.append("(" + " AND ".join(conds) + ")")
    sql = "(" + " OR ".join(options) + ")"
    return ("NOT " + sql if group.negated else sql), params


def _text_or_note(q: Query, *, expand: Expand | None, relisted: Relisted | None) -> Plan:
    """Bare words once notes exist, over all papers: as fast as a search without notes.

    The papers whose text matches the query (FTS5 in listing order, as
    `compile_query` reads it), then the papers whose note holds every bare word
    (and that match the rest of the query) that are not among them. Both sides
    come in listing order, so SQLite merges them and a page stops early.
    """
    flags = []
    if q.read is not None:
        flags.append(f"l.read = {int(q.read)}")
    if q.starred is not None:
        flags.append(f"l.starred = {int(q.starred)}")
    positive = [fts_term(t, expand) for t in q.terms if not t.negated]
    positive += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    negative = [fts_term(t, expand) for t in q.terms if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    neg_notes = [fold_note(t.text) for t in q.terms if t.negated and t.field is None]
    neg_notes = [n for n in neg_notes if n]
    in_notes = (
        "l.pk IN (SELECT np.pk FROM paper_notes n JOIN papers np ON np.id = n.id "
        "WHERE instr(n.folded, ?) > 0)"
    )

    # Side 1: the text matches every word (the plan of a search without notes).
    match = " AND ".join(f"({e})" for e in positive)
    if negative:
        match = f"({match}) NOT ({' OR '.join(f'({e})' for e in negative)})"
    text_conds = ["search MATCH ?", *flags]
    text_conds += [date_cond("s.rowid", *d, relisted) for d in q.dates]
    text_conds += ["NOT " + in_notes for _ in neg_notes]
    text_params: list[object] = [match, *neg_notes]
    text_side = (
        "SELECT l.pk AS pk, s.rowid AS key FROM search s CROSS JOIN listing l "
        "ON l.key = s.rowid WHERE " + " AND ".join(text_conds)
    )

    # Side 2: papers whose note holds every bare word (instr on a few hundred
    # short notes first; FTS5 row lookups only for what else the query asks).
    row_match = "EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND rowid = l.key)"
    note_conds: list[str] = []
    note_params: list[object] = []
    for t in q.terms:
        if not t.negated and t.field is None:
            note_conds.append("instr(n.folded, ?) > 0")
            note_params.append(fold_note(t.text))
    note_conds += flags
    for folded in neg_notes:
        note_conds.append("instr(n.folded, ?) = 0")
        note_params.append(folded)
    for t in q.terms:
        if not t.negated and t.field is not None:
            note_conds.append(row_match)
            note_params.append(fts_term(t, expand))
    for tok, neg in q.types:
        note_conds.append(("NOT " if neg else "") + row_match)
        note_params.append(f'ty : "{tok}"')
    if any(t.negated for t in q.terms):
        note_conds.append("NOT " + row_match)
        note_params.append(" OR ".join(f"({fts_term(t, expand)})" for t in q.terms if t.negated))
    note_conds += [date_cond("l.key", *d, relisted) for d in q.dates]
    # Not already on side 1, so the sides can be merged without comparing rows.
    note_conds.append("NOT " + row_match)
    note_params.append(match)
    note_side = (
        "SELECT l.pk AS pk, l.key AS key FROM paper_notes n CROSS JOIN papers np ON np.id = n.id "
        "CROSS JOIN listing l ON l.key = np.sort_key"
        + (" WHERE " + " AND ".join(note_conds) if note_conds else "")
    )
    both = f"{text_side} UNION ALL {note_side}"
    # The sides are disjoint: their counts add up. Side 1 is counted from
    # FTS5 alone when it needs nothing of `listing` (as `compile_query` does).
    if flags or neg_notes:
        text_count = f"SELECT count(*) FROM ({text_side})"
    else:
        text_count = "SELECT count(*) FROM search s WHERE " + " AND ".join(
            c for c in text_conds if c not in flags
        )
    return Plan(
        f"{both} ORDER BY key DESC",
        f"SELECT ({text_count}) + (SELECT count(*) FROM ({note_side}))",
        [*text_params, *note_params],
    )
