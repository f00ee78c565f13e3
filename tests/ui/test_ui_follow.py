"""The reader follows the cache: another process's import shows up in place.

The follower's timer is off (ui_support.make_app); the test calls its poll
itself, as the timer would every two seconds.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import build_cache, detail_text, make_app, make_paper, settle, status_text

from cli_support import run_cli
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Digest
from tui_digest.core.store import Store

SIZE = (140, 40)


def _retrieval_papers(first: int, count: int):
    # topic 5 (retrieval) when `first` is a multiple of 6
    papers = [make_paper(first + 6 * i + 5) for i in range(count)]
    for paper in papers:
        paper.published = "2024-02-07"
    return papers


async def _open_and_place(app, pilot):
    """Search, select the second paper, leave the cursor on the third."""
    await settle(pilot)
    main = app.main
    main.search_box.value = "retrieval"
    await settle(pilot)
    await pilot.press("j", "space")
    await settle(pilot)
    papers = main.paper_list
    assert papers.current_rowid is not None and len(papers.selected) == 1
    return main, papers


async def test_another_connections_import_appears_keeping_cursor_search_selection(
    tmp_path: Path,
) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_and_place(app, pilot)
        before, total = main.matches, main.total
        assert 0 < before < total == 38
        current, selected = papers.current_rowid, set(papers.selected)

        app.follower.poll()  # nothing changed yet: nothing moves
        await settle(pilot)
        assert main.matches == before and main.total == total

        with Store.open(cache) as other:  # another connection, as a cron fetch would be
            other.import_digest(
                Digest(name="digest-cs.IR-2024-02-07", date="2024-02-07",
                       papers=_retrieval_papers(300, 4))
            )  # fmt: skip
        assert main.matches == before  # not yet: the reader has not looked
        app.follower.poll()
        await settle(pilot)

        assert main.matches == before + 4
        assert main.total == total + 4
        assert f"{before + 4} / {total + 4}" in status_text(app)
        assert main.query_text == "retrieval" and main.search_box.value == "retrieval"
        assert papers.current_rowid == current  # the new papers sort above; the cursor follows
        assert papers.cursor == papers.ids.index(current) > 2
        assert papers.selected == selected
        assert any(d.name == "digest-cs.IR-2024-02-07" for d in main.digests)

        app.follower.poll()  # reported once
        await settle(pilot)
        assert main.matches == before + 4 and papers.current_rowid == current


async def test_cli_import_in_another_process_appears(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    digest_file = tmp_path / "digest-cs.IR-2024-02-07.md"
    digest_file.write_text(write_digest(_retrieval_papers(420, 3)), encoding="utf-8")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, papers = await _open_and_place(app, pilot)
        before = main.matches
        current, selected = papers.current_rowid, set(papers.selected)

        result = run_cli("import", str(digest_file), db=cache)
        assert result.returncode == 0, result.stderr
        app.follower.poll()
        await settle(pilot)

        assert main.matches == before + 3 and main.total == 41
        assert main.search_box.value == "retrieval"
        assert papers.current_rowid == current and papers.selected == selected


async def test_marks_tags_and_notes_of_another_process_appear_in_place(tmp_path: Path) -> None:
    """`tui-digest mark read …` (or `tag`, `note`) from another shell: the open
    reader's rows, detail pane and counts follow; the listing stays (an unread-only
    view does not lose the paper under the cursor)."""
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        _, papers = await _open_and_place(app, pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        ids = list(papers.ids)
        current = papers.current_rowid
        assert "38 unread" in status_text(app)
        with Store.open(cache) as other:
            pids = other.ids_of(ids[:2])
            current_id = other.ids_of([current])[0]
        assert run_cli("mark", "read", *pids, db=cache).returncode == 0
        assert run_cli("tag", current_id, "+keep", db=cache).returncode == 0
        app.follower.poll()
        await settle(pilot)
        assert [papers.cached_row(r).read for r in ids[:3]] == [True, True, False]
        assert "36 unread" in status_text(app)
        assert "#keep" in detail_text(app).split("\n")[0]
        assert list(papers.ids) == ids and papers.current_rowid == current  # not re-listed
