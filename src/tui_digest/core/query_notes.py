"""The rule for papers that have a note, as SQL over one such paper.

Once some paper has a note, a query's bare words also match notes: a paper
matches when every AND-ed part of the query (a term, an OR group, a type) is
satisfied by its text or by its note. A bare word (or "phrase") is satisfied
by its text or by its note holding it as the text would (`note_pattern`); a word with a field
(`ti:`, `au:`...) and `type:` only by the text; an OR group when one of its
options is, an option when each of its members is (so in `(graph neural) OR
图`, `graph` may be in the text and `neural` in the note); `tag:` and `note:`
members by the user's tags and note. `-word` and `-( )` exclude a paper whose
text or note satisfies them (`-word`: the word is in the text or the note).

A paper whose note holds none of the query's bare words (as most papers
have no note) is thus answered by its text alone: the one FTS5 match of
`compile_query`. Only the papers whose note holds one of them (`noted_with`:
a scan of the user's few notes) need the rule part by part, here: `instr` on
the note's tokens first, then an FTS5 lookup of that one row (`search MATCH ?
AND rowid = key`, ~50 us at 65k papers) for what the note does not hold.
`query_user` puts the two sides together.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.query import USER_FIELDS, AnyOf, Query, Term
from tui_digest.core.query_compile import fts_parts, joined, whole_match
from tui_digest.core.query_fts import Expand, fts_node, fts_term, term_tokens
from tui_digest.core.search_tokens import index_pair

# The notes with their papers (`n`, `np`).
NOTES = "paper_notes n JOIN papers np ON np.id = n.id"


def fold_note(text: str) -> str:
    """What note searches compare (`paper_notes.folded`): the note's tokens as
    the search index holds a text's (`search_tokens.index_pair`: NFKC,
    case-folded, accents off, Chinese as character pairs), with a space on
    each side, so that " tok" is found only where a token starts.

    It was the note lower-cased with accents off, searched for any substring:
    `ran` found "Transformer", and full-width `ＢＥＲＴ` (a Chinese input
    method's) was not `bert` (found by a bug hunt). `schema.refold_notes`
    refolds the notes a cache stored the old way."""
    return f" {index_pair(text)[0]} "


def note_pattern(term: Term) -> str | None:
    """What a note's `fold_note` holds when it has `term` (a word, a phrase,
    `note:`'s text), found with `instr`: its tokens as FTS5 matches them in the
    text (`term_tokens`), from a token's start, the last one whole unless it
    may be a prefix. None: no tokens (punctuation), nothing to find."""
    words, prefix = term_tokens(term)
    if not words:
        return None
    return " " + fts_fold(" ".join(words)) + ("" if prefix else " ")


def note_words(nodes: Sequence[Term | AnyOf]) -> list[str]:
    """The `note_pattern`s of the bare words (terms without a field), at any
    depth, of either sign."""
    words: list[str] = []
    for node in nodes:
        if isinstance(node, Term):
            pattern = note_pattern(node) if node.field is None else None
            if pattern is not None:
                words.append(pattern)
        else:
            for option in node.options:
                words += note_words(option)
    return list(dict.fromkeys(words))


def holds_any(words: Sequence[str]) -> str:
    """SQL: the note `n.folded` holds one of `words` (one parameter each)."""
    return "(" + joined("OR", ["instr(n.folded, ?) > 0" for _ in words]) + ")"


def noted_with(words: Sequence[str], column: str) -> tuple[str, list[str]]:
    """SQL of `column` ("sort_key" or "pk") of the papers whose note holds one of `words`."""
    return f"SELECT np.{column} FROM {NOTES} WHERE {holds_any(words)}", list(words)


def text_match(q: Query, expand: Expand | None) -> str:
    """The query's terms, groups and types as one FTS5 match of the papers' text,
    as `compile_query` builds it. No tag: or note: may stand in its groups."""
    return whole_match(*fts_parts(q, expand))


def tags_cond(pk: str) -> str:
    """SQL: the paper of `pk` has the tag given as the one parameter, both folded (`fold_tag`).

    Tags are matched in any case, as they are edited (`str.casefold`): the
    column's NOCASE folds ASCII only (`tag:STRASSE` missed `Straße`). The store's
    connections define `fold_tag` (`store.connection`); tags are few, so reading
    them all is cheap."""
    return (
        f"{pk} IN (SELECT tp.pk FROM paper_tags t JOIN papers tp ON tp.id = t.id "
        "WHERE fold_tag(t.tag) = fold_tag(?))"
    )


class NoteRule:
    """The rule as SQL conditions over one paper: `key` its listing key (the
    FTS5 rowid), `pk` its pk, `folded` its folded note (`paper_notes.folded`).

    `bulk`: the text is tested by reading each part's whole match once (for
    many papers) instead of looking the paper's row up (for a few).
    """

    def __init__(
        self, expand: Expand | None, *, key: str, pk: str, folded: str, bulk: bool = False
    ) -> None:
        self.expand = expand
        self.row_match = f"EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND rowid = {key})"
        if bulk:
            # Many papers to test (a count): each part's matches read once.
            self.row_match = f"{key} IN (SELECT rowid FROM search WHERE search MATCH ?)"
        self.in_note = f"instr({folded}, ?) > 0"
        self.in_tags = tags_cond(pk)

    def query(self, q: Query) -> tuple[list[str], list[object]]:
        """Conditions (AND-ed) for the query's terms, groups and types."""
        conds: list[str] = []
        params: list[object] = []
        # The note's parts first: `instr` is cheap, a row lookup is not.
        nodes: list[Term | AnyOf] = [*q.terms, *q.groups]
        for node in sorted(nodes, key=lambda n: not isinstance(n, Term)):
            cond, inner = self.node(node)
            conds.append(cond)
            params += inner
        for tok, neg in q.types:
            conds.append(("NOT " if neg else "") + self.row_match)
            params.append(f'ty : "{tok}"')
        return conds, params

    def node(self, node: Term | AnyOf) -> tuple[str, list[object]]:
        """One term or group, its own negation included."""
        if isinstance(node, Term):
            cond, params = self._term(node)
        else:
            cond, params = self._group(node)
        return ("NOT " + cond if node.negated else cond), params

    def _term(self, t: Term) -> tuple[str, list[object]]:
        if t.field == "tag":
            return self.in_tags, [t.text]
        if t.field == "note":
            return self.in_note, [note_pattern(t)]
        match = fts_term(t, self.expand)
        pattern = note_pattern(t)
        if t.field is not None or pattern is None:
            return self.row_match, [match]
        return f"({self.in_note} OR {self.row_match})", [pattern, match]

    def _group(self, group: AnyOf) -> tuple[str, list[object]]:
        params: list[object] = []
        plain = [o[0] for o in group.options if len(o) == 1 and isinstance(o[0], Term)]
        if len(plain) == len(group.options) and all(_plain(m) for m in plain):
            # `a OR b OR "c d"`: a note holding one of the bare words, or the
            # text matching the group (one row lookup instead of one a word).
            notes = note_words(plain)
            conds = [self.in_note for _ in notes] + [self.row_match]
            params += notes
            params.append(fts_node(AnyOf(group.options), self.expand))
            return "(" + joined("OR", conds) + ")", params
        options: list[str] = []
        for members in group.options:
            conds = []
            for m in members:
                cond, inner = self.node(m)
                conds.append(cond)
                params += inner
            options.append("(" + joined("AND", conds) + ")")
        return "(" + joined("OR", options) + ")", params


def _plain(term: Term) -> bool:
    """A positive word or phrase of the text (not tag: or note:)."""
    return not term.negated and term.field not in USER_FIELDS
