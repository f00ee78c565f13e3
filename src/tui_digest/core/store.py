"""The SQLite cache. CONTRACT STUB: the store helper replaces the bodies, not the signatures."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_digest.core.model import Digest, DigestInfo, ImportStats, ListRow, PaperRecord


class CacheError(Exception):
    """The cache cannot be used as asked (newer schema, unreadable, locked...)."""


class Store:
    path: Path
    readonly: bool

    @classmethod
    def open(cls, path: str | Path | None = None, *, readonly: bool = False) -> Store:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def import_digest(self, digest: Digest) -> ImportStats:
        raise NotImplementedError

    def count(self, query: str = "", *, digest: str | None = None) -> int:
        raise NotImplementedError

    def list_ids(self, query: str = "", *, digest: str | None = None) -> list[int]:
        raise NotImplementedError

    def list_rows(self, rowids: Sequence[int]) -> list[ListRow]:
        raise NotImplementedError

    def search(
        self, query: str = "", *, digest: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[ListRow]:
        raise NotImplementedError

    def get_paper(self, key: int | str) -> PaperRecord | None:
        raise NotImplementedError

    def get_papers(self, rowids: Sequence[int]) -> list[PaperRecord]:
        raise NotImplementedError

    def set_read(self, rowids: Sequence[int], read: bool = True) -> None:
        raise NotImplementedError

    def set_starred(self, rowids: Sequence[int], starred: bool = True) -> None:
        raise NotImplementedError

    def digests(self) -> list[DigestInfo]:
        raise NotImplementedError

    def stats(self) -> dict[str, object]:
        raise NotImplementedError

    def is_empty(self) -> bool:
        raise NotImplementedError
