"""`space` selects the current paper and moves to the next one: said where keys are
described (found by a bug hunt: README and `?` said only "select", yet the cursor moved,
and with it the read timer to the next paper)."""

from __future__ import annotations

from pathlib import Path

from ui_support import build_cache, make_app, settle

from tui_digest.ui.keys import LIST

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_space_selects_and_moves_to_the_next_paper_as_the_keys_say(tmp_path: Path) -> None:
    db = build_cache(tmp_path / "cache.db")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        await pilot.press("g")
        await settle(pilot)
        first = papers.current_rowid
        await pilot.press("space")
        await settle(pilot)
        assert papers.selected == {first}
        assert papers.current_rowid == papers.ids[1]
    binding = next(b for b in LIST if b.id == "list.select")
    assert "next paper" in (binding.tooltip or "")
    row = next(line for line in README.read_text("utf-8").splitlines() if "| `space` /" in line)
    assert "next paper" in row, row


async def test_x_clears_the_whole_selection_and_a_again_says_it_unselects_only_those_shown(
    tmp_path: Path,
) -> None:
    """`A` again "clears the selection", said its help, but it unselected only the
    papers shown: those selected in another digest stayed, and the next `s` starred
    them. No key cleared the whole selection (bug hunt `selection` #4)."""
    db = build_cache(tmp_path / "cache.db")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        app.main.show_digest("digest-cs.LG-2024-02-06")
        await settle(pilot)
        await pilot.press("g", "space", "space")
        await settle(pilot)
        hidden = set(papers.selected)
        app.main.show_digest("digest-cs.LG-2024-02-05")
        await settle(pilot)
        await pilot.press("A", "A")  # all shown selected, then unselected again
        await settle(pilot)
        assert papers.selected == hidden  # the other digest's papers stay selected
        await pilot.press("X")
        await settle(pilot)
        assert papers.selected == set()
    select_all = next(b for b in LIST if b.id == "list.select_all")
    assert "clear the selection" not in (select_all.tooltip or "")
    assert "stay selected" in (select_all.tooltip or "")
    row = next(line for line in README.read_text("utf-8").splitlines() if "| `X` |" in line)
    assert "whole selection" in row
