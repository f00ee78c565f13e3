"""Compiling queries that search the user's own words: `tag:`, `note:`, and bare
words once some paper has a note.

Tags and notes are not in the FTS index: they change with every keystroke of
the user's, while the index is keyed by listing order and rewritten only when
a paper moves. They are few, so `paper_tags` (by tag) and `paper_notes` (folded
text, matched as a substring: "diffus" finds "diffusion", 规划 finds 任务规划)
are small tables read whole. Queries without them keep `core.query`'s plans,
so this costs the common search nothing.

Once some paper has a note, bare words (also inside OR groups) match notes
too, by the rule `query_notes` states: every part of the query satisfied by
the paper's text or its note. A paper whose note holds none of the query's
bare words is answered by its text alone, so a plan has two sides
(`_text_or_note`): the one FTS5 match over the other papers, and the rule over
the few whose note holds one. (Letting every
word look in notes inside the one match made a page of `diffusion OR 扩散`
~50-100x slower at 100k papers once a note existed.)
"""

from __future__ import annotations

from tui_digest.core.query import AnyOf, Query, Term
from tui_digest.core.query_compile import Plan, compile_query, has_user_terms
from tui_digest.core.query_dates import Relisted, date_cond
from tui_digest.core.query_fts import Expand, fts_term
from tui_digest.core.query_notes import (
    NoteRule,
    fold_note,
    holds_any,
    note_words,
    noted_with,
    text_match,
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
        return _text_or_note(q, expand=expand, relisted=relisted)
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
            f"(({' AND '.join(conds)}) AND {pk} NOT IN ({noted}) OR {pk} IN ("
            f"{noted} AND {' AND '.join(note_conds)}))"
        ]
        params += [*words, *words, *note_params]
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

    Two disjoint sides: the papers whose text matches the query (the FTS5
    match of `compile_query`, in listing order) less those whose note holds a
    bare word of the query, and those papers (a few rows) if the rule of
    `query_notes` accepts them, each part tried on the note first.
    Both come in listing order, so SQLite merges them and a page stops early.
    sort:relevance ranks by the text's bm25; a paper whose text does not
    match the whole query (found through its note) comes after the ranked ones.
    """
    flags = []
    if q.read is not None:
        flags.append(f"l.read = {int(q.read)}")
    if q.starred is not None:
        flags.append(f"l.starred = {int(q.starred)}")
    match = text_match(q, expand)
    nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
    positive = any(not n.negated for n in nodes)
    ranked = q.sort == "relevance" and (positive or any(not neg for _, neg in q.types))

    # Side 1: the text of a paper whose note (if any) holds no word of the query.
    noted, words = noted_with(note_words(nodes), "sort_key")
    text_conds = ["search MATCH ?", f"s.rowid NOT IN ({noted})"]
    text_conds += [date_cond("s.rowid", *d, relisted) for d in q.dates]
    rank = ", s.rank AS r" if ranked else ""
    text_side = (
        f"SELECT l.pk AS pk, s.rowid AS key{rank} FROM search s CROSS JOIN listing l "
        "ON l.key = s.rowid WHERE " + " AND ".join(text_conds + flags)
    )

    # Side 2: the papers whose note holds a word of the query, by the rule.
    rule = NoteRule(expand, key="l.key", pk="l.pk", folded="n.folded")
    note_conds, note_params = rule.query(q)
    note_conds.insert(0, f"l.key IN ({noted})")
    note_params[:0] = words
    note_conds += flags
    note_conds += [date_cond("l.key", *d, relisted) for d in q.dates]
    rank_params: list[object] = []
    if ranked:  # the text's rank when it matches the whole query, else NULL
        rank = ", (SELECT rank FROM search WHERE search MATCH ? AND rowid = l.key) AS r"
        rank_params.append(match)
    note_side = (
        f"SELECT l.pk AS pk, l.key AS key{rank} FROM listing l "
        "CROSS JOIN papers np ON np.pk = l.pk CROSS JOIN paper_notes n ON n.id = np.id"
        + (" WHERE " + " AND ".join(note_conds) if note_conds else "")
    )
    ids = f"{text_side} UNION ALL {note_side} ORDER BY key DESC"
    if ranked:
        ids = f"SELECT pk FROM ({text_side} UNION ALL {note_side}) ORDER BY r IS NULL, r, key DESC"
    params = [match, *words, *rank_params, *note_params]
    # The sides are disjoint: their counts add up.
    note_count = f"SELECT count(*) FROM ({_numbered(note_side, 2 + len(words))})"
    if flags:
        count = f"SELECT (SELECT count(*) FROM ({_numbered(text_side, 1)})) + ({note_count})"
        return Plan(ids, count, params)
    noted_dates = [date_cond("np.sort_key", *d, relisted) for d in q.dates]
    return Plan(ids, _text_count(text_conds[2:], noted_dates, len(words), note_count), params)


# At most this many papers whose note holds a query word are looked up one
# by one in FTS5 (`search MATCH ? AND rowid = ?`, 20-50 us each at 65k
# papers) to count side 1; beyond, the match is walked testing every key
# against them (`rowid NOT IN`, ~60 ns a key: ~3 ms for 52k keys).
LOOKUPS = 40


def _text_count(dates: list[str], noted_dates: list[str], words: int, note_count: str) -> str:
    """The count of `_text_or_note`, its parameters numbered as the page's.

    Side 1 is the FTS5 match less the papers whose note holds a query word.
    When those are few, the match is counted from FTS5 alone (as
    `compile_query` does: ~2 ms for 52k of 65k papers) and those of them
    whose text matches are taken away.
    """
    held = _numbered(holds_any(["?"] * words), 2)
    noted = f"FROM paper_notes n JOIN papers np ON np.id = n.id WHERE {held}"
    noted += "".join(f" AND {d}" for d in noted_dates)
    in_text = "EXISTS (SELECT 1 FROM search WHERE search MATCH ?1 AND rowid = np.sort_key)"
    text = "search s WHERE search MATCH ?1" + "".join(f" AND {d}" for d in dates)
    return (
        f"SELECT ({note_count}) + CASE WHEN (SELECT count(*) {noted}) <= {LOOKUPS} "
        f"THEN (SELECT count(*) FROM {text}) - (SELECT count(*) {noted} AND {in_text}) "
        f"ELSE (SELECT count(*) FROM {text} AND s.rowid NOT IN (SELECT np.sort_key {noted})) "
        "END"
    )


def _numbered(sql: str, first: int) -> str:
    """`sql` with its `?` numbered from `first` (`?3`, `?4`...), to reuse parameters."""
    parts = sql.split("?")
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        out += f"?{first + i}{part}"
    return out
