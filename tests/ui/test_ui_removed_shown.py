"""Another process removes the digest shown while papers of it are selected
(bug hunt `conc` #2 saw the selection go with no word, at 20k papers): the
reader says the selection was cleared even when it lists the digests again
before its poll sees the removal. (Not reproduced here: this guards the order.)"""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, make_paper, notes, settle, status_text

from tui_digest.core.model import Digest
from tui_digest.core.store import Store

SIZE = (120, 40)
SHOWN, OTHER = "digest-cs.LG-2024-02-05", "digest-cs.AI-2024-02-06"


def build_cache(path: Path) -> Path:
    with Store.open(path) as store:
        store.import_digest(
            Digest(SHOWN, date="2024-02-05", papers=[make_paper(i) for i in range(4)])
        )
        store.import_digest(
            Digest(OTHER, date="2024-02-06", papers=[make_paper(100 + i) for i in range(3)])
        )
    return path


async def test_the_selection_of_a_removed_digest_shown_is_said_cleared(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        await settle(pilot)
        main, papers = app.main, app.main.paper_list
        main.show_digest(SHOWN)
        await settle(pilot)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        assert len(papers.selected) == 2
        with Store.open(cache) as other:  # another process's `digests rm`
            other.remove_digests(other.digest_pks([SHOWN]))
        main.load_digests()  # the digests listed again before the poll runs
        await settle(pilot)
        app.follower.poll()
        await settle(pilot)
        said = notes(app)
        assert main.digest is None  # all papers shown
        assert not papers.selected and "selected" not in status_text(app)
        assert any("selection was cleared" in n for n in said), said
