"""A feed with old-Mac CR line ends (bug hunt `fuzz` #4a): each entry's warning
names the entry's line, as for LF or CRLF (every one said line 1)."""

from __future__ import annotations

import pytest

from feed_server import arxiv_rss
from tui_digest.core.arxiv_feed import read_arxiv_feed
from tui_digest.core.feed_common import parse_feed

FEED = arxiv_rss("cs.NE", [("2509.00001", "A paper"), ("2509.00001", "A paper")]).decode()


def duplicate_lines(text: str) -> list[int]:
    result = read_arxiv_feed(text.encode(), source="f.xml")
    return [p.line for p in result.problems if "duplicate arXiv id" in p.message]


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_an_entry_warning_names_its_line_whatever_the_line_ends(end):
    (lf,) = duplicate_lines(FEED)
    assert lf > 1
    assert duplicate_lines(FEED.replace("\n", end)) == [lf]


def test_the_entry_lines_of_a_cr_feed_are_those_of_the_lf_one():
    lf = parse_feed(FEED.encode(), "f.xml").entry_lines
    assert parse_feed(FEED.replace("\n", "\r").encode(), "f.xml").entry_lines == lf


def test_a_forbidden_character_is_named_on_its_line_in_a_cr_feed():
    text = FEED.replace("<title>A paper</title>", "<title>A \x01paper</title>", 1)
    lf = [p.line for p in parse_feed(text.encode(), "f.xml").problems]
    cr = [p.line for p in parse_feed(text.replace("\n", "\r").encode(), "f.xml").problems]
    assert lf and lf[0] > 1 and cr == lf
