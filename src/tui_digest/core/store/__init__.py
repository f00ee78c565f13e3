"""The SQLite cache, as a package of one concept per module behind `Store`.

See `facade` for the map of modules. Callers import from here:
`from tui_digest.core.store import Store, CacheError, QueryError`.
"""

from __future__ import annotations

from tui_digest.core.errors import CacheError
from tui_digest.core.query import QueryError
from tui_digest.core.store.facade import Store

__all__ = ["CacheError", "QueryError", "Store", "merge_paper", "version_number"]


def __getattr__(name: str) -> object:
    # What only an import uses (`merge`) loads when first asked for, not with
    # the reader's first frame (issue 13 req 5).
    if name in ("merge_paper", "version_number"):
        from tui_digest.core.store import merge

        return getattr(merge, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
