"""Pilot tests: every reader flow against a small real cache."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input
from ui_support import (
    HOSTILE_TITLE,
    ManualTimers,
    detail_text,
    make_app,
    notes,
    palette_offers,
    settle,
    status_text,
)

from tui_digest.core.store import Store
from tui_digest.ui.screens.confirm import ConfirmScreen
from tui_digest.ui.screens.digest_picker import DigestPicker
from tui_digest.ui.screens.export import ExportScreen
from tui_digest.ui.screens.help import HelpScreen, HelpText
from tui_digest.ui.settings import Settings, settings_path

SIZE = (140, 40)


async def test_opens_on_all_papers_with_the_first_paper_in_detail(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert main.matches == 38 and main.total == 38
        assert len(main.paper_list.ids) == 38
        record = main.detail.record
        assert record is not None and record.rowid == main.paper_list.ids[0]
        text = detail_text(app)
        assert text.startswith("[^1]")
        assert "digest-cs.LG-2024-02-06" in text  # the digests it appeared in
        assert "2402.10100v1" in text
        assert "38 / 38" in status_text(app)


async def test_moves_with_j_k_g_G_and_pages(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        await pilot.press("j", "j", "down")
        assert papers.cursor == 3
        await pilot.press("k")
        assert papers.cursor == 2
        await pilot.press("G")
        assert papers.cursor == 37
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("pagedown")
        assert papers.cursor > 10
        await pilot.press("pageup")
        assert papers.cursor == 0
        await pilot.press("G")
        await settle(pilot)
        record = app.main.detail.record
        assert record is not None and record.rowid == papers.ids[37]


async def test_search_as_you_type_then_enter_and_escape(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for key in "retrieval":
            await pilot.press(key)
        await settle(pilot)
        assert 0 < main.matches < 38
        rows = Store.open(cache).list_rows(main.paper_list.ids)
        assert all("retrieval" in row.title_en.lower() for row in rows)
        assert f"{main.matches} / 38" in status_text(app)
        await pilot.press("enter")
        assert app.focused is main.paper_list
        assert main.query_text == "retrieval"
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert main.query_text == "" and main.matches == 38
        assert app.focused is main.paper_list


async def test_chinese_search(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "扩散模型"
        await settle(pilot)
        assert 0 < app.main.matches < 38


async def test_malformed_query_shows_message_and_no_papers(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "is:bogus"
        await settle(pilot)
        assert "is:bogus" not in notes(app)
        assert "unknown is: value" in status_text(app)
        # The failed query shows nothing as its result, not the papers of the
        # search before it ("38 / 38" beside the error; found by a bug hunt).
        assert app.main.paper_list.ids == [] and app.main.matches == 0
        assert "0 / 38" in status_text(app)
        assert app.is_running
        # A query too long for SQLite is said so the same way.
        app.main.search_box.value = " ".join(["(a OR b)"] * 20) + " " + "(" * 11 + "x" + ")" * 11
        await settle(pilot)
        assert "nest at most" in status_text(app) and app.main.paper_list.ids == []
        app.main.search_box.value = ""
        await settle(pilot)
        assert len(app.main.paper_list.ids) == 38 and "nest" not in status_text(app)


async def test_unread_and_starred_quick_filters(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("m", "j", "s")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert main.matches == 37
        assert "is:unread" in status_text(app)
        await pilot.press("asterisk")
        await settle(pilot)
        assert main.matches == 1  # unread and starred
        await pilot.press("u")
        await settle(pilot)
        assert main.matches == 1 and main.effective_query() == "is:starred"


async def test_select_and_select_all(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        await pilot.press("space")
        assert papers.selected == {papers.ids[0]} and papers.cursor == 1
        assert "1 selected" in status_text(app)
        await pilot.press("A")
        assert papers.selected == set(papers.ids)
        await pilot.press("A")
        assert papers.selected == set()


async def test_star_and_read_persist_in_the_cache(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main.paper_list.ids[0]
        await pilot.press("s", "m")
        await settle(pilot)
        record = Store.open(cache).get_paper(first)
        assert record is not None and record.starred and record.read
        await pilot.press("s")
        await settle(pilot)
        record = Store.open(cache).get_paper(first)
        assert record is not None and not record.starred


async def test_star_applies_to_the_selection(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = app.main.paper_list.ids
        await pilot.press("space", "space", "s")
        await settle(pilot)
        store = Store.open(cache)
        assert [r.starred for r in store.get_papers(ids[:3])] == [True, True, False]


async def test_read_after_dwell_and_cancel_on_move(cache: Path) -> None:
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        ids = main.paper_list.ids
        await pilot.press("j")
        await settle(pilot)
        assert main.dwell.pending == ids[1]
        timers.advance(1.9)  # not long enough ([reader] read_after_seconds = 2)
        await pilot.press("j")  # moving on cancels it
        await settle(pilot)
        assert main.dwell.pending == ids[2]
        timers.advance(1.0)
        await pilot.press("j")
        await settle(pilot)
        timers.advance(2.0)
        await settle(pilot)
        store = Store.open(cache)
        assert [r.read for r in store.get_papers(ids[:4])] == [False, False, False, True]
        assert "read" in detail_text(app).split("\n")[0]


async def test_language_cycles_and_persists(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Attention" not in detail_text(app)
        en_title = app.main.detail.record.paper.title_en
        zh_title = app.main.detail.record.paper.title_zh
        await pilot.press("l")
        assert app.main.settings.language == "zh"
        assert zh_title in detail_text(app) and en_title not in detail_text(app)
        assert "中文" in status_text(app)
        await pilot.press("l")
        assert en_title in detail_text(app) and zh_title not in detail_text(app)
        assert app.main.paper_list.language == "en"
    assert Settings.load().language == "en"
    assert json.loads(settings_path().read_text())["language"] == "en"
    again = make_app(cache, first_run_sample=False)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.main.paper_list.language == "en"


async def test_layout_switch_and_auto_layout(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        panes = app.main.query_one("#panes")
        assert panes.has_class("stacked")
        detail, papers = app.main.detail, app.main.paper_list
        assert detail.region.y > papers.region.y
        await pilot.press("v")
        await pilot.pause()
        assert panes.has_class("wide") and detail.region.x > papers.region.x
    assert Settings.load().layout == "wide"


async def test_help_screen_lists_the_bindings(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(HelpText).plain
        for expected in ("Export", "Select every paper shown", "Cycle the language", "Quit"):
            assert expected in text
        # The query language page (issue 10 req 9).
        for expected in ("Query language", "diffusion OR 扩散", "date:-7d", "sort:relevance"):
            assert expected in text
        assert "tag:robotics" in text and "note:baseline" in text
        # Its meanings start in one column, Chinese examples included (cells, not chars).
        from rich.cells import cell_len

        rows = [line for line in text.splitlines() if line.startswith("  ")]
        starts = {
            cell_len(line[: line.index(m)])
            for line in rows
            for m in ("either word", "Chinese words anywhere", "papers with (or")
            if m in line
        }
        assert len(starts) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_at_80_columns_wraps_each_description_under_itself(cache: Path) -> None:
    """A long description went back to column 0, under the keys (found by a bug hunt)."""
    from rich.cells import cell_len

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_text = app.screen.query_one(HelpText)
        width = help_text.content_size.width
        lines = help_text.plain.split("\n")
        assert all(cell_len(line) <= width for line in lines)
        select_all = next(i for i, line in enumerate(lines) if "Select every paper" in line)
        column = lines[select_all].index("Select every paper")
        following = lines[select_all + 1]
        # The rest of the sentence continues in the description's own column.
        assert following[:column].strip() == "" and following[column:].strip()
        assert "stay selected)" in " ".join(lines[select_all : select_all + 3])


async def test_quit(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_export_json_of_the_selection_in_listing_order(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = app.main.paper_list.ids
        await pilot.press("j", "j", "space", "k", "k", "space", "e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.click("#fmt-json")
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == "digest-20240206-093000.json"
        await pilot.click("#export-ok")
        await settle(pilot)
        out = tmp_path / "digest-20240206-093000.json"
        assert out.exists()
        assert any("Exported 2 papers" in n for n in notes(app))
    data = json.loads(out.read_text())
    # space moves down after selecting: ids[2] was selected first, then ids[1]
    records = Store.open(cache).get_papers([ids[1], ids[2]])
    assert [item["id"] for item in data] == [r.paper.id for r in records]


async def test_export_markdown_of_the_current_paper(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "e")
        await pilot.press("enter")
        await settle(pilot)
        title = app.main.detail.record.paper.title_en
    text = (tmp_path / "digest-20240206-093000.md").read_text(encoding="utf-8")
    assert title in text and "[^1]" in text


async def test_export_asks_before_replacing(cache: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "digest-20240206-093000.md"
    target.write_text("keep me")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "keep me"
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text() != "keep me"
        assert any("Exported 1 paper" in n for n in notes(app))


async def test_export_write_error_is_reported(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "not-a-folder"
    blocker.write_text("")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(blocker / "out.md")
        await pilot.press("enter")
        await settle(pilot)
        assert any(n.startswith("Could not export") for n in notes(app))
        assert app.is_running
    assert list(folder.iterdir()) == [blocker]  # nothing half-written


async def test_export_to_a_missing_folder_names_the_path_once(cache: Path, tmp_path: Path) -> None:
    # Found by a bug hunt: the message named the path twice ("…: 'nodir'").
    target = tmp_path / "nodir" / "x.bib"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        shown = [n for n in notes(app) if n.startswith("Could not export")]
    assert shown == [
        f"Could not export: cannot write {target}: folder {target.parent} does not exist"
    ]


async def test_escape_closes_the_export_dialog(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_hostile_markup_is_shown_literally(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert HOSTILE_TITLE in detail_text(app)
        line = "".join(s.text for s in app.main.paper_list.render_line(1))
        assert "[bold]Boom[/]" in line
        await pilot.click("#detail", offset=(5, 6))
        await pilot.press("y", "j", "k")
        await settle(pilot)
        assert app.is_running
        assert app.clipboard.startswith("https://arxiv.org/abs/")


async def test_open_shows_the_arxiv_page_never_a_stored_javascript_link(
    cache: Path, monkeypatch
) -> None:
    from tui_digest.ui import opener

    opened: list[str] = []

    def fake_open(url: str, **_: object) -> opener.Outcome:
        opened.append(url)
        return opener.Outcome(True, "fake-browser")

    monkeypatch.setattr(opener, "open_url", fake_open)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        record = app.main.detail.record
        assert record.paper.url == "javascript:alert(1)"
        await pilot.press("o")
        await settle(pilot)
        # `o` opens the abstract page, built from the id: the stored link is never used.
        assert opened == [f"https://arxiv.org/abs/{record.paper.id}"]
        assert any(n.startswith("Opened the abstract page with fake-browser") for n in notes(app))
        assert app.main.detail.record.read  # opening counts as reading


async def test_digest_picker_switches_the_view(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press("down", "down", "down", "enter")  # All papers, For you, newest, older
        await settle(pilot)
        assert app.main.digest == "digest-cs.LG-2024-02-05"
        assert app.main.matches == 30
        assert "digest-cs.LG-2024-02-05" in status_text(app)
        await pilot.press("d", *"all papers", "enter")  # type to filter
        await settle(pilot)
        assert app.main.digest is None and app.main.matches == 38


async def test_command_palette_runs_reader_commands(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.main)]
        for expected in ("Export", "Unread", "Starred", "Lang", "Theme", "All papers"):
            assert expected in titles
        await pilot.press("ctrl+p")
        for key in "unread":
            await pilot.press(key)
        await palette_offers(pilot, "Unread")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.unread_only


async def test_command_palette_jumps_to_a_digest(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        for key in "2024-02-05":
            await pilot.press(key)
        await palette_offers(pilot, "2024-02-05")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.digest == "digest-cs.LG-2024-02-05"


async def test_first_run_imports_the_bundled_sample(tmp_path: Path) -> None:
    app = make_app(tmp_path / "fresh.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.matches == 12
        assert "sample data" in status_text(app)
        assert any("sample" in n for n in notes(app))
        assert app.main.digests[0].alias.startswith("sample: ")
        assert app.main.digests[0].name.startswith("sample-")


async def test_empty_cache_without_sample_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path / "fresh.db", first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.matches == 0
        assert "No papers here yet" in detail_text(app)


async def test_opens_the_737_paper_sample(samples: Path, tmp_path: Path) -> None:
    from tui_digest.core.readers import read_document

    source = samples / "digest-cs.LG-2024-02-06-large.md"
    result = read_document(source.read_bytes(), source=str(source), format="digest")
    with Store.open(tmp_path / "large.db") as store:
        store.import_digest(result.digest)
    app = make_app(tmp_path / "large.db", first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.matches == len(result.digest.papers) == 737
        await pilot.press("G")
        await settle(pilot)
        papers = app.main.paper_list
        assert papers.cursor == 736
        lines = ["".join(s.text for s in papers.render_line(y)) for y in range(1, 10)]
        assert all(line.strip() != "…" for line in lines)  # rows were fetched, not placeholders
        assert app.main.detail.record.rowid == papers.ids[-1]


async def frames_are_drawn(pilot) -> None:
    """Layout still runs: a held frame (App.batch_update) would stop the panes moving."""
    main = pilot.app.main
    main.paper_list.focus()
    for _ in range(2):
        before = main.detail.region
        await pilot.press("v")
        await pilot.pause()
        assert main.detail.region != before


async def test_keystrokes_during_a_search_are_coalesced(cache: Path) -> None:
    import threading

    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        store = main.store
        gate = threading.Event()
        calls: list[str] = []
        page = store.page

        def slow_page(query, **kwargs):
            calls.append(query)
            if len(calls) == 1:
                gate.wait(10)  # the first search is held until the keystrokes are in
            return page(query, **kwargs)

        store.page = slow_page
        main.frame_hold = 0.02
        await pilot.press("slash", "r")
        for _ in range(200):
            if calls:
                break
            await pilot.pause(0.005)
        assert calls == ["r"]
        for key in "etrieval":
            await pilot.press(key)
        assert calls == ["r"] and not main.listing_ready  # waiting, not piling up
        gate.set()
        await settle(pilot)
        assert calls == ["r", "retrieval"]  # the stale middle states were never run
        assert main.query_text == "retrieval" and 0 < main.matches < 38
        assert f"{main.matches} / 38" in status_text(app)
        assert not main.frame_held
        await frames_are_drawn(pilot)  # the held frame was released


async def test_a_held_frame_is_released_by_the_results(cache: Path, monkeypatch) -> None:
    from tui_digest.ui.screens.main import MainScreen

    held: list[bool] = []
    hold = MainScreen._hold_frame

    def spy(self: MainScreen) -> None:
        hold(self)
        held.append(self.frame_held)

    monkeypatch.setattr(MainScreen, "_hold_frame", spy)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.frame_hold = 5.0  # only the results can release it within the test
        await pilot.press("slash", *"graph")
        await settle(pilot)
        assert held and all(held)
        assert not main.frame_held
        await frames_are_drawn(pilot)
        assert 0 < main.matches < 38
        main.search_box.value = "is:bogus"
        await settle(pilot)
        assert not main.frame_held
        await frames_are_drawn(pilot)
        assert "unknown is: value" in status_text(app)


async def test_corrupt_cache_is_moved_aside_and_the_reader_says_where(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    db.write_bytes(b"SQLite format 3\x00" + b"definitely not SQLite" * 40)
    app = make_app(db, first_run_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (moved,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert any(str(moved) in n for n in notes(app))
        assert app.main.total == 12  # a fresh cache, with the bundled sample


async def test_damage_found_after_the_first_frame_is_reported(tmp_path: Path) -> None:
    from tui_digest.core.model import Digest, Paper

    db = tmp_path / "cache.db"
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"paper {i} " * 30) for i in range(300)]
    with Store.open(db) as store:
        store.import_digest(Digest("d", date="2024-01-01", papers=papers))
    data = bytearray(db.read_bytes())
    data[3 * 16384 : 5 * 16384] = b"\xa5" * (2 * 16384)  # header and schema intact
    db.write_bytes(bytes(data))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("is damaged" in n and "tui-digest stats" in n for n in notes(app))


async def test_help_keeps_every_description_apart_from_its_keys_and_help(cache: Path) -> None:
    """The detail pane's escape row read "Back to the listBack to the list, clearing
    …": its 16-cell description filled the 14-cell column with nothing after it
    (found by a regression hunt). Every row, default keys and a long remap, keeps a
    space between keys, description and help."""
    import os

    from tui_digest.ui import keys

    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    for remaps in ("", '[keys]\n"detail.clear_search" = "ctrl+shift+home,ctrl+shift+end"\n'):
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(remaps, encoding="utf-8")
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=(200, 60)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            lines = app.screen.query_one(HelpText).plain.splitlines()
            for _, bindings in keys.SECTIONS:
                for binding in bindings:
                    tip = binding.tooltip
                    if not tip:  # (j/k and the like: keys and description only)
                        assert any(x.rstrip().endswith(f" {binding.description}") for x in lines)
                        continue
                    start = tip[:24]  # (a long help wraps under itself)
                    leads = [line[: line.index(start)] for line in lines if start in line]
                    assert any(
                        lead.endswith(" ") and lead.rstrip().endswith(f" {binding.description}")
                        for lead in leads
                    ), (binding.id, leads)
