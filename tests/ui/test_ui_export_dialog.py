"""The export dialog: never over the reader's own files; the file box and the
format choice follow the keys exactly (three defects found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, RadioButton, RadioSet, Static
from ui_support import make_app, notes, settle

from tui_digest.core.store import Store
from tui_digest.ui.screens.confirm import ConfirmScreen
from tui_digest.ui.screens.export import ExportScreen

SIZE = (140, 40)


def quick_presses(app, *keys: str) -> None:
    """Keys queued at once, as a terminal delivers quick presses (`pilot.press`
    waits for the app to go idle after each key, so it cannot show this)."""
    for key in keys:
        app.post_message(events.Key(key, None))


def _error_text(app) -> str:
    return str(app.screen.query_one("#export-error", Static).visual)


@pytest.mark.parametrize(
    "spelling",
    ["cache.db", "./sub/../cache.db", "~/cache.db", "link.db", "cache.db-wal", "cache.db-shm"],
)
async def test_the_dialog_refuses_to_write_over_the_cache(
    cache: Path, tmp_path: Path, monkeypatch, spelling: str
) -> None:
    """`e`, the cache's own path, Enter, `y`: the cache was replaced by the Markdown
    export, every star, note and tag gone. The CLI refused it; the dialog did not."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.db").symlink_to(cache)
    before = len(Store.open(cache).digests())
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press(*spelling, "enter")  # (the default name is selected: replaced)
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen), "no Replace? question, no export"
        assert not isinstance(app.screen, ConfirmScreen)
        assert "the cache" in _error_text(app) and "another file" in _error_text(app)
        assert not [n for n in notes(app) if n.startswith("Exported")]
    with Store.open(cache) as store:
        assert len(store.digests()) == before  # still the cache, all of it


async def test_the_dialog_refuses_to_write_over_the_config_file(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "conf" / "config.toml"
    config.parent.mkdir()
    config.write_text("# mine\n", encoding="utf-8")
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(config))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *"conf/config.toml", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "the config file" in _error_text(app)
    assert config.read_text("utf-8") == "# mine\n"


@pytest.mark.parametrize(
    ("downs", "typed"), [(2, "refs.ris"), (1, "mine.bib"), (3, "x.csl.json"), (4, "all.json")]
)
async def test_typing_after_a_format_change_replaces_the_whole_name(
    cache: Path, tmp_path: Path, monkeypatch, downs: int, typed: str
) -> None:
    """Down, Down, `refs.ris`, Enter wrote `refs.riss`: the longer name came in
    with the shorter default's selection, so typing kept its last character."""
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        for _ in range(downs):  # (one at a time: quick presses are the next test's)
            await pilot.press("down")
            await settle(pilot)
        await pilot.press(*typed)
        await settle(pilot)
        assert app.screen.query_one("#export-path", Input).value == typed
        await pilot.press("enter")
        await settle(pilot)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("cache.db")) == [
        typed
    ]


async def test_a_name_the_user_typed_stays_when_the_format_changes(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *"mine.md", "down")
        await settle(pilot)
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == "mine.bib"
        await pilot.press("backspace", *"tex")  # (the cursor is at the end)
        await settle(pilot)
        assert path_input.value == "mine.bitex"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("down", "down", "down"), "csl-json"),
        (("down", "down", "down", "up"), "ris"),
        (("down", "up"), "markdown"),
        (("down", "down", "up", "down", "down", "down", "down"), "json"),
    ],
)
async def test_quick_presses_each_move_the_format(
    cache: Path, tmp_path: Path, monkeypatch, keys: tuple[str, ...], expected: str
) -> None:
    """Three quick Downs moved one step: each press read the format back from the
    radio buttons, which change only when the set handles its queued message."""
    from tui_digest.ui.export_job import FORMATS

    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        quick_presses(app, *keys)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.format == expected
        pressed = screen.query_one("#export-format", RadioSet).pressed_button
        assert pressed is not None and pressed.id == f"fmt-{expected}"
        [on] = [b.id for b in screen.query("RadioButton") if b.value]
        assert on == f"fmt-{expected}"
        assert screen.query_one("#export-path", Input).value.endswith(FORMATS[expected][1])
        await pilot.press("enter")
        await settle(pilot)
    [written] = [p for p in tmp_path.iterdir() if not p.name.startswith("cache.db")]
    assert written.name.endswith(FORMATS[expected][1])


async def test_enter_right_after_quick_presses_exports_the_format_chosen(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        quick_presses(app, "down", "down", "down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert any("Exported 1 paper" in n for n in notes(app))
    [written] = [p for p in tmp_path.iterdir() if not p.name.startswith("cache.db")]
    assert written.name.endswith(".csl.json")


async def test_a_click_after_quick_presses_is_the_choice(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        quick_presses(app, "down", "down")
        await pilot.click("#fmt-json")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.format == "json"
        assert [b.id for b in screen.query("RadioButton") if b.value] == ["fmt-json"]
        assert screen.query_one("#export-path", Input).value.endswith(".json")
        assert not screen.query_one("#export-path", Input).value.endswith(".csl.json")


async def test_the_status_line_says_an_export_is_running(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    """With the dialog gone at once, a long export (65,000 papers as BibTeX: half a
    minute) showed nothing until it was done, and looked like a failure."""
    import threading

    from ui_support import status_text, until

    from tui_digest.ui import export_job

    gate, entered = threading.Event(), threading.Event()
    real = export_job.export_papers

    def held(*args, **kwargs):
        entered.set()
        assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_job, "export_papers", held)
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")
        await until(pilot, entered.is_set, "the export started")
        await pilot.pause()  # (not settle: it waits for the workers, the export too)
        assert not isinstance(app.screen, ExportScreen)
        assert "exporting 1 paper…" in status_text(app)
        gate.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "exporting" not in status_text(app)
        assert any("Exported 1 paper" in n for n in notes(app))


async def test_a_click_on_the_format_still_on_amid_quick_presses_ends(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    """Down, then a click on the button that was still on, then Down: two buttons
    stayed on, and the dialog re-queued its syncing thousands of times a second
    until closed (found by a review). It gives up after a few turns and sets the
    buttons as the chosen format says."""
    monkeypatch.chdir(tmp_path)
    calls = 0
    show = ExportScreen._show_format

    def counted(self, *args):
        nonlocal calls
        calls += 1
        return show(self, *args)

    monkeypatch.setattr(ExportScreen, "_show_format", counted)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.action_format(1)
        screen.query_one("#fmt-markdown", RadioButton).toggle()
        screen.action_format(1)
        for _ in range(50):
            await pilot.pause()
        assert calls < 40
        on = [b.id for b in screen.query(RadioButton) if b.value]
        assert on == [f"fmt-{screen.format}"]
        screen.action_format(-1)  # (with two on, this one looped for ever)
        for _ in range(50):
            await pilot.pause()
        assert calls < 60 and screen.format == "bibtex"
        assert [b.id for b in screen.query(RadioButton) if b.value] == ["fmt-bibtex"]


@pytest.mark.parametrize(("name", "start"), [("refs.bib", "@"), ("refs.ris", "TY  - ")])
async def test_a_typed_extension_chooses_the_format_left_at_its_default(
    cache: Path, tmp_path: Path, monkeypatch, name: str, start: str
) -> None:
    """A name typed as `refs.bib`, the format left at Markdown: the file held a
    Markdown table (regression hunt `reguser` O1). The CLI's `-o` goes by the
    name; so does the dialog when no format was chosen."""
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *name, "enter")  # (the default name is selected: replaced)
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert (tmp_path / name).read_text("utf-8").startswith(start)


async def test_a_name_against_the_format_chosen_is_refused(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "down", "down")  # RIS, chosen
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = "refs.bib"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        said = _error_text(app)
        assert "refs.bib" in said and "BibTeX" in said and "RIS" in said
        assert "ending in .ris, not .bib" in said
        await pilot.press("up")  # another format: the refusal goes (a regression hunt)
        await settle(pilot)
        assert _error_text(app) == ""
    assert not (tmp_path / "refs.bib").exists()


async def test_a_relative_name_after_the_folder_was_removed_is_refused(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    """The reader started in a folder another shell then removed: `e`, Enter with
    the default (relative) name ended the reader with a FileNotFoundError traceback
    (`Path.cwd()`; bug hunt `selection` #3). The dialog says so and stays open."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        gone.rmdir()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        said = _error_text(app)
        assert "folder" in said and "no longer exists" in said
        assert not [n for n in notes(app) if n.startswith("Exported")]


async def test_the_dialog_offers_to_write_into_a_fifo_not_to_replace_it(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    """A FIFO is written through, never replaced: the question said "Replace it?"
    (regression hunt `regfiles` 3)."""
    import os

    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "ff")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+u", *"ff", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.yes_label == "Write"
        assert "Replace" not in app.screen.question
        assert "FIFO" in app.screen.question and "write the export into it?" in app.screen.question
