"""Errors shared by the store and the checks that run before it opens.

`CacheError` lives here, below both `store` and `cache_guard`, so neither has
to import the other to raise it.
"""

from __future__ import annotations


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


class QueryError(ValueError):
    """A malformed query; the message says what is wrong and where."""
