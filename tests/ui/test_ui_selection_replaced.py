"""`s`, `#` and `e` on a selection whose papers another process removed, their row
numbers given to newly imported papers before the reader's poll noticed (bug hunt
`selection` #1, #2): the stars, tags and file went to papers never selected. The
reader now acts on the papers it showed, found by their arXiv ids."""

from __future__ import annotations

from pathlib import Path

from ui_support import build_cache, make_app, make_paper, notes, settle

from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.ui.screens.annotate import TagsDialog
from tui_digest.ui.screens.export import ExportScreen

SIZE = (140, 40)
OLDER, NEWER = "digest-cs.LG-2024-02-05", "digest-cs.LG-2024-02-06"


def _replace_newest(cache: Path, selected: set[int]) -> set[str]:
    """Another process's `digests rm` of the newest digest, then an `import`: the
    new papers get the removed ones' row numbers. Returns the new papers' ids."""
    with Store.open(cache) as other:
        other.remove_digests(other.digest_pks([NEWER]))
        new = [make_paper(500 + i) for i in range(8)]
        other.import_digest(Digest(name="digest-cs.LG-2024-02-07", date="2024-02-07", papers=new))
        now = {r.id for r in other.list_rows(sorted(selected))}
    assert now <= {p.id for p in new} and len(now) == len(selected), "numbers reused"
    return {p.id for p in new}


async def _select_two_newest(app, pilot) -> tuple[set[int], set[str]]:
    app.main.show_digest(NEWER)
    await settle(pilot)
    await pilot.press("g", "space", "space")
    await settle(pilot)
    papers = app.main.paper_list
    shown = {papers.cached_row(r).id for r in papers.selected}
    return set(papers.selected), shown


def _starred_and_waiting(cache: Path) -> tuple[set[str], int]:
    with Store.open(cache) as store:
        starred = {r.id for r in store.list_rows(store.list_ids("is:starred"))}
        return starred, int(store.stats()["state_waiting"])


async def test_s_on_a_selection_from_another_digest_keeps_the_stars_waiting(
    tmp_path: Path,
) -> None:
    """Selected in one digest, then another digest shown (the selection's rows leave
    the row cache): `s` starred the new papers at those numbers, "Starred 2 papers"."""
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        selected, _shown = await _select_two_newest(app, pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        assert app.main.paper_list.selected == selected
        _replace_newest(cache, selected)
        await pilot.press("s")
        await settle(pilot)
        said = notes(app)[-1]
    starred, waiting = _starred_and_waiting(cache)
    assert starred == set()  # none of the new papers
    assert waiting == 2  # README: a removed paper's star waits for it
    assert "kept as starred for when they come back" in said


async def test_tags_of_a_replaced_selection_go_to_no_other_paper(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "cache.db")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        selected, _shown = await _select_two_newest(app, pilot)
        _replace_newest(cache, selected)
        await pilot.press("number_sign")
        await settle(pilot)
        assert not isinstance(app.screen, TagsDialog), "no dialog on the new papers' tags"
        removed = "2 papers were no longer in the cache (removed meanwhile)"
        assert any(removed in n for n in notes(app))


async def test_an_export_dialog_left_open_over_a_replacement_exports_no_other_paper(
    tmp_path: Path,
) -> None:
    """The file held the new papers, "Exported 2 papers to …/sel.json"."""
    cache = build_cache(tmp_path / "cache.db")
    out = tmp_path / "sel.json"
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        selected, _shown = await _select_two_newest(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        _replace_newest(cache, selected)
        await pilot.press(*str(out), "enter")  # (the default name is selected: replaced)
        await settle(pilot)
        said = notes(app)
    assert not out.exists()
    assert not [n for n in said if n.startswith("Exported")]
    assert "Nothing exported: the 2 papers were no longer in the cache (removed meanwhile)." in said


async def test_select_all_after_a_removal_seen_stars_every_paper(tmp_path: Path) -> None:
    """Rows `A` selects undrawn are trusted by their listing's removal count: a
    selection emptied by `A` `A` before a removal kept the old count, and every
    undrawn paper of the next `A` was then refused as "no longer in the cache"."""
    cache = tmp_path / "cache.db"
    with Store.open(cache) as store:  # more papers than a first page (drawn rows: named)
        older = [make_paper(1000 + i) for i in range(200)]
        store.import_digest(Digest(name=OLDER, date="2024-02-05", papers=older))
        newer = [make_paper(i) for i in range(8)]
        store.import_digest(Digest(name=NEWER, date="2024-02-06", papers=newer))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(OLDER)
        await settle(pilot)
        await pilot.press("A", "A")
        await settle(pilot)
        app.follower.poll()  # the baseline
        with Store.open(cache) as other:
            other.remove_digests(other.digest_pks([NEWER]))
        app.follower.poll()  # the reader sees the removal and lists again
        await settle(pilot)
        await pilot.press("A")
        await pilot.press("s")
        await settle(pilot)
        assert "Starred 200 papers · ctrl+z undoes" in notes(app)
    starred, _waiting = _starred_and_waiting(cache)
    assert len(starred) == 200
