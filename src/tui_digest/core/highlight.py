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
  as `is:` or `date:` highlight nothing; words of every OR alternative do.

Pure and small: no Textual here; the UI caches spans per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_digest.core.query import AnyOf, QueryError, Term, parse_query
from tui_digest.core.search_tokens import _CJK, _WORD_RE, is_cjk_run

Span = tuple[int, int]


@dataclass(slots=True, frozen=True)
class Matcher:
    pattern: re.Pattern[str] | None

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping, sorted (start, end) ranges of `text` to highlight."""
        if self.pattern is None or not text:
            return []
        out: list[Span] = []
        for m in self.pattern.finditer(text):
            start, end = m.span()
            if end <= start:
                continue
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    def __bool__(self) -> bool:
        return self.pattern is not None


NO_MATCH = Matcher(None)
# A Latin word starts where no Latin letter/digit precedes (CJK and "_" separate).
_NOT_AFTER_WORD = f"(?<![^\\W_{_CJK}])"
_NOT_BEFORE_WORD = f"(?![^\\W_{_CJK}])"


def _positive_terms(nodes: list[Term | AnyOf] | tuple[Term | AnyOf, ...]) -> list[Term]:
    out: list[Term] = []
    for node in nodes:
        if node.negated:
            continue
        if isinstance(node, Term):
            out.append(node)
        else:
            for option in node.options:
                out += _positive_terms(option)
    return out


def _word_patterns(term: Term) -> list[str]:
    pieces = _WORD_RE.findall(term.text)
    out = []
    for i, piece in enumerate(pieces):
        if is_cjk_run(piece):
            out.append(re.escape(piece))
            continue
        # Prefix, except inside a phrase before its last word (as the search).
        whole = term.phrase and i < len(pieces) - 1
        out.append(_NOT_AFTER_WORD + re.escape(piece) + (_NOT_BEFORE_WORD if whole else ""))
    return out


def matcher(query: str) -> Matcher:
    """The matcher of a search box text (NO_MATCH when it is malformed or has no words)."""
    try:
        q = parse_query(query, today="1970-01-01")
    except QueryError:
        return NO_MATCH
    patterns: set[str] = set()
    for term in _positive_terms([*q.terms, *q.groups]):
        patterns.update(_word_patterns(term))
    if not patterns:
        return NO_MATCH
    # Longest first, so "diffusion" wins over "diff" at the same place.
    ordered = sorted(patterns, key=lambda p: (-len(p), p))
    return Matcher(re.compile("|".join(ordered), re.IGNORECASE))
