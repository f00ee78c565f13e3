"""The reader follows the cache: changes another process made show up within seconds.

A cron `tui-digest fetch` or a CLI import writes the same cache file. Every
`seconds` the follower asks the store's `CacheWatch` (core/store/watch.py: a
`PRAGMA data_version` poll, then a small fingerprint of papers and digests)
in a thread, and when papers or digests changed it publishes `CacheChanged`:
the listings re-read themselves keeping cursor, search and selection
(`ListingScreen.cache_changed`). The reader's own read/star marks are not
changes to follow; after its own fetch it may refresh once more (harmless).
A cache upgraded by a newer release or replaced under the reader (a restore)
stops following and makes the store read-only: a key then refuses, where it
said "Starred 1 paper" of a star that went into the unlinked file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui_digest.core.errors import CacheError
from tui_digest.ui.signals import signals_of

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from tui_digest.core.store import Store
    from tui_digest.core.store.watch import CacheWatch

DEFAULT_SECONDS = 2.0


class CacheFollower:
    """Polls the cache for other processes' changes; one poll at a time."""

    def __init__(
        self, app: App[Any], store: Callable[[], Store | None], seconds: float = DEFAULT_SECONDS
    ) -> None:
        self.app = app
        self._store = store
        self.seconds = seconds
        self._watch: CacheWatch | None = None
        self._polling = False
        self._timer: Timer | None = None

    def start(self) -> None:
        """Poll every `seconds` (0: never; tests call `poll()` themselves)."""
        if self.seconds > 0 and self._timer is None:
            self._timer = self.app.set_interval(self.seconds, self.poll)

    def poll(self) -> None:
        """Look once for changes (in a thread); skipped while a poll runs or no cache is open."""
        store = self._store()
        if store is None or self._polling:
            return
        if self._watch is None:
            self._watch = store.watch()
        self._polling = True
        self.app.run_worker(
            self._poll(self._watch),
            group="follow-cache",
            description="look for changes to the cache",
            exit_on_error=False,
        )

    async def _poll(self, watch: CacheWatch) -> None:
        try:
            changed, marked, removed = await asyncio.to_thread(watch.what_changed)
        except (CacheError, OSError) as error:
            # The file went away or is locked for long: say so once, stop following.
            self.stop_following(error)
            return
        finally:
            self._polling = False
        if changed or marked:
            from tui_digest.ui.news import CacheChanged

            span = watch.removal_span if removed else None
            news = CacheChanged(
                "other process", marks_only=not changed, removed=removed, removals=span
            )
            signals_of(self.app).cache_changed.publish(news)

    def stop_following(self, error: Exception) -> None:
        """Say once why the cache is no longer followed, and stop. When nothing
        more can be saved (upgraded by a newer release, the file replaced or
        damaged: a restore), every write refuses from now on, saying why
        (`ui.readonly`), after this notice has gone too."""
        from tui_digest.core.store.watch import NothingMoreSaved

        self.stop()
        store = self._store()
        if isinstance(error, NothingMoreSaved) and store is not None:
            if store.readonly_why:
                return  # (said already: a write's failure found it first)
            store.readonly = True
            store.readonly_why = str(error)
            main = getattr(self.app, "main", None)  # (the reader's main screen)
            if main is not None:
                main.saves_stopped()
        self.app.notify(f"Stopped following the cache: {error}", severity="warning", markup=False)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._watch is not None:
            self._watch.close()
            self._watch = None
