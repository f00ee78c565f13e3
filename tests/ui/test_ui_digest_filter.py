"""The digest picker with hundreds of digests (issue 10, requirement 4): type to
filter by name, category or date, newest first, arrows move while typing, Enter
opens the highlighted digest; labels from feeds are shown literally.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from ui_support import make_app, make_paper, settle

from tui_digest.core.model import Digest, DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui.screens.digest_picker import DigestPicker

SIZE = (140, 40)
CATEGORIES = ("cs.AI", "cs.CL", "cs.LG")


def many_digests(db: Path, n: int = 50) -> list[DigestInfo]:
    """`n` one-paper digests, one a day from 2024-01-01, categories in turn."""
    start = date(2024, 1, 1)
    with Store.open(db) as store:
        for i in range(n):
            day = (start + timedelta(days=i)).isoformat()
            cat = CATEGORIES[i % len(CATEGORIES)]
            digest = Digest(name=f"feed-{cat}-{day}", date=day, papers=[make_paper(i)])
            store.import_digest(digest, source_name=f"feed-{cat}", category=cat, today=day)
        return store.digests()


async def open_picker(app, pilot) -> DigestPicker:
    """Settle the reader and press `d`: the picker."""
    await settle(pilot)
    await pilot.press("d")
    picker = app.screen
    assert isinstance(picker, DigestPicker)
    return picker


def prompts(picker: DigestPicker) -> list[str]:
    options = picker.query_one("#digest-options")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]


async def test_typing_filters_the_digests_and_enter_opens_the_highlighted_one(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cache.db"
    infos = many_digests(db)
    assert len(infos) == 50
    # cs.CL in February 2024: i in 31..49 with i % 3 == 1, newest first.
    wanted = sorted(
        (d for d in infos if d.category == "cs.CL" and d.date.startswith("2024-02")),
        key=lambda d: d.date,
        reverse=True,
    )
    assert len(wanted) == 7
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_picker(app, pilot)
        rows = prompts(picker)
        assert rows[0].startswith("All papers") and rows[1].startswith("For you")
        assert len(rows) == 52
        dates = [r[:10] for r in rows[2:]]
        assert dates == sorted(dates, reverse=True)  # newest first
        assert "(1/1 unread)" in rows[2] and "cs.CL" in rows[2]  # i=49: cs.CL
        await pilot.press(*"cl 2024-02")
        await pilot.pause()
        rows = prompts(picker)
        assert [r[:10] for r in rows] == [d.date for d in wanted]
        assert all("cs.CL" in r and "(1/1 unread)" in r for r in rows)
        await pilot.press("down", "down", "up", "enter")  # the second match
        await settle(pilot)
        assert app.main.digest == wanted[1].name
        assert app.main.matches == 1
        # Escape closes without changing the view; an empty filter shows everything.
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press(*"no-such-digest")
        await pilot.pause()
        assert prompts(app.screen) == []
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, DigestPicker)
        assert app.main.digest == wanted[1].name
        # "all" finds the All papers row.
        await pilot.press("d", *"all papers", "enter")
        await settle(pilot)
        assert app.main.digest is None and app.main.matches == 50


async def test_a_digest_label_with_markup_shows_literally(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    many_digests(db, n=2)
    hostile = DigestInfo(
        name="hostile-2024-03-01",
        date="2024-03-01",
        source="x",
        count=3,
        label="[bold]Boom[/] [@click=app.quit]click[/]",
        category="[red]cat",
    )
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = DigestPicker([hostile], None, unread={hostile.name: 2}, unread_total=2)
        await app.push_screen(picker)
        await pilot.pause()
        rows = prompts(picker)
        assert rows[2] == (
            "2024-03-01  [red]cat [bold]Boom[/] [@click=app.quit]click[/]  (2/3 unread)"
        )
        await pilot.press(*"[bold]")  # the filter is plain text too
        await pilot.pause()
        assert prompts(picker) == [rows[2]]
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running  # the [@click=app.quit] was never an action


async def test_digests_of_one_day_without_a_category_are_told_apart(tmp_path: Path) -> None:
    """Two arXiv feeds of one day read from one folder were both `2025-09-18 · samples`."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        for i, feed in enumerate(("atom", "rss2")):
            digest = Digest(
                name="arxiv-cs.AI-2025-09-18",
                source=f"/home/r/samples/arxiv-{feed}.xml",
                date="2025-09-18",
                papers=[make_paper(i)],
            )
            store.import_digest(digest, today="2025-09-18")
        names = [d.name for d in store.digests()]
    assert sorted(names) == ["arxiv-cs.AI-2025-09-18", "arxiv-cs.AI-2025-09-18-2"]
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        rows = prompts(await open_picker(app, pilot))[2:]
        assert sorted(rows) == [
            "2025-09-18  arxiv-cs.AI samples  (1/1 unread)",
            "2025-09-18  arxiv-cs.AI-2 samples  (1/1 unread)",
        ]
        # Newest first, names breaking ties: the second row is the first feed.
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert app.main.digest == "arxiv-cs.AI-2025-09-18"


async def test_two_lists_of_one_day_from_one_source_read_apart(tmp_path: Path) -> None:
    """A second announcement the same local day makes `digest-cs.LG-2026-11-10-2`
    beside `digest-cs.LG-2026-11-10`: the picker showed two identical rows (found
    by a bug hunt). They are told apart by the `-2` their names carry."""
    db = tmp_path / "cache.db"
    feeds = ("https://rss.arxiv.org/rss/cs.LG", "https://export.arxiv.org/rss/cs.LG")
    with Store.open(db) as store:
        for i, source in enumerate(feeds):
            digest = Digest(name="cs.LG", date="2026-11-10", source=source, papers=[make_paper(i)])
            done = store.import_digest(
                digest, source_name="digest-cs.LG", category="cs.LG", today="2026-11-10"
            )
            assert done.digest == ("digest-cs.LG-2026-11-10", "digest-cs.LG-2026-11-10-2")[i]
        store.import_digest(  # another day's list keeps its short row
            Digest(name="cs.LG", date="2026-11-09", source=feeds[0], papers=[make_paper(5)]),
            source_name="digest-cs.LG",
            category="cs.LG",
            today="2026-11-09",
        )
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_picker(app, pilot)
        rows = [" ".join(row.split()) for row in prompts(picker)[2:]]
        assert rows == [
            "2026-11-10 digest-cs.LG-2 arXiv (1/1 unread)",
            "2026-11-10 digest-cs.LG arXiv (1/1 unread)",
            "2026-11-09 cs.LG arXiv (1/1 unread)",
        ]
        await pilot.press(*"-2", "enter")  # and the filter finds the one meant
        await settle(pilot)
        assert app.main.digest == "digest-cs.LG-2026-11-10-2"
