"""Text that is too big or carries terminal controls, straight from the cache.

The readers cap and clean text at ingest; these papers are written into the
store directly, as a cache written by anything else could hold them.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, make_paper, screen_text, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store

SIZE = (140, 40)


async def test_huge_title_and_abstract_do_not_freeze_the_reader(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    huge = make_paper(0, title_en="T" * 100_000)
    huge.abstract_en = ("word " * 200_000).strip()  # 1 MB
    with Store.open(db) as store:
        store.import_digest(Digest("d", date="2024-02-06", papers=[huge, make_paper(1)]))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.detail.record is not None
        assert app.main.detail.record.paper.id == huge.id
        await pilot.press("j")
        await settle(pilot)
        assert app.main.detail.record.paper.id == make_paper(1).id
        await pilot.press("k")
        await settle(pilot)
        assert app.main.detail.record.paper.id == huge.id
        assert app.is_running


async def test_escape_and_bidi_controls_never_reach_the_screen(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    bad = make_paper(0, title_en="Red\x1b[31m alert\x07 \u202eevil\u202c title")
    bad.summary_zh = "摘要\x1b]52;c;Y2xpcGJvYXJk\x07结束"
    with Store.open(db) as store:
        store.import_digest(Digest("d", date="2024-02-06", papers=[bad]))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Red[31m alert" in text  # the visible text stays, the controls go
        for control in ("\x1b", "\x07", "\u202e", "\u202c"):
            assert control not in text
