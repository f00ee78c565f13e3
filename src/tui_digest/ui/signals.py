"""App-wide news any screen can subscribe to (Textual `Signal`s owned by the App).

- `cache_changed`: papers were added or changed behind the listings (a fetch
  or a translation finished). Listings re-read themselves, keeping their place.
- `fetch_finished`: a refresh of the sources ended; carries each source's result.

Publishers (the refresher, the translator) and subscribers (the main screen,
the sources screen) only know this module, not each other: nothing scans the
screen stack to push results into a screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.signal import Signal

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.fetch.runner import SourceResult


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class CacheChanged:
    """The cache changed under the reader (a fetch, a translation)."""

    reason: str  # "fetch", "translate": for logs and tests


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FetchFinished:
    """A fetch ended: what each source brought."""

    results: Sequence[SourceResult] = field(default_factory=tuple)

    @property
    def new_digests(self) -> list[str]:
        """Digests that brought new papers (what an after-fetch translation reads)."""
        return [r.digest for r in self.results if r.new and r.digest]


class ReaderSignals:
    def __init__(self, owner: App[Any]) -> None:
        self.cache_changed: Signal[CacheChanged] = Signal(owner, "cache-changed")
        self.fetch_finished: Signal[FetchFinished] = Signal(owner, "fetch-finished")


@runtime_checkable
class HasSignals(Protocol):
    signals: ReaderSignals


def signals_of(app: object) -> ReaderSignals:
    """The reader's signals (the App holds them; see `DigestApp.signals`)."""
    if not isinstance(app, HasSignals):
        raise TypeError(f"{type(app).__name__} carries no reader signals")
    return app.signals
