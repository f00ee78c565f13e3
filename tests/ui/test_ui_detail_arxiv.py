"""The detail pane shows the archive's English summary and arXiv's fuller data."""

from __future__ import annotations

from tui_digest.core.arxiv_meta import FOUND, ArxivMeta, apply_to
from tui_digest.core.model import Paper, PaperRecord
from tui_digest.ui.paper_text import detail_content

CUT = "We study [bold]markup[/bold] safety and the text goes o"


def _record(meta: ArxivMeta | None) -> PaperRecord:
    paper = Paper(
        id="2403.00001",
        version="v1",
        url="https://arxiv.org/abs/2403.00001",
        title_en="A Title",
        title_zh="标题",
        summary_zh="中文总结。",
        summary_en="An English one-line summary.",
        abstract_en=CUT,
        abstract_zh="中文摘要。",
    )
    if meta is not None:
        apply_to(paper, meta)  # as the store keeps an answer (and in `meta`)
    return PaperRecord(rowid=1, paper=paper, digests=["archive-2024-03"], meta=meta)


def test_english_summary_and_full_abstract_and_metadata() -> None:
    meta = ArxivMeta(
        id="2403.00001",
        status=FOUND,
        asked_at="2026-11-30T08:00:00+00:00",
        version="v1",
        authors=["Author One", "Author Two"],
        categories=["cs.LG", "cs.AI"],
        published="2024-03-01",
        comments="12 pages",
        journal_ref="Placeholder J. 1 (2024)",
        doi="10.0000/placeholder.1",
        abstract=CUT + "n for much longer than the digest kept.",
    )
    text = detail_content(_record(meta), "both").plain
    assert "An English one-line summary." in text
    assert "goes on for much longer than the digest kept." in text
    assert "[bold]markup[/bold]" in text  # shown as typed, never parsed
    for shown in ("Author One, Author Two", "cs.LG cs.AI", "2024-03-01", "12 pages",
                  "Placeholder J. 1 (2024)", "10.0000/placeholder.1"):  # fmt: skip
        assert shown in text
    assert "An English one-line summary." not in detail_content(_record(meta), "zh").plain


def test_without_arxiv_data_the_digest_text_is_shown() -> None:
    text = detail_content(_record(None), "en").plain
    assert CUT in text and "comments" not in text and "doi" not in text
