"""Dragging the split between the list and the detail pane with the mouse (issue 16 item 7).

The divider is the detail pane's edge: its left border side by side, its top
border stacked. A press on it captures the mouse; moves set the list's share
(`Settings.split` / `split_stacked`, clamped like `<` / `>`); the release keeps
it in the settings. A mixin of `MainScreen`, beside `PaneLayout`.

A release may never arrive (let go over another tmux pane or outside the
window), and Textual asks the terminal for every motion, held or not: the
split followed the pointer until the next click (found by a bug hunt). So a
move with no button held, the terminal losing the focus and another screen
opening over this one end the drag as a release does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual import events
from textual.screen import Screen
from textual.widget import Widget

from tui_digest.ui.settings import Settings, clamp_split


class SplitDrag:
    """Needs from the screen: settings, effective_layout, _apply_layout, save_settings
    (`PaneLayout` and `MainScreen` have them)."""

    settings: Settings
    effective_layout: Callable[[], str]
    _apply_layout: Callable[[], None]
    save_settings: Callable[[], None]
    _dragging = False  # a press on the divider captured the mouse

    def divider_at(self, x: int, y: int) -> bool:
        """The screen cell (x, y) is on the divider: the detail pane's left border
        side by side, its top border stacked, and only along the pane (in the
        divider's column, the status line and the footer are not on it; a press
        there started a drag; found by a bug hunt)."""
        screen = cast("Screen[None]", self)
        detail = screen.query_one("#detail", Widget).region
        if self.effective_layout() == "wide":
            return x == detail.x and detail.y <= y < detail.bottom
        return y == detail.y and detail.x <= x < detail.right

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button == 1 and self.divider_at(int(event.screen_x), int(event.screen_y)):
            self._dragging = True
            cast("Screen[None]", self).capture_mouse()
            event.stop()

    async def on_mount(self) -> None:  # (async as MainScreen's: handlers run along the MRO)
        screen = cast("Screen[None]", self)
        screen.watch(screen.app, "app_focus", self._app_focus_changed, init=False)

    def _app_focus_changed(self, focus: bool) -> None:
        if not focus:
            self._end_drag()

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        """Another screen opened over this one (it keeps the capture: Textual
        releases it only when a screen goes away). Not `Leave`: while the mouse
        is captured, every repaint's check of the widget under the pointer posts
        `Leave` to the screen, and a drag ended at its first move (found by a
        regression hunt)."""
        self._end_drag()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        if event.button == 0:  # a drag reports its button: the release was lost
            self._end_drag()
            return
        screen = cast("Screen[None]", self)
        panes = screen.query_one("#panes", Widget).region
        if self.effective_layout() == "wide":
            share = (event.screen_x - panes.x) * 100 / max(panes.width, 1)
            name = "split"
        else:
            share = (event.screen_y - panes.y) * 100 / max(panes.height, 1)
            name = "split_stacked"
        value = clamp_split(round(share))
        if value != getattr(self.settings, name):
            setattr(self.settings, name, value)
            self._apply_layout()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._end_drag()

    def _end_drag(self) -> None:
        """End a drag under way: the mouse released, the split kept."""
        if self._dragging:
            self._dragging = False
            cast("Screen[None]", self).release_mouse()
            self.save_settings()
