"""The footer: every key once, `?` Help, `q` Quit and `^p` pinned right, useful keys first.

One widget drawing one line (issue 13 req 5). Textual's `Footer` mounts a
widget per key (15 on the main screen) after the screen's first refresh and
mounts them all again whenever the bindings change: ~25-30 ms of the reader's
start. This one reads the same public API (`Screen.active_bindings`, updated
on `Screen.bindings_updated_signal`) and draws the keys itself.

As Textual's footer: the keys of the focused widget, then the screen's, then
the app's (`show=True` bindings, one key per action, disabled ones dimmed),
the palette key docked right; a click on a key presses it. Unlike it: the keys
of `keys.FOOTER_PINNED` sit on the right with the palette key at any width
(on an 80-column terminal Textual's cut the app's `q Quit` off), the others
follow `keys.FOOTER_ORDER` (by binding id, so a key remapped in the config
keeps its place), and a key that does not fit whole is not drawn.

Descriptions and tooltips are our constants (ui/keys.py); a key's display may
come from the config's `[keys]`: all of it is drawn as plain text, never markup.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from tui_digest.ui import keys
from tui_digest.ui.key_names import typed_character

SEPARATOR = "▏"  # as Textual's footer draws its docked palette key (a `vkey` border)


# Compared by value (the hovered key is found again after the keys are read
# anew). A NamedTuple, for the reader's start (see core.record).
class FooterKey(NamedTuple):
    """One key as shown: what to press, what it does, and whether it can be pressed now."""

    key: str  # the key Textual binds (pressed on a click)
    display: str  # as shown ("?", "^p", "j/↓")
    description: str
    binding_id: str
    enabled: bool = True
    tooltip: str = ""

    @property
    def text(self) -> str:
        return f" {self.display} {self.description} "


class PlacedKey(NamedTuple):
    """A key drawn at columns x .. x + width of the footer."""

    x: int
    width: int
    key: FooterKey
    pinned: bool


def footer_keys(screen: Screen) -> tuple[list[FooterKey], list[FooterKey]]:
    """(the keys shown left in `FOOTER_ORDER`, the pinned keys in `FOOTER_PINNED` order)."""
    app = screen.app
    seen: set[str] = set()
    rest: list[FooterKey] = []
    pinned: list[FooterKey] = []
    focused = screen.focused
    for key_name, (namespace, binding, enabled, tooltip) in screen.active_bindings.items():
        if _typed_into(focused, namespace, key_name):
            continue
        # The palette's key (keys.APP, show=False) is shown docked, as Textual's footer does.
        palette = binding.action == "command_palette" and namespace is app
        if not (binding.show or (palette and app.ENABLE_COMMAND_PALETTE)):
            continue
        if binding.action in seen:
            continue  # one key per action (as Textual's footer)
        seen.add(binding.action)
        key = FooterKey(
            key=binding.key.split(",")[0],
            display=app.get_key_display(binding),
            description=binding.description,
            binding_id=binding.id or "",
            enabled=enabled,
            tooltip=tooltip or binding.tooltip or binding.description,
        )
        (pinned if palette or key.binding_id in keys.FOOTER_PINNED else rest).append(key)
    return _ordered(rest, keys.FOOTER_ORDER), _ordered(pinned, keys.FOOTER_PINNED)


def _typed_into(focused: Widget | None, namespace: object, key: str) -> bool:
    """Whether the focused widget takes `key` as text (the search box: `/` types a
    slash), so the binding of an enclosing node never fires. Textual drops those
    bindings itself by `key_to_character(key)`, which is None for `slash` (not for
    `question_mark`): `/ Search` stayed in the footer there (bug hunt `auditui` #7)."""
    if focused is None or namespace is focused or "+" in key:
        return False
    character = typed_character(key)
    return character is not None and focused.check_consume_key(key, character)


def _ordered(shown: list[FooterKey], order: tuple[str, ...]) -> list[FooterKey]:
    """The keys whose binding ids are in `order` first, in that order; then the rest as listed."""
    rank = {binding_id: i for i, binding_id in enumerate(order)}
    return sorted(shown, key=lambda k: rank.get(k.binding_id, len(rank)))


def place(rest: list[FooterKey], pinned: list[FooterKey], width: int) -> list[PlacedKey]:
    """Where each key is drawn on a line `width` cells wide: the pinned keys against the
    right edge after a separator, the others from the left while they fit whole."""
    placed: list[PlacedKey] = []
    right = width
    for key in reversed(pinned):
        # (The rightmost ends at the edge: its trailing space is not drawn.)
        size = cell_len(key.text) - (right == width)
        if right - size < 0:
            break
        right -= size
        placed.append(PlacedKey(right, size, key, pinned=True))
    placed.reverse()
    if pinned:
        right -= len(SEPARATOR)
    x = 0
    for key in rest:
        size = cell_len(key.text)
        if x + size > right:
            if x + size - 1 == right:  # fits but for its trailing space: the separator's
                placed.append(PlacedKey(x, size - 1, key, pinned=False))
            break
        placed.append(PlacedKey(x, size, key, pinned=False))
        x += size
    return sorted(placed, key=lambda p: p.x)


class ReaderFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {  # noqa: RUF012 (Textual reads it)
        "reader-footer--key",
        "reader-footer--description",
        "reader-footer--separator",
        "reader-footer--hover",
    }
    # The colours are Textual's footer theme variables (as its FooterKey's).
    DEFAULT_CSS = """
    ReaderFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        pointer: pointer;
    }
    ReaderFooter > .reader-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    ReaderFooter > .reader-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    ReaderFooter > .reader-footer--separator {
        color: $foreground 20%;
    }
    ReaderFooter > .reader-footer--hover {
        color: $footer-key-foreground;
        background: $block-hover-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[list[FooterKey], list[FooterKey]] | None = None  # None: to read
        self._placed: list[PlacedKey] = []
        self._hover: FooterKey | None = None
        self._pointer: int | None = None  # the pointer's column while it is over the footer
        self._last_click: tuple[str, int] | None = None  # (binding id, chain) of the last click

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # As Textual's footer: while the terminal has lost focus the focused widget is
        # blurred; keep showing its keys rather than the screen's.
        if screen is self.screen and self.app.app_focus:
            self._keys = None
            # The keys may move under a still pointer: the hovered key and its
            # tooltip were kept until the mouse moved, naming a key drawn elsewhere
            # or no more (found by a bug hunt). Found again under the pointer.
            self.placed()
            self._hover_at(self._pointer)
            self.refresh()

    def placed(self) -> list[PlacedKey]:
        """The keys drawn, and where (left to right)."""
        if self._keys is None:
            self._keys = footer_keys(self.screen)
        self._placed = place(*self._keys, self.size.width)
        return self._placed

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or not width:
            return Strip.blank(width, base)
        key_style = self.get_component_rich_style("reader-footer--key")
        description_style = self.get_component_rich_style("reader-footer--description")
        hover_style = self.get_component_rich_style("reader-footer--hover")
        dim = Style(dim=True)
        segments: list[Segment] = []
        x = 0
        for placed in self.placed():
            if placed.x > x:
                if placed.pinned:
                    gap = placed.x - x - len(SEPARATOR)
                    segments.append(Segment(" " * gap, base))
                    separator = self.get_component_rich_style("reader-footer--separator")
                    segments.append(Segment(SEPARATOR, separator))
                else:
                    segments.append(Segment(" " * (placed.x - x), base))
            key = placed.key
            keys_style, text_style = key_style, description_style
            if key == self._hover:
                keys_style, text_style = keys_style + hover_style, text_style + hover_style
            if not key.enabled:
                keys_style, text_style = keys_style + dim, text_style + dim
            segments.append(Segment(f" {key.display} ", keys_style))
            # (A key against the separator or the edge is drawn without its trailing space.)
            trailing = " " if placed.width == cell_len(key.text) else ""
            segments.append(Segment(f"{key.description}{trailing}", text_style))
            x = placed.x + placed.width
        return Strip(segments).adjust_cell_length(width, base)

    def key_at(self, x: int) -> FooterKey | None:
        """The key drawn at column `x`, if any."""
        return next((p.key for p in self._placed if p.x <= x < p.x + p.width), None)

    def _hover_at(self, x: int | None) -> None:
        """Hover the key drawn at column `x` (None: the pointer is not on the footer)."""
        key = None if x is None else self.key_at(x)
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key else None
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._pointer = event.x
        self._hover_at(event.x)

    def on_leave(self) -> None:
        self._pointer = None
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        previous = self._last_click
        self._last_click = None if key is None else (key.binding_id, event.chain)
        if key is None or not self._presses(key, event.chain, previous):
            return
        if key.enabled:
            self.app.simulate_key(key.key)  # as Textual's FooterKey: the key, as if pressed
        else:
            self.app.bell()

    @staticmethod
    def _presses(key: FooterKey, chain: int, previous: tuple[str, int] | None) -> bool:
        """Whether a click, the `chain`th of a chain Textual counts (same cell, under
        0.5 s apart), presses `key`. Every click presses a key meant to be clicked
        again (`space Select`, `J Next`): fast clicks counted once (found by a
        regression hunt). A double (or triple) click on a toggle presses it once: on
        `m Read` it was `m m`, which leaves the paper unread by hand for good (found
        by a bug hunt). A chained click whose start this footer did not see (the
        first click closed the reading view) is no press of the key now drawn there."""
        if chain == 1:
            return True
        return previous == (key.binding_id, chain - 1) and key.binding_id not in keys.FOOTER_TOGGLES
