"""The reader follows the cache: another process's import shows up in place.

The follower's timer is off (ui_support.make_app); the test calls its poll
itself, as the timer would every two seconds.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import (
    ManualTimers,
    build_cache,
    detail_text,
    make_app,
    make_paper,
    settle,
    status_text,
)

from cli_support import run_cli
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.readonly import STOPPED

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
        # (the reader's own store: a `Store.open` here, in the reader's process,
        # reads the file's header and so drops SQLite's locks: see cache_guard.damage)
        store = app.main.store
        assert store is not None
        pids = store.ids_of(ids[:2])
        current_id = store.ids_of([current])[0]
        assert run_cli("mark", "read", *pids, db=cache).returncode == 0
        assert run_cli("tag", current_id, "+keep", db=cache).returncode == 0
        app.follower.poll()
        await settle(pilot)
        assert [papers.cached_row(r).read for r in ids[:3]] == [True, True, False]
        assert "36 unread" in status_text(app)
        assert "#keep" in detail_text(app).split("\n")[0]
        assert list(papers.ids) == ids and papers.current_rowid == current  # not re-listed


NEWER = "digest-cs.LG-2024-02-06"


def _revise_newer(cache: Path, *, without: set[int]) -> None:
    """Another process imports a same-day revision of NEWER that drops papers."""
    papers = [make_paper(100 + i) for i in range(8) if i not in without]
    with Store.open(cache) as other:
        done = other.import_digest(Digest(name=NEWER, date="2024-02-06", papers=papers))
        assert done.outcome == "same-day update"


async def test_an_import_that_drops_the_current_paper_keeps_the_cursor_in_place(
    tmp_path: Path,
) -> None:
    """The cursor jumped to row 1 when the paper under it left the listing (found
    by a bug hunt): it stays at its position, clamped to the list, and that move
    is not one the read timer starts on."""
    cache = build_cache(tmp_path / "cache.db")
    timers = ManualTimers()
    app = make_app(cache, first_run_sample=False, timers=timers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        app.follower.poll()  # the baseline
        await settle(pilot)
        main.show_digest(NEWER)
        await settle(pilot)
        await pilot.press("j", "j", "j", "j")  # row 5, 2402.10104: its timer runs
        await settle(pilot)
        assert papers.cursor == 4 and timers.waiting == 1
        _revise_newer(cache, without={4})
        app.follower.poll()
        await settle(pilot)
        assert len(papers.ids) == 7
        assert papers.cursor == 4  # the same row, now the next paper's
        assert main.detail.record.paper.id == "2402.10105"
        timers.advance(60)
        await settle(pilot)
        with Store.open(cache) as store:
            assert store.list_ids("is:read") == []  # no dwell on the paper moved under it
        await pilot.press("G")  # the last row (2402.10107); a revision drops it
        await settle(pilot)
        _revise_newer(cache, without={4, 7})
        app.follower.poll()
        await settle(pilot)
        assert len(papers.ids) == 6 and papers.cursor == 5  # clamped to the list
        assert main.detail.record.paper.id == "2402.10106"


async def test_a_cache_upgraded_by_a_newer_release_stops_this_readers_writes(
    tmp_path: Path,
) -> None:
    """A newer release's command upgraded the cache while this reader was open,
    and the reader went on writing by its own rules (a note saved in its search
    form was never found again; found by a bug hunt). The follower notices the
    newer schema, says so, and the reader saves nothing more: `s` says the
    cache is read-only, the star is not written."""
    import sqlite3

    from ui_support import notes

    from tui_digest.core import schema

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        with sqlite3.connect(cache) as conn:  # what a newer release's upgrade leaves
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.close()
        app.follower.poll()
        await settle(pilot)
        assert any("upgraded by a newer tui-digest" in n for n in notes(app))
        rowid = app.main.paper_list.current_rowid
        await pilot.press("s")
        await settle(pilot)
        assert any(
            "cannot be saved" in n and "upgraded by a newer tui-digest" in n for n in notes(app)
        )
    with sqlite3.connect(cache) as conn:
        starred = conn.execute("SELECT starred FROM papers WHERE pk = ?", (rowid,)).fetchone()
    conn.close()
    assert starred == (0,)


async def test_a_cache_restored_under_the_reader_stops_its_writes(tmp_path: Path) -> None:
    """A reader left open while its cache was restored (a backup renamed over
    it, -wal/-shm deleted) noticed nothing, and `s` said "Starred 1 paper" of
    a star that went into the unlinked old file (found by a bug hunt). The
    follower notices the other file, says so, and the reader saves nothing
    more: `s` says the cache is read-only; the restored file has no star."""
    import os
    import shutil
    import sqlite3

    from ui_support import notes

    cache = build_cache(tmp_path / "cache.db")
    backup = tmp_path / "bk.db"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        assert app.main.store is not None
        app.main.store.backup(backup)
        shutil.copyfile(backup, tmp_path / "new.db")
        os.replace(tmp_path / "new.db", cache)  # the restore, the reader still open
        for part in ("-wal", "-shm"):
            Path(f"{cache}{part}").unlink(missing_ok=True)
        app.follower.poll()
        await settle(pilot)
        said = [n for n in notes(app) if "Stopped following" in n]
        assert said and "the cache file was replaced (restored?)" in said[0]
        assert "quit and start the reader again" in said[0]
        # Said all along, after the notice has gone (it said nothing: regmove #3).
        assert STOPPED in status_text(app)
        rowid = app.main.paper_list.current_rowid
        await pilot.press("s")
        await settle(pilot)
        assert any("cannot be saved" in n and "was replaced (restored?)" in n for n in notes(app))
        assert not any(n.startswith("Starred") for n in notes(app))
    with sqlite3.connect(cache) as conn:
        starred = conn.execute("SELECT count(*) FROM papers WHERE starred").fetchone()
    conn.close()
    assert starred == (0,) and rowid is not None


async def test_the_reading_view_says_when_the_paper_read_left_the_list(tmp_path: Path) -> None:
    """Found by a bug hunt (allday #4): a paper open full-screen that a same-day
    revision (another process) dropped was silently replaced by the next one;
    the view now says so, naming the paper. A move the user made says nothing."""
    from ui_support import notes

    from tui_digest.ui.screens.paper_view import PaperView

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        app.main.show_digest(NEWER)
        await settle(pilot)
        await pilot.press("G")  # the last paper, 2402.10107
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        await pilot.press("K", "J")  # moves of the user's own: nothing to say
        await settle(pilot)
        assert not [n for n in notes(app) if "left" in n]
        _revise_newer(cache, without={7})
        app.follower.poll()
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        assert app.screen.record is not None and app.screen.record.paper.id == "2402.10106"
        said = [n for n in notes(app) if "2402.10107" in n]
        assert said and "no longer in this list" in said[0], notes(app)


async def test_the_reading_view_shows_another_processs_enrichment_in_place(
    tmp_path: Path,
) -> None:
    """The detail pane and search followed another process's `enrich`, but the
    reading view kept the digest's cut abstract until the user moved away and
    back (left undone last session). It re-reads the paper, keeping its scroll."""
    from textual.containers import VerticalScroll

    from tui_digest.core.arxiv_api import ApiEntry
    from tui_digest.core.model import Paper
    from tui_digest.ui.screens.paper_view import PaperView

    pid = "2403.10056"
    cut = ("Instruction tuning for large language models (LLMs) can drive them. " * 15)[:1000]
    tail = "A zymurgical appendix measures fermentation kinetics."
    cache = tmp_path / "cache.db"
    with Store.open(cache) as store:
        paper = Paper(id=pid, version="v1", title_en="Tuning", abstract_en=cut)
        store.import_digest(Digest(name="cs.CL-2024-03-18", date="2024-03-18", papers=[paper]))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(60, 16)) as pilot:
        await settle(pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        view = app.screen
        shown = lambda: str(view.query_one("#paper-view-body").visual)  # noqa: E731
        assert tail not in shown()
        await pilot.press("j", "j", "j")  # read a few lines down
        await settle(pilot)
        scroll = view.query_one("#paper-view-scroll", VerticalScroll)
        assert scroll.scroll_y == 3

        with Store.open(cache) as other:  # `tui-digest enrich` in another process
            other.apply_enrichment(
                other.enrich_candidates(""),
                [ApiEntry(id=pid, version="v1", abstract=cut + "n. " + tail, authors=["A. L."])],
                asked_at="2026-12-01T08:00:00Z",
            )
        app.follower.poll()
        await settle(pilot)
        assert app.screen is view
        assert tail in shown() and "A. L." in shown()
        assert scroll.scroll_y == 3  # where the user was reading


async def test_a_search_typed_while_the_recount_runs_still_gets_the_new_total(
    tmp_path: Path, monkeypatch
) -> None:
    """Bug hunt `latency` #2: "All papers 100,946 / 100,801". After another
    process's import the next page consumed the "cache changed" mark, but its
    recount was cut short by a keystroke; the search typed then reused the total
    from before the import, and so did every search after it."""
    import threading

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main, _papers = await _open_and_place(app, pilot)
        assert main.total == 38
        with Store.open(cache) as other:  # a cron fetch
            other.import_digest(
                Digest(name="digest-cs.IR-2024-02-07", date="2024-02-07",
                       papers=_retrieval_papers(300, 4))
            )  # fmt: skip

        counting, release = threading.Event(), threading.Event()
        count = Store.count

        def held_once(self, *args, **kwargs):
            if not counting.is_set():
                counting.set()
                assert release.wait(30)
            return count(self, *args, **kwargs)

        monkeypatch.setattr(Store, "count", held_once)
        app.follower.poll()  # the re-listing: its page, then its recount (held)
        for _ in range(2000):
            if counting.is_set():
                break
            await pilot.pause(0.005)
        assert counting.is_set()
        await pilot.pause(0.05)  # (its page applied: not `settle`, which waits for it)
        main.search_box.value = "retrieva"  # a keystroke while the recount runs
        await pilot.pause(0.05)
        release.set()
        await settle(pilot)
        assert main.query_text == "retrieva"
        assert main.total == 42


async def test_a_backup_copied_over_the_cache_under_the_reader_stops_its_writes(
    tmp_path: Path,
) -> None:
    """The most naive restore, `cp backup cache.db` under a running reader with
    its -wal/-shm left in place: the file and log keep their inodes, so the
    watcher read the copy through the old log: "Stopped following the cache:
    … malformed", and the store stayed writable, `s` said "Unstarred 1 paper"
    against a damaged file (found by a regression hunt). It says now that the
    cache file changed under the reader, and saves nothing more; once that
    notice has gone, a key still says why (not just "read-only")."""
    import shutil

    from ui_support import notes

    cache = build_cache(tmp_path / "cache.db")
    backup = tmp_path / "bk.db"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = app.main.store
        assert store is not None
        store.backup(backup)
        for i in range(3):  # the cache moves on after the backup
            rec = store.get_paper(make_paper(i).id)
            assert rec is not None
            store.set_starred([rec.rowid])
        app.follower.poll()  # the baseline
        await settle(pilot)
        shutil.copyfile(backup, cache)  # in place: the same inode, the old log beside it
        await pilot.press("s")  # (the watcher looks after a commit; this one is lost)
        await settle(pilot)
        app.follower.poll()
        await settle(pilot)
        said = [n for n in notes(app) if "Stopped following" in n]
        assert said and "the cache file changed under this reader" in said[0], said
        assert "quit and start the reader again" in said[0]
        assert "malformed" not in said[0].split("(")[0]
        app.clear_notifications()  # the notice has gone
        seen = len(notes(app))
        await pilot.press("s")
        await settle(pilot)
        after = notes(app)[seen:]
        refused = [n for n in after if "cannot be saved" in n]
        assert refused and "changed under this reader" in refused[-1], notes(app)
        assert "quit and start the reader again" in refused[-1]
        assert not any(n.startswith(("Starred", "Unstarred")) for n in after)


async def test_a_write_that_meets_a_copied_cache_stops_the_saves(tmp_path: Path) -> None:
    """The reader's own write met a cache copied over it first ("malformed"),
    failed and committed nothing, so the watcher, which looks after a commit,
    never saw it: the reader said "Could not save the papers' marks" and stayed
    writable (the regression hunt's test failed so, under load). Such a failure
    stops the saves as the watcher's own finding does."""
    import sqlite3

    from ui_support import notes

    cache = build_cache(tmp_path / "cache.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 200)
    try:
        sqlite3.connect(junk).execute("SELECT 1 FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        failure = exc  # (SQLite's own: "file is not a database", SQLITE_NOTADB)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = app.main.store
        assert store is not None

        def mark(*args: object, **kwargs: object) -> None:
            raise failure

        store.mark = mark  # type: ignore[method-assign]
        await pilot.press("s")
        await settle(pilot)
        said = notes(app)
        assert any("the cache file changed under this reader" in n for n in said), said
        assert not any(n.startswith("Could not save") for n in said), said
        assert store.readonly and STOPPED in status_text(app)
