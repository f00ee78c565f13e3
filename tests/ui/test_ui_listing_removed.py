"""Another process removes papers under an open reader (`digests rm` in another
shell): the remaining papers show and the cursor stays in its place.

The listing is read a first page (120 rows, listing_read.FIRST_PAGE) before its
ids, so each case is tried with the cursor's paper inside and beyond that page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import detail_text, make_app, make_paper, settle, status_text

from cli_support import run_cli
from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.listing_read import FIRST_PAGE

SIZE = (140, 40)
OLDER, NEWER = "digest-cs.LG-2024-02-05", "digest-cs.LG-2024-02-06"
N_OLDER, N_NEWER = 200, 50  # more than a first page left after the newer one goes


def _cache(path: Path) -> Path:
    """The newer digest (50 papers) lists above the older one (200)."""
    with Store.open(path) as store:
        older = [make_paper(1000 + i) for i in range(N_OLDER)]
        store.import_digest(Digest(name=OLDER, date="2024-02-05", papers=older))
        newer = [make_paper(i) for i in range(N_NEWER)]
        store.import_digest(Digest(name=NEWER, date="2024-02-06", papers=newer))
    return path


def _all_rows_drawn(papers) -> bool:
    """Every row on screen is a paper (no "…" placeholder waiting for its row)."""
    visible = papers.visible_rowids()
    return bool(visible) and all(papers.cached_row(r) is not None for r in visible)


async def _remove_digest_under(app, pilot, cache: Path, name: str) -> None:
    app.follower.poll()  # the baseline
    await settle(pilot)
    done = run_cli("digests", "rm", name, "--yes", db=cache)
    assert done.returncode == 0, done.stderr.decode()
    app.follower.poll()
    await settle(pilot)


@pytest.mark.parametrize(
    ("row", "expected_row"),
    [
        (0, 0),  # the top paper goes: the next one left (the older digest's first)
        (10, 0),  # inside the removed block: the next paper left, not row 10
        (N_NEWER - 1, 0),
    ],
)
async def test_removing_the_digest_under_the_cursor_shows_the_rest(
    tmp_path: Path, row: int, expected_row: int
) -> None:
    """The rows stayed "…" for good (the old listing's ids were kept, and no ids
    were read since the new count was smaller; found by a bug hunt), and the
    detail pane said the paper was gone."""
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        assert main.digest is None and papers.total == N_OLDER + N_NEWER
        papers.move_cursor(row)
        await settle(pilot)
        # (the reader's own store: a `Store.open` in the reader's process drops
        # SQLite's locks, and the next command deleted the log under the reader)
        assert main.store is not None
        older_first = main.store.list_ids("", digest=OLDER)[0]
        await _remove_digest_under(app, pilot, cache, NEWER)
        assert main.matches == main.total == N_OLDER
        assert len(papers.ids) == papers.total == N_OLDER
        assert papers.cursor == expected_row
        assert papers.current_rowid == older_first
        assert _all_rows_drawn(papers)
        assert "no longer in the cache" not in detail_text(app)
        assert main.detail.record is not None
        assert main.detail.record.paper.id == make_paper(1000).id
        assert f"{N_OLDER} / {N_OLDER}" in status_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert papers.cursor == N_OLDER - 1 and _all_rows_drawn(papers)


@pytest.mark.parametrize(
    "row",
    [
        N_NEWER + 10,  # row 60, on the first page before and after
        N_NEWER + FIRST_PAGE + 5,  # row 175: row 125 after, beyond the first page
    ],
)
async def test_removing_another_digest_keeps_the_cursor_on_its_paper(
    tmp_path: Path, row: int
) -> None:
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        await pilot.press("G")  # all ids read (the cursor can go past the first page)
        await settle(pilot)
        papers.move_cursor(row)
        await settle(pilot)
        kept = papers.current_rowid
        await _remove_digest_under(app, pilot, cache, NEWER)
        assert len(papers.ids) == N_OLDER
        assert papers.current_rowid == kept and papers.cursor == row - N_NEWER
        assert _all_rows_drawn(papers)
        assert main.detail.record is not None
        assert main.detail.record.paper.id == make_paper(1000 + row - N_NEWER).id


async def test_removing_the_digest_at_the_bottom_under_the_cursor(tmp_path: Path) -> None:
    """The cursor's paper was the last: the paper before the removed ones."""
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        await pilot.press("G")
        await settle(pilot)
        assert papers.cursor == N_OLDER + N_NEWER - 1
        await _remove_digest_under(app, pilot, cache, OLDER)
        assert len(papers.ids) == N_NEWER and papers.cursor == N_NEWER - 1
        assert _all_rows_drawn(papers)
        assert main.detail.record is not None
        assert main.detail.record.paper.id == make_paper(N_NEWER - 1).id


async def test_a_refused_query_shows_the_total_after_another_process_removes(
    tmp_path: Path,
) -> None:
    """With `is:bogus` in the search box ("0 / 250"), another process's removal
    left the old total ("0 / 250") until the query was cleared (bug hunt `maint` #3)."""
    cache = _cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash", *"is:bogus", "enter")
        await settle(pilot)
        assert main.error and f"0 / {N_OLDER + N_NEWER}" in status_text(app)
        await _remove_digest_under(app, pilot, cache, NEWER)
        assert main.error  # still refused
        assert main.total == N_OLDER
        assert f"0 / {N_OLDER}" in status_text(app)
