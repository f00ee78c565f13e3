"""Where a query's words occur in a displayed text, for highlighting (issue 10 req 6).

`matcher(query)` turns the search box text into a `Matcher`; `Matcher.spans(text)`
gives the (start, end) character ranges to highlight in `text` exactly as it is
displayed, so the UI can style them on a `Text`/`Content` (never as markup).

What counts as a match follows the search (core/search_tokens.py):
- a Latin/digit word matches at the start of a word, as a prefix ("diffus"
  highlights "Diffus" in "Diffusion"); a word inside a quoted phrase that is
  not its last word must match a whole word;
- a Chinese word matches wherever its characters occur together ("遗忘" in
  "灾难性遗忘"); a single character wherever it occurs;
- case is ignored; excluded words (`-survey`, `-(a OR b)`) and qualifiers such
  as `is:` or `date:` highlight nothing; words of every OR alternative do;
- text and words are folded as the index folds them (NFKC, case, accents:
  `fts_fold`, and Ł, Ø, Æ... as ASCII spells them), so `cafe` highlights
  "Café", `gpt` "ＧＰＴ" and `soren` "Søren", as they find them.

Pure and small: no Textual here; the UI caches spans per row.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.query import USER_FIELDS, AnyOf, QueryError, Term, parse_query
from tui_digest.core.search_tokens import _CJK_RUN_RE, _WORD_RE, fold_letters, is_cjk_piece

Span = tuple[int, int]


class _Word:
    """One word of the query as it is looked for in a text.

    (A plain class: a NamedTuple cost the reader's start ~0.2 ms to define,
    issue 13 req 5; nothing needs it to be a tuple.)
    """

    __slots__ = ("latin", "pattern", "whole")

    def __init__(self, pattern: re.Pattern[str], latin: bool, whole: bool) -> None:
        self.pattern = pattern  # the word alone, case ignored
        self.latin = latin  # must start a word (a Latin/digit word; CJK matches anywhere)
        self.whole = whole  # must also end one (a word inside a phrase, before its last)


def _is_latin_word_char(ch: str) -> bool:
    # `\w` minus "_" minus CJK, as the search's tokeniser cuts words (str.isalnum
    # is exactly what `re` counts as a word character, apart from "_").
    return ch.isalnum() and not _CJK_RUN_RE.match(ch)


# Characters whose fold is not one character (ß -> ss, ﬁ -> fi, a combining
# accent -> ""): a text holding none of them folds position for position.
# Never cleared: such characters are few.
_ODD: set[str] = set()


class _CharFold(dict[str, str]):
    """Each character as the index folds it (`search_tokens._normalise`, with
    its `LETTER_FOLDS`, then `fts_fold`), cached; combining marks dropped (the
    index drops accents)."""

    LIMIT = 50_000

    def __missing__(self, ch: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        if unicodedata.category(ch) == "Mn":
            folded = ""
        else:
            folded = fts_fold(unicodedata.normalize("NFKC", fold_letters(ch)).casefold())
        if len(folded) != 1:
            _ODD.add(ch)
        self[ch] = folded
        return folded


_FOLD = _CharFold()


def fold_text(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """`text` folded, and where each folded character starts and ends in `text`
    (None, None: at the same place, the common case)."""
    if text.isascii():
        return text.lower(), None, None
    folded = "".join(map(_FOLD.__getitem__, text))
    if len(folded) == len(text) and _ODD.isdisjoint(text):
        return folded, None, None
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        piece = _FOLD[ch]
        if not piece and ends:
            ends[-1] = i + 1  # a dropped mark belongs to the character before it
        starts += [i] * len(piece)
        ends += [i + 1] * len(piece)
    return folded, starts, ends


# A NamedTuple, for the reader's start (see core.record).
class Matcher(NamedTuple):
    """Where a query's words occur in a text.

    One regex finds where any word occurs (an alternation of the words,
    longest first, case ignored); the word boundaries are checked here. Put in
    the regex as look-arounds, their character class (letters except CJK)
    makes compiling it cost ~3 ms, and a new query is compiled on every
    keystroke of a search (issue 13 req 4). The result is the same as
    the look-around regex's: at each position the first word (in the same
    order) whose boundaries hold wins, and the search resumes after it.
    """

    pattern: re.Pattern[str] | None
    words: tuple[_Word, ...] = ()
    # (field, matcher) for each field a term is limited to (`ti:`, `cat:`...):
    # that field's text marks its words and those of no field; any other
    # text, only those of no field (this matcher).
    fields: tuple[tuple[str, Matcher], ...] = ()

    def in_field(self, field: str) -> Matcher:
        """The matcher of a text of `field` (an FTS column: ti, abs, au, cat, id)."""
        for name, match in self.fields:
            if name == field:
                return match
        return self

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping, sorted (start, end) ranges of `text` to highlight."""
        if self.pattern is None or not text:
            return []
        folded, starts, ends = fold_text(text)
        found = self._spans(self.pattern, folded)
        if starts is None or ends is None:
            return found
        out: list[Span] = []
        for a, b in found:  # back to the text as displayed
            start, end = starts[a], ends[b - 1]
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    def _spans(self, pattern: re.Pattern[str], text: str) -> list[Span]:
        """`spans` of a folded text."""
        out: list[Span] = []
        search = pattern.search
        pos = 0
        while (m := search(text, pos)) is not None:
            start = m.start()
            end = self._accepted(text, start, (m.lastindex or 1) - 1, m.end())
            if end is None:
                pos = start + 1  # no word fits here: the next position
                continue
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
            pos = end
        return out

    def _accepted(self, text: str, start: int, first: int, first_end: int) -> int | None:
        """The end of the first word from `first` on that matches at `start` within bounds."""
        after_word = start > 0 and _is_latin_word_char(text[start - 1])  # only CJK may start
        for i in range(first, len(self.words)):
            word = self.words[i]
            if word.latin and after_word:
                continue
            if i == first:
                end = first_end
            else:
                m = word.pattern.match(text, start)
                if m is None:
                    continue
                end = m.end()
            if word.whole and end < len(text) and _is_latin_word_char(text[end]):
                continue
            return end
        return None

    def __bool__(self) -> bool:
        return self.pattern is not None


NO_MATCH = Matcher(None)


def _positive_terms(nodes: list[Term | AnyOf] | tuple[Term | AnyOf, ...]) -> list[Term]:
    out: list[Term] = []
    for node in nodes:
        if node.negated:
            continue
        if isinstance(node, Term):
            if node.field not in USER_FIELDS:  # a tag or a note is not in the text
                out.append(node)
        else:
            for option in node.options:
                out += _positive_terms(option)
    return out


def _term_words(term: Term) -> list[tuple[str, bool, bool]]:
    """(word, latin, whole) for each word of `term`, folded as texts are."""
    pieces = _WORD_RE.findall(fold_text(term.text)[0])
    out = []
    for i, piece in enumerate(pieces):
        if is_cjk_piece(piece):
            out.append((piece, False, False))
            continue
        # Prefix, except inside a phrase before its last word (as the search).
        out.append((piece, True, term.phrase and i < len(pieces) - 1))
    return out


def matcher(query: str) -> Matcher:
    """The matcher of a search box text (NO_MATCH when it is malformed or has no words).

    It marks the words of no field; `in_field(name)` gives the one of a text of
    that field, which also marks the words limited to it (`ti:diffusion` marks
    titles only; `cat:cs.LG` marks the categories, never "LG" in a title:
    bug hunt s41 auditwidgets #4)."""
    try:
        q = parse_query(query, today="1970-01-01")
    except QueryError:
        return NO_MATCH
    found: dict[str | None, set[tuple[str, bool, bool]]] = {}
    for term in _positive_terms([*q.terms, *q.groups]):
        found.setdefault(term.field, set()).update(_term_words(term))
    anywhere = found.pop(None, set())
    fields = tuple(
        (name, _compiled(anywhere | words)) for name, words in sorted(found.items()) if name
    )
    if not anywhere:
        return Matcher(None, (), fields) if fields else NO_MATCH
    return _compiled(anywhere)._replace(fields=fields)


def _compiled(found: set[tuple[str, bool, bool]]) -> Matcher:
    """The matcher of these (word, latin, whole)."""
    # Longest first, so "diffusion" wins over "diff" at the same place.
    ordered = sorted(found, key=lambda w: (-len(w[0]), w))
    words = tuple(
        _Word(re.compile(re.escape(w), re.IGNORECASE), latin, whole) for w, latin, whole in ordered
    )
    pattern = re.compile("|".join(f"({re.escape(w)})" for w, _, _ in ordered), re.IGNORECASE)
    return Matcher(pattern, words)
