"""What the reader's signals carry (`ui/signals.py`): `CacheChanged`, `FetchFinished`.

A module of its own, imported by the publishers when they publish: the
reader's first frame publishes nothing and does not build these classes
(issue 13 req 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING

from tui_digest.core.record import record

if TYPE_CHECKING:
    from tui_digest.fetch.runner import SourceResult


@record(frozen=True)
class CacheChanged:
    """The cache changed under the reader (a fetch, a translation)."""

    reason: str  # "fetch", "translate": for logs and tests
    # Only the user's marks, tags or notes changed (another process's `tui-digest
    # mark`): the listing stays, its rows' flags and the counts are read again.
    marks_only: bool = False
    # Papers were removed: row numbers held since may now name other papers.
    removed: bool = False
    # The removal counts (before, after) that change went between
    # (`CacheWatch.removal_span`); None when not known (then not the reader's own).
    removals: tuple[int, int] | None = None


@record(frozen=True)
class FetchFinished:
    """A fetch ended: what each source brought."""

    results: Sequence[SourceResult] = field(default_factory=tuple)

    @property
    def new_digests(self) -> list[str]:
        """Digests that brought new papers (what an after-fetch translation reads)."""
        from tui_digest.fetch.results import new_digests

        return new_digests(self.results)
