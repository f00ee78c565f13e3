"""The reader's For you on a cache whose rank files cannot be saved.

A read-only cache or a full disk made the worker die, and the reader showed
its traceback's last line ("tui_digest.core.atomic_file.OSError: cannot write
…features.npz: No space left on device") over an empty list (found by a bug
hunt). It now ranks without the files and says so once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from ui_support import make_app, notes, settle

from rank_corpus import build, star
from tui_digest.rank import background, rank_dir

SIZE = (140, 40)


async def test_f_and_R_rank_without_saving_and_say_so_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(background, "_told", set())
    monkeypatch.setattr(background, "_kept", {})
    db = tmp_path / "cache.db"
    ids = build(db)
    star(db, ids["rl"][:6])
    rank_dir(db).write_text("in the way\n")  # every save fails for real (as root too)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        total = len(main.paper_list.ids)
        await pilot.press("f")
        await settle(pilot)
        assert main.search_box.value == "sort:foryou"
        assert len(main.paper_list.ids) == total and main.paper_list.bars is not None
        await pilot.press("R")
        await settle(pilot)
        assert main.search_box.value.startswith("related:") and main.paper_list.ids
        said = [n for n in notes(app) if "could not save" in n]
        assert said == [
            f"For you could not save its files in {rank_dir(db)} (a file is in its place); it "
            "ranks without them, working them out again each time"
        ]
        assert not any("Errno" in n or "tui_digest." in n for n in notes(app))
