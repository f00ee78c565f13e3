"""Where the main screen's panes go (issue 12 req 1): a mixin of `MainScreen`.

Side by side, the list takes `Settings.split` percent of the width (default 60,
so at 160 columns the title column has 60+ cells); stacked, `split_stacked`
percent of the height. `<` / `>` move the split of the layout shown, `c` shows
or hides the list's summary column, `v` switches the layout; all of them are
kept in the settings (`ui/settings.py`), so the next start looks the same.

"auto" (the default) stacks the panes below `WIDE_MIN_WIDTH` columns and puts
them side by side again when the terminal is widened. `v` always flips what is
shown: to the layout "auto" would pick at this width it stores "auto" (so the
layout follows the width again), to the other one it stores that layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual.screen import Screen
from textual.widget import Widget

from tui_digest.ui.settings import SPLIT_STEP, Settings, clamp_split
from tui_digest.ui.widgets.paper_list import PaperList

WIDE_MIN_WIDTH = 100  # below this, "auto" stacks the panes
# Stacked, the list's pane keeps at least the search box, the list's header and
# two rows whatever its share: at 25 % of a 10-row terminal it showed its header
# alone, the cursor's row never in view (found by a bug hunt).
STACKED_MIN_HEIGHT = 1 + 1 + 2


# The containers the panes are laid out in draw nothing of their own: their
# children cover them (the list's pane: the search box and the list; the
# panes: that pane and the detail pane). Textual's `BLANK` ("no border, no
# content") draws such a widget as blank lines of its background instead of
# running each of its lines through the style cache. With the main screen
# (MainScreen.BLANK) that took the first frame's drawing from ~10.9 to ~8.2 ms
# of CPU (issue 13 req 5), and it helps every frame that redraws the screen.
# tests/ui/test_ui_styled_at_mount.py checks that their children cover them.
# They are plain widgets laid out by main.tcss: Textual's Horizontal and Vertical
# would only add their own style sheets to parse at the start.
class Panes(Widget):
    """The list's pane and the detail pane (side by side or stacked by class)."""

    BLANK = True


class ListPane(Widget):
    """The search box above the list."""

    BLANK = True


def auto_layout(width: int) -> str:
    return "wide" if width >= WIDE_MIN_WIDTH else "stacked"


class PaneLayout:
    """Needs from the screen: settings, paper_list, save_settings (and it is a Screen)."""

    settings: Settings
    paper_list: PaperList
    save_settings: Callable[[], None]
    _edge_told = ""  # the edge last said ("widest", "shortest"…), until the split moves

    @property
    def _screen(self) -> Screen[None]:
        return cast("Screen[None]", self)

    def effective_layout(self) -> str:
        if self.settings.layout in ("wide", "stacked"):
            return self.settings.layout
        return auto_layout(self._screen.app.size.width)

    def _apply_layout(self) -> None:
        screen = self._screen
        self.lay_out(screen.query_one("#panes"), screen.query_one("#summary-pane"))
        self.paper_list.set_summary(self.settings.summary)

    def lay_out(self, panes: Widget, pane: Widget) -> None:
        """Give `panes` its layout's class and the list's `pane` its share.

        Also called from `compose`, before they are mounted: their first styling
        then is their last (a class set after mounting restyles every widget
        below it, ~3 ms at the start; issue 13 req 5), and the later calls from
        `on_mount` and `on_resize` change nothing.
        """
        layout = self.effective_layout()
        panes.set_class(layout == "wide", "wide")
        panes.set_class(layout == "stacked", "stacked")
        if layout == "wide":
            pane.styles.width = f"{self.settings.split}%"
            pane.styles.height = "1fr"
            pane.styles.min_height = None
        else:
            pane.styles.width = "1fr"
            pane.styles.height = f"{self.settings.split_stacked}%"
            pane.styles.min_height = STACKED_MIN_HEIGHT

    def action_toggle_layout(self) -> None:
        shown = self.effective_layout()
        wanted = "stacked" if shown == "wide" else "wide"
        auto = auto_layout(self._screen.app.size.width)
        self.settings.layout = "auto" if wanted == auto else wanted
        self._apply_layout()
        self.save_settings()

    def action_narrow_list(self) -> None:
        self.move_split(-1)

    def action_widen_list(self) -> None:
        self.move_split(1)

    def move_split(self, step: int) -> None:
        """Give the list `step` (±1) more steps of the room; the detail pane the rest."""
        wide = self.effective_layout() == "wide"
        name = "split" if wide else "split_stacked"
        before = getattr(self.settings, name)
        after = clamp_split(before + step * SPLIT_STEP)
        if after == before:
            # Said once per edge until the split moves again: held down, `>` stacked
            # a toast per key over the list and the detail pane. (Stacked, the split
            # is a height: it was "narrowest" there too; a bug hunt.)
            edges = ("narrowest", "widest") if wide else ("shortest", "tallest")
            edge = edges[step > 0]
            if self._edge_told != edge:
                self._edge_told = edge
                self._screen.notify(f"The list is at its {edge}.", markup=False)
            return
        self._edge_told = ""
        setattr(self.settings, name, after)
        self._apply_layout()
        self.save_settings()

    def action_toggle_summary(self) -> None:
        papers = self.paper_list
        had_room = papers.widths()[5] > 0
        self.settings.summary = not self.settings.summary
        papers.set_summary(self.settings.summary)
        self.save_settings()
        if papers.language == "en":
            state = "on" if self.settings.summary else "off"
            shown = f"{state} (the English view has no summary column)"
        elif not self.settings.summary:
            # Off, of a column the user never saw (a bug hunt): say why it was not there.
            shown = "off" if had_room else "off (it was not shown: the list had no room for it)"
        elif papers.widths()[5] == 0:
            # Titles first: the column only gets room beside a full title.
            shown = "on: it shows once the list is wider (> widens it)"
        else:
            shown = "on"
        self._screen.notify(f"Summary column {shown}.", markup=False)
