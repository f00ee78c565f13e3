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
    "扩散 模型"  扩散，模型  Chinese runs apart in a phrase or word: found written
                          together or apart (`_spelt`: the OR of the forms)
    -word  -"a phrase"    exclude papers that match
    ti: au: abs: cat: id: limit a word or "phrase" to titles, authors,
                          abstracts and summary, categories, arXiv id
                          (ti:"graph neural", -au:smith, id:2403.10056)
    is:unread is:read is:starred   (-is:starred: not starred)
    type:new type:cross type:replace type:replace-cross type:updated
                          replace-cross is both a replacement and a cross-list,
                          so type:replace and type:cross also match it;
                          type:replace-cross matches only it. Inside a
                          digest, the type that digest's listing gave the
                          paper (`query_compile.listing_type_conds`)
    date:2024  date:2024-03  date:2024-03-18  date:2024-03-01..2024-03-31
    date:2024-03..  date:..2024-02  date:today  date:-7d
                          listed in a digest of those days (every day a paper
                          was listed counts); a paper in no digest by its
                          published date. date:today and date:-7d have no
                          end: from the local today (or the 6 days before
                          it) on, since a list carries arXiv's US-Eastern
                          day or the generator's UTC day, which can be
                          after the local today (an evening in Los
                          Angeles); the clock is `$TUI_DIGEST_TODAY` when
                          set (digest_day.local_today).
                          Listing keys hold 1970-01-02..2328-11-11: a range
                          reaching past them is clamped (..2999 = from then
                          on), a date wholly outside them refused
    diffusion OR 扩散      either word; OR binds tighter than the implicit AND
                          (`agent planning OR 规划` = agent AND (planning OR
                          规划)); parentheses group: (a b) OR c, -(a OR b).
                          Inside an OR or -( ) only words and phrases (with
                          ti: au: abs: cat: id:), tag: and note: may stand
                          (`tag:robotics OR 机器人`); OR must be capitals.
                          An empty group is refused. A ")" no group can
                          close is text (`O(n log n)`, `1) a`, `:)`), and so
                          are a word's own parentheses inside a group
                          (`(O(n) OR a)`: `query_lex._word_end`)
    ti:(a OR b)  -au:(a b)  a qualifier in front of a group applies to each
                          word inside (ti:a OR ti:b, -(au:a au:b)); a word
                          there with another field's is refused (`query_lex._close`
                          says what to write, or in a nested group only to
                          qualify each word); is: date: type: sort: there
                          are as outside the group (`query_lex._clash`); a word with
                          nothing to search for (`:)`, `🚀`, a lone `-`) is
                          left out as outside (`query_lex._searchable`)
    sort:relevance        best FTS5 rank (bm25) first instead of listing order
    sort:foryou           rank by the user's For you model instead of listing
                          order; `compile_query` ignores it (core never ranks:
                          the `rank` layer above reorders what it lists)
    related:ID            the papers most like paper ID; answered only by the
                          `rank` layer (`compile_query` refuses it); one per
                          query, and without sort:
    tag:robotics          papers with this tag of the user's (any case)
    note:word note:"a phrase"   papers whose note contains this word or
                          phrase, matched as in the text (a word from a word's
                          start); bare words also match notes, in OR groups
                          too (see `query_notes`)
    2403.10056v2  arXiv:2403.10056  https://arxiv.org/abs/2403.10056
                          a paper id as shown or copied: searched as the bare id
    A word such as `foo:bar` with an unknown qualifier is searched as text.
    At most `query_lex.MAX_WORDS` different words and phrases; a word or
    group repeated is one condition, as is an OR alternative repeated or a
    word repeated in one; at most `MAX_TERMS` words and phrases in all, each
    counted in every alternative holding it.
    A term with nothing to search for (`note:🚀`, `ti:[/]`, `tag:+`) raises
    `IncompleteQuery`; a bare one is left out beside other terms (`C++ -`),
    and alone raises it too (`query_nothing`): it never selects every paper.
    Full-width forms (－ ： （ ） ＂ ｔｉ ＯＲ), curly quotes and the minus sign
    are read as the ASCII of the syntax (a Chinese input method types them).

`parse_query` raises `QueryError` with a message meant for the user.
The modules beside this one: `query_dates` (date: values and their SQL),
`query_fts` (terms as FTS5 expressions), `query_compile` (a `Query` as SQL),
`query_nothing` (the error of a term that searches for nothing),
`query_words` (qualifiers, keyword values, tags as saved), `query_lex` (the
lexer and grouping).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import field
from typing import TypeVar

from tui_digest.core.digest_day import local_today
from tui_digest.core.errors import IncompleteQuery, QueryError
from tui_digest.core.query_dates import DateRange, is_relative, parse_date
from tui_digest.core.query_lex import MAX_WORDS, SYNTAX_FOLD, Node, chains, lex, open_groups
from tui_digest.core.query_nothing import node_text, nothing_error, shown_term
from tui_digest.core.query_words import (
    FIELDS,
    IS_VALUES,
    MAX_TAG,
    SORT_VALUES,
    TYPE_VALUES,
    USER_FIELDS,
    fold_tag,
    nfkc,
    saved_tag,
)
from tui_digest.core.record import record
from tui_digest.core.search_tokens import cjk_gap_variants, query_tokens

# The vocabulary and the lexer live in `query_words` and `query_lex`; their
# names used elsewhere are re-exported here, where callers always found them.
__all__ = [
    "MAX_TAG",
    "USER_FIELDS",
    "AnyOf",
    "IncompleteQuery",
    "Query",
    "QueryError",
    "Term",
    "fold_tag",
    "nfkc",
    "open_groups",
    "parse_query",
    "saved_tag",
]


N = TypeVar("N", bound="Term | AnyOf")
# Words and phrases searched in all, each counted in every OR option holding it:
# 1,000 different words can make many different options (`(a b) OR (a c) …`).
# FTS5 holds each one's matches: with 779 papers, 1,000 common words ORed take
# 110 MB, 2,000 in 1,000 pairs 260 MB, 5,000 in pairs 580 MB.
MAX_TERMS = 2 * MAX_WORDS


@record(frozen=True)
class Term:
    """One search word or phrase, maybe limited to a field, maybe negated."""

    text: str
    # An FTS column, None for every text column, or (in OR groups only) one of USER_FIELDS.
    field: str | None = None
    phrase: bool = False
    negated: bool = False


@record(frozen=True)
class AnyOf:
    """`a OR (b c)`: any one of `options`, each an AND of terms and groups.

    A negated group (`-(a OR b)`, `-(a b)`) excludes what it matches; inside an
    option a negated member needs a positive one beside it (FTS5 `x NOT y`).
    """

    options: tuple[tuple[Term | AnyOf, ...], ...]
    negated: bool = False


@record()
class Query:
    """A parsed search: terms and OR groups (ANDed), flags, types, dates, the order."""

    terms: list[Term] = field(default_factory=list)
    groups: list[AnyOf] = field(default_factory=list)  # OR groups, ANDed with terms
    read: bool | None = None
    starred: bool | None = None
    # Two is: terms that ask a flag both ways (`is:read is:unread`, `is:starred
    # -is:starred`): nothing matches, as with `tag:x -tag:x`. The last one won,
    # and `is:read` then the reader's `u` listed every unread paper (bug hunt).
    flags_clash: bool = False
    types: list[tuple[str, bool]] = field(default_factory=list)  # (token, negated)
    dates: list[DateRange] = field(default_factory=list)
    sort: str | None = None  # one of SORT_VALUES; None = listing order
    related: str | None = None  # an arXiv id (no version)
    tags: list[tuple[str, bool]] = field(default_factory=list)  # (tag, negated)
    notes: list[Term] = field(default_factory=list)  # note: terms (field "note")
    # Bare words that search for nothing (punctuation, emoji), as typed: left
    # out beside other terms; alone, the query is refused (`parse_query`).
    ignored: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.terms or self.groups or self.types or self.dates or self.tags or self.notes
        ) and (self.read is None and self.starred is None and not self.flags_clash)


def parse_query(text: str, *, today: str | None = None) -> Query:
    """Parse the search box text. Raises `QueryError` for malformed input.

    `today` (YYYY-MM-DD) anchors date:today and date:-Nd; default
    `digest_day.local_today()`, which honours `$TUI_DIGEST_TODAY`.
    """
    q = Query()
    parsed, _ = chains(lex(text), 0, False)
    # (the clock is read only for a date: term, and only when not given one)
    day = today or (
        local_today() if "date:" in text.translate(SYNTAX_FOLD).lower() else "1970-01-01"
    )
    _add_chains(q, parsed, day)
    # A word or group repeated is one condition (ANDed with itself): each was
    # a term of its own, and a pasted block of repeats took minutes (`huge`).
    q.terms = _first_of_each(q.terms)
    q.groups = _first_of_each(q.groups)
    # So is a qualifier: `date:today` x1000 was refused as too deep for
    # SQLite, and 2,000 `tag:foo` were searched 2,000 times (hunt `regtz` #5).
    q.notes = _first_of_each(q.notes)
    q.dates = list(dict.fromkeys(q.dates))
    q.tags = list(dict.fromkeys(q.tags))
    q.types = list(dict.fromkeys(q.types))
    searched = len(q.terms) + len(q.notes) + sum(_size(group) for group in q.groups)
    if searched > MAX_TERMS:
        raise QueryError(
            f"the search has more than {MAX_TERMS:,} words and phrases in all ({searched:,}, "
            "each counted in every OR alternative holding it); shorten it"
        )
    if q.ignored and q.is_empty and q.related is None:
        # Only words that search for nothing (`🚀`, `[/]`): it listed every paper.
        raise nothing_error(None, q.ignored[0], False, False)
    if q.related is not None and q.sort is not None:  # (the sort was ignored unsaid)
        raise QueryError(f"related:ID lists by similarity: it takes no sort: (sort:{q.sort})")
    return q


def _first_of_each(nodes: list[N]) -> list[N]:
    """`nodes` in order, each search only the first time it comes."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for node in nodes:
        if (key := _key(node)) not in seen:
            seen.add(key)
            kept.append(node)
    return kept


def _first_options(
    options: Iterable[tuple[Term | AnyOf, ...]],
) -> tuple[tuple[Term | AnyOf, ...], ...]:
    """The OR alternatives that search for something, each only the first time it
    comes: `graph OR graph …` x10,000 kept every one (14 s and 2.4 GB; found by
    a regression hunt)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for option in options:
        if option and (key := tuple(_key(n) for n in option)) not in seen:
            seen.add(key)
            kept.append(option)
    return tuple(kept)


def _size(node: Term | AnyOf) -> int:
    """The words and phrases `node` searches, each counted in every option holding it."""
    if isinstance(node, Term):
        return 1
    return sum(_size(n) for option in node.options for n in option)


def _key(node: Term | AnyOf) -> tuple[object, ...]:
    """What a term or group searches for (records have no equality of their own)."""
    if isinstance(node, Term):
        return (node.text, node.field, node.phrase, node.negated)
    return (node.negated, tuple(tuple(_key(n) for n in option) for option in node.options))


def _add_chains(q: Query, chains: list[list[Node]], today: str) -> None:
    for chain in chains:
        if len(chain) > 1:
            options = _first_options(_option(node) for node in chain)
            if options:
                q.groups.append(AnyOf(options))
            else:  # `🚀 OR [/]`
                q.ignored.append(" OR ".join(node_text(node) for node in chain))
        elif chain[0][0] == "atom":
            qualifier, value, phrase, negated, _ = chain[0][1]
            _add(q, qualifier, value, phrase, negated, today)
        elif not chain[0][1]:
            _add_chains(q, chain[0][2], today)  # (a b) alone: its words ANDed
        else:
            option = _option(("group", False, chain[0][2]))
            if option:
                q.groups.append(AnyOf((option,), negated=True))
            else:  # `-(🚀)`
                q.ignored.append(node_text(chain[0]))


def _option(node: Node) -> tuple[Term | AnyOf, ...]:
    """One OR alternative (or a negated group's body) as an AND of FTS5 members."""
    if node[0] == "atom":
        qualifier, value, phrase, negated, typed = node[1]
        if negated:
            # As typed: the qualifier and quotes kept (it said "-old" for
            # -tag:old), not one given by the group's (`ti:(a OR -b)`: it
            # said "-ti:b"; found by a regression hunt).
            raise QueryError(f'"{typed}" cannot be an OR alternative on its own')
        term = _group_term(qualifier, value, phrase, negated)
        return (term,) if term else ()
    _, negated, chains = node
    if negated:
        # Only an OR alternative reaches here negated (`a OR -(b c)`): FTS5 has
        # no NOT on its own (it was an FTS5 syntax error, a traceback).
        raise QueryError('"-( )" cannot be an OR alternative on its own; exclude it outside the OR')
    members: list[Term | AnyOf] = []
    for chain in chains:
        if len(chain) > 1:
            options = _first_options(_option(n) for n in chain)
            if options:
                members.append(AnyOf(options))
        elif chain[0][0] == "atom":
            term = _group_term(*chain[0][1][:4])
            if term:
                members.append(term)
        else:
            inner = _option(("group", False, chain[0][2]))
            if inner:
                members.append(AnyOf((inner,), negated=chain[0][1]))
    if members and all(m.negated for m in members):
        raise QueryError("a group needs a word that is not excluded")
    return tuple(_first_of_each(members))


def _group_term(
    qualifier: str | None, value: str, phrase: bool, negated: bool
) -> Term | AnyOf | None:
    if qualifier in USER_FIELDS:
        # The user's tags and notes: `query_user` compiles a group holding them.
        text = saved_tag(value) if qualifier == "tag" else value
        found = text.strip() if qualifier == "tag" else query_tokens(text)
        if not found:  # (it was left out unsaid: see `query_nothing`)
            raise nothing_error(qualifier, value, phrase, negated)
        if qualifier == "tag":
            return Term(text, qualifier, phrase, negated)
        return _spelt(text, qualifier, phrase, negated)
    if qualifier is not None and qualifier not in FIELDS:
        raise QueryError(f"{qualifier}: cannot stand inside OR or -( ); use it outside")
    q = Query()
    _add(q, qualifier, value, phrase, negated, "1970-01-01")
    return q.terms[0] if q.terms else q.groups[0] if q.groups else None


def _spelt(text: str, field: str | None, phrase: bool, negated: bool) -> Term | AnyOf:
    """A word or phrase; when Chinese runs in it stand apart (`"扩散 模型"`),
    the OR of the ways a text may write it, each gap closed or kept
    (`search_tokens.cjk_gap_variants`), as a gap between Latin words matches
    a space, a hyphen or a comma."""
    variants = cjk_gap_variants(text)
    if not variants:
        return Term(text, field, phrase, negated)
    return AnyOf(tuple((Term(v, field, phrase),) for v in (text, *variants)), negated)


def _add(
    q: Query, qualifier: str | None, value: str, phrase: bool, negated: bool, today: str
) -> None:
    if qualifier == "is":
        v = value.strip().lower()
        if v not in IS_VALUES:
            raise QueryError(f'unknown is: value "{value}" (use is:read, is:unread or is:starred)')
        if v == "starred":
            q.flags_clash |= q.starred is not None and q.starred == negated
            q.starred = not negated
        else:
            wanted = (v == "read") != negated
            q.flags_clash |= q.read is not None and q.read != wanted
            q.read = wanted
    elif qualifier == "type":
        v = value.strip().lower()
        if v not in TYPE_VALUES:
            raise QueryError(f'unknown type: value "{value}" (use ' + ", ".join(TYPE_VALUES) + ")")
        q.types.append((TYPE_VALUES[v], negated))
    elif qualifier == "date":
        first, last = parse_date(value.strip(), today)
        relative = is_relative(value.strip())
        q.dates.append(DateRange(first, last, negated, relative))
    elif qualifier == "sort":
        q.sort = _sort(value, negated)
    elif qualifier == "tag":
        if not saved_tag(value):  # `tag:+`: no tag is saved so
            raise nothing_error(qualifier, value, phrase, negated)
        q.tags.append((saved_tag(value), negated))
    elif qualifier == "note":
        if not query_tokens(value):
            raise nothing_error(qualifier, value, phrase, negated)
        node = _spelt(value, "note", phrase, negated)
        if isinstance(node, Term):
            q.notes.append(node)
        else:  # (an OR group may hold note: terms: `query_user`)
            q.groups.append(node)
    elif qualifier == "related":
        q.related = _related(q, value, negated)
    else:
        _add_text(q, qualifier, value, phrase, negated)


def _add_text(q: Query, qualifier: str | None, value: str, phrase: bool, negated: bool) -> None:
    """A word or phrase of the papers' text, maybe in a field."""
    column = FIELDS[qualifier] if qualifier else None
    if column in (None, "id") and not phrase:
        # A paper id as the reader shows or copies it (2403.10056v2,
        # arXiv:2403.10056, an arxiv.org link) searches for the bare id,
        # as the index holds it. Tried in NFKC: a Chinese input method's
        # `arXiv：2403.10056` (as Chinese abstracts write it), `ａｒＸｉｖ:`
        # or full-width digits found nothing (found by a bug hunt).
        value = _paper_id(nfkc(value)) or value
    if query_tokens(value):
        node = _spelt(value, column, phrase, negated)
        if isinstance(node, Term):
            q.terms.append(node)
        else:
            q.groups.append(node)
    elif qualifier is not None:  # `ti:🚀`: the user asked for it in a field
        raise nothing_error(qualifier, value, phrase, negated)
    else:  # punctuation beside words (`C++ - tips`) searches for nothing
        q.ignored.append(shown_term(qualifier, value, phrase, negated))


def _related(q: Query, value: str, negated: bool) -> str:
    if negated:
        raise QueryError("-related: is not supported; use related:ID")
    if q.related is not None:  # (the last one was used, the others dropped unsaid)
        raise QueryError(f"one related:ID per query (related:{q.related} and related:{value})")
    return _paper_id(value) or re.sub(r"(?i)v\d+$", "", value.strip())


def _sort(value: str, negated: bool) -> str:
    v = value.strip().lower()
    if v not in SORT_VALUES:
        raise QueryError(f'unknown sort "{value}" (use ' + ", ".join(SORT_VALUES) + ")")
    if negated:  # (it said 'unknown sort "relevance"')
        raise QueryError(f"-sort: is not supported; use sort:{v}")
    return v


def _paper_id(word: str) -> str | None:
    """`arxiv_id.word_arxiv_id`; that module is loaded for a word with a digit
    only (not before the reader's first frame: issue 13 req 5)."""
    if not any(c.isdigit() for c in word):
        return None
    from tui_digest.core.arxiv_id import word_arxiv_id

    return word_arxiv_id(word)
