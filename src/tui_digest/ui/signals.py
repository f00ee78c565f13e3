"""App-wide news any screen can subscribe to (Textual `Signal`s owned by the App).

- `cache_changed`: papers were added or changed behind the listings (a fetch
  or a translation finished). Listings re-read themselves, keeping their place.
- `fetch_finished`: a refresh of the sources ended; carries each source's result.

Publishers (the refresher, the translator) and subscribers (the main screen,
the sources screen) only know this module, not each other: nothing scans the
screen stack to push results into a screen. What the signals carry
(`CacheChanged`, `FetchFinished`) is in `ui/news.py`, loaded by the first
publisher: not before the first frame (issue 13 req 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.signal import Signal

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.ui.news import CacheChanged, FetchFinished


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
