"""Deleting a digest from the reader (issue 16 item 1): the picker's shift+delete and
the palette command, both asking first; the removal holds after reopening the cache."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, notes, settle, status_text

from cli_support import run_cli
from tui_digest.core.store import Store
from tui_digest.ui.screens.confirm import ConfirmScreen
from tui_digest.ui.screens.digest_picker import DigestPicker

SIZE = (140, 40)
OLDER = "digest-cs.LG-2024-02-05"


def digest_names(cache: Path) -> list[str]:
    with Store.open(cache) as store:
        return [d.name for d in store.digests()]


async def test_shift_delete_in_the_picker_asks_then_removes(cache: Path) -> None:
    before = digest_names(cache)
    assert OLDER in before
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press("down", "down", "down", "shift+delete")  # the older digest
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert OLDER in app.screen.question
        await pilot.press("n")  # No: nothing changes
        await settle(pilot)
        assert [d.name for d in app.main.digests] == before
        await pilot.press("d", "down", "down", "down", "shift+delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert OLDER not in [d.name for d in app.main.digests]
        assert any(n.startswith(f"Removed {OLDER}") for n in notes(app))
        shown = app.main.matches
    assert digest_names(cache) == [n for n in before if n != OLDER]
    with Store.open(cache) as store:
        assert store.count("") == shown


async def test_the_palette_deletes_the_digest_shown(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert "Delete this digest" in titles
        app.main.action_delete_digest()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.main.digest is None  # the digest shown is gone: every paper
    assert OLDER not in digest_names(cache)


async def test_a_digest_removed_by_the_cli_while_shown_gives_all_papers(cache: Path) -> None:
    """`tui-digest digests rm NAME --yes` in another shell while the reader shows
    NAME: it stayed on NAME with "No papers here yet." and `NAME 0 / 0`, as if the
    digest waited for papers (found by a bug hunt). It says once that the digest
    is gone and shows all papers, as it does when reopened."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        app.follower.poll()  # the baseline
        await settle(pilot)
        main.show_digest(OLDER)
        await settle(pilot)
        assert main.matches == 30
        done = run_cli("digests", "rm", OLDER, "--yes", db=cache)
        assert done.returncode == 0, done.stderr.decode()
        app.follower.poll()
        await settle(pilot)
        assert main.digest is None
        assert main.matches == main.total == 8  # every paper left: the newer digest's
        assert OLDER not in status_text(app)
        assert [n for n in notes(app) if OLDER in n] == [
            f"The digest {OLDER} was removed: showing all papers."
        ]
        app.follower.poll()  # nothing more changed: nothing more said
        main.cache_changed()
        await settle(pilot)
        assert len([n for n in notes(app) if OLDER in n]) == 1


async def test_the_question_counts_tagged_and_noted_papers_as_kept(cache: Path) -> None:
    """The dialog said "(2 starred stay)" where one of the two was only tagged and
    noted (found by a bug hunt); the CLI's dry run said "starred, tagged or noted"."""
    with Store.open(cache) as store:
        ids = [r.id for r in store.search(digest=OLDER)]
        store.edit_tags(ids[:1], ["keep"])
        store.set_note(ids[1], "a note")
        kept = store.removal_plan(store.digest_pks([OLDER])).papers_kept
    assert kept >= 1
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d", "down", "down", "down", "shift+delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"({kept} starred, tagged or noted stay)" in app.screen.question
        await pilot.press("n")
        await settle(pilot)


async def test_the_removal_shows_its_progress_in_the_status_line(cache: Path, monkeypatch) -> None:
    """The CLI's `digests rm` shows a bar; the reader's delete was silent until
    it ended (a 50,000-paper archive takes minutes; left undone last session).
    The status line counts the papers removed, a chunk at a time, then clears."""
    from tui_digest.core.store import rows

    monkeypatch.setattr(rows, "CHUNK", 4)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown: list[str] = []
        own = app.main.set_activity

        def spy(text: str, *, slot: str = "fetch") -> None:
            if slot == "remove":
                shown.append(text)
            own(text, slot=slot)

        monkeypatch.setattr(app.main, "set_activity", spy)
        app.main.show_digest(OLDER)
        await settle(pilot)
        app.main.action_delete_digest()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert OLDER not in digest_names(cache)
    assert shown[0] == f"removing {OLDER}…"
    assert any(t.startswith(f"removing {OLDER}: 4 of ") and t.endswith(" papers…") for t in shown)
    assert shown[-1] == ""  # cleared once removed
