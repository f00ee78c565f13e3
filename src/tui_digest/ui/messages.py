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


class CacheDamaged(Message):
    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__()


class ListingPage(Message):
    """The first page of a listing, posted before the count when that is still to come.

    `counted` is False when the page is full: `matches` is then only the page's
    length and `total` may be None, and a `ListingCount` follows. The full id
    array is asked for once the count is known.
    """

    def __init__(
        self,
        generation: int,
        matches: int,
        total: int | None,
        rows: list[ListRow],
        query: str,
        digest: str | None,
        *,
        keep: bool = False,
        counted: bool = True,
    ) -> None:
        self.generation = generation
        self.matches = matches
        self.total = total
        self.rows = rows
        self.query = query
        self.digest = digest
        self.keep = keep  # leave the current paper under the cursor
        self.counted = counted
        super().__init__()


class ListingCount(Message):
    """The count of a listing whose page was posted first."""

    def __init__(
        self, generation: int, matches: int, total: int, query: str, digest: str | None
    ) -> None:
        self.generation = generation
        self.matches = matches
        self.total = total
        self.query = query
        self.digest = digest
        super().__init__()


class ListingDone(Message):
    """The listing worker has finished (whatever it posted): the next search may start."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
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
