"""The reader shows a paper's announce type as the digest viewed gave it.

A paper announced `new` on one day and `replace` (its v2) on the next: viewing
the first day's digest, its row carried the ↻ of an updated paper and its
detail said "announce replace", the type of a listing the user is not looking
at. Across all papers the paper's own type is shown, as before.
"""

from __future__ import annotations

from pathlib import Path

from ui_support import detail_text, make_app, make_paper, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store

SIZE = (140, 40)


def marker_of(app, title: str) -> str:
    """The updated-marker column of the list row showing `title`."""
    papers = app.main.paper_list
    for y in range(1, 10):
        line = "".join(s.text for s in papers.render_line(y))
        if title[:20] in line:
            return line[3]
    raise AssertionError(f"no row shows {title!r}")


async def test_a_digest_shows_the_type_its_listing_gave(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    first, again = make_paper(1), make_paper(1)
    first.version, first.announce_type = "v1", "new"
    again.version, again.announce_type = "v2", "replace"
    with Store.open(db) as store:
        first_day = store.import_digest(
            Digest("d-1", date="2024-02-05", papers=[first, make_paper(2)])
        ).digest
        store.import_digest(Digest("d-2", date="2024-02-06", papers=[again]))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # All papers: the paper's own type (its newest version's).
        assert marker_of(app, first.title_en) == "↻"
        app.main.show_digest(first_day)
        await settle(pilot)
        assert app.main.digest == first_day
        assert marker_of(app, first.title_en) == " "
        await pilot.press("g")  # the first row: that paper
        await settle(pilot)
        shown = detail_text(app)
        assert first.title_en[:20] in shown
        assert "announce   new" in shown and "replace" not in shown
