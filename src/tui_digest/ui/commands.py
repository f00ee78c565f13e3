"""Command palette entries: the reader's actions (from its bindings) and its digests."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui_digest.ui.screens.main import MainScreen


def action_commands(screen: MainScreen) -> Iterator[SystemCommand]:
    """One palette command per main-screen binding (titles are our own constants)."""
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or binding.action == "switch_pane":
            continue
        method = getattr(screen, f"action_{binding.action}", None)
        if method is not None:
            yield SystemCommand(binding.description, binding.tooltip, method)
    yield SystemCommand(
        "Select all shown", "Select every paper shown", _list_action(screen, "select_all")
    )
    yield SystemCommand(
        "All papers", "Show every paper in the cache", partial(screen.show_digest, None)
    )


def _list_action(screen: MainScreen, name: str):
    return getattr(screen.paper_list, f"action_{name}")


class DigestCommands(Provider):
    """ "Digest: <name>" jumps to a digest. Names are untrusted: shown as plain Content."""

    def _main(self) -> MainScreen | None:
        from tui_digest.ui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for info in main.digests[:20]:
            text = f"Digest: {info.name}"
            yield DiscoveryHit(Content(text), partial(main.show_digest, info.name), text=text)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for info in main.digests:
            text = f"Digest: {info.name} {info.date}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(text), partial(main.show_digest, info.name), text=text)
