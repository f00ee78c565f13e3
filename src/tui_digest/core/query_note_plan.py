"""The plan of a query with bare words once notes exist, over all papers.

A paper whose note holds none of the query's bare words (as most papers,
which have no note) matches by its text alone (`query_notes`), so the plan
has two disjoint sides: the FTS5 match of `compile_query`, in listing order,
less the few papers whose note holds a bare word of the query; and those
papers, in listing order too, if the rule of `query_notes` accepts them. A
page merges the sides and stops early: the rule runs only for the noted
papers above the page's last row. sort:relevance ranks by the text's bm25; a
paper whose text does not match the whole query (found through its note)
comes after the ranked ones.

The count chooses by how many notes hold a query word (SQL `CASE`): for
side 1, up to LOOKUPS, FTS5's count of the match less those of them whose
text matches, looked up row by row, beyond, the match walked testing each key
against them; for side 2, up to RULE_LOOKUPS the rule by row lookups, beyond,
reading each part's whole match.
(65k papers, `diffusion OR 扩散` matching 52k: FTS5 counts the match in
~2 ms, a walk testing each key ~3 ms more, a row lookup 20-50 us.)
"""

from __future__ import annotations

from tui_digest.core.query import AnyOf, Query, Term
from tui_digest.core.query_compile import Plan, date_conds, flag_conds, joined
from tui_digest.core.query_dates import Relisted
from tui_digest.core.query_fts import Expand
from tui_digest.core.query_notes import (
    NOTES,
    NoteRule,
    holds_any,
    note_words,
    noted_with,
    text_match,
)

# With at most this many papers whose note holds a query word, the count looks
# them up one by one to take them from side 1 (beyond, it walks the match) and
# to test the rule (beyond, it reads each part's whole match: ~14 ms for
# `(graph OR 图) neural` at 65k papers, ~56 us a paper by lookups).
LOOKUPS = 40
RULE_LOOKUPS = 250


def text_or_note(q: Query, *, expand: Expand | None, relisted: Relisted | None) -> Plan:
    """Bare words once notes exist, over all papers: as fast as a search without notes."""
    flags = flag_conds(q, "l.")
    match = text_match(q, expand)
    nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
    positive = any(not n.negated for n in nodes) or any(not neg for _, neg in q.types)
    ranked = q.sort == "relevance" and positive
    # Side 1 leaves them out by pk (from `papers`' id index): their keys are
    # read from `papers` rows, ~3 us a note (3,000 notes: 7.5 ms).
    noted, words = noted_with(note_words(nodes), "pk")
    noted_keys, _ = noted_with(words, "sort_key")

    # Side 1: the text of a paper whose note (if any) holds no word of the query.
    dates = date_conds("s.rowid", q, relisted)
    text_where = " AND ".join(["search MATCH ?", f"l.pk NOT IN ({noted})", *dates, *flags])
    text_from = "FROM search s CROSS JOIN listing l ON l.key = s.rowid WHERE " + text_where
    rank = ", s.rank AS r" if ranked else ""
    text_side = f"SELECT l.pk AS pk, s.rowid AS key{rank} {text_from}"

    # Side 2: the papers whose note holds a word of the query, by the rule.
    rank_params: list[object] = []
    if ranked:  # the text's rank when it matches the whole query, else NULL
        rank = ", (SELECT rank FROM search WHERE search MATCH ? AND rowid = l.key) AS r"
        rank_params.append(match)
    rule = NoteRule(expand, key="l.key", pk="l.pk", folded="n.folded")
    rule_conds, rule_params = rule.query(q)
    note_dates = date_conds("l.key", q, relisted)
    tail = [*rule_conds, *flags, *note_dates]
    # Walked in listing order from the noted keys: no sort before a merge.
    note_from = (
        "FROM listing l CROSS JOIN papers np ON np.pk = l.pk "
        f"CROSS JOIN paper_notes n ON n.id = np.id WHERE l.key IN ({noted_keys})"
    )
    note_side = f"SELECT l.pk AS pk, l.key AS key{rank} {note_from} AND " + joined("AND", tail)

    ids = f"{text_side} UNION ALL {note_side} ORDER BY key DESC"
    if ranked:
        ids = f"SELECT pk FROM ({text_side} UNION ALL {note_side}) ORDER BY r IS NULL, r, key DESC"
    params = [match, *words, *rank_params, *words, *rule_params]

    # The count, its parameters numbered as the page's (each used where needed).
    at_rule = 2 + 2 * len(words) + len(rank_params)
    holds = _numbered(holds_any(words), 2)
    held = f"{NOTES} WHERE {holds}"

    def side2(bulk: bool) -> str:
        conds, _ = NoteRule(expand, key="l.key", pk="l.pk", folded="n.folded", bulk=bulk).query(q)
        where = joined(
            "AND", [holds, _numbered(joined("AND", conds), at_rule), *flags, *note_dates]
        )
        listed = f"{NOTES} CROSS JOIN listing l ON l.key = np.sort_key"
        return f"(SELECT count(*) FROM {listed} WHERE {where})"

    if flags:  # side 1 needs `listing`: walked
        walk = lookup = f"(SELECT count(*) {_numbered(text_from, 1)})"
    else:
        text = "search s WHERE " + " AND ".join(["search MATCH ?1", *dates])
        noted_dates = "".join(f" AND {c}" for c in date_conds("np.sort_key", q, relisted))
        in_text = "EXISTS (SELECT 1 FROM search WHERE search MATCH ?1 AND rowid = np.sort_key)"
        lookup = (
            f"(SELECT count(*) FROM {text}) - "
            f"(SELECT count(*) FROM {held}{noted_dates} AND {in_text})"
        )
        walk = f"(SELECT count(*) FROM {text} AND s.rowid NOT IN ({_numbered(noted_keys, 2)}))"
    noted_count = f"(SELECT count(*) FROM {held})"
    count = (
        f"SELECT CASE WHEN {noted_count} <= {LOOKUPS} THEN {lookup} ELSE {walk} END + "
        f"CASE WHEN {noted_count} <= {RULE_LOOKUPS} THEN {side2(False)} ELSE {side2(True)} END"
    )
    return Plan(ids, count, params)


def _numbered(sql: str, first: int) -> str:
    """`sql` with its `?` numbered from `first` (`?3`, `?4`...), to reuse parameters."""
    parts = sql.split("?")
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        out += f"?{first + i}{part}"
    return out
