"""The search language's lexer and grouping: a query's text as items (words,
phrases, OR, parentheses) and the items as chains of OR alternatives.
`query.parse_query` turns the chains into a `Query`; the syntax is described
there."""

from __future__ import annotations

import re

from tui_digest.core.errors import IncompleteQuery, QueryError
from tui_digest.core.query_nothing import items_text
from tui_digest.core.query_words import FIELDS, QUALIFIERS, USER_FIELDS, saved_tag
from tui_digest.core.search_tokens import query_tokens

MAX_NESTING = 10
# Distinct words and phrases a query may hold. One had no limit: 20,000 words
# pasted into the search box (120 KB) took a minute and 700 MB, the reader
# stuck meanwhile (bug hunt `huge`); 1,000 ORed or ANDed still answer in
# about a second at 3,000 papers. A word repeated counts once (`parse_query`
# keeps one term of it).
MAX_WORDS = 1_000
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
SYNTAX_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {
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


def lex(typed: str) -> list[object]:
    """The query's items. The syntax is read from the query with full-width
    forms folded (`SYNTAX_FOLD`); words and phrases keep the text as typed
    (the tokeniser folds it as the index's), keywords are read folded.

    A qualifier in front of a group is given to each word inside it that has
    none (`ti:(a OR b)` is `(ti:a OR ti:b)`, `-au:(a b)` is `-(au:a au:b)`):
    it applied to the first word alone, which kept the "(", and the ")" was
    searched as text, so the answer depended on the words' order (found by a
    bug hunt)."""
    items, opened = lex_open(typed)
    if opened:
        raise IncompleteQuery('unbalanced parenthesis: a "(" has no closing ")"')
    return items


def open_groups(typed: str) -> int:
    """How many groups are open at the end of `typed` (a query's start), 0 when
    it cannot be read. `rank.listing.split_query` cuts `sort:foryou)` there
    and keeps the ")" that closes a group: it took it with the term, and
    `ti:(graph sort:foryou)` was refused as unbalanced (a regression hunt)."""
    try:
        return len(lex_open(typed)[1])
    except QueryError:
        return 0


def lex_open(typed: str) -> tuple[list[object], list[_Open]]:
    """`lex`'s items, and the groups still open at the end."""
    text = typed.translate(SYNTAX_FOLD)
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
    _check_words(items)
    return items, opened


def _check_words(items: list[object]) -> None:
    """Refuse more than MAX_WORDS distinct words and phrases."""
    words = {item for item in items if isinstance(item, tuple) and item[0] != "("}
    if len(words) > MAX_WORDS:
        raise QueryError(
            f"the search has more than {MAX_WORDS:,} words and phrases ({len(words):,}); shorten it"
        )


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
Node = tuple


def chains(items: list[object], pos: int, nested: bool) -> tuple[list[list[Node]], int]:
    found: list[list[Node]] = []
    joined = False  # the previous item was OR
    while pos < len(items):
        item = items[pos]
        if item == ")":
            if not nested:
                raise QueryError('unbalanced parenthesis: a ")" has no opening "("')
            break
        if item == "OR":
            if not found or joined:
                raise QueryError("OR needs a word or a group on each side")
            joined = True
            pos += 1
            continue
        if isinstance(item, tuple) and item[0] == "(":
            inner, pos = chains(items, pos + 1, True)
            node: Node = ("group", item[1], inner)
            pos += 1  # the ")"
        else:
            node = ("atom", item)
            pos += 1
        if joined:
            found[-1].append(node)
        else:
            found.append([node])
        joined = False
    if joined:
        raise IncompleteQuery("OR needs a word or a group on each side")
    return found, pos
