"""The spaces TeX puts between the atoms of a formula, for `latex_text`.

`latex_text` reads a `$...$` formula into atoms (a symbol, an operator name,
a group), each of a TeX class (`ORD`, `OP`...), and `spaced` joins them with
a space where TeX sets one and the source put none: `$O(n\\log n)$` is
O(n log n), not O(nlog n); `$a\\leq b$` is a ≤ b, not a≤ b.
"""

from __future__ import annotations

from tui_digest.core.latex_symbols import BINARY, CLOSING, LARGE_OPERATORS, OPENING, RELATIONS

# The classes of math atoms TeX spaces by (The TeXbook, chapter 17): an
# ordinary symbol, a large operator (`\\sum`, and operator names: `\\log`), a
# binary operator, a relation, an opening and a closing delimiter, punctuation;
# and a space as written. The typed `+ - *` and `= < > :` are binary operators
# and relations to TeX too, but are shown with the spaces the author typed
# (`TYPED_BIN`, `TYPED_REL`): only what a command stands for gains spaces.
ORD, OP, BIN, REL, OPEN, CLOSE, PUNCT, SPACE, TYPED_BIN, TYPED_REL = range(10)
CHAR_KINDS = {
    **dict.fromkeys("([", OPEN),
    **dict.fromkeys(")]", CLOSE),
    **dict.fromkeys(",;", PUNCT),
    **dict.fromkeys("+-*", TYPED_BIN),
    **dict.fromkeys("=<>:", TYPED_REL),
}
SYMBOL_KINDS = {
    **dict.fromkeys(RELATIONS, REL),
    **dict.fromkeys(BINARY, BIN),
    **dict.fromkeys(LARGE_OPERATORS, OP),
    **dict.fromkeys(OPENING, OPEN),
    **dict.fromkeys(CLOSING, CLOSE),
}


def spaced(pieces: list[str], kinds: list[int]) -> str:
    """The atoms of a formula with the spaces TeX puts between them.

    TeX (The TeXbook, chapter 18, and appendix G rules 5 and 6) sets a space
    around a relation (`a ≤ b`) and a binary operator (`k × k`), and a thin one
    between an operator and what it applies to (`n log n`); a binary operator
    with nothing to join (first, or after a relation, an operator, an opening
    or punctuation; last, or before a relation, a closing or punctuation) is an
    ordinary symbol (`-1`, `3×`). Here a space is added only where TeX sets
    one and the source put none: beside a command's relation or operator
    (never a typed `=` or `+`), and for the thin space where it keeps two
    words apart (`-log p`, `log(n)` stay as they are).
    """
    kinds = list(kinds)
    last = -1  # the previous atom that is not a space
    for i, kind in enumerate(kinds):
        if kind == SPACE:
            continue
        before = kinds[last] if last >= 0 else None
        if kind in (BIN, TYPED_BIN) and before in (
            None, BIN, TYPED_BIN, OP, REL, TYPED_REL, OPEN, PUNCT
        ):  # fmt: skip
            kinds[i] = ORD
        elif kind in (REL, TYPED_REL, CLOSE, PUNCT) and before in (BIN, TYPED_BIN):
            kinds[last] = ORD
        last = i
    if last >= 0 and kinds[last] in (BIN, TYPED_BIN):
        kinds[last] = ORD
    # Not TeX: a relation with nothing on one side is shown as written, as
    # a binary operator is (`$\\sim 98\\%$` as `$\\sim$98\\%`: ∼98%).
    ends = [i for i, kind in enumerate(kinds) if kind != SPACE]
    for i in {ends[0], ends[-1]} if ends else ():
        if kinds[i] == REL:
            kinds[i] = ORD
    out = [pieces[0]]
    for i in range(1, len(pieces)):
        if _gap(kinds[i - 1], pieces[i - 1], kinds[i], pieces[i]):
            out.append(" ")
        out.append(pieces[i])
    return "".join(out)


def _gap(left_kind: int, left: str, right_kind: int, right: str) -> bool:
    """Whether a space goes between two adjacent atoms (see `spaced`)."""
    if left_kind in (REL, BIN):
        return right_kind in (ORD, OP, OPEN)
    if right_kind == REL:
        return left_kind in (ORD, OP, CLOSE)
    if right_kind == BIN:
        return left_kind in (ORD, CLOSE)
    if left_kind == OP:
        return right_kind == OP or (right_kind == ORD and right[0].isalnum())
    if right_kind == OP:
        return left_kind == CLOSE or (left_kind == ORD and left[-1].isalnum())
    return False
