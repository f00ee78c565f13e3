"""Tokens as FTS5's unicode61 tokenizer would store them, made before FTS5 sees them.

The index used to be created with `unicode61 remove_diacritics 2`, which
lower-cases each character of a token, takes its diacritic off, and splits
the token at characters its Unicode 6.1 tables do not call letters or
digits. The store does that itself now, with the table
`scripts/gen_fts_fold.py` reads from SQLite (`fts_fold_table`), and new
indexes use FTS5's `ascii` tokenizer, which only splits at ASCII characters
other than letters and digits and lower-cases ASCII letters alone (its
`aAsciiTokenChar` table in SQLite's ext/fts5/fts5_tokenize.c; every
non-ASCII character is a token character): its inserts take ~18 % less
CPU (10k generated papers: 0.99 -> 0.81 s), for the same index byte for
byte (issue 13 req 1). The query side folds its tokens the same way, so
an index made with unicode61 (which leaves folded text as it is) answers
exactly as before.

The letters unicode61 keeps as letters of their own (Ł, Ø, Æ...) are spelt
as ASCII before this, by the tokeniser (`search_tokens.LETTER_FOLDS`): the
table here stays what SQLite does (`tests/test_fts_fold.py`).
"""

from __future__ import annotations

import re
from functools import cache


@cache
def _table() -> tuple[dict[int, int | str | None], re.Pattern[str]]:
    """The translation table, and a pattern of the characters it changes (built on first use)."""
    from tui_digest.core import fts_fold_table as t

    table: dict[int, int | str | None] = dict(str.maketrans(t.FOLD_FROM, t.FOLD_TO, t.DROPPED))
    table.update(dict.fromkeys(map(ord, t.SEPARATORS), " "))
    return table, re.compile(_char_class(sorted(table)))


def _char_class(code_points: list[int]) -> str:
    """A regex class of these (sorted) code points, as ranges (~0.5 ms to compile)."""
    parts: list[str] = []
    start = end = code_points[0]
    for cp in [*code_points[1:], -2]:
        if cp == end + 1:
            end = cp
            continue
        parts.append(f"\\U{start:08x}" if start == end else f"\\U{start:08x}-\\U{end:08x}")
        start = end = cp
    return "[" + "".join(parts) + "]"


def needs_fold(text: str) -> bool:
    """Whether `fts_fold` would change some character of `text`."""
    if text.isascii():
        return False  # the tokeniser lower-cases ASCII: nothing left to change
    return _table()[1].search(text) is not None


def fts_fold(text: str) -> str:
    """`text` (tokens joined by spaces) with each character as unicode61 would leave it."""
    if not needs_fold(text):
        return text
    return text.translate(_table()[0])
