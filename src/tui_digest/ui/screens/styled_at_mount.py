"""A screen that is not restyled whole when it is first shown (issue 13 req 5).

Textual styles each widget as it is mounted, and again when its classes or
pseudo-classes change (the list as it takes the focus). When a pushed screen
is then shown, its `ScreenResume` restyles the screen and every widget on it
once more (`Screen._on_screen_resume` calls `update_node_styles`): for the
main screen at the start that is ~20 widgets and the list's ten component
classes styled again, a moment after they were styled, to the same result
(~3 ms of the reader's start; `tests/ui/test_ui_styled_at_mount.py` restyles
the started screen and finds nothing changed).

So the first request to restyle the whole screen is skipped. Pushing a screen
mounts it and then shows it, so that request is the showing's own, or it came
before it, and the showing's restyle then covers it. Every later request runs:
a theme change restyles all screens without asking this one (`App.refresh_css`),
and screens shown again after a dialog are not restyled by Textual anyway.
"""

from __future__ import annotations

from textual.screen import Screen


class StyledAtMount(Screen[None]):
    _restyle_skipped = False

    def update_node_styles(self, animate: bool = True) -> None:
        if not self._restyle_skipped:
            self._restyle_skipped = True
            return
        super().update_node_styles(animate)
