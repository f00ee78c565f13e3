"""The footer: every key once, `?` Help, `q` Quit and `^p` pinned right, useful keys first.

Textual's `Footer` lists the bindings of the focused widget, then the screen's,
then the app's, and cuts what does not fit: on an 80-column terminal the
app's `q Quit` fell off while `^p` appeared twice (once as a binding, once
docked right). Here the keys of `keys.FOOTER_PINNED` sit docked on the right
with the palette key, and the rest follow `keys.FOOTER_ORDER` (by binding id,
so a key remapped in the config keeps its place).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer

from tui_digest.ui import keys


class ReaderFooter(Footer):
    DEFAULT_CSS = """
    ReaderFooter HorizontalGroup.-pinned {
        dock: right;
        width: auto;
        height: 1;
        background: $footer-background;
        border-left: vkey $foreground 20%;
    }
    ReaderFooter HorizontalGroup.-pinned FooterKey {
        margin-right: 0;
    }
    """

    def compose(self) -> ComposeResult:
        ids = {
            active.binding.key: active.binding.id or ""
            for active in self.screen.active_bindings.values()
        }
        pinned: list[Widget] = []
        rest: list[Widget] = []
        for widget in super().compose():
            # Footer's keys carry the binding's `key` (public attribute of its FooterKey).
            binding_id = ids.get(getattr(widget, "key", None) or "", "")
            if widget.has_class("-command-palette"):
                widget.remove_class("-command-palette")  # docked with the group instead
                pinned.append(widget)
            elif binding_id in keys.FOOTER_PINNED:
                pinned.append(widget)
            else:
                rest.append(widget)
        yield from _ordered(rest, ids, keys.FOOTER_ORDER)
        if pinned:
            yield HorizontalGroup(*_ordered(pinned, ids, keys.FOOTER_PINNED), classes="-pinned")


def _ordered(widgets: list[Widget], ids: dict[str, str], order: tuple[str, ...]) -> list[Widget]:
    """The keys whose binding ids are in `order` first, in that order; then the rest as listed."""
    rank = {binding_id: i for i, binding_id in enumerate(order)}
    last = len(rank)
    return sorted(widgets, key=lambda w: rank.get(ids.get(getattr(w, "key", None) or "", ""), last))
