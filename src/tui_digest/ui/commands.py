"""Command palette entries: the reader's actions (from `keys`) and its digests.

Both work on the screen the palette was opened over through the small
`DigestNavigator` protocol, so this module imports no screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Protocol, runtime_checkable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widget import Widget

from tui_digest.core.model import DigestInfo
from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key


@runtime_checkable
class DigestNavigator(Protocol):
    """What the palette needs from the main screen."""

    digests: list[DigestInfo]

    def choose_digest(self, name: str) -> None: ...


def action_commands(screen: Widget) -> Iterator[SystemCommand]:
    """One palette command per main-screen binding, plus `keys.PALETTE_EXTRA`.

    Titles (`keys.palette_title`) and help are our own constants from `keys`.
    """
    for binding in keys.MAIN:
        if binding.action in keys.PALETTE_SKIP:
            continue
        method = _action(screen, binding.action)
        if method is not None:
            yield SystemCommand(keys.palette_title(binding), _help(screen, binding), method)
    for action, title, help_text in keys.PALETTE_EXTRA:
        method = _action(screen, action)
        if method is not None:
            key = keys.PALETTE_EXTRA_KEYS.get(action)
            if key is not None:  # (a list key: "Clear the selection … · X")
                help_text = f"{help_text} · {hint_key(screen.app, key)}"
            yield SystemCommand(title, help_text, method)


def reading_commands(screen: Widget) -> Iterator[SystemCommand]:
    """The reading view's palette: one command per binding of `keys.READING`, run on
    that view, so "Star" stars the paper read (the list's commands starred the
    hidden selection, and "Search" focused the hidden search box; found by a
    bug hunt). Titles and help are our own constants from `keys`."""
    seen: set[str] = set()  # (q and escape both go back: one "Back")
    for binding in keys.READING:
        if binding.action not in keys.READING_PALETTE_SKIP | seen:
            seen.add(binding.action)
            run = partial(screen.run_action, binding.action)
            yield SystemCommand(keys.palette_title(binding), _help(screen, binding), run)


def _help(screen: Widget, binding: Binding) -> str:
    """The binding's help line with its key as bound now: the palette named no key,
    and its titles differ from help's (found by a bug hunt)."""
    assert binding.id is not None  # every binding of `keys` has one (tested)
    return f"{binding.tooltip} · {hint_key(screen.app, binding.id)}"


def _action(screen: object, name: str) -> Callable[[], object] | None:
    method = getattr(screen, f"action_{name}", None)
    return method if callable(method) else None


class DigestCommands(Provider):
    """ "Digest: <name>" jumps to a digest. Names are untrusted: shown as plain Content."""

    def _navigator(self) -> DigestNavigator | None:
        screen = self.screen  # the screen the palette was opened over
        return screen if isinstance(screen, DigestNavigator) else None

    async def discover(self) -> Hits:
        main = self._navigator()
        if main is None:
            return
        for info in main.digests[:20]:
            text = f"Digest: {info.name}"
            yield DiscoveryHit(Content(text), partial(main.choose_digest, info.name), text=text)

    async def search(self, query: str) -> Hits:
        main = self._navigator()
        if main is None:
            return
        matcher = self.matcher(query)
        for info in main.digests:
            text = f"Digest: {info.name} {info.date}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(text), partial(main.choose_digest, info.name), text=text)
