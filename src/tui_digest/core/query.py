"""The search language, parsed into a `Query` and compiled to SQL over the cache.

Syntax (words are separated by spaces; everything is case-insensitive):

    diffusion model       every word must match, in any text field (titles,
                          summary, abstracts in either language, authors,
                          categories, id); a word also matches as a prefix
                          ("diffus" finds "diffusion")
    模型 遗忘              Chinese: any run of two or more characters is found
                          anywhere in a text; one character matches where it
                          starts a pair (or ends a run)
    "exact phrase"        the words in this order, next to each other (case and
                          punctuation ignored); the last word is not a prefix
    -word  -"a phrase"    exclude papers that match
    ti: au: abs: cat: id: limit a word or "phrase" to titles, authors,
                          abstracts and summary, categories, arXiv id
                          (ti:"graph neural", -au:smith, id:2403.10056)
    is:unread is:read is:starred   (-is:starred: not starred)
    type:new type:cross type:replace type:replace-cross type:updated
                          replace-cross is both a replacement and a cross-list,
                          so type:replace and type:cross also match it;
                          type:replace-cross matches only it
    date:2024  date:2024-03  date:2024-03-18  date:2024-03-01..2024-03-31
    date:2024-03..  date:..2024-02  date:today  date:-7d
                          listed in a digest of those days (every day a paper
                          was listed counts); a paper in no digest by its
                          published date. date:-7d is the last 7 local days
                          (today and the 6 before); the clock is
                          `$TUI_DIGEST_TODAY` when set (digest_day.local_today)
    diffusion OR 扩散      either word; OR binds tighter than the implicit AND
                          (`agent planning OR 规划` = agent AND (planning OR
                          规划)); parentheses group: (a b) OR c, -(a OR b).
                          Inside an OR or -( ) only words and phrases (with
                          ti: au: abs: cat: id:) may stand; OR must be capitals
    sort:relevance        best FTS5 rank (bm25) first instead of listing order
    sort:foryou           rank by the user's For you model instead of listing
                          order; `compile_query` ignores it (core never ranks:
                          the `rank` layer above reorders what it lists)
    related:ID            the papers most like paper ID; answered only by the
                          `rank` layer (`compile_query` refuses it)
    tag:robotics          papers with this tag of the user's (any case)
    note:word note:"a phrase"   papers whose note contains this text; bare
                          words also match notes (see `query_user`)
    A word such as `foo:bar` with an unknown qualifier is searched as text.

`parse_query` raises `QueryError` with a message meant for the user.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui_digest.core.digest_day import local_today
from tui_digest.core.model import ANNOUNCE_TYPES
from tui_digest.core.schema import (
    EVERY,
    PREFIX_COLUMNS,
    TERM_MIN,
    TEXT_COLUMNS,
    date_days,
    day_range_keys,
)
from tui_digest.core.search_tokens import is_cjk_run, query_tokens


class QueryError(ValueError):
    """A malformed query; the message says what is wrong and where."""


FIELDS = {
    "ti": "ti",
    "title": "ti",
    "au": "au",
    "author": "au",
    "abs": "abs",
    "cat": "cat",
    "id": "id",
}
IS_VALUES = ("read", "unread", "starred")
TYPE_VALUES = {
    "new": "new",
    "cross": "cross",
    "replace": "replace",
    "replace-cross": "replacecross",
    "updated": "updated",
}
SORT_VALUES = ("foryou", "relevance")
QUALIFIERS = (*FIELDS, "is", "type", "date", "sort", "related", "tag", "note")


@dataclass(slots=True, frozen=True)
class Term:
    text: str
    field: str | None = None  # an FTS column, or None for every text column
    phrase: bool = False
    negated: bool = False


@dataclass(slots=True, frozen=True)
class AnyOf:
    """`a OR (b c)`: any one of `options`, each an AND of terms and groups.

    A negated group (`-(a OR b)`, `-(a b)`) excludes what it matches; inside an
    option a negated member needs a positive one beside it (FTS5 `x NOT y`).
    """

    options: tuple[tuple[Term | AnyOf, ...], ...]
    negated: bool = False


@dataclass(slots=True)
class Query:
    terms: list[Term] = field(default_factory=list)
    groups: list[AnyOf] = field(default_factory=list)  # OR groups, ANDed with terms
    read: bool | None = None
    starred: bool | None = None
    types: list[tuple[str, bool]] = field(default_factory=list)  # (token, negated)
    dates: list[tuple[int, int, bool]] = field(default_factory=list)  # days, days, negated
    sort: str | None = None  # one of SORT_VALUES; None = listing order
    related: str | None = None  # an arXiv id (no version)
    tags: list[tuple[str, bool]] = field(default_factory=list)  # (tag, negated)
    notes: list[tuple[str, bool]] = field(default_factory=list)  # (text, negated)

    @property
    def is_empty(self) -> bool:
        return not (
            self.terms or self.groups or self.types or self.dates or self.tags or self.notes
        ) and (self.read is None and self.starred is None)


# --- Parsing ------------------------------------------------------------------

_QUALIFIER_RE = re.compile(r"([A-Za-z]+):")
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date_bounds(text: str, original: str) -> tuple[int, int]:
    """First and last day (days since 1970) covered by YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _DATE_RE.fullmatch(text)
    if not m:
        raise QueryError(
            f'bad date "{original}": use YYYY, YYYY-MM, YYYY-MM-DD, a range A..B, today or -7d'
        )
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        elif day is None:
            first = _dt.date(year, int(month), 1)
            nxt = _dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            last = nxt - _dt.timedelta(days=1)
        else:
            first = last = _dt.date(year, int(month), int(day))
    except ValueError as exc:
        raise QueryError(f'bad date "{original}": {exc}') from None
    return date_days(first.isoformat()) or 1, date_days(last.isoformat()) or 1


_RELATIVE_RE = re.compile(r"-(\d{1,4})d", re.IGNORECASE)


def _parse_date(value: str, today: str) -> tuple[int, int]:
    relative = _RELATIVE_RE.fullmatch(value)
    if value.lower() == "today" or relative:
        last = date_days(today) or 1
        days = int(relative[1]) if relative else 1
        if days < 1:
            raise QueryError(f'bad date "{value}": give at least one day (-1d is today)')
        return max(1, last - days + 1), last
    if ".." in value:
        left, _, right = value.partition("..")
        if not left and not right:
            raise QueryError('bad date "..": give at least one end of the range')
        first = _date_bounds(left, value)[0] if left else 0
        last = _date_bounds(right, value)[1] if right else (1 << 17) - 1
        if first > last:
            raise QueryError(f'bad date range "{value}": it ends before it starts')
        return first, last
    return _date_bounds(value, value)


# A lexed item: an atom (qualifier, value, phrase, negated), "OR", ")", or
# ("(", negated).
_Atom = tuple[str | None, str, bool, bool]


def _lex(text: str) -> list[object]:
    items: list[object] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] == "(":
            items.append(("(", negated))
            depth += 1
            i += 1
            continue
        if text[i] == ")" and not negated and depth:
            items.append(")")
            depth -= 1
            i += 1
            continue
        qualifier = None
        m = _QUALIFIER_RE.match(text, i)
        if m and m[1].lower() in QUALIFIERS:
            qualifier = m[1].lower()
            i = m.end()
        phrase = i < n and text[i] == '"'
        if phrase:
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError(
                    f'unbalanced quote at column {i + 1}: "{text[i : i + 30]}" has no closing "'
                )
            value = text[i + 1 : close]
            i = close + 1
        else:
            j = i
            # Inside a group a word ends at ")" (`(a OR b)`); elsewhere ")" is text.
            while (
                j < n
                and not text[j].isspace()
                and text[j] != '"'
                and not (depth and text[j] == ")")
            ):
                j += 1
            value = text[i:j]
            i = j
        if qualifier is not None and not value.strip():
            raise QueryError(f'"{text[start:i]}" needs a value after {qualifier}:')
        if value == "OR" and not (qualifier or phrase or negated):
            items.append("OR")
        else:
            items.append((qualifier, value, phrase, negated))
    if depth:
        raise QueryError('unbalanced parenthesis: a "(" has no closing ")"')
    return items


# A parsed node: an atom, or a group (negated, its chains); a chain is the
# list of a run's OR alternatives (one element: no OR).
_Node = tuple


def _chains(items: list[object], pos: int, nested: bool) -> tuple[list[list[_Node]], int]:
    chains: list[list[_Node]] = []
    joined = False  # the previous item was OR
    while pos < len(items):
        item = items[pos]
        if item == ")":
            if not nested:
                raise QueryError('unbalanced parenthesis: a ")" has no opening "("')
            break
        if item == "OR":
            if not chains or joined:
                raise QueryError("OR needs a word or a group on each side")
            joined = True
            pos += 1
            continue
        if isinstance(item, tuple) and item[0] == "(":
            inner, pos = _chains(items, pos + 1, True)
            node: _Node = ("group", item[1], inner)
            pos += 1  # the ")"
        else:
            node = ("atom", item)
            pos += 1
        if joined:
            chains[-1].append(node)
        else:
            chains.append([node])
        joined = False
    if joined:
        raise QueryError("OR needs a word or a group on each side")
    return chains, pos


def parse_query(text: str, *, today: str | None = None) -> Query:
    """Parse the search box text. Raises `QueryError` for malformed input.

    `today` (YYYY-MM-DD) anchors date:today and date:-Nd; default
    `digest_day.local_today()`, which honours `$TUI_DIGEST_TODAY`.
    """
    q = Query()
    chains, _ = _chains(_lex(text), 0, False)
    day = today or (local_today() if "date:" in text.lower() else "1970-01-01")
    _add_chains(q, chains, day)
    return q


def _add_chains(q: Query, chains: list[list[_Node]], today: str) -> None:
    for chain in chains:
        if len(chain) > 1:
            options = tuple(o for o in (_option(node) for node in chain) if o)
            if options:
                q.groups.append(AnyOf(options))
        elif chain[0][0] == "atom":
            qualifier, value, phrase, negated = chain[0][1]
            _add(q, qualifier, value, phrase, negated, today)
        elif not chain[0][1]:
            _add_chains(q, chain[0][2], today)  # (a b) alone: its words ANDed
        else:
            option = _option(("group", False, chain[0][2]))
            if option:
                q.groups.append(AnyOf((option,), negated=True))


def _option(node: _Node) -> tuple[Term | AnyOf, ...]:
    """One OR alternative (or a negated group's body) as an AND of FTS5 members."""
    if node[0] == "atom":
        qualifier, value, phrase, negated = node[1]
        if negated:
            raise QueryError(f'"-{value}" cannot be an OR alternative on its own')
        term = _group_term(qualifier, value, phrase, negated)
        return (term,) if term else ()
    _, negated, chains = node
    members: list[Term | AnyOf] = []
    for chain in chains:
        if len(chain) > 1:
            options = tuple(o for o in (_option(n) for n in chain) if o)
            if options:
                members.append(AnyOf(options))
        elif chain[0][0] == "atom":
            term = _group_term(*chain[0][1])
            if term:
                members.append(term)
        else:
            inner = _option(("group", False, chain[0][2]))
            if inner:
                members.append(AnyOf((inner,), negated=chain[0][1]))
    if members and all(m.negated for m in members):
        raise QueryError("a group needs a word that is not excluded")
    if negated:
        return (AnyOf((tuple(members),), negated=True),) if members else ()
    return tuple(members)


def _group_term(qualifier: str | None, value: str, phrase: bool, negated: bool) -> Term | None:
    if qualifier is not None and qualifier not in FIELDS:
        raise QueryError(f"{qualifier}: cannot stand inside OR or -( ); use it outside")
    q = Query()
    _add(q, qualifier, value, phrase, negated, "1970-01-01")
    return q.terms[0] if q.terms else None


def _add(
    q: Query, qualifier: str | None, value: str, phrase: bool, negated: bool, today: str
) -> None:
    if qualifier == "is":
        v = value.strip().lower()
        if v not in IS_VALUES:
            raise QueryError(f'unknown is: value "{value}" (use is:read, is:unread or is:starred)')
        if v == "starred":
            q.starred = not negated
        else:
            q.read = (v == "read") != negated
    elif qualifier == "type":
        v = value.strip().lower()
        if v not in TYPE_VALUES:
            raise QueryError(f'unknown type: value "{value}" (use ' + ", ".join(TYPE_VALUES) + ")")
        q.types.append((TYPE_VALUES[v], negated))
    elif qualifier == "date":
        first, last = _parse_date(value.strip(), today)
        q.dates.append((first, last, negated))
    elif qualifier == "sort":
        v = value.strip().lower()
        if v not in SORT_VALUES or negated:
            raise QueryError(f'unknown sort "{value}" (use ' + ", ".join(SORT_VALUES) + ")")
        q.sort = v
    elif qualifier == "tag":
        q.tags.append((value.strip(), negated))
    elif qualifier == "note":
        q.notes.append((value, negated))
    elif qualifier == "related":
        if negated:
            raise QueryError("-related: is not supported; use related:ID")
        q.related = re.sub(r"(?i)v\d+$", "", value.strip())
    else:
        column = FIELDS[qualifier] if qualifier else None
        if column == "id" and not phrase:
            value = re.sub(r"(?i)v\d+$", "", value)  # 2403.10056v2 -> 2403.10056
        if query_tokens(value):  # punctuation alone searches for nothing
            q.terms.append(Term(value, column, phrase, negated))


# --- Compiling to FTS5 and SQL -------------------------------------------------

# A word of TERM_MIN+ characters becomes the OR of the complete words it
# starts when there are at most this many; beyond, FTS5's own prefix query.
MAX_EXPANSION = 64

Expand = Callable[[str], "list[str] | None"]


def _quote(tokens: Sequence[str]) -> str:
    return '"' + " ".join(tokens) + '"'


# Every token that can stand in a column outside TEXT_COLUMNS: the `ty` words
# (schema.type_tokens, plus EVERY) and the prefix columns' 1-3 character Latin
# prefixes and single CJK characters. A term made only of other tokens matches
# the same rows with or without a column filter, and FTS5 answers it about
# twice as fast without one (it need not decode positions to test columns).
_TYPE_WORDS = frozenset(
    {EVERY, "new", "cross", "replace", "replacecross", "updated", *ANNOUNCE_TYPES}
)


def _outside_text_columns(token: str, prefix: bool = False) -> bool:
    """Whether `token` (as a prefix, when `prefix`) may match outside TEXT_COLUMNS."""
    if len(token) == 2 and is_cjk_run(token):
        return False  # the prefix columns hold single CJK characters only
    if len(token) < TERM_MIN or is_cjk_run(token):
        return True
    token = token.lower()
    if prefix:
        return any(word.startswith(token) for word in _TYPE_WORDS)
    return token in _TYPE_WORDS


def _columns(fields: Sequence[str], tokens: Sequence[str], prefix_last: bool = False) -> str:
    """The column filter a term needs: none when its tokens can only be in TEXT_COLUMNS."""
    if tuple(fields) == TEXT_COLUMNS and not any(
        _outside_text_columns(t, prefix_last and i == len(tokens) - 1) for i, t in enumerate(tokens)
    ):
        return ""
    return "{" + " ".join(fields) + "} : "


def fts_term(term: Term, expand: Expand | None = None) -> str:
    """One term as an FTS5 expression (column filter + phrase, maybe a prefix).

    `expand(prefix)` lists the indexed words that start with `prefix` (None:
    too many to list). Without it, prefixes use FTS5's `"..."*` syntax.
    """
    toks = query_tokens(term.text)
    # A typed word is also a prefix; a quoted phrase is exact, except that a
    # lone CJK character can only be found as the start of a pair.
    last, may_prefix = toks[-1]
    lone_cjk = len(last) == 1 and is_cjk_run(last)
    prefix = may_prefix and (not term.phrase or lone_cjk)
    fields = (term.field,) if term.field else TEXT_COLUMNS
    words = [t for t, _ in toks]
    if not prefix:
        return f"{_columns(fields, words)}{_quote(words)}"
    if len(toks) == 1 and (lone_cjk or len(last) < TERM_MIN):
        # Short prefixes are single tokens of the prefix columns.
        pcols = "{" + " ".join(PREFIX_COLUMNS[f] for f in fields) + "}"
        return f"{pcols} : {_quote(words)}"
    found = expand(last) if expand is not None and len(last) >= TERM_MIN else None
    if found is None:
        return f"{_columns(fields, words, prefix_last=True)}{_quote(words)}*"
    # The complete words the prefix covers (the word itself is always one of
    # the alternatives, so an empty expansion still finds nothing exactly).
    alternatives = sorted({last, *found})
    cols = _columns(fields, [*words[:-1], *alternatives])
    body = " OR ".join(_quote([*words[:-1], w]) for w in alternatives)
    return f"{cols}({body})"


def fts_node(node: Term | AnyOf, expand: Expand | None = None) -> str:
    """A term or an OR group as an FTS5 expression (a negated group's body un-negated)."""
    if isinstance(node, Term):
        return fts_term(node, expand)
    options = []
    for members in node.options:
        pos = " AND ".join(f"({fts_node(m, expand)})" for m in members if not m.negated)
        neg = " OR ".join(f"({fts_node(m, expand)})" for m in members if m.negated)
        options.append(f"({pos}) NOT ({neg})" if neg else pos)
    return " OR ".join(f"({o})" for o in options)


@dataclass(slots=True)
class Plan:
    """SQL for one query.

    `ids_sql` yields paper pks (as `pk`) in listing order; `count_sql` counts them; both
    take `params`. Without a digest, matches come from the FTS5 index (whose
    rowid is the listing key) joined with the small `listing` table only when
    the query asks for read/starred state; with no text it reads `listing`.
    """

    ids_sql: str
    count_sql: str
    params: list[object]


# (first day, last day, key) -> the listing keys above `key` of papers listed
# in a digest of those days: papers listed then and again later.
Relisted = Callable[[int, int, int], list[int]]


def date_cond(
    key: str, first: int, last: int, negated: bool, relisted: Relisted | None = None
) -> str:
    """`date:` as SQL over a listing key: listed in a digest of those days.

    A paper's listing key carries the day of its newest appearance (or its
    published date when it is in no digest), so the key range answers it,
    as a range FTS5 and the listing seek to. Papers listed on those days and
    again later have higher keys: `relisted` names them (usually none, or a
    few), and the range is widened to the highest of them and filtered. Keys
    are integers from the cache and days validated integers, so both are
    written into the SQL as literals.
    """
    lo, hi = day_range_keys(first, last)
    extra = sorted(relisted(first, last, hi)) if relisted is not None else []
    if not extra:
        cond = f"{key} BETWEEN {lo} AND {hi}"
    else:
        keys = ",".join(str(int(k)) for k in extra)
        cond = f"({key} BETWEEN {lo} AND {extra[-1]} AND ({key} <= {hi} OR {key} IN ({keys})))"
    return f"NOT ({cond})" if negated else cond


def day_iso(days: int) -> str:
    return (_EPOCH + _dt.timedelta(days=days)).isoformat()


_EPOCH = _dt.date(1970, 1, 1)


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
    if q.tags or q.notes:
        # Their tables are the store's; `query_user.compile_any` compiles them.
        raise QueryError("tag: and note: are answered by query_user.compile_any")
    relevance = q.sort == "relevance"
    nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
    positive = [fts_node(t, expand) for t in nodes if not t.negated]
    positive += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    negative = [fts_node(t, expand) for t in nodes if t.negated]
    negative += [f'ty : "{tok}"' for tok, neg in q.types if neg]

    params: list[object] = []
    flags: list[str] = []
    if q.read is not None:
        flags.append(f"l.read = {int(q.read)}")
    if q.starred is not None:
        flags.append(f"l.starred = {int(q.starred)}")

    if digest is not None:
        conds = ["d.name = ?", *(f.replace("l.", "p.") for f in flags)]
        digest_params: list[object] = [digest]
        conds += [date_cond("p.sort_key", *d, relisted) for d in q.dates]
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
        conds += [date_cond("l.key", *d, relisted) for d in q.dates]
        cond = (" WHERE " + " AND ".join(conds)) if conds else ""
        return Plan(
            f"SELECT l.pk AS pk FROM listing l{cond} ORDER BY l.key DESC",
            f"SELECT count(*) FROM listing l{cond}",
            params,
        )

    # Only exclusions: everything (every row has the EVERY token) NOT them.
    match = " AND ".join(f"({e})" for e in positive) or f'ty : "{EVERY}"'
    if negative:
        match = f"({match}) NOT ({' OR '.join(f'({e})' for e in negative)})"
    params.append(match)
    # FTS5's rowid is the listing key: a date range is a rowid range it seeks to.
    conds = ["search MATCH ?"]
    conds += [date_cond("s.rowid", *d, relisted) for d in q.dates]
    where = " AND ".join(conds + flags)
    source = "search s CROSS JOIN listing l ON l.key = s.rowid"
    # sort:relevance: FTS5's rank (bm25), ties in listing order.
    order = "s.rank, s.rowid DESC" if relevance and positive else "s.rowid DESC"
    ids = f"SELECT l.pk AS pk FROM {source} WHERE {where} ORDER BY {order}"
    if flags:
        count = f"SELECT count(*) FROM {source} WHERE {where}"
    else:
        count = "SELECT count(*) FROM search s WHERE " + " AND ".join(conds)
    return Plan(ids, count, params)
