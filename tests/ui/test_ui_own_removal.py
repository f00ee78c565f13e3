"""The reader's own digest removal, then another process's (bug hunt `regselect2` #1).

The reader removed a digest whose papers all stayed (another digest lists
them): no paper was removed, yet a flag "this removal is my own" was set and
stayed, so the next removal by another process was taken for the reader's
own. The selection was not cleared, papers imported later into the freed row
numbers showed as selected, and `s` said "2 papers removed meanwhile" while
the papers on screen were not starred. README (ctrl+z row): another process's
removal clears the selection.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, make_paper, notes, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.digest_removal import ask_to_remove
from tui_digest.ui.screens.confirm import ConfirmScreen

SIZE = (120, 40)
KEPT, DUP = "digest-cs.LG-2024-02-05", "digest-cs.XX-2024-02-05"
OTHER, NEW = "digest-cs.AI-2024-02-06", "digest-cs.CV-2024-02-07"
CLEARED = "Papers were removed from the cache: the selection was cleared."


def build_cache(path: Path) -> Path:
    """KEPT and DUP list the same 5 papers; OTHER 3 more, imported last (the highest rows)."""
    with Store.open(path) as store:
        same = [make_paper(i) for i in range(5)]
        store.import_digest(Digest(KEPT, date="2024-02-05", papers=same))
        store.import_digest(Digest(DUP, date="2024-02-05", papers=same))
        store.import_digest(
            Digest(OTHER, date="2024-02-06", papers=[make_paper(100 + i) for i in range(3)])
        )
    return path


async def test_another_process_removal_after_the_readers_removal_of_no_paper_clears(
    tmp_path: Path,
) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        await settle(pilot)
        main, papers = app.main, app.main.paper_list

        ask_to_remove(main, DUP)  # its papers stay: KEPT lists them
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert any(f"Removed {DUP} and 0 papers." in n for n in notes(app)), notes(app)
        app.follower.poll()  # sees the digest gone (no paper removed)
        await settle(pilot)

        main.show_digest(OTHER)
        await settle(pilot)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        chosen = set(papers.selected)
        assert len(chosen) == 2

        with Store.open(cache) as other:  # another process: remove, then import
            other.remove_digests(other.digest_pks([OTHER]))
            other.import_digest(
                Digest(NEW, date="2024-02-07", papers=[make_paper(200 + i) for i in range(3)])
            )
            reused = chosen & set(other.list_ids(""))
        assert reused  # the freed row numbers now hold the new papers
        app.follower.poll()
        await settle(pilot)

        assert not papers.selected, notes(app)
        assert CLEARED in notes(app)


async def test_the_readers_own_removal_seen_by_the_poll_first_swallows_no_later_one(
    tmp_path: Path,
) -> None:
    """The poll may see the reader's removal before the reader marks it as its
    own (the removal thread calls back after its commit): that poll clears the
    selection; a later removal by another process must clear it again."""
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        with Store.open(cache) as store:  # as the reader's removal thread commits
            done = store.remove_digests(store.digest_pks([KEPT, DUP]))
        assert done.papers_deleted == 5 and done.removal_count is not None
        app.follower.poll()  # the poll first
        await settle(pilot)
        main.unselect_removed(set(), done.removal_count)  # then the reader's callback
        main.show_digest(OTHER)
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert len(papers.selected) == 1

        with Store.open(cache) as other:
            other.remove_digests(other.digest_pks([OTHER]))
        app.follower.poll()
        await settle(pilot)
        assert not papers.selected, notes(app)
