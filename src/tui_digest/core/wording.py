"""Counts told in words: "1 paper", "2 papers", "12,000 papers".

Every message that counts something says it this way; the reader, the CLI
and the fetch summaries each wrote their own `"paper" if n == 1 else
"papers"` (eight of them, some with thousands separators, some without).
"""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`noun` as `count` of it is said: "paper" for 1, "papers" otherwise."""
    return noun if count == 1 else f"{noun}s"


def counted(count: int, noun: str) -> str:
    """`count` and `noun` together, thousands grouped: "1 paper", "1,200 papers"."""
    return f"{count:,} {plural(count, noun)}"
