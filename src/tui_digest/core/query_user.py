"""Compiling queries that search the user's own words: `tag:`, `note:`, and bare
words once some paper has a note.

Tags and notes are not in the FTS index: they change with every keystroke of
the user's, while the index is keyed by listing order and rewritten only when
a paper moves. They are few, so `paper_tags` (by tag) and `paper_notes` (each
note's index tokens, matched as the text is: "diffus" finds "diffusion", 规划
finds 任务规划, "ran" does not find "Transformer"; `query_notes.fold_note`)
are small tables read whole. Queries without them keep `core.query`'s plans,
so this costs the common search nothing.

Once some paper has a note, bare words (also inside OR groups) match notes
too, by the rule `query_notes` states: every part of the query satisfied by
the paper's text or its note. A paper whose note holds none of the query's
bare words is answered by its text alone, so a plan has two sides
(`query_note_plan`): the one FTS5 match over the other papers, and the rule over
the few whose note holds one. (Letting every
word look in notes inside the one match made a page of `diffusion OR 扩散`
~50-100x slower at 100k papers once a note existed.)
"""

from __future__ import annotations

from dataclasses import replace

from tui_digest.core.query import AnyOf, Query
from tui_digest.core.query_compile import (
    Plan,
    compile_query,
    date_conds,
    flag_conds,
    has_user_terms,
    joined,
    listing_type_conds,
)
from tui_digest.core.query_dates import Relisted
from tui_digest.core.query_fts import Expand, fts_node, fts_term
from tui_digest.core.query_note_plan import text_or_note
from tui_digest.core.query_notes import (
    NoteRule,
    fold_note,
    note_pattern,
    note_words,
    noted_with,
    tags_cond,
)

__all__ = ["compile_any", "compile_with_user_text", "fold_note"]


def compile_any(
    q: Query,
    *,
    digest: str | None = None,
    expand: Expand | None = None,
    relisted: Relisted | None = None,
    notes: bool = False,
) -> Plan:
    """Any query. `notes`: some paper has a note, so bare words must also search notes."""
    if q.related is not None:  # refused by compile_query
        return compile_query(q, digest=digest, expand=expand, relisted=relisted)
    user_terms = bool(q.tags or q.notes or has_user_terms(q.groups))
    notes = notes and bool(note_words([*q.terms, *q.groups]))
    if notes and digest is None and not user_terms:
        return text_or_note(q, expand=expand, relisted=relisted)
    if user_terms or notes:
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
    """Each part of the query a condition of its own (tags, notes, a digest's papers).

    `notes`: bare words also search notes (`query_notes`): the text
    conditions hold for a paper whose note holds none of them, the rule for
    the others.
    """
    key, pk, flag = ("l.key", "l.pk", "l.") if digest is None else ("p.sort_key", "p.pk", "p.")
    types: list[tuple[str, bool]] = []
    if digest is not None:
        # Inside a digest, type: is that listing's type (`listing_type_conds`):
        # ANDed with the rest, as no note holds a type.
        types, q = q.types, replace(q, types=[])
    in_search = f"{key} IN (SELECT rowid FROM search WHERE search MATCH ?)"
    in_notes = (
        f"{pk} IN (SELECT np.pk FROM paper_notes n JOIN papers np ON np.id = n.id "
        "WHERE instr(n.folded, ?) > 0)"
    )
    in_tags = tags_cond(pk)
    conds: list[str] = []
    params: list[object] = []

    # (each word's match built once: a prefix's expansion reads the `terms` table)
    word_matches = [fts_term(t, expand) for t in q.terms if not t.negated]
    positive = [*word_matches, *(f'ty : "{tok}"' for tok, neg in q.types if not neg)]
    if positive:
        conds.append(in_search)
        params.append(" AND ".join(f"({e})" for e in positive))
    negative = [fts_term(t, expand) for t in q.terms if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    if negative:
        conds.append("NOT " + in_search)
        params.append(" OR ".join(f"({e})" for e in negative))
    for group in q.groups:
        cond, group_params = _group_cond(group, in_search, in_tags, in_notes, expand)
        conds.append(cond)
        params += group_params
    if notes and conds:
        # Papers by their text, but those whose note holds a bare word of the
        # query by the rule, found once over `paper_notes` (a few rows).
        noted, words = noted_with(note_words([*q.terms, *q.groups]), "pk")
        rule = NoteRule(expand, key="np.sort_key", pk="np.pk", folded="n.folded")
        note_conds, note_params = rule.query(q)
        conds = [
            f"(({joined('AND', conds)}) AND {pk} NOT IN ({noted}) OR {pk} IN ("
            f"{noted} AND {joined('AND', note_conds)}))"
        ]
        params += [*words, *words, *note_params]
    for tag, neg in q.tags:
        conds.append(("NOT " if neg else "") + in_tags)
        params.append(tag)
    for term in q.notes:
        conds.append(("NOT " if term.negated else "") + in_notes)
        params.append(note_pattern(term))
    conds += flag_conds(q, flag)
    conds += listing_type_conds(types)
    conds += date_conds(key, q, relisted)
    where = joined("AND", conds) if conds else "1"

    # sort:relevance: the text's rank (bm25) of the query's words; a paper
    # found through its note or tags alone comes after the ranked ones, as in
    # `query_note_plan` (it was ignored here; found by a bug hunt).
    rank_match = _rank_match(q, word_matches, expand) if q.sort == "relevance" else ""
    ranked, rank_params = "", []
    if rank_match:
        ranked = (
            " LEFT JOIN (SELECT rowid AS k, rank AS r FROM search WHERE search MATCH ?) s"
            f" ON s.k = {key}"
        )
        rank_params = [rank_match]
    if digest is not None:
        order = "max(d.date) DESC, max(d.pk) DESC, min(m.ref)"
        if ranked:
            order = "min(s.r) IS NULL, min(s.r), " + order
        ids = (
            "SELECT p.pk AS pk FROM digests d JOIN membership m ON m.digest = d.pk "
            f"CROSS JOIN papers p ON p.pk = m.paper{ranked} WHERE d.name = ? AND {where}"
            f" GROUP BY p.pk ORDER BY {order}"
        )
        return Plan(ids, f"SELECT count(*) FROM ({ids})", [*rank_params, digest, *params])
    # (The count keeps the join, so both take the same parameters; it adds no rows.)
    order = "s.r IS NULL, s.r, l.key DESC" if ranked else "l.key DESC"
    return Plan(
        f"SELECT l.pk AS pk FROM listing l{ranked} WHERE {where} ORDER BY {order}",
        f"SELECT count(*) FROM listing l{ranked} WHERE {where}",
        [*rank_params, *params],
    )


def _rank_match(q: Query, word_matches: list[str], expand: Expand | None) -> str:
    """The FTS5 match of the query's positive words (`word_matches`, built already)
    and OR groups of words (no tag: or note: in them): what sort:relevance ranks
    by; "" when none."""
    parts = [*word_matches]
    parts += [fts_node(g, expand) for g in q.groups if not g.negated and not has_user_terms([g])]
    return " AND ".join(f"({e})" for e in parts)


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
                cond, inner = in_notes, [note_pattern(m)]
            else:
                cond, inner = in_search, [fts_term(m, expand)]
            conds.append(("NOT " if m.negated else "") + cond)
            params += inner
        options.append("(" + joined("AND", conds) + ")")
    sql = "(" + joined("OR", options) + ")"
    return ("NOT " + sql if group.negated else sql), params
