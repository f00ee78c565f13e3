"""Watch lists in the reader (issue 10 req 5): the picker lists them with unread
counts, choosing one shows its papers, their rows carry a mark and the detail
pane names the watches; ctrl+s saves the search as a watch (the config's
comments survive). Counts fall as papers are read, rise with a new day's
papers, and survive a restart.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Input
from ui_support import ManualTimers, build_cache, make_app, make_paper, notes, settle

from tui_digest.core.digest_day import TODAY_ENV
from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.core.when import Clock
from tui_digest.ui.screens.digest_picker import DigestPicker
from tui_digest.ui.screens.watch_name import WatchNameDialog
from tui_digest.ui.widgets.list_rows import WATCH_MARK

SIZE = (140, 40)
CONFIG = """\
# my reading
[reader]
auto_read = false   # only m marks papers read

# topics I follow
[[watches]]
name = "protein"
query = "protein"
"""
# build_cache: topic 1 of six is "Diffusion models for protein design": papers
# 1, 7, 13, 19, 25 of the older digest and 103 of the newer one.
PROTEIN = ["2402.10103", "2402.10001", "2402.10007", "2402.10013", "2402.10019", "2402.10025"]


def config_file() -> Path:
    path = Path(os.environ["TUI_DIGEST_CONFIG"])  # per test (tests/conftest.py)
    path.write_text(CONFIG, encoding="utf-8")
    return path


def prompts_of(picker: DigestPicker) -> list[str]:
    options = picker.query_one("#digest-options")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]


def list_lines(app) -> list[str]:
    """The paper list as drawn (public render_lines)."""
    widget = app.main.paper_list
    region = Region(0, 0, widget.size.width, widget.size.height)
    return ["".join(s.text for s in strip) for strip in widget.render_lines(region)]


def detail_text(app) -> str:
    return str(app.main.detail.body.visual)


def watch_counts(app) -> dict[str, tuple[int, int]]:
    return {w.name: (w.unread, len(w.hits)) for w in app.main.watch_hits}


async def open_picker(pilot) -> DigestPicker:
    await pilot.press("d")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, DigestPicker)
    return picker


async def test_watches_in_the_picker_marks_and_names_and_reading_lowers_the_count(
    tmp_path: Path,
) -> None:
    db = build_cache(tmp_path / "cache.db")
    config_file()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert watch_counts(app) == {"protein": (6, 6)}
        picker = await open_picker(pilot)
        rows = prompts_of(picker)
        # All papers, For you, the watches, then the digests.
        assert rows[0].startswith("All papers") and rows[1].startswith("For you")
        assert rows[2].startswith("watch  protein") and "(6/6 unread)" in rows[2]
        assert rows[3].startswith("2024-02-06")
        await pilot.press(*"protein")  # the filter finds watches by name and query
        await settle(pilot)
        assert [r.split()[1] for r in prompts_of(picker)] == ["protein"]
        await pilot.press("enter")
        await settle(pilot)
        # Its papers: all papers searched with its query, each row marked.
        assert main.digest is None and main.search_box.value == "protein"
        assert main.matches == 6
        with Store.open(db, readonly=True) as store:
            assert store.ids_of(main.paper_list.ids) == PROTEIN
        rows = list_lines(app)[1 : 1 + 6]  # under the header
        assert all(row[4] == WATCH_MARK for row in rows), rows
        assert "◆ watch protein" in detail_text(app)
        # Reading one lowers the count (no new search: the papers found are kept).
        await pilot.press("m")
        await settle(pilot)
        assert watch_counts(app) == {"protein": (5, 6)}
        picker = await open_picker(pilot)
        assert "(5/6 unread)" in prompts_of(picker)[2]
        await pilot.press("escape")
        await settle(pilot)
        # A paper no watch finds: no mark, no names.
        main.search_box.value = "retrieval"
        await settle(pilot)
        assert main.matches > 0
        assert "◆" not in detail_text(app)
        assert main.paper_list.watched is not None
        assert main.paper_list.current_rowid not in main.paper_list.watched

    # A restart keeps the count.
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert watch_counts(app) == {"protein": (5, 6)}


async def test_a_new_days_papers_raise_the_count_while_the_reader_runs(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(TODAY_ENV, "2024-02-07")
    db = build_cache(tmp_path / "cache.db")
    config_file()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert watch_counts(app) == {"protein": (6, 6)}
        # Another process (a cron fetch) files the next day's digest; the
        # reader's cache poll then says the cache changed.
        with Store.open(db) as store:
            store.today = lambda: "2024-02-07"
            store.import_digest(
                Digest("digest-cs.LG-2024-02-07", date="2024-02-07", papers=[make_paper(205)])
            )
        app.main.cache_changed()
        await settle(pilot)
        assert watch_counts(app) == {"protein": (7, 7)}
        new = app.main.watch_hits[0].hits[0]  # listing order: the newest day first
        with Store.open(db, readonly=True) as store:
            assert store.ids_of([new]) == ["2402.10205"]


async def test_ctrl_s_saves_the_search_as_a_watch_keeping_the_config_comments(
    tmp_path: Path,
) -> None:
    db = build_cache(tmp_path / "cache.db")
    config = config_file()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        # Nothing typed: nothing to save, and it says so.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, WatchNameDialog)
        assert any("Type a search first" in n for n in notes(app))
        await pilot.press("slash", *"检索")
        await settle(pilot)
        found = main.matches
        assert found > 0
        await pilot.press("ctrl+s")  # from the search box too
        await settle(pilot)
        assert isinstance(app.screen, WatchNameDialog)
        await pilot.press(*"retrieval", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, WatchNameDialog)
        assert watch_counts(app) == {"protein": (6, 6), "retrieval": (found, found)}
        assert any(f"Watch list 'retrieval' saved ({found} papers)" in n for n in notes(app))
        # Saving again under the same name replaces its query.
        main.search_box.value = "检索 -au:nobody"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = app.screen.query_one("#watch-name", Input)
        field.value = "retrieval"
        await pilot.press("enter")
        await settle(pilot)
        assert any("'retrieval' updated" in n for n in notes(app))
    text = config.read_text(encoding="utf-8")
    assert text.startswith(CONFIG)  # every comment and line of the user's file kept
    assert text.count("[[watches]]") == 2
    assert 'name = "retrieval"' in text and 'query = "检索 -au:nobody"' in text

    # A restart reads the saved watch from the config.
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert watch_counts(app) == {"protein": (6, 6), "retrieval": (found, found)}


async def test_without_watches_there_is_no_mark_column(tmp_path: Path) -> None:
    db = build_cache(tmp_path / "cache.db")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.watch_hits == []
        assert app.main.paper_list.watched is None
        assert app.main.paper_list.marks_width == 4
        picker = await open_picker(pilot)
        assert not any(r.startswith("watch") for r in prompts_of(picker))


class MovingClock:
    """The reader's injected now (`Timing.clock`), moved by the test."""

    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __call__(self) -> dt.datetime:
        return self.when


async def test_a_watch_of_today_is_found_again_after_midnight_with_the_reader_open(
    tmp_path: Path, monkeypatch
) -> None:
    """Found by a bug hunt (allday #1): after midnight, with nothing new in the
    cache, a `date:today` watch kept yesterday's count and its rows their mark
    until a fetch brought something or the reader restarted."""
    monkeypatch.delenv(TODAY_ENV, raising=False)
    db = build_cache(tmp_path / "cache.db")  # its newest digest is of 2024-02-06
    Path(os.environ["TUI_DIGEST_CONFIG"]).write_text(
        '[reader]\nauto_read = false\n\n[[watches]]\nname = "today"\nquery = "date:today"\n'
        '\n[[watches]]\nname = "week"\nquery = "date:-2d"\n',
        encoding="utf-8",
    )
    now = MovingClock(dt.datetime(2024, 2, 6, 23, 59, 30, tzinfo=dt.UTC))
    timers = ManualTimers()
    app = make_app(db, first_run_sample=False, timers=timers, clock=Clock(now, dt.UTC))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert watch_counts(app) == {"today": (8, 8), "week": (38, 38)}
        assert list_lines(app)[1][4] == WATCH_MARK
        # Midnight passes; nothing changes in the cache.
        now.when = dt.datetime(2024, 2, 7, 0, 0, 5, tzinfo=dt.UTC)
        timers.advance(60)
        await settle(pilot)
        assert watch_counts(app) == {"today": (0, 0), "week": (8, 8)}
        assert "(0/0 unread)" in prompts_of(await open_picker(pilot))[2]
        await pilot.press("escape")
        await settle(pilot)
        # The newer digest's rows keep the mark of "week" only.
        assert "◆ watch week" in detail_text(app) and "today" not in detail_text(app)
        # The next midnight too (the reader left open for days).
        now.when = dt.datetime(2024, 2, 8, 0, 0, 5, tzinfo=dt.UTC)
        timers.advance(24 * 3600)
        await settle(pilot)
        assert watch_counts(app) == {"today": (0, 0), "week": (0, 0)}
        assert list_lines(app)[1][4] != WATCH_MARK


async def test_the_saved_watch_is_named_as_typed(tmp_path: Path) -> None:
    """ctrl+s under the name `we"ird\\ name` confirmed `Watch list 'we"ird\\\\ name'
    saved`: Python's repr, the backslash doubled (found by a bug hunt)."""
    db = build_cache(tmp_path / "cache.db")
    config_file()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.search_box.value = "检索"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WatchNameDialog)
        dialog.query_one(Input).value = 'we"ird\\ name'
        await pilot.press("enter")
        await settle(pilot)
        assert any("Watch list 'we\"ird\\ name' saved (" in n for n in notes(app)), notes(app)


async def test_a_bad_watch_is_named_and_the_others_and_the_sources_stay(tmp_path: Path) -> None:
    """Found by a bug hunt: one malformed watch made the reader's config unreadable:
    no watch lists at all, S showed no sources and r only repeated the error."""
    from tui_digest.ui.screens.sources import SourcesScreen

    db = build_cache(tmp_path / "cache.db")
    path = config_file()
    path.write_text(
        CONFIG
        + '\n[[watches]]\nname = "bad"\nquery = "is:bogus"\n\n'
        + '[[sources]]\nname = "mine"\nurl = "http://127.0.0.1:9/mine.md"\nenabled = false\n',
        encoding="utf-8",
    )
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert watch_counts(app) == {"protein": (6, 6)}
        said = "\n".join(notes(app))
        assert f"{path}:12: warning: watches[2]: watch 'bad': unknown is: value" in said
        picker = await open_picker(pilot)
        assert [r.split()[1] for r in prompts_of(picker) if r.startswith("watch")] == ["protein"]
        await pilot.press("escape")
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        listing = app.screen.text.plain
        assert "mine" in listing and "http://127.0.0.1:9/mine.md" in listing
