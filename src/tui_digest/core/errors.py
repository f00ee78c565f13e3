"""Errors shared by the store and the checks that run before it opens.

`CacheError` lives here, below both `store` and `cache_guard`, so neither has
to import the other to raise it.
"""

from __future__ import annotations


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


class NoRoomToCompact(CacheError):
    """VACUUM found too little free space; the cache is as it was before it (`Store.compact`)."""

    def __init__(self, path: object, needed: int, log: int = 0, left_full: bool = False) -> None:
        self.path = path
        self.needed = needed  # bytes free it needs, about
        self.log = log  # bytes of write-ahead log left beside the cache (0: none)
        self.left_full = left_full  # the disk has (next to) no room left
        super().__init__(f"{path}: compacting the cache needs {self.room}; the cache is fine")

    @property
    def room(self) -> str:
        return f"about {_mb(self.needed)} MB free on its disk"

    @property
    def log_note(self) -> str:
        """What stays on the disk meanwhile ("" when nothing)."""
        if self.log <= 0:
            return ""
        return (
            f"its log ({_mb(self.log)} MB, {self.path}-wal) stays beside it until a "
            "command has room to fold it in"
        )


class NoRoomToReindex(CacheError):
    """Too little free space to rebuild the search index; nothing was written (`reindex`)."""

    def __init__(self, path: object, needed: int, free: int) -> None:
        self.path = path
        super().__init__(
            f"{path}: rebuilding the search index needs about {_mb(needed)} MB free on its "
            f"disk ({free // 1_000_000} MB free); nothing was changed: free some space and "
            "run reindex again"
        )


class CompactionSkipped(CacheError):
    """Another process held the cache as VACUUM was to start; nothing changed (`Store.compact`)."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(
            f"{path}: another process is using the cache, so compacting it was skipped; "
            "run reindex again when it is done"
        )


def _mb(size: int) -> int:
    return max(1, -(-size // 1_000_000))


class UpgradeNeeded(CacheError):
    """A read-only open of a cache an older release made (it writes nothing)."""


class UpgradeStopped(CacheError):
    """An upgrade stopped as asked (`Store.open(stop_upgrade=)`); the step under
    way rolled back, the steps before it stay."""


class QueryError(ValueError):
    """A malformed query; the message says what is wrong and where."""


class IncompleteQuery(QueryError):
    """A query that is not finished yet: an open quote or "(", a qualifier or OR
    with nothing after it. Typed one key at a time, every query passes through
    these; the reader keeps the last result instead of reporting them."""
