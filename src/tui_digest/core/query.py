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
                          (`(O(n) OR a)`: `_word_end`)
    ti:(a OR b)  -au:(a b)  a qualifier in front of a group applies to each
                          word inside (ti:a OR ti:b, -(au:a au:b)); a word
                          there with another field's is refused (`_close`
                          says what to write, or in a nested group only to
                          qualify each word); is: date: type: sort: there
                          are as outside the group (`_clash`); a word with
                          nothing to search for (`:)`, `🚀`, a lone `-`) is
                          left out as outside (`_searchable`)
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
    A term with nothing to search for (`note:🚀`, `ti:[/]`, `tag:+`) raises
    `IncompleteQuery`; a bare one is left out beside other terms (`C++ -`),
    and alone raises it too (`query_nothing`): it never selects every paper.
    Full-width forms (－ ： （ ） ＂ ｔｉ ＯＲ), curly quotes and the minus sign
    are read as the ASCII of the syntax (a Chinese input method types them).

`parse_query` raises `QueryError` with a message meant for the user.
The modules beside this one: `query_dates` (date: values and their SQL),
`query_fts` (terms as FTS5 expressions), `query_compile` (a `Query` as SQL),
`query_nothing` (the error of a term that searches for nothing).
"""

from __future__ import annotations

import re
from dataclasses import field

from tui_digest.core.digest_day import local_today
from tui_digest.core.errors import IncompleteQuery, QueryError
from tui_digest.core.query_dates import DateRange, is_relative, parse_date
from tui_digest.core.query_nothing import items_text, node_text, nothing_error, shown_term
from tui_digest.core.record import record
from tui_digest.core.search_tokens import cjk_gap_variants, query_tokens

__all__ = ["AnyOf", "IncompleteQuery", "Query", "QueryError", "Term", "parse_query"]


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
    "absonly": "absonly",
    "updated": "updated",
}
SORT_VALUES = ("foryou", "relevance")
QUALIFIERS = (*FIELDS, "is", "type", "date", "sort", "related", "tag", "note")
# In an OR group, `Term.field` may also be one of these: the user's own words,
# not in the FTS index (`query_user` compiles them; everywhere else they are
# `Query.tags` and `Query.notes`).
USER_FIELDS = ("tag", "note")
MAX_TAG = 64  # characters a saved tag keeps


def saved_tag(text: str) -> str:
    """A tag as saving stores it (`store.user_log.clean_tags`): NFKC (full
    width as ASCII), inner spaces as "-", cut to MAX_TAG characters, no leading
    + or -. `tag:"old stuff"` then finds the tag saved as `+'old stuff'`
    (old-stuff; found by a bug hunt)."""
    return "-".join(nfkc(text).split())[:MAX_TAG].lstrip("+-")


def fold_tag(tag: str) -> str:
    """A tag as tags are compared, everywhere (`tag:`, adding, removing, the
    tags dialog): NFKC and case folded. Full width (a Chinese input method's
    `ｒｏｂｏｔｉｃｓ`) was a tag of its own, and `tag:ｒｏｂｏｔｉｃｓ` found
    nothing (found by a bug hunt); tags saved so before are found by the fold."""
    return nfkc(tag).casefold()


def nfkc(text: str) -> str:
    """`text` in NFKC (full width as ASCII: what a tag is saved as)."""
    if text.isascii():
        return text
    import unicodedata  # (not with the reader's first frame)

    return unicodedata.normalize("NFKC", text)


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
        ) and (self.read is None and self.starred is None)


# --- Parsing ------------------------------------------------------------------

MAX_NESTING = 10
_QUALIFIER_RE = re.compile(r"([A-Za-z]+):")

# A lexed item: an atom (qualifier, value, phrase, negated, as typed), "OR",
# ")", or ("(", negated).
_Atom = tuple[str | None, str, bool, bool, str]
# An open group: where it starts, its qualifier, its "(" item's index, and
# the first word inside with a qualifier of another field (`_clash`).
_Open = tuple[int, str | None, int, str | None]


# What a Chinese input method types for the syntax's ASCII: the full-width
# forms U+FF01-FF5E (NFKC's fold: －, ：, （, ｔｉ, ＯＲ), curly quotes and the
# minus sign. One character each, so positions in the folded text are those
# of the query as typed (found by a bug hunt: `－survey` did not exclude).
_SYNTAX_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {
    0x201C: ord('"'),
    0x201D: ord('"'),
    0x2212: ord("-"),
}
# Qualifiers whose value is a keyword or a date, read folded too (is:ｕｎｒｅａｄ).
_KEYWORD_VALUES = ("is", "type", "date", "sort", "related")


def _sign(text: str, i: int) -> tuple[bool, int]:
    """Whether the item at `i` is negated, and where it starts after its sign.

    No term starts with `--`: the README tells a word of the user's that does
    to come after the CLI's `--` (`search -- --word`), and it is that word. It
    was read as `-word` and found every paper WITHOUT the word (bug hunt)."""
    rest = text[i + 1 : i + 3]
    if rest[:1] == "-" and rest[1:2] and not rest[1].isspace() and text[i] == "-":
        return False, i + 2
    if text[i] == "-" and rest[:1] and not rest[0].isspace():
        return True, i + 1
    return False, i


def _lex(typed: str) -> list[object]:
    """The query's items. The syntax is read from the query with full-width
    forms folded (`_SYNTAX_FOLD`); words and phrases keep the text as typed
    (the tokeniser folds it as the index's), keywords are read folded.

    A qualifier in front of a group is given to each word inside it that has
    none (`ti:(a OR b)` is `(ti:a OR ti:b)`, `-au:(a b)` is `-(au:a au:b)`):
    it applied to the first word alone, which kept the "(", and the ")" was
    searched as text, so the answer depended on the words' order (found by a
    bug hunt)."""
    items, opened = _lex_open(typed)
    if opened:
        raise IncompleteQuery('unbalanced parenthesis: a "(" has no closing ")"')
    return items


def open_groups(typed: str) -> int:
    """How many groups are open at the end of `typed` (a query's start), 0 when
    it cannot be read. `rank.listing.split_query` cuts `sort:foryou)` there
    and keeps the ")" that closes a group: it took it with the term, and
    `ti:(graph sort:foryou)` was refused as unbalanced (a regression hunt)."""
    try:
        return len(_lex_open(typed)[1])
    except QueryError:
        return 0


def _lex_open(typed: str) -> tuple[list[object], list[_Open]]:
    """`_lex`'s items, and the groups still open at the end."""
    text = typed.translate(_SYNTAX_FOLD)
    items: list[object] = []
    opened: list[_Open] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated, i = _sign(text, i)
        outer = opened[-1][1] if opened else None
        qualifier = None
        m = _QUALIFIER_RE.match(text, i)
        if m and m[1].lower() in QUALIFIERS:
            qualifier = m[1].lower()
            i = m.end()
        clash = bool(opened) and opened[-1][3] is None and _clash(outer, qualifier)
        if i < n and text[i] == "(":
            if clash:
                opened[-1] = (*opened[-1][:3], typed[start : i + 1] + "…)")
            items.append(("(", negated))
            opened.append((start, qualifier or outer, len(items) - 1, None))
            if len(opened) > MAX_NESTING:
                # Deeper would exhaust Python's recursion or FTS5's expression depth.
                raise QueryError(f"parentheses nest at most {MAX_NESTING} deep")
            i += 1
            continue
        if i < n and text[i] == ")" and opened and not negated and qualifier is None:
            items.append(_close(typed, items, opened, i))
            i += 1
            continue
        phrase = i < n and text[i] == '"'
        if phrase:
            close = text.find('"', i + 1)
            if close < 0:
                raise IncompleteQuery(
                    f'unbalanced quote at column {i + 1}: "{text[i : i + 30]}" has no closing "'
                )
            value = typed[i + 1 : close]
            i = close + 1
        else:
            j = _word_end(text, i, bool(opened))
            value = typed[i:j]
            if (qualifier or outer) in _KEYWORD_VALUES or text[i:j] == "OR":
                value = text[i:j]
            i = j
        if qualifier is not None and not value.strip():
            raise IncompleteQuery(f'"{text[start:i]}" needs a value after {qualifier}:')
        if clash:
            opened[-1] = (*opened[-1][:3], typed[start:i])
        if negated and not (phrase or value or qualifier):  # a lone "-" (`ti:(a -)`)
            negated, value = False, typed[start:i]
        if value == "OR" and not (qualifier or phrase or negated):
            items.append("OR")
        else:
            given = outer if qualifier is None and _searchable(outer, value) else None
            items.append((qualifier or given, value, phrase, negated, typed[start:i]))
    return items, opened


def _searchable(outer: str | None, value: str) -> bool:
    """Whether a group's qualifier is given to a word without one: not when
    the word has nothing to search for (`ti:(a :))`, `ti:(a 🚀)`), which is
    then left out as outside a group. It became `ti::`, refused quoting a
    term nobody typed (found by a regression hunt)."""
    if outer not in FIELDS and outer not in USER_FIELDS:
        return outer is not None
    return bool(saved_tag(value) if outer == "tag" else query_tokens(value))


def _word_end(text: str, i: int, grouped: bool) -> int:
    """Where the word at `i` ends: at a space or a quote; inside a group also
    at a ")" that does not close a "(" of the word's own (`(O(n) OR a)`: the
    word `O(n)`). Outside a group a ")" is text (`O(n log n)`, `1) a 2) b`,
    `:)`, a pasted `LD3M）`), as a ")" no group can close is anywhere: both
    were refused as having no "(" (found by a regression hunt)."""
    depth = 0  # the word's own open parentheses
    j, n = i, len(text)
    while j < n and not text[j].isspace() and text[j] != '"':
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            if grouped and not depth:
                break
            depth = max(depth - 1, 0)
        j += 1
    return j


def _clash(outer: str | None, qualifier: str | None) -> bool:
    """Whether a word's qualifier clashes with its group's (`ti:(a OR au:b)`:
    is au:b searched in titles?): both limit words, to other fields. A filter
    (`ti:(graph date:2024)`) limits no word: it is what it is outside the
    group (and refused where it is, inside OR or `-( )`)."""
    if outer is None or qualifier is None:
        return False
    words = (*FIELDS, *USER_FIELDS)
    return (
        outer in words
        and qualifier in words
        and FIELDS.get(qualifier, qualifier) != FIELDS.get(outer, outer)
    )


def _close(typed: str, items: list[object], opened: list[_Open], i: int) -> str:
    """The ")" at `i`. An empty group (`()`, `ti:( )`) is refused as a term with
    nothing to search for: it found every paper (found by a bug hunt).

    A group holding a word whose qualifier clashes with the group's is refused
    with the query that says what it would mean, the user's AND or OR kept
    (`ti:(graph au:li)`: write ti:graph au:li). It suggested `(ti:… OR au:…)`,
    an OR for an AND, and for date: a form refused too (a regression hunt)."""
    start, qualifier, at, clash = opened.pop()
    last = items[-1] if items else None
    if isinstance(last, tuple) and last[0] == "(":
        shown = typed[start : i + 1]
        raise IncompleteQuery(f'"{shown}" has nothing to search for: the group is empty')
    if clash is not None:
        if opened:  # (`ti:(a (b OR au:c))`: it said "write (b OR au:c)")
            raise QueryError(
                f'{qualifier}:( ) gives {qualifier}: to each word inside, and "{clash}" has '
                f"its own qualifier; give each word its own qualifier instead of {qualifier}:( )"
            )
        negated = bool(items[at][1])  # type: ignore[index]
        inner = items_text(items[at + 1 :])
        whole = not (negated or typed[:start].strip() or typed[i + 1 :].strip())
        rewrite = inner if whole else ("-" if negated else "") + f"({inner})"
        raise QueryError(
            f'{qualifier}:( ) gives {qualifier}: to each word inside, and "{clash}" has its own '
            f"qualifier; write {rewrite}"
        )
    return ")"


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
        raise IncompleteQuery("OR needs a word or a group on each side")
    return chains, pos


def parse_query(text: str, *, today: str | None = None) -> Query:
    """Parse the search box text. Raises `QueryError` for malformed input.

    `today` (YYYY-MM-DD) anchors date:today and date:-Nd; default
    `digest_day.local_today()`, which honours `$TUI_DIGEST_TODAY`.
    """
    q = Query()
    chains, _ = _chains(_lex(text), 0, False)
    # (the clock is read only for a date: term, and only when not given one)
    day = today or (
        local_today() if "date:" in text.translate(_SYNTAX_FOLD).lower() else "1970-01-01"
    )
    _add_chains(q, chains, day)
    if q.ignored and q.is_empty and q.related is None:
        # Only words that search for nothing (`🚀`, `[/]`): it listed every paper.
        raise nothing_error(None, q.ignored[0], False, False)
    if q.related is not None and q.sort is not None:  # (the sort was ignored unsaid)
        raise QueryError(f"related:ID lists by similarity: it takes no sort: (sort:{q.sort})")
    return q


def _add_chains(q: Query, chains: list[list[_Node]], today: str) -> None:
    for chain in chains:
        if len(chain) > 1:
            options = tuple(o for o in (_option(node) for node in chain) if o)
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


def _option(node: _Node) -> tuple[Term | AnyOf, ...]:
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
            options = tuple(o for o in (_option(n) for n in chain) if o)
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
    return tuple(members)


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
            q.starred = not negated
        else:
            q.read = (v == "read") != negated
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
