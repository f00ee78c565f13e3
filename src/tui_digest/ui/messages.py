"""Messages that carry worker results back to the main screen.

Listing messages carry the generation they were asked for; the screen drops
any whose generation is no longer current, so a slow query never overwrites
the answer to a newer keystroke.
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from tui_digest.core.model import DigestInfo, ListRow, PaperRecord
from tui_digest.core.store import Store


class StoreOpened(Message):
    def __init__(self, store: Store, sample_name: str = "") -> None:
        self.store = store
        self.sample_name = sample_name  # set when the bundled sample was just imported
        super().__init__()


class ListingPage(Message):
    """The count and first page of a listing; the full id array is asked for next."""

    def __init__(
        self,
        generation: int,
        matches: int,
        total: int,
        rows: list[ListRow],
        query: str,
        digest: str | None,
        *,
        keep: bool = False,
    ) -> None:
        self.generation = generation
        self.matches = matches
        self.total = total
        self.rows = rows
        self.query = query
        self.digest = digest
        self.keep = keep  # leave the current paper under the cursor
        super().__init__()


class ListingIds(Message):
    def __init__(self, generation: int, ids: list[int]) -> None:
        self.generation = generation
        self.ids = ids
        super().__init__()


class ListingFailed(Message):
    """The query was refused (malformed); `error` is shown in the status line."""

    def __init__(self, generation: int, error: str) -> None:
        self.generation = generation
        self.error = error
        super().__init__()


class PaperLoaded(Message):
    def __init__(self, rowid: int, record: PaperRecord | None) -> None:
        self.rowid = rowid
        self.record = record
        super().__init__()


class DigestsLoaded(Message):
    def __init__(self, digests: list[DigestInfo]) -> None:
        self.digests = digests
        super().__init__()


class ExportDone(Message):
    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self.count = count
        super().__init__()
