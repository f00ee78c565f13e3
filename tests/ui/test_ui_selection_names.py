"""`A` on a listing longer than the rows drawn, then a removal elsewhere, then `s`
(bug hunt `regselect` #1, #2): only the ~120 drawn rows carried ids, so after any
removal (another digest's, even the reader's own) `s` starred those and said the
rest were "no longer in the cache". Every selected row now carries its id."""

from __future__ import annotations

import threading
from pathlib import Path

from ui_support import make_app, make_paper, notes, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.digest_removal import ask_to_remove
from tui_digest.ui.screens.confirm import ConfirmScreen

SIZE = (120, 40)
OLDER, NEWER = "digest-cs.LG-2024-02-05", "digest-cs.LG-2024-02-06"
N = 400  # the older digest: more than the list's row cache holds


def build_cache(path: Path) -> Path:
    """The older digest's N papers, then the newer's 8 others."""
    with Store.open(path) as store:
        store.import_digest(
            Digest(OLDER, date="2024-02-05", papers=[make_paper(i) for i in range(N)])
        )
        newer = [make_paper(1000 + i) for i in range(8)]
        store.import_digest(Digest(NEWER, date="2024-02-06", papers=newer))
    return path


def _starred(cache: Path) -> int:
    with Store.open(cache) as store:
        return len(store.list_ids("is:starred"))


async def _select_all_of(app, pilot, digest: str | None) -> None:
    app.main.show_digest(digest)
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    assert not app.main.paper_list.naming  # every selected row has its id


async def test_a_then_another_process_removes_an_unrelated_digest_then_s(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _select_all_of(app, pilot, OLDER)
        papers = app.main.paper_list
        assert len(papers.selected) == N
        assert sum(papers.cached_row(r) is not None for r in papers.selected) < N  # undrawn
        with Store.open(cache) as other:
            other.remove_digests(other.digest_pks([NEWER]))  # 8 papers no one selected
        await pilot.press("s")  # before the reader's poll noticed
        await settle(pilot)
        said = " ".join(notes(app))
        assert f"Starred {N} papers" in said, said
        assert "no longer in the cache" not in said
    assert _starred(cache) == N


async def test_the_readers_own_removal_unselects_the_removed_papers_only(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        await settle(pilot)
        await _select_all_of(app, pilot, None)  # all papers: both digests
        assert len(app.main.paper_list.selected) == N + 8
        ask_to_remove(app.main, NEWER)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(app.main.paper_list.selected) == N, notes(app)
        assert any("8 selected papers left the selection" in n for n in notes(app))
        # The cache poll then sees that removal: the selection stays.
        app.follower.poll()
        await settle(pilot)
        assert len(app.main.paper_list.selected) == N
        await pilot.press("s")
        await settle(pilot)
        said = " ".join(notes(app))
        assert f"Starred {N} papers" in said, said
        assert "another process" not in said and "no longer in the cache" not in said
    assert _starred(cache) == N


async def test_a_after_a_removal_not_yet_seen_selects_only_the_papers_drawn(
    tmp_path: Path,
) -> None:
    """Papers removed after the listing was read, before `A`: the undrawn rows'
    numbers may name papers imported since, never shown, so those are not
    selected (and it says so); the drawn rows keep the ids shown."""
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        papers = app.main.paper_list
        drawn = {r for r in papers.ids if papers.cached_row(r) is not None}
        assert 0 < len(drawn) < N
        with Store.open(cache) as other:
            other.remove_digests(other.digest_pks([NEWER]))
        await pilot.press("A")
        await settle(pilot)
        assert papers.selected == drawn and not papers.naming
        said = " ".join(notes(app))
        assert f"The cache changed while selecting: {N - len(drawn)} papers not selected" in said


async def test_a_key_pressed_while_the_ids_are_read_does_nothing_and_says_so(
    tmp_path: Path,
) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _select_all_of(app, pilot, OLDER)
        papers = app.main.paper_list
        undrawn = next(r for r in papers.selected if papers.cached_row(r) is None)
        papers.naming.add(undrawn)  # (as between `A` and its ids' arrival)
        await pilot.press("s")
        await settle(pilot)
        assert any("Reading the selected papers' ids" in n for n in notes(app))
        assert len(papers.selected) == N
    assert _starred(cache) == 0


async def test_keys_pressed_while_a_reads_the_ids_give_one_notice_and_do_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    """`A` then `#`, `e`, `t`, `a` before its ids arrive (bug hunt `regselect2`
    #2): each said "press the key again in a moment" *and* "No paper to tag." /
    "Nothing to export." / "No paper to translate.", and `a` opened the note
    anyway. Now only the first, short-lived; the keys work once the ids are read."""
    from tui_digest.ui.screens.annotate import NoteDialog

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    release = threading.Event()
    read = Store.names_at

    def held(store: Store, rowids: list[int], listed_at: int | None) -> dict[int, str] | None:
        assert release.wait(10)
        return read(store, rowids, listed_at)

    monkeypatch.setattr(Store, "names_at", held)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.show_digest(OLDER)
        await settle(pilot)
        timeouts: list[float | None] = []
        notify = main.notify

        def recorded(message: str, **kwargs) -> None:
            timeouts.append(kwargs.get("timeout"))
            notify(message, **kwargs)

        monkeypatch.setattr(main, "notify", recorded)
        await pilot.press("A")
        for _ in range(5):
            await pilot.pause()
        assert papers.naming  # the ids are being read
        for key in ("#", "e", "t", "a"):
            before = len(notes(app))
            await pilot.press(key)
            for _ in range(3):
                await pilot.pause()
            said = notes(app)[before:]
            assert len(said) == 1 and "press the key again" in said[0], (key, said)
            assert app.screen is main, key  # no dialog opened
        assert not any(isinstance(s, NoteDialog) for s in app.screen_stack)
        assert timeouts and all(t is not None and t <= 2 for t in timeouts), timeouts
        release.set()
        await settle(pilot)
        assert not papers.naming and len(papers.selected) == N
        await pilot.press("#")
        await settle(pilot)
        assert app.screen is not main  # the tags dialog of the selection


async def test_tags_saved_on_papers_removed_while_the_dialog_was_open_say_so(
    tmp_path: Path,
) -> None:
    """`#`, then another process removes the papers, then Enter (bug hunt
    `regselect2` #3): it said "Tags saved on 2 papers." of papers gone (their
    tags are kept by id for when they come back). It now says how many wait."""
    from textual.widgets import Input

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(NEWER)
        await settle(pilot)
        await pilot.press("space", "down", "space", "down", "space")
        await settle(pilot)
        assert len(app.main.paper_list.selected) == 3
        await pilot.press("number_sign")
        await settle(pilot)
        assert app.screen is not app.main  # the tags dialog
        with Store.open(cache) as other:
            other.remove_digests(other.digest_pks([NEWER]))
        app.screen.query_one(Input).value = "zz"
        await pilot.press("enter")
        await settle(pilot)
        said = (
            "Tags saved on 3 papers (3 of them are no longer in the cache; the tags wait for them)."
        )
        assert said in notes(app), notes(app)


async def test_a_failed_read_of_the_ids_does_not_leave_every_key_refusing(
    tmp_path: Path, monkeypatch
) -> None:
    """`store.names_at` failing once (an I/O error) left the rows in `naming`: every
    `s`/`m`/`#`/`a`/`e`/`t` after said "Reading the selected papers' ids… press the
    key again in a moment." for good (bug hunt `auditui` #6). The failure is said,
    the rows whose ids were not read leave the selection, and keys work."""
    import sqlite3

    from ui_support import until

    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        papers = app.main.paper_list
        drawn = {r for r in papers.ids if papers.cached_row(r) is not None}
        assert 0 < len(drawn) < N

        def fails(*args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(app.main.store, "names_at", fails)
        await pilot.press("A")
        await until(pilot, lambda: not papers.naming, "the rows left unnamed")
        await pilot.pause()
        said = notes(app)
        assert "Could not read the selected papers' ids: disk I/O error" in said, said
        assert papers.selected == drawn
        assert any(f"{N - len(drawn)} papers not selected" in n for n in said), said
        await pilot.press("s")
        await until(pilot, lambda: any(n.startswith("Starred") for n in notes(app)), "s")
    assert _starred(cache) == len(drawn)
