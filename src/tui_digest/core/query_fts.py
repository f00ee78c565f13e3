"""Query terms as FTS5 expressions over the search index (see `search_index`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.model import ANNOUNCE_TYPES
from tui_digest.core.query import AnyOf, Term
from tui_digest.core.search_index import EVERY, PREFIX_COLUMNS, TERM_MIN, TEXT_COLUMNS
from tui_digest.core.search_tokens import is_cjk_run, query_tokens

# A word of TERM_MIN+ characters becomes the OR of the complete words it
# starts when there are at most this many; beyond, FTS5's own prefix query.
MAX_EXPANSION = 64

Expand = Callable[[str], "list[str] | None"]


def _quote(tokens: Sequence[str]) -> str:
    # Folded here, as the index's text is (`fts_fold`): FTS5 no longer does it.
    return '"' + fts_fold(" ".join(tokens)) + '"'


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


def _columns(fields: Sequence[str], phrases: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """The column filter the OR of `phrases` ((token, is a prefix) lists) needs.

    None when each phrase has a token that can only be in TEXT_COLUMNS: a
    phrase matches inside one column, so that token keeps it there. (`"chain
    of thought"`: `of` may be a prefix-column token, `chain` cannot; without
    the filter FTS5 need not decode the positions of every row of `of` to
    test columns: 500k papers, 11.6 -> 8.7 ms.)
    """
    if tuple(fields) == TEXT_COLUMNS and all(
        any(not _outside_text_columns(t, prefix) for t, prefix in phrase) for phrase in phrases
    ):
        return ""
    return "{" + " ".join(fields) + "} : "


def term_tokens(term: Term) -> tuple[list[str], bool]:
    """The tokens a term stands for in the index's text, in order (not folded
    by `fts_fold` yet), and whether the last one may be a prefix of a token.

    A typed word is also a prefix; a quoted phrase is exact, except that a
    lone CJK character can only be found as the start of a pair. Notes are
    matched by the same rule (`query_notes.note_pattern`). No tokens: the
    term searches for nothing (the parser drops such terms).
    """
    toks = query_tokens(term.text)
    if not toks:
        return [], False
    last, may_prefix = toks[-1]
    lone_cjk = len(last) == 1 and is_cjk_run(last)
    return [t for t, _ in toks], may_prefix and (not term.phrase or lone_cjk)


def fts_term(term: Term, expand: Expand | None = None) -> str:
    """One term as an FTS5 expression (column filter + phrase, maybe a prefix).

    `expand(prefix)` lists the indexed words that start with `prefix` (None:
    too many to list). Without it, prefixes use FTS5's `"..."*` syntax.
    """
    words, prefix = term_tokens(term)
    last = words[-1]
    lone_cjk = len(last) == 1 and is_cjk_run(last)
    fields = (term.field,) if term.field else TEXT_COLUMNS
    exact = [(w, False) for w in words[:-1]]
    if not prefix:
        return f"{_columns(fields, [[*exact, (last, False)]])}{_quote(words)}"
    if len(words) == 1 and (lone_cjk or len(last) < TERM_MIN):
        # Short prefixes are single tokens of the prefix columns.
        pcols = "{" + " ".join(PREFIX_COLUMNS[f] for f in fields) + "}"
        return f"{pcols} : {_quote(words)}"
    found = expand(last) if expand is not None and len(last) >= TERM_MIN else None
    if found is None:
        return f"{_columns(fields, [[*exact, (last, True)]])}{_quote(words)}*"
    # The complete words the prefix covers (the word itself is always one of
    # the alternatives, so an empty expansion still finds nothing exactly).
    alternatives = sorted({last, *found})
    cols = _columns(fields, [[*exact, (w, False)] for w in alternatives])
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
