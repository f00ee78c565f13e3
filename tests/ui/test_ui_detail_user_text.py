"""The detail pane shows the user's tags and note, as text, never as markup (issue 12 req 5)."""

from __future__ import annotations

from tui_digest.core.model import Paper, PaperRecord
from tui_digest.ui.paper_text import detail_content


def test_tags_and_note_shown_as_plain_text() -> None:
    rec = PaperRecord(
        rowid=1,
        paper=Paper(id="2403.00001", title_en="A Title"),
        tags=["robotics", "[bold]x"],
        note="Compare with [red]2403.00002[/red]\nsecond line",
    )
    text = detail_content(rec, "both").plain
    assert "#robotics #[bold]x" in text
    assert "note  Compare with [red]2403.00002[/red]\nsecond line" in text
    bare = detail_content(PaperRecord(rowid=1, paper=Paper(id="2403.00001")), "both").plain
    assert "note" not in bare and "#" not in bare
