"""A reader whose cache could not be opened says why on every key that needs it.

`r` said "The cache is still opening; try again in a moment." and `S` "The cache
is still opening.", also long after the open had failed and said why in the
detail pane (found by a bug hunt).
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, notes, settle

SIZE = (120, 30)


async def test_keys_that_need_the_cache_say_why_it_could_not_be_opened(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")  # where a folder should be
    app = make_app(tmp_path / "afile" / "tui-digest" / "cache.db", first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.store is None
        for key in ("r", "S"):
            await pilot.press(key)
            await settle(pilot)
        said = notes(app)[-2:]
        assert len(said) == 2 and not any("still opening" in note for note in said), said
        for note in said:
            assert note.startswith("The cache could not be opened: ")
            assert "cannot create the cache's folder" in note and str(tmp_path / "afile") in note
