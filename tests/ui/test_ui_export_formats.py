"""The export dialog offers the citation formats and names the file to match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_support import build_cache, make_app, make_paper, settle

from tui_digest.core.store import Store
from tui_digest.ui.screens.export import ExportScreen

SIZE = (140, 40)


async def test_csl_json_and_ris_from_the_dialog(cache: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        current = app.main.detail.record
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#export-path", Input)
        await pilot.click("#fmt-csl-json")
        assert path_input.value == "digest-20240206-093000.csl.json"
        # Switching on replaces the whole ".csl.json", not just its ".json" tail.
        await pilot.click("#fmt-ris")
        assert path_input.value == "digest-20240206-093000.ris"
        await pilot.click("#fmt-csl-json")
        await pilot.click("#export-ok")
        await settle(pilot)
    (item,) = json.loads((tmp_path / "digest-20240206-093000.csl.json").read_text("utf-8"))
    assert item["type"] == "article" and item["title"] == current.paper.title_en
    assert item["number"] == f"arXiv:{current.paper.id}"

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.click("#fmt-ris")
        await pilot.click("#export-ok")
        await settle(pilot)
    text = (tmp_path / "digest-20240206-093000.ris").read_bytes().decode("utf-8")
    assert text.startswith("TY  - UNPB\r\n") and text.endswith("ER  - \r\n")
    record = Store.open(cache).get_paper(current.paper.id)
    assert f"TI  - {record.paper.title_en}\r\n" in text


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_export_dialog_fits_a_small_terminal(tmp_path: Path, size) -> None:
    """At 80x24 only the top edges of Export and Cancel showed (found by a bug hunt)."""
    from textual.widgets import Button

    from tui_digest.ui.screens.export import ExportScreen

    app = make_app(build_cache(tmp_path / "cache.db"), first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        dialog = app.screen.query_one("#export-dialog")
        for button in app.screen.query(Button):
            inside = dialog.content_region
            assert button.region.height == 3 and inside.contains_region(button.region), button.id


async def test_down_in_the_file_box_chooses_the_next_format(cache: Path, tmp_path, monkeypatch):
    """`e`, Down, Enter exported Markdown: the dialog opens in the file box, where
    Down did nothing (found by a bug hunt)."""
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value.endswith(".bib")
        await pilot.press("down", "up", "up")  # (no further than the first)
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value.endswith(".md")
        await pilot.press("down", "enter")
        await settle(pilot)
    [written] = list(tmp_path.glob("digest-*"))
    assert written.suffix == ".bib" and written.read_text("utf-8").startswith("@misc{")


async def test_dialogs_show_what_matters_in_a_short_terminal(tmp_path: Path) -> None:
    """At 40x12 the digest picker showed no digest at all, and the export dialog cut
    off its file box and buttons (found by a bug hunt): below 20 rows the dialogs
    drop their padding and scroll, the focused box in view."""
    from textual.widgets import Button, Input, OptionList

    from tui_digest.ui.screens.digest_picker import DigestPicker
    from tui_digest.ui.screens.export import ExportScreen

    app = make_app(build_cache(tmp_path / "cache.db"), first_run_sample=False)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DigestPicker) and app.screen.has_class("-short")
        options = app.screen.query_one(OptionList)
        shown = options.region.intersection(app.screen.query_one("#digest-dialog").content_region)
        assert options.option_count >= 3 and shown.height >= 3
        await pilot.press("escape")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        dialog = app.screen.query_one("#export-dialog")
        path_box = app.screen.query_one("#export-path", Input)
        assert path_box.has_focus
        assert dialog.content_region.contains_region(path_box.region)
        # The buttons are below: the dialog scrolls to them.
        ok = app.screen.query_one("#export-ok", Button)
        ok.scroll_visible(animate=False)
        await settle(pilot)
        assert dialog.content_region.contains_region(ok.region)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not app.screen.has_class("-short")


@pytest.mark.parametrize("size", [(80, 20), (80, 24), (80, 27), (100, 45), (60, 12)])
async def test_the_digest_list_stays_inside_its_dialog(tmp_path: Path, size) -> None:
    """At 20-27 rows (80x24 too) the list of 30 digests ran past the dialog's bottom
    and the highlight moved out of sight (found by a regression hunt)."""
    from textual.widgets import OptionList

    from tui_digest.core.model import Digest
    from tui_digest.ui.screens.digest_picker import DigestPicker

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        for day in range(1, 31):
            name = f"digest-cs.LG-2024-01-{day:02d}"
            store.import_digest(Digest(name, date=f"2024-01-{day:02d}", papers=[make_paper(day)]))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DigestPicker)
        dialog = app.screen.query_one("#digest-dialog")
        options = app.screen.query_one(OptionList)
        assert options.option_count >= 31  # all papers, For you, the 30 digests
        assert dialog.content_region.contains_region(options.region)
        for _ in range(20):
            await pilot.press("down")
        await settle(pilot)
        highlighted = options.highlighted
        assert highlighted is not None and highlighted >= 20
        # The highlight is scrolled into the list's view.
        top = int(options.scroll_offset.y)
        assert top <= highlighted < top + options.scrollable_content_region.height


async def test_help_and_sources_use_the_whole_height_of_a_short_terminal(tmp_path: Path) -> None:
    """The help and the sources kept their padding below 20 rows: at 40x12 the
    help showed three of its lines. They take the dialogs' short layout too."""
    from textual.containers import VerticalScroll

    from tui_digest.ui.screens.help import HelpScreen
    from tui_digest.ui.screens.sources import SourcesScreen

    app = make_app(build_cache(tmp_path / "cache.db"), first_run_sample=False)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        for key, screen in (("question_mark", HelpScreen), ("S", SourcesScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen) and app.screen.has_class("-short")
            shown = app.screen.query_one(VerticalScroll).region
            # 12 rows: the border (2), the title and the closing hint: 8 left.
            assert shown.height == 8, key
            await pilot.press("escape")
            await settle(pilot)


def test_a_dialog_mounted_while_the_app_exits_does_not_crash() -> None:
    """`q` then `e` typed fast: the export dialog was mounted while the app exited,
    its children never were, and focusing the file box raised NoMatches (a
    traceback and exit 1 at quit; found by a bug hunt, in tmux). A dialog with
    no children has nothing to focus."""
    from tui_digest.ui.screens.export import ExportScreen

    ExportScreen(3).on_mount()  # (no app, no children: as at the exit)
