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
        return shown_term(*node[1])
    _, negated, chains = node
    inner = " ".join(" OR ".join(node_text(n) for n in chain) for chain in chains)
    return ("-" if negated else "") + f"({inner})"
