"""A kept search (issue 16 item 2): escape in the list clears it; the status line shows it."""

from __future__ import annotations

import os
from pathlib import Path

from ui_support import make_app, settle, status_text

SIZE = (140, 40)


async def test_escape_in_the_list_clears_a_kept_search(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert "search:" not in status_text(app)
        await pilot.press("slash", *"retrieval", "enter")
        await settle(pilot)
        assert app.focused is main.paper_list
        assert 0 < main.matches < 38
        line = status_text(app)
        assert "search: retrieval (esc clears)" in line
        await pilot.press("j")
        await settle(pilot)
        chosen = main.paper_list.current_rowid
        await pilot.press("escape")
        await settle(pilot)
        assert main.query_text == "" and main.search_box.value == ""
        assert main.matches == 38
        assert main.paper_list.current_rowid == chosen  # still on it (test_ui_filter_place)
        assert app.focused is main.paper_list
        assert "search:" not in status_text(app)
        # Nothing kept: escape changes nothing.
        row = main.paper_list.cursor
        await pilot.press("j", "escape")
        await settle(pilot)
        assert main.matches == 38 and main.paper_list.cursor == row + 1


async def test_a_search_reopened_from_settings_shows_and_clears(cache: Path) -> None:
    from tui_digest.ui.settings import Settings

    Settings(query="cat:cs.CL").save()
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert 0 < app.main.matches < 38
        assert "search: cat:cs.CL" in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.matches == 38
        assert "search:" not in status_text(app)


async def test_a_long_search_is_cut_with_an_ellipsis(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "retrieval " + "x" * 80
        await settle(pilot)
        line = status_text(app)
        assert "search: retrieval xxx" in line and "… (esc clears)" in line
        assert "x" * 60 not in line


async def test_typing_a_quote_keeps_the_last_result_without_an_error(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"retrieval")
        await settle(pilot)
        before, ids = main.matches, list(main.paper_list.ids)
        assert 0 < before < 38
        seen: list[tuple[int, str]] = []
        # Every keystroke of an unfinished phrase: the same result, no error.
        for key in ["space", "quotation_mark", *"scaling", "space", *"laws"]:
            await pilot.press(key)
            await settle(pilot)
            seen.append((main.matches, main.error))
            assert list(main.paper_list.ids) == ids, main.search_box.value
        assert seen == [(before, "")] * len(seen)
        assert "unbalanced" not in status_text(app)
        await pilot.press("quotation_mark")  # the phrase closes: the query parses again
        await settle(pilot)
        assert main.search_box.value == 'retrieval "scaling laws"'
        assert 0 < main.matches <= before and main.error == ""


async def test_an_unfinished_query_left_with_enter_says_why(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"cat:", "enter")
        await settle(pilot)
        assert "needs a value after cat:" in status_text(app)
        # A query that is wrong, not unfinished, is reported while typing.
        await pilot.press("slash", "escape", "slash", *"is:bogus")
        await settle(pilot)
        assert "unknown is: value" in status_text(app)


async def test_a_note_term_with_nothing_to_search_for_never_lists_every_paper(
    cache: Path,
) -> None:
    """`note:🚀` listed every paper (48 / 48) without a word: the term searched
    for nothing and was left out (found by a bug hunt). It is unfinished: the
    list keeps the last result, and Enter says why."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"retrieval")
        await settle(pilot)
        before, ids = main.matches, list(main.paper_list.ids)
        main.search_box.value = "note:🚀"
        await settle(pilot)
        assert list(main.paper_list.ids) == ids and main.matches == before
        await pilot.press("enter")
        await settle(pilot)
        assert '"note:🚀" has nothing to search for' in status_text(app)


async def test_escape_in_the_detail_pane_clears_a_kept_search_too(cache: Path) -> None:
    """A click in the detail pane (or tab) moves the focus there; the status line
    still said "(esc clears)" and escape did nothing (found by a bug hunt). Escape
    there goes back to the list and clears the kept search, the cursor staying on
    its paper as from the list."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = app.main
        for leave in ("click", "tab"):
            await pilot.press("slash", *"graph", "enter")
            await settle(pilot)
            assert 0 < main.matches < 38
            chosen = main.paper_list.current_rowid
            if leave == "click":
                d = main.detail.content_region
                await pilot.click(offset=(d.x + 5, d.y + 3))
            else:
                await pilot.press("tab")
            await settle(pilot)
            assert app.focused is main.detail, leave
            assert "(esc clears)" in status_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert main.query_text == "" and main.matches == 38, leave
            assert "search:" not in status_text(app)
            assert app.focused is main.paper_list
            assert main.paper_list.current_rowid == chosen
        # Nothing kept: escape in the detail pane goes back to the list.
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is main.detail
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is main.paper_list and main.matches == 38


async def test_the_hint_names_the_detail_panes_key_when_it_has_the_focus(cache: Path) -> None:
    """`[keys]` may give the list's and the detail pane's clear different keys: the
    status line names the key of the pane with the focus."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keys]\nlist.clear_search = "x"\ndetail.clear_search = "z"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"graph", "enter")
        await settle(pilot)
        assert "(x clears)" in status_text(app)
        await pilot.press("tab")
        await settle(pilot)
        assert "(z clears)" in status_text(app)
        await pilot.press("z")
        await settle(pilot)
        assert app.main.query_text == "" and "search:" not in status_text(app)


async def test_the_hint_names_the_search_boxs_key_when_it_has_the_focus(cache: Path) -> None:
    """With `list.clear_search = "x"`, `/` back in the box said "(x clears)", and
    `x` there is typed (regression hunt `regui` #6): the box's own key is named."""
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    for keys, box in (('list.clear_search = "x"\n', "esc"), ('"search.clear" = "f5"\n', "f5")):
        config.write_text(f"[keys]\n{keys}")
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"graph", "enter")
            await settle(pilot)
            assert app.focused is app.main.paper_list
            await pilot.press("slash")
            await settle(pilot)
            assert app.focused is app.main.search_box
            assert f"({box} clears)" in status_text(app), (keys, status_text(app))
            await pilot.press("escape" if box == "esc" else box)
            await settle(pilot)
            assert app.main.query_text == "" and "search:" not in status_text(app)
            assert app.focused is app.main.paper_list
            assert "(x clears)" not in status_text(app)
