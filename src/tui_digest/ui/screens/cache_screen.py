"""The base of the main screen: the open cache as a whole.

`CacheScreen` holds the store once it is open and what is known of the cache
apart from any listing: its digests (read again after a change) and its
integrity check, which reads the whole cache in a thread after the first
listing is counted and tells the user when the cache is damaged.
`ListingScreen` (screens/listing.py) opens the cache and keeps the list current.
"""

from __future__ import annotations

from textual import work

from tui_digest.core.model import DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui import messages as msg
from tui_digest.ui.screens.styled_at_mount import StyledAtMount
from tui_digest.ui.workers import ReportsWorkerErrors


class CacheScreen(ReportsWorkerErrors, StyledAtMount):
    """A screen over one cache: the store, its digests, its integrity check.

    (Pushed once at the start: not restyled whole when first shown, see StyledAtMount.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.store: Store | None = None
        self.digests: list[DigestInfo] = []

    @work(thread=True, group="verify-cache", exit_on_error=False, description="check the cache")
    def _verify_cache(self) -> None:
        store = self.store
        problem = store.verify() if store is not None else ""
        if problem and store is not None:
            self.post_message(msg.CacheDamaged(str(store.path), problem))

    def on_cache_damaged(self, message: msg.CacheDamaged) -> None:
        self.notify(
            f"The cache {message.path} is damaged ({message.problem}). Quit and run "
            "`tui-digest stats`: it moves the damaged file aside and starts a fresh cache.",
            title="Cache",
            severity="error",
            timeout=30,
            markup=False,
        )

    def load_digests(self) -> None:
        if self.store is not None:
            self._load_digests(self.store)

    @work(thread=True, exclusive=True, group="digests", exit_on_error=False,
          description="list the digests")  # fmt: skip
    def _load_digests(self, store: Store) -> None:
        self.post_message(msg.DigestsLoaded(store.digests()))

    def on_digests_loaded(self, message: msg.DigestsLoaded) -> None:
        before, self.digests = self.digests, message.digests
        self.digests_changed(before)

    def digests_changed(self, before: list[DigestInfo]) -> None:
        """The digests were listed again (`before`: the last list; subclasses follow)."""
