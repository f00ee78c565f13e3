"""The tags a selection shares, and how many of its papers have each tag.

`#` on a selection opens with the tags every selected paper has. It read
every selected paper whole (both abstracts, authors, extras…) to intersect
their tags: 50,000 papers took 11 s with nothing on screen and ~0.3 GB that
stayed held while the dialog was open (bug hunt `scalebulk` #1). Here the
tags are counted in SQL from `paper_tags` (derived from `user_state` with
every write, `user_log.write_tags`), a chunk of ids at a time; only the first
paper's own tags are read, for the order the dialog shows them in.

Tags compare as everywhere (`fold_tag`: case and width folded). SQLite's
NOCASE groups ASCII case only, so spellings one fold joins are recounted by
id (a paper saved with both, before `fold_tag`, counts once).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from tui_digest.core.query import fold_tag
from tui_digest.core.store import user_log
from tui_digest.core.store.rows import in_chunks


class SelectionTags(NamedTuple):
    """The tags of some papers, by arXiv id."""

    shared: list[str]  # the tags every paper has, in the first paper's order and spelling
    counts: dict[str, int]  # each tag any of them has (one spelling) -> papers with it


def selection_tags(conn: sqlite3.Connection, ids: Sequence[str]) -> SelectionTags:
    """The tags `ids` (papers in the cache, once each) share and count, in the
    caller's transaction."""
    if not ids:
        return SelectionTags([], {})
    spellings: dict[str, dict[str, int]] = {}  # fold -> spelling -> papers
    for chunk, marks in in_chunks(ids):
        for tag, n in conn.execute(
            f"SELECT tag, count(*) FROM paper_tags WHERE id IN ({marks}) GROUP BY tag", chunk
        ):
            seen = spellings.setdefault(fold_tag(tag), {})
            seen[tag] = seen.get(tag, 0) + int(n)
    counts: dict[str, int] = {}
    by_fold: dict[str, int] = {}
    for fold, seen in spellings.items():
        total = _papers_with(conn, ids, list(seen)) if len(seen) > 1 else sum(seen.values())
        counts[max(seen, key=lambda t: seen[t])] = by_fold[fold] = total
    first = user_log.tags_of(conn, ids[:1]).get(ids[0], [])
    shared = [t for t in first if by_fold.get(fold_tag(t)) == len(ids)]
    return SelectionTags(shared, counts)


def _papers_with(conn: sqlite3.Connection, ids: Sequence[str], spellings: list[str]) -> int:
    """Of `ids`, the papers with any of `spellings` of one tag."""
    tags = ",".join("?" * len(spellings))
    having: set[str] = set()
    for chunk, marks in in_chunks(ids):
        having.update(
            pid
            for (pid,) in conn.execute(
                f"SELECT DISTINCT id FROM paper_tags WHERE tag IN ({tags}) AND id IN ({marks})",
                (*spellings, *chunk),
            )
        )
    return len(having)
