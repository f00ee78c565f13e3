"""A parsed `Query` as SQL over the cache: the FTS5 match, flags and dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tui_digest.core.errors import QueryError
from tui_digest.core.query import USER_FIELDS, AnyOf, Query, Term
from tui_digest.core.query_dates import Relisted, date_cond
from tui_digest.core.query_fts import Expand, fts_node
from tui_digest.core.search_index import EVERY, type_tokens
from tui_digest.core.search_tokens import query_tokens


# repr=False: nothing prints these; each method a dataclass generates costs
# the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, repr=False)
class Plan:
    """SQL for one query.

    `ids_sql` yields paper pks (as `pk`) in listing order; `count_sql` counts them; both
    take `params`. Without a digest, matches come from the FTS5 index (whose
    rowid is the listing key) joined with the small `listing` table only when
    the query asks for read/starred state; with no text it reads `listing`.

    `keys_sql` (same `params`; None for the plans that have no such form)
    yields the matches' listing keys (as `key`) in no promised order: FTS5's
    own, ascending, which reads its doclists a third faster than the
    descending walk a page needs (500k papers: a phrase with few matches,
    9.7 vs 13.2 ms). It is what counts (up to a cap) and what collects every
    key of a query with few matches (`store.queries.page`). `selective`: the
    query is of a shape that often has few matches (a phrase, a Chinese word
    of three or more characters, an exclusion), so collecting its keys first
    is likely to beat walking the listing order for a page.
    """

    ids_sql: str
    count_sql: str
    params: list[object]
    keys_sql: str | None = None
    selective: bool = False
    # The FTS5 match has a NOT: FTS5 then ignores a lower rowid bound (its
    # first step tests every row from the start), so `store.queries_window`
    # cannot read the newest papers alone.
    negates: bool = False
    # The match has an FTS5 prefix query (`"cs cv"*`): FTS5 merges every
    # matching word's doclist whole for each statement, whatever the bound
    # or the order, so one walk of the listing order is the cheapest page.
    prefixed: bool = False


def joined(op: str, conds: Sequence[str]) -> str:
    """`conds` joined by `op` ("AND"/"OR") as a balanced tree, in their order.

    SQLite refuses an expression deeper than 1000 (SQLITE_MAX_EXPR_DEPTH), and
    `a OR b OR c ...` is one level per operand: a query of 500 ORed words
    failed once a note existed (found by a bug hunt). Halves in parentheses
    keep the depth near log2 of the count; the order (so the parameters')
    is kept, and SQLite still splits a WHERE's ANDs into its terms.
    """
    if len(conds) == 1:
        return conds[0]
    if len(conds) <= 8:
        return "(" + f" {op} ".join(conds) + ")"
    half = len(conds) // 2
    return f"({joined(op, conds[:half])} {op} {joined(op, conds[half:])})"


def date_conds(key: str, q: Query, relisted: Relisted | None) -> list[str]:
    """The query's `date:` conditions over `key`, as one balanced AND (`joined`):
    999 distinct ranges, one level each, passed SQLite's expression depth
    (regression hunt `regtz` #5)."""
    return [joined("AND", [date_cond(key, d, relisted) for d in q.dates])] if q.dates else []


def fts_parts(q: Query, expand: Expand | None) -> tuple[list[str], list[str]]:
    """The FTS5 expressions of the query's terms, groups and types: (positive, negated)."""
    nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
    positive = [fts_node(t, expand) for t in nodes if not t.negated]
    positive += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    negative = [fts_node(t, expand) for t in nodes if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    return positive, negative


def whole_match(positive: Sequence[str], negative: Sequence[str]) -> str:
    """One FTS5 match of every positive part and none of the negated ones."""
    # Only exclusions: everything (every row has the EVERY token) NOT them.
    # No `ty :` filter: the token matches every row with or without one (it
    # may be a word of a text too), and FTS5 then need not read positions to
    # test columns (500k papers, `-模型 is:unread`: 13.2 -> 12.3 ms).
    match = " AND ".join(f"({e})" for e in positive) or f'"{EVERY}"'
    if negative:
        match = f"({match}) NOT ({' OR '.join(f'({e})' for e in negative)})"
    return match


# The announce types (`model.ANNOUNCE_TYPES`; not imported: `model` loads more).
_ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross", "absonly", "updated")


def listing_type(m: str = "m.") -> str:
    """SQL of the announce type a digest gave a paper: its membership row `m`'s
    (schema `_add_listing_types`), '' when the document gave none (never the
    paper's own, which a version announced weeks later may have set: history hunt #1)."""
    return f"{m}announce_type"


def listing_type_conds(types: Sequence[tuple[str, bool]]) -> list[str]:
    """`type:` inside a digest: conditions on the listing's type (`listing_type`),
    not the index's `ty` column (the paper's own type, which another digest's
    listing may have set: arXiv announces a paper `new` in its primary category
    and `cross` in the others, ../shared/docs/upstream.md).

    The same answers as the index's tokens (`type_tokens`): type:cross also
    finds replace-cross. The values are this module's constants, so they are
    written into the SQL (no parameters to keep in order)."""
    conds = []
    for tok, neg in types:
        values = [t for t in _ANNOUNCE_TYPES if tok in type_tokens(t).split()]
        listed = ", ".join(f"'{t}'" for t in values) or "''"
        conds.append(f"lower({listing_type()}) {'NOT IN' if neg else 'IN'} ({listed})")
    return conds


def flag_conds(q: Query, table: str) -> list[str]:
    """SQL conditions for is:read / is:starred on the listing row `table` ("l." or "p.")."""
    flags: list[str] = ["0"] if q.flags_clash else []  # (asked both ways: none)
    if q.read is not None:
        flags.append(f"{table}read = {int(q.read)}")
    if q.starred is not None:
        flags.append(f"{table}starred = {int(q.starred)}")
    return flags


def compile_query(
    q: Query,
    *,
    digest: str | None = None,
    expand: Expand | None = None,
    relisted: Relisted | None = None,
) -> Plan:
    """SQL for a query without the user's own words (see `query_user.compile_any`)."""
    if q.related is not None:
        # Similarity is computed by the rank layer, which removes the term
        # before asking the store; silently listing everything would be wrong.
        raise QueryError("related:ID lists similar papers only in the reader and `search`")
    if q.tags or q.notes or has_user_terms(q.groups):
        # Their tables are the store's; `query_user.compile_any` compiles them.
        raise QueryError("tag: and note: are answered by query_user.compile_any")
    relevance = q.sort == "relevance"
    nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
    types: list[tuple[str, bool]] = []
    if digest is not None:
        # Inside a digest, type: asks for that listing's type (`listing_type_conds`).
        types, q = q.types, replace(q, types=[])
    positive, negative = fts_parts(q, expand)

    params: list[object] = []
    flags = flag_conds(q, "l.")

    if digest is not None:
        conds = ["d.name = ?", *flag_conds(q, "p."), *listing_type_conds(types)]
        digest_params: list[object] = [digest]
        conds += date_conds("p.sort_key", q, relisted)
        in_search = "EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND rowid = p.sort_key)"
        ranked = ""
        order = "max(d.date) DESC, max(d.pk) DESC, min(m.ref)"
        if positive and relevance:
            # The match evaluated once, its rank joined by listing key.
            ranked = (
                " JOIN (SELECT rowid AS k, rank AS r FROM search WHERE search MATCH ?) s"
                " ON s.k = p.sort_key"
            )
            params.append(" AND ".join(f"({e})" for e in positive))
            order = "min(s.r), " + order
        elif positive:
            conds.append(in_search)
            params.append(" AND ".join(f"({e})" for e in positive))
        if negative:
            conds.append("NOT " + in_search)
            digest_params.append(" OR ".join(f"({e})" for e in negative))
        if ranked:  # the join's parameter comes first, before the WHERE's
            params += digest_params
        else:
            params[:0] = digest_params[:1]
            params += digest_params[1:]
        ids = (
            "SELECT p.pk AS pk FROM digests d JOIN membership m ON m.digest = d.pk "
            "CROSS JOIN papers p ON p.pk = m.paper"
            + ranked
            + " WHERE "
            + " AND ".join(conds)
            + f" GROUP BY p.pk ORDER BY {order}"
        )
        return Plan(ids, f"SELECT count(*) FROM ({ids})", params)

    if not positive and not negative:
        conds = list(flags)
        if q.starred:
            # Starred papers are few: their partial index instead of a walk of
            # the whole listing (17 ms at 500k papers when none is starred).
            conds.insert(0, _STARRED)
        conds += date_conds("l.key", q, relisted)
        cond = (" WHERE " + " AND ".join(conds)) if conds else ""
        return Plan(
            f"SELECT l.pk AS pk FROM listing l{cond} ORDER BY l.key DESC",
            f"SELECT count(*) FROM listing l{cond}",
            params,
            keys_sql=f"SELECT l.key AS key FROM listing l{cond}",
            selective=bool(q.starred),
        )

    match = whole_match(positive, negative)
    params.append(match)
    # FTS5's rowid is the listing key: a date range is a rowid range it seeks to.
    conds = ["search MATCH ?"]
    conds += date_conds("s.rowid", q, relisted)
    where = " AND ".join(conds + flags)
    source = "search s CROSS JOIN listing l ON l.key = s.rowid"
    # sort:relevance: FTS5's rank (bm25), ties in listing order.
    order = "s.rank, s.rowid DESC" if relevance and positive else "s.rowid DESC"
    ids = f"SELECT l.pk AS pk FROM {source} WHERE {where} ORDER BY {order}"
    if flags:
        count = f"SELECT count(*) FROM {source} WHERE {where}"
        keys = f"SELECT s.rowid AS key FROM {source} WHERE {where}"
    else:
        count = "SELECT count(*) FROM search s WHERE " + " AND ".join(conds)
        keys = "SELECT s.rowid AS key FROM search s WHERE " + " AND ".join(conds)
    if relevance and positive:
        return Plan(ids, count, params)  # its order is FTS5's rank, not the key
    return Plan(
        ids,
        count,
        params,
        keys_sql=keys,
        selective=is_selective(nodes) or bool(q.starred),
        negates=bool(negative) or has_negation(nodes),
        prefixed='"*' in match,
    )


# `papers_starred` is a partial index of the starred papers (schema v1).
_STARRED = "l.key IN (SELECT sort_key FROM papers INDEXED BY papers_starred WHERE starred)"


def is_selective(nodes: Sequence[Term | AnyOf]) -> bool:
    """A phrase (two or more tokens: also a Chinese word of 3+ characters) or an exclusion.

    Such queries often match few papers while their tokens are common, and
    FTS5 then reads the tokens' whole doclists whatever the order; see `Plan`.
    """
    for node in nodes:
        if node.negated:
            return True
        if isinstance(node, Term):
            if len(query_tokens(node.text)) > 1:
                return True
        elif any(is_selective(option) for option in node.options):
            return True
    return False


def has_negation(nodes: Sequence[Term | AnyOf]) -> bool:
    """Some term or group is excluded, at any depth (FTS5 `x NOT y`)."""
    for node in nodes:
        if node.negated:
            return True
        if isinstance(node, AnyOf) and any(has_negation(o) for o in node.options):
            return True
    return False


def has_user_terms(nodes: Sequence[Term | AnyOf]) -> bool:
    """Some OR group member is a tag: or note: (see `query.USER_FIELDS`)."""
    for node in nodes:
        if isinstance(node, Term):
            if node.field in USER_FIELDS:
                return True
        elif any(has_user_terms(option) for option in node.options):
            return True
    return False
