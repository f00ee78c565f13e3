"""What the main screen's start does not draw or style twice, and why that is safe
(issue 13 req 5; the screenshots in __snapshots__ are unchanged by both).

- The main screen is not restyled whole when it is first shown
  (screens/styled_at_mount.py): its widgets were styled as they were mounted,
  and restyling them all again after the start changes nothing.
- The screen and the panes' containers are drawn as blank lines of their
  background (Textual's `BLANK`, pane_layout.py): they have no border or
  padding, and their children cover them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.dom import DOMNode
from textual.geometry import Region, Spacing
from textual.widget import Widget
from ui_support import make_app, settle

from tui_digest.ui.screens.main import MainScreen

SIZES = [(140, 40), (90, 30)]  # side by side, stacked


def _styles_of(screen: MainScreen) -> dict[DOMNode, tuple[dict, dict]]:
    """Each node's styles from the style sheets, and those of its component classes."""
    return {
        node: (
            dict(node.styles.base.get_rules()),
            {
                name: dict(node.get_component_styles(name).base.get_rules())
                for name in sorted(node.COMPONENT_CLASSES)
            },
        )
        for node in screen.walk_children(with_self=True)
    }


@pytest.mark.parametrize("size", SIZES)
async def test_the_first_showing_does_not_restyle_the_screen_and_need_not(
    cache: Path, size: tuple[int, int], monkeypatch
) -> None:
    restyled: list[DOMNode] = []
    update_styles = App.update_styles

    def recording(self: App, node: DOMNode, animate: bool = True) -> None:
        restyled.append(node)
        update_styles(self, node, animate)

    monkeypatch.setattr(App, "update_styles", recording)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        main = app.main
        assert app.screen is main and main.paper_list.has_focus
        assert main not in restyled  # (the list was, as it took the focus)
        assert main.paper_list in restyled
        styled = _styles_of(main)
        assert styled[main.paper_list][1]  # (its component classes are compared too)
        # What the skipped pass would have done finds every style as it is:
        app.stylesheet.update(main, animate=False)
        assert _styles_of(main) == styled
        # Later requests restyle the screen as usual.
        main.add_class("probe")
        assert restyled[-1] is main


@pytest.mark.parametrize("size", SIZES)
async def test_the_blank_screen_and_containers_are_covered_by_their_children(
    cache: Path, size: tuple[int, int]
) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        main = app.main
        panes = main.query_one("#panes", Widget)
        list_pane = main.query_one("#summary-pane", Widget)
        laid_out = {
            main: [
                panes,
                main.query_one("#status", Widget),
                main.query_one("ReaderFooter", Widget),
            ],
            panes: [list_pane, main.detail],
            list_pane: [main.search_box, main.paper_list],
        }
        for container, children in laid_out.items():
            assert container.BLANK
            assert container.styles.gutter == Spacing(0, 0, 0, 0)  # no border, no padding
            region = container.region
            assert region.area > 0
            assert all(region.contains_region(child.region) for child in children)
            assert sum(child.region.area for child in children) == region.area
            # ...and they do not overlap: together they are the container.
            assert Region.from_union([child.region for child in children]) == region
