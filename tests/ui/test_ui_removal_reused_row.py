""" "Remove the digest X?" answered after another process removed X (bug hunt `auditui` #1).

The question read X's row numbers when it was asked, and `y` removed those rows.
`digests.pk` is reused once the newest digest is removed, so when another process
removed X and a fetch or import came meanwhile, `y` removed that new digest and
its papers, and the toast said "Removed X and N papers". Without the import it
said "Removed X and 0 papers." though the reader had removed nothing. Now `y`
removes X only if the rows still carry its name, and says when X is gone.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, make_paper, notes, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.digest_removal import ask_to_remove
from tui_digest.ui.screens.confirm import ConfirmScreen

SIZE = (120, 40)
FIRST, ASKED, NEW = "digest-cs.LG-2024-02-05", "digest-cs.AI-2024-02-06", "digest-cs.CV-2024-02-07"


def build_cache(path: Path) -> Path:
    """FIRST, then ASKED (the newest row: its number is the next one given out)."""
    with Store.open(path) as store:
        store.import_digest(
            Digest(FIRST, date="2024-02-05", papers=[make_paper(i) for i in range(4)])
        )
        store.import_digest(
            Digest(ASKED, date="2024-02-06", papers=[make_paper(100 + i) for i in range(3)])
        )
    return path


def names(cache: Path) -> list[str]:
    with Store.open(cache) as store:
        return sorted(d.name for d in store.digests())


async def _answer_yes_after(cache: Path, meanwhile) -> list[str]:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ask_to_remove(app.main, ASKED)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert ASKED in app.screen.question
        with Store.open(cache) as other:  # another process, while the reader asks
            meanwhile(other)
        await pilot.press("y")
        await settle(pilot)
        return notes(app)


async def test_yes_after_another_removal_and_an_import_removes_nothing_else(
    tmp_path: Path,
) -> None:
    cache = build_cache(tmp_path / "cache.db")
    with Store.open(cache) as store:
        asked_pk = store.digest_pks([ASKED])

    def remove_then_import(other: Store) -> None:
        other.remove_digests(other.digest_pks([ASKED]))
        other.import_digest(
            Digest(NEW, date="2024-02-07", papers=[make_paper(200 + i) for i in range(5)])
        )
        assert other.digest_pks([NEW]) == asked_pk  # the row number went to NEW

    said = await _answer_yes_after(cache, remove_then_import)
    assert names(cache) == sorted([FIRST, NEW])  # NEW, never chosen, stays
    with Store.open(cache) as store:
        assert store.count("", digest=NEW) == 5
    assert f"{ASKED} was already removed." in said, said
    assert not [n for n in said if n.startswith("Removed ")], said


async def test_yes_after_another_removal_does_not_claim_it(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")

    def remove(other: Store) -> None:
        other.remove_digests(other.digest_pks([ASKED]))

    said = await _answer_yes_after(cache, remove)
    assert names(cache) == [FIRST]
    assert f"{ASKED} was already removed." in said, said
    assert not [n for n in said if n.startswith("Removed ")], said


async def test_yes_removes_the_digest_asked_about(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    said = await _answer_yes_after(cache, lambda other: None)
    assert names(cache) == [FIRST]
    assert f"Removed {ASKED} and 3 papers." in said, said


async def test_yes_after_another_removal_and_a_new_import_of_it_asks_again(
    tmp_path: Path,
) -> None:
    """Another process removed the digest asked about and imported it again, under
    a new row number (regression hunt `regui41` #2): `y` said "X was already
    removed." though X was in the cache, and the view left X for All papers. The
    question's counts were of the old X: nothing is removed, the toast says why,
    and the question is asked again with the new X's counts."""
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(FIRST)
        await settle(pilot)
        ask_to_remove(app.main, FIRST)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "the 4 papers" in app.screen.question
        with Store.open(cache) as other:  # another process, while the reader asks
            old = other.digest_pks([FIRST])
            other.remove_digests(old)
            other.import_digest(
                Digest(FIRST, date="2024-02-05", papers=[make_paper(300 + i) for i in range(6)]),
                revive_removed=True,  # (`tui-digest import`)
            )
            assert other.digest_pks([FIRST]) != old  # a new row number
        await pilot.press("y")
        await settle(pilot)
        said = notes(app)
        assert names(cache) == sorted([FIRST, ASKED])  # nothing removed
        assert f"{FIRST} was already removed." not in said, said
        assert said[-1] == (
            f"{FIRST} was removed and imported again meanwhile (by another process): "
            "nothing removed. Asking again: its papers may differ."
        ), said
        assert app.main.digest == FIRST  # the view stays on it
        assert isinstance(app.screen, ConfirmScreen)  # asked again, with the new counts
        assert FIRST in app.screen.question and "the 6 papers" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert names(cache) == [ASKED]
        assert notes(app)[-1] == f"Removed {FIRST} and 6 papers."
        assert app.main.digest is None  # gone now: every paper is shown
