"""A published item always has a title a feed reader can show.

The item title is the Chinese one-line summary (the cn-chat-arxiv layout); a
paper nobody translated has none, and its item was written with an empty
`<title>`: feed readers listed it as "(no title)". It now carries the paper's
title, and reading the feed back still gives the paper no summary (found by a
bug hunt, session 38).
"""

from __future__ import annotations

import re

from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.model import Paper

LINK = "https://arxiv.org/abs/2509.10001"


def _paper(**fields: str) -> Paper:
    base = {"id": "2509.10001", "version": "v1", "url": LINK, "abstract_en": "Abstract"}
    return Paper(**{**base, **fields})  # type: ignore[arg-type]


def _item_title(xml: str) -> str:
    [title] = re.findall(r"<item><title>(.*?)</title>", xml)
    return title


def test_an_untranslated_paper_s_item_is_titled_with_its_english_title() -> None:
    xml = write_digest_feed([_paper(title_en="Sparse & Fast")], category="cs.AI", date="2025-09-18")
    assert _item_title(xml) == "Sparse &amp; Fast"
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert back.title_en == "Sparse & Fast"
    assert back.summary_zh == ""  # the title is not taken for a summary
    assert "table_summary" not in back.extras


def test_a_chinese_title_without_a_summary_titles_the_item() -> None:
    paper = _paper(title_en="Sparse", title_zh="稀疏")
    xml = write_digest_feed([paper], category="cs.AI", date="2025-09-18")
    assert _item_title(xml) == "稀疏"
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert (back.summary_zh, back.title_zh) == ("", "稀疏")
    assert "table_summary" not in back.extras


def test_a_summary_still_titles_the_item() -> None:
    paper = _paper(title_en="Sparse", title_zh="稀疏", summary_zh="一句话总结")
    xml = write_digest_feed([paper], category="cs.AI", date="2025-09-18")
    assert _item_title(xml) == "一句话总结"
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert back.summary_zh == "一句话总结"
