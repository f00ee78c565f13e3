"""The footer (issue 16 item 4): every key once, `? Help` and `q Quit` always shown,
the most useful keys first on a narrow terminal; one widget drawing one line
(issue 13 req 5) that follows the focus and presses the key clicked."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Static
from ui_support import make_app, settle

from tui_digest.ui.widgets.footer import ReaderFooter


def drawn(footer: ReaderFooter) -> str:
    """The footer's line as drawn (public render_lines)."""
    strips = footer.render_lines(Region(0, 0, footer.size.width, 1))
    return "".join(segment.text for segment in strips[0])


def shown_keys(app) -> tuple[list[str], list[str]]:
    """(the keys drawn left of the separator, the pinned keys), each as the text drawn there."""
    footer = app.screen.query_one(ReaderFooter)
    line = drawn(footer)
    assert len(line) == footer.size.width == app.size.width
    keys: list[str] = []
    kept: list[str] = []
    for placed in footer.placed():
        text = line[placed.x : placed.x + placed.width]
        # Drawn whole, where the footer says (the last key's trailing space is the edge).
        assert text == placed.key.text[: placed.width] and placed.width >= len(text.rstrip())
        (kept if placed.pinned else keys).append(" ".join(text.split()))
    if kept:
        first_pinned = min(p.x for p in footer.placed() if p.pinned)
        assert line[first_pinned - 1] == "▏"  # the separator, right of every other key
        assert all(p.x + p.width < first_pinned for p in footer.placed() if not p.pinned)
    return keys, kept


def footer_of(app) -> ReaderFooter:
    return app.screen.query_one(ReaderFooter)


async def click_key(pilot, label: str) -> None:
    """Click the middle of the footer key drawn as `label` ("s Star")."""
    footer = footer_of(pilot.app)
    placed = next(p for p in footer.placed() if " ".join(p.key.text.split()) == label)
    await pilot.click(ReaderFooter, offset=(placed.x + placed.width // 2, 0))


@pytest.mark.parametrize("width", [60, 80, 120, 200])
async def test_every_key_once_and_help_quit_always_visible(cache: Path, width: int) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        keys, pinned = shown_keys(app)
        assert pinned == ["? Help", "q Quit", "^p Commands"]
        everything = keys + pinned
        assert len(everything) == len(set(everything)), everything  # each key once
        assert all("^p" not in key for key in keys)
        # The pinned keys end at the screen's right edge.
        last = max(footer_of(app).placed(), key=lambda p: p.x)
        assert last.pinned and last.x + last.width == app.size.width
        # The most useful keys come first: whatever fits starts with these.
        first = ["/ Search", "d Digest", "s Star", "m Read", "o Open"]
        assert keys[: len(first)] == first[: len(keys)]
        if width >= 80:
            assert keys[:3] == first[:3]
        if width >= 200:
            assert "j/↓ Down" in keys and "e Export" in keys


async def test_the_reading_view_pins_help_and_quit_too(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        keys, pinned = shown_keys(app)
        # Here q goes back to the list (as escape does): it is not pinned as Quit.
        assert pinned == ["? Help", "^p Commands"]
        assert keys[:3] == ["esc Back", "J Next", "K Previous"]


async def test_the_footer_follows_the_focus(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        keys, _ = shown_keys(app)
        assert "s Star" in keys and "esc Clear search" not in keys
        await pilot.press("slash")  # the search box takes the letters: s types an s
        await pilot.pause()
        keys, pinned = shown_keys(app)
        assert "esc Clear search" in keys and "s Star" not in keys
        assert "q Quit" not in pinned  # (q types a q there)
        await pilot.press("escape")
        await pilot.pause()
        keys, pinned = shown_keys(app)
        assert "s Star" in keys and "esc Clear search" not in keys
        assert pinned == ["? Help", "q Quit", "^p Commands"]


async def test_clicking_a_key_presses_it(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        main = app.main
        assert main.detail.record is not None and not main.detail.record.starred
        await click_key(pilot, "s Star")
        await settle(pilot)
        assert main.detail.record.starred
        await click_key(pilot, "? Help")  # a pinned key too
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"


async def test_the_hovered_key_shows_its_tooltip(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        footer = footer_of(app)
        star = next(p for p in footer.placed() if p.key.binding_id == "main.star")
        await pilot.hover(ReaderFooter, offset=(star.x + 1, 0))
        assert footer.tooltip == star.key.tooltip
        assert "Star or unstar" in str(footer.tooltip)
        gap = max(p.x + p.width for p in footer.placed() if not p.pinned) + 1
        await pilot.hover(ReaderFooter, offset=(gap, 0))
        assert footer.tooltip is None


class Disabled(App[None]):
    """A key its screen disables (check_action -> None): dimmed, and a click only rings."""

    BINDINGS = [  # noqa: RUF012 (Textual reads it)
        Binding("x", "go", "Go", id="t.go"),
        Binding("z", "stop", "Stop", id="t.stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield ReaderFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "stop" else True

    def action_go(self) -> None:
        self.done.append("go")

    def action_stop(self) -> None:
        self.done.append("stop")

    def bell(self) -> None:
        self.bells += 1


async def test_a_disabled_key_is_dimmed_and_a_click_only_rings() -> None:
    app = Disabled()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        footer = footer_of(app)
        placed = {p.key.description: p for p in footer.placed()}
        assert not placed["Stop"].key.enabled and placed["Go"].key.enabled
        strip = footer.render_lines(Region(0, 0, 60, 1))[0]
        styles = {seg.text.strip(): seg.style for seg in strip if seg.text.strip()}
        # (Textual draws dim text as a colour blended toward the background.)
        assert styles["z"].color != styles["x"].color and styles["Go"] != styles["Stop"]
        await pilot.click(ReaderFooter, offset=(placed["Stop"].x + 1, 0))
        await pilot.click(ReaderFooter, offset=(placed["Go"].x + 1, 0))
        await pilot.pause()
        assert app.done == ["go"] and app.bells == 1


async def test_a_double_click_on_a_key_presses_it_once(cache: Path) -> None:
    """A double click on `m Read` was `m m`, which leaves the paper unread by hand
    for good (the read timer never reads it), and on `s Star` starred and unstarred:
    a click chain presses the key once (found by a bug hunt)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        main = app.main
        record = main.detail.record
        assert record is not None and not record.starred and not record.read
        footer = footer_of(app)
        star = next(p for p in footer.placed() if p.key.binding_id == "main.star")
        await pilot.click(ReaderFooter, offset=(star.x + 1, 0), times=2)
        await settle(pilot)
        assert main.detail.record is not None and main.detail.record.starred
        read = next(p for p in footer.placed() if p.key.binding_id == "main.read")
        await pilot.click(ReaderFooter, offset=(read.x + 1, 0), times=2)
        await settle(pilot)
        assert main.store is not None
        now = main.store.get_paper(record.rowid)
        assert now is not None and now.read  # once: `m m` left it unread by hand


async def test_the_hover_and_tooltip_follow_the_keys_placed_again(cache: Path) -> None:
    """`/` re-places the footer's keys under a still pointer: the tooltip still spoke
    of `s Star`, drawn no more, until the mouse moved (found by a bug hunt). The key
    under the pointer is found again instead."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        footer = footer_of(app)
        star = next(p for p in footer.placed() if p.key.binding_id == "main.star")
        await pilot.hover(ReaderFooter, offset=(star.x + 1, 0))
        assert "Star or unstar" in str(footer.tooltip)
        await pilot.press("slash")
        await pilot.pause()
        assert all(p.key.binding_id != "main.star" for p in footer.placed())
        under = footer.key_at(star.x + 1)  # (now `esc Clear search`, or nothing)
        assert footer.tooltip == (under.tooltip if under else None)
        assert "Star" not in str(footer.tooltip)
        assert "Star" not in drawn(footer)
        palette = footer.placed()[-1]  # (pinned right: drawn there in both)
        await pilot.hover(ReaderFooter, offset=(palette.x + 1, 0))
        assert footer.tooltip == palette.key.tooltip
        # Placed again with the same key under the pointer: its tooltip stays.
        await pilot.press("escape")
        await pilot.pause()
        assert "Star" in drawn(footer) and footer.placed()[0].key.binding_id == "main.search"
        assert footer.placed()[-1].key == palette.key
        assert footer.tooltip == palette.key.tooltip


def placed_key(app, binding_id: str):
    return next(p for p in footer_of(app).placed() if p.key.binding_id == binding_id)


async def test_fast_clicks_on_a_moving_key_press_it_every_time(cache: Path) -> None:
    """Textual chains clicks at one cell under 0.5 s apart, however many: five quick
    clicks on `space Select` selected one paper, three on `J Next` read one paper on
    (found by a regression hunt). Only keys whose second press undoes the first are
    pressed once per double click."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        main, papers = app.main, app.main.paper_list
        papers.focus()
        await settle(pilot)
        select = placed_key(app, "list.select")
        await pilot.click(ReaderFooter, offset=(select.x + 1, 0), times=5)
        await settle(pilot)
        assert len(papers.selected) == 5 and papers.cursor == 5
        # A toggle: a double or triple click stars once.
        star = placed_key(app, "main.star")
        await pilot.click(ReaderFooter, offset=(star.x + 1, 0), times=3)
        await settle(pilot)
        assert main.store is not None
        marked = main.store.get_papers(sorted(papers.selected))
        assert all(p.starred for p in marked)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert view is not main
        start = papers.cursor
        after = placed_key(app, "reading.next")
        await pilot.click(ReaderFooter, offset=(after.x + 1, 0), times=3)
        await settle(pilot)
        assert papers.cursor == start + 3


async def test_a_chained_click_that_starts_on_another_screen_is_not_pressed(cache: Path) -> None:
    """A double click on the reading view's `esc Back`: the first closes the view and
    the second lands on the list's footer, on whatever key is drawn there; it was the
    same click, not a press of that key."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        main = app.main
        await pilot.press("enter")
        await settle(pilot)
        back = placed_key(app, "reading.close")
        await pilot.click(ReaderFooter, offset=(back.x + 1, 0))
        await settle(pilot)
        assert app.screen is main
        under = footer_of(app).key_at(back.x + 1)
        assert under is not None and under.binding_id == "main.search"
        footer = footer_of(app)
        x, y = back.x + 1, footer.region.y
        footer.post_message(
            events.Click(footer, back.x + 1, 0, 0, 0, 1, False, False, False, x, y, chain=2)
        )
        await settle(pilot)
        assert app.screen is main and not main.query_one("#search").has_focus


def test_the_footer_toggles_are_keys_the_footer_shows() -> None:
    from tui_digest.ui import keys

    shown = {b.id for _, bindings in keys.SECTIONS for b in bindings if b.show}
    assert shown >= keys.FOOTER_TOGGLES


async def test_a_double_click_on_open_opens_the_page_once(cache: Path, monkeypatch) -> None:
    """A double click on the footer's `o Open` opened the paper's page twice (two
    browser tabs), as a double click on a link in the detail pane did (left by
    the regression hunt `regui`): it opens once, as there."""
    from tui_digest.ui import opener

    opened: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        opened.append(url)
        return opener.Outcome(True, "fake")

    monkeypatch.setattr(opener, "open_url", fake_open)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        footer = footer_of(app)
        button = next(p for p in footer.placed() if p.key.binding_id == "main.open")
        await pilot.click(ReaderFooter, offset=(button.x + 1, 0), times=2)
        await settle(pilot)
    assert len(opened) == 1


async def test_the_search_box_shows_no_slash_key_it_types(cache: Path) -> None:
    """`/ Search` stayed in the footer while the search box had the focus, where `/`
    types a slash (bug hunt `auditui` #7): Textual drops a binding whose key the
    focused Input takes by the key's character, which it knows for `?` and `*`
    but not for `slash`."""
    from textual.widgets import Input

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        keys, _ = shown_keys(app)
        assert "/ Search" in keys
        await pilot.press("slash")
        await pilot.pause()
        keys, pinned = shown_keys(app)
        assert "/ Search" not in keys + pinned
        await pilot.press("a", "slash", "b")
        await settle(pilot)
        assert app.main.query_one("#search", Input).value == "a/b"
