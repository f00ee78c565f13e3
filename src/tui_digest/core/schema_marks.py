"""How a cache is told from another program's SQLite file before anything is written to it.

`PRAGMA user_version` alone says nothing: many programs number their own
migrations with it. A file at `user_version` 7 was taken for a schema-7 cache
and "upgraded": tables added, its `user_version` moved, switched to WAL for
good, then "no such table: papers" (found by a bug hunt). So a file is a cache
of schema N only when it has every table the steps up to N create
(`TABLES_SINCE`, checked against the steps by a test). Every release's steps
made the same tables at the same versions (`schema.py`'s history: v1 papers,
digests, membership, sources; v2 the search index; v3 listing and terms), and a
cache moves a step per transaction, so an interrupted upgrade leaves a cache
of one schema, never a mix.
"""

from __future__ import annotations

# Each table of the cache and the schema that first has it (the step before
# it creates it). A step that adds a table adds it here.
TABLES_SINCE: dict[str, int] = {
    "papers": 1,
    "digests": 1,
    "membership": 1,
    "sources": 1,
    "search": 2,  # (the FTS5 index; its shadow tables `search_*` come with it)
    "listing": 3,
    "terms": 3,
    "arxiv_meta": 4,
    "digest_bytes": 5,
    "user_state": 6,
    "paper_tags": 6,
    "paper_notes": 6,
    "removed_days": 8,
    "undo_log": 9,
    "meta": 9,
    "removed_lists": 12,
    "hand_read": 14,
    "claims": 17,
}

# What a cache of a schema above this code's must have: the first schema's
# tables, which every one since has kept.
KEPT_TABLES = frozenset(t for t, since in TABLES_SINCE.items() if since == 1)


def tables_of(version: int) -> set[str]:
    """The tables a cache of schema `version` has."""
    return {table for table, since in TABLES_SINCE.items() if since <= version}


def not_ours(version: int, tables: set[str], known: int) -> str:
    """Why a file at `user_version` `version` holding `tables` is not a tui-digest
    cache ("" when it may be one); `known`: the newest schema this code knows."""
    if version == 0:
        # (a new cache is made in one transaction: at 0 it has no tables yet)
        return "unknown tables" if tables else ""
    wanted = tables_of(version) if version <= known else set(KEPT_TABLES)
    missing = sorted(wanted - tables)
    if not missing:
        return ""
    if missing == sorted(wanted):
        return f"user_version {version}, and none of a tui-digest cache's tables"
    names = ", ".join(missing[:4]) + (", …" if len(missing) > 4 else "")
    which = "the table" if len(missing) == 1 else "the tables"
    whose = (
        f"a tui-digest cache of schema {version}" if version <= known else "every tui-digest cache"
    )
    return f"user_version {version}, but without {which} {names} {whose} has"
