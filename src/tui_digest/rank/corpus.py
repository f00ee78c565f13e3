"""What the ranking reads from the cache: paper text, the stars, their fingerprint.

It opens its own read-only SQLite connection on the cache file rather than
going through `Store`, because it reads every paper's text in one pass (the
store's record API fetches digests per paper) and it runs in a background
thread or process that must never write. It reads only the `papers` table
columns that `core.schema` has had since version 1 (`pk`, the text fields,
`authors`, `categories` as JSON lists, `starred`).

No numpy or scikit-learn here: the reader imports this module to check
whether the model is stale.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tui_digest.core.cache_access import readonly_uri
from tui_digest.core.store.rows import in_chunks

_TEXT_COLS = "pk, title_en, abstract_en, title_zh, summary_zh, abstract_zh, authors, categories"


@contextmanager
def read_only(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection on the cache (WAL: never waits for a writer), opened
    as the store opens one (`readonly_uri`): on read-only media, where SQLite
    cannot make the `-shm` file, without it."""
    uri = readonly_uri(Path(db))
    with closing(sqlite3.connect(uri, uri=True, check_same_thread=False)) as conn:
        yield conn


@dataclass(slots=True, frozen=True)
class CacheState:
    """The cheap facts that say whether a trained model is still current."""

    stars: str  # fingerprint of the starred set
    n_starred: int
    n_papers: int
    max_pk: int


def cache_state(conn: sqlite3.Connection) -> CacheState:
    """Read the stars fingerprint and the cache's size (a few ms at 100k papers).

    The starred set is read through the partial index `papers_starred`.
    """
    joined = conn.execute(
        "SELECT group_concat(pk) FROM (SELECT pk FROM papers WHERE starred ORDER BY pk)"
    ).fetchone()[0]
    joined = joined or ""
    n_starred = joined.count(",") + 1 if joined else 0
    n_papers, max_pk = conn.execute("SELECT count(*), coalesce(max(pk), 0) FROM papers").fetchone()
    digest = hashlib.blake2b(joined.encode(), digest_size=12).hexdigest()
    return CacheState(digest, n_starred, int(n_papers), int(max_pk))


def starred_pks(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT pk FROM papers WHERE starred ORDER BY pk")]


def iter_texts(
    conn: sqlite3.Connection, *, after_pk: int = 0, pks: list[int] | None = None
) -> Iterator[tuple]:
    """Rows of `_TEXT_COLS` (JSON lists decoded), by pk: all after `after_pk`, or `pks`."""
    if pks is None:
        rows: Iterator[tuple] = conn.execute(
            f"SELECT {_TEXT_COLS} FROM papers WHERE pk > ? ORDER BY pk", (after_pk,)
        )
        for r in rows:
            yield (*r[:6], _list(r[6]), _list(r[7]))
        return
    for chunk, marks in in_chunks(pks):
        for r in conn.execute(f"SELECT {_TEXT_COLS} FROM papers WHERE pk IN ({marks})", chunk):
            yield (*r[:6], _list(r[6]), _list(r[7]))


def _list(text: str) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
