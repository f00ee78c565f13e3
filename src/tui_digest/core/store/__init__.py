"""The SQLite cache, as a package of one concept per module behind `Store`.

See `facade` for the map of modules. Callers import from here:
`from tui_digest.core.store import Store, CacheError, QueryError`.
"""

from __future__ import annotations

from tui_digest.core.errors import CacheError
from tui_digest.core.query import QueryError
from tui_digest.core.store.facade import Store
from tui_digest.core.store.merge import merge_paper, version_number

__all__ = ["CacheError", "QueryError", "Store", "merge_paper", "version_number"]
