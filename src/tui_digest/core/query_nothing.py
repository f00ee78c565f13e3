"""What a query term that searches for nothing is told (`query.parse_query`).

A term of punctuation or emoji alone (`note:🚀`, `ti:[/]`) has no token to
search for, nor `tag:+` a tag. Such a term was left out without a word, so
`note:🚀` and `-note:🚀` both found every paper, and `mark star --query
'note:🚀'` starred every paper (found by a bug hunt).
"""

from __future__ import annotations

from tui_digest.core.errors import IncompleteQuery


def shown_term(qualifier: str | None, value: str, phrase: bool, negated: bool) -> str:
    """A term as typed: its sign, qualifier and quotes kept."""
    text = (f"{qualifier}:" if qualifier else "") + (f'"{value}"' if phrase else value)
    return ("-" if negated else "") + text


def nothing_error(
    qualifier: str | None, value: str, phrase: bool, negated: bool
) -> IncompleteQuery:
    """The error of a term that searches for nothing. Incomplete, as `note:""`
    is: the reader keeps its list while it is typed (`note:[` on the way to
    `note:[x]`), and Enter says it."""
    shown = shown_term(qualifier, value, phrase, negated)
    shown = shown if '"' in shown else f'"{shown}"'
    if qualifier == "tag":
        return IncompleteQuery(f"{shown} names no tag to search for")
    return IncompleteQuery(
        f"{shown} has nothing to search for: words need letters, digits or Chinese characters"
    )


def node_text(node: tuple) -> str:
    """A parsed node as typed (near enough for a message)."""
    if node[0] == "atom":
        return shown_term(*node[1][:4])
    _, negated, chains = node
    inner = " ".join(" OR ".join(node_text(n) for n in chain) for chain in chains)
    return ("-" if negated else "") + f"({inner})"


def items_text(items: list[object]) -> str:
    """Lexed items (`query_lex.lex`) as a query: each word with its qualifier,
    one a group gave it written out (`ti:(a b)`'s words: ti:a ti:b)."""
    out: list[str] = []
    spaced = False  # (not right after a "(")
    for item in items:
        if item == ")":
            out.append(")")
        elif isinstance(item, tuple) and item[0] == "(":
            out.append((" " if spaced else "") + ("-(" if item[1] else "("))
        else:
            piece = "OR" if item == "OR" else shown_term(*item[:4])  # type: ignore[index]
            out.append(" " + piece if spaced else piece)
        spaced = not (isinstance(item, tuple) and item[0] == "(")
    return "".join(out)
