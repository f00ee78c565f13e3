"""A digest removed by another process while the picker (`d`) or the palette is open
(bug hunt `auditui` #2).

The picker and the palette list the digests as they were when opened. Choosing
one removed meanwhile showed it: "No papers here yet." and `NAME 0 / 0`, for
good (the digest list no longer changed, so no later poll said anything). Now
it is said as when the digest shown is removed, and all papers are shown.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, notes, palette_offers, settle, status_text

from cli_support import run_cli
from tui_digest.ui.screens.digest_picker import DigestPicker

SIZE = (140, 40)
OLDER = "digest-cs.LG-2024-02-05"
SAID = f"The digest {OLDER} was removed: showing all papers."


def remove_elsewhere(cache: Path) -> None:
    done = run_cli("digests", "rm", OLDER, "--yes", db=cache)
    assert done.returncode == 0, done.stderr.decode()


async def test_choosing_in_the_picker_a_digest_removed_meanwhile(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        app.follower.poll()  # the baseline
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press("down", "down", "down")  # the older digest's row
        remove_elsewhere(cache)
        app.follower.poll()  # the reader's digest list no longer has it
        await settle(pilot)
        assert OLDER not in [d.name for d in main.digests]
        await pilot.press("enter")
        await settle(pilot)
        assert main.digest is None
        assert main.matches == main.total == 8  # every paper left
        assert OLDER not in status_text(app)
        assert [n for n in notes(app) if OLDER in n] == [SAID]


async def test_choosing_in_the_palette_a_digest_removed_meanwhile(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        app.follower.poll()  # the baseline
        await settle(pilot)
        await pilot.press("ctrl+p", *f"Digest: {OLDER}")
        await palette_offers(pilot, f"Digest: {OLDER}")
        remove_elsewhere(cache)
        app.follower.poll()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert main.digest is None
        assert main.matches == main.total == 8
        assert [n for n in notes(app) if OLDER in n] == [SAID]


async def test_shift_delete_in_the_picker_on_a_digest_removed_meanwhile(cache: Path) -> None:
    """It said "Could not <function ask_to_remove.<locals>.count at 0x…>: no digest
    named '…'", three times (bug hunt `auditui` #2, #3, #4)."""
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # the baseline
        await settle(pilot)
        await pilot.press("d", "down", "down", "down")
        remove_elsewhere(cache)
        await pilot.press("shift+delete")
        await settle(pilot)
        assert [n for n in notes(app) if OLDER in n] == [f"{OLDER} was already removed."]
