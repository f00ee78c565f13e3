"""Errors shared by the store and the checks that run before it opens.

`CacheError` lives here, below both `store` and `cache_guard`, so neither has
to import the other to raise it.
"""

from __future__ import annotations


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


class UpgradeNeeded(CacheError):
    """A read-only open of a cache an older release made (it writes nothing)."""


class QueryError(ValueError):
    """A malformed query; the message says what is wrong and where."""


class IncompleteQuery(QueryError):
    """A query that is not finished yet: an open quote or "(", a qualifier or OR
    with nothing after it. Typed one key at a time, every query passes through
    these; the reader keeps the last result instead of reporting them."""
