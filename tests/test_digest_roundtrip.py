"""read_digest(write_digest(papers)) gives the papers back, field for field.

What round-trips (module docstring of digest_format): id, version, url, title_en,
title_zh, summary_zh, abstract_en, abstract_zh, announce_type and the primary
category of a paper in the old layout (a 2024+ announce type is written in the new
layout, plain title and abstract header, which has no place for it). A digest
does not carry authors, secondary categories or the published date. Text is drawn
as ingest leaves it: one-line fields through clean_line, abstracts through
clean_text, so an abstract keeps inner newlines, blank lines and leading/trailing
spaces, while "\\r" never reaches the writer.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_digest.core.arxiv_id import abs_url
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.digest_grammar import NEW_STYLE_TYPES
from tui_digest.core.digest_write import old_feeds_paper
from tui_digest.core.model import ANNOUNCE_TYPES, Paper
from tui_digest.core.sanitize import clean_line, clean_text

# Pieces that have meaning in the format, mixed with arbitrary text.
FRAGMENTS = [
    "|", "[", "]", "](", ")", "(", "\\", "\\|", "`", "*", "_", "#", "[^3]", "[^3]:", "\n",
    "\n\n", " ", "  ", "\t", "    ", "中文", "摘要：", "｜", "$Y|X$", "[x](http://a.b)", ">",
    "\r\n", "\u2028", "\x1b[0m", ". ", "?", "Abstract:", "<b>", "&amp;",
]  # fmt: skip

raw_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=12).map(
    "".join
)
line_text = raw_text.map(clean_line)
para_text = raw_text.map(clean_text)

new_ids = st.from_regex(r"\A\d{4}\.\d{4,5}\Z")
old_ids = st.builds(
    lambda arch, sc, num: f"{arch}{sc}/{num}",
    st.sampled_from(["hep-th", "math", "cond-mat", "q-bio", "astro-ph"]),
    st.sampled_from(["", ".GT", ".NC", ".CO"]),
    st.from_regex(r"\A\d{7}\Z"),
)
categories = st.sampled_from(["cs.AI", "cs.LG", "hep-th", "math.GT", "stat.ML", "eess.SP"])


@st.composite
def papers(draw):
    arxiv_id = draw(st.one_of(new_ids, old_ids))
    return Paper(
        id=arxiv_id,
        version=draw(st.sampled_from(["", "v1", "v2", "v12"])),
        url=abs_url(arxiv_id, draw(st.sampled_from(["https", "http"]))),
        title_en=draw(line_text),
        title_zh=draw(line_text),
        summary_zh=draw(line_text),
        abstract_en=draw(para_text),
        abstract_zh=draw(para_text),
        categories=draw(st.lists(categories, max_size=2)),
        announce_type=draw(st.sampled_from(("", *ANNOUNCE_TYPES))),
    )


def carried(paper: Paper) -> tuple:
    return (
        paper.id,
        paper.version,
        paper.url,
        paper.title_en,
        paper.title_zh,
        paper.summary_zh,
        paper.abstract_en,
        paper.abstract_zh,
        paper.announce_type,
        # A 2024+ type's layout has no room for a category, but for a paper only
        # the pre-2024 feeds can have announced (`digest_write.old_feeds_paper`).
        ""
        if paper.announce_type in NEW_STYLE_TYPES
        and not old_feeds_paper(paper.id, paper.announce_type)
        else paper.primary_category,
    )


# One entry per arXiv id: a digest that gives an id twice has the second
# skipped with a problem (`test_an_arxiv_id_given_again_is_skipped_…`).
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(papers(), max_size=6, unique_by=lambda p: p.id))
def test_write_then_read_gives_the_same_papers(batch):
    text = write_digest(batch)
    result = read_digest(text, source="roundtrip.md")
    assert result.problems == []
    assert [carried(p) for p in result.digest.papers] == [carried(p) for p in batch]
    # What was read back (now with its arXiv suffix/header kept in extras) is
    # written back to the very same text.
    assert write_digest(result.digest.papers) == text


@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda p: p.id))
@settings(max_examples=50, deadline=None)
def test_crlf_copy_reads_the_same(batch):
    text = write_digest(batch).replace("\n", "\r\n")
    assert [carried(p) for p in read_digest(text.encode()).digest.papers] == [
        carried(p) for p in batch
    ]


def test_unnormalised_input_is_normalised_like_ingest():
    paper = Paper(
        id="2401.00001",
        url="",
        title_en="  two\nlines  ",
        summary_zh="a\r\nb",
        abstract_en="x\r\ny\x07",
        version="2",
        announce_type="weird",
        categories=["not a category!"],
    )
    (back,) = read_digest(write_digest([paper])).digest.papers
    assert (back.url, back.title_en, back.summary_zh, back.abstract_en) == (
        "https://arxiv.org/abs/2401.00001",
        "two lines",
        "a b",
        "x\ny",
    )
    assert (back.version, back.announce_type, back.categories) == ("", "", [])


REAL_DIGESTS = [
    "seed-digest.md",
    "digest-cs.LG-2023-03-13-first.md",
    "digest-cs.AI-2023-07-27-pipe-in-title.md",
    "digest-cs.AI-2024-02-05-rss-links.md",
    "digest-cs.LG-2024-07-15-mixed.md",
    "digest-cs.LG-2024-02-06-large.md",
]


@pytest.mark.parametrize("name", REAL_DIGESTS)
def test_sample_excerpt_papers_round_trip_with_extras(excerpts, name):
    check_round_trip(excerpts / name)


def test_real_papers_round_trip_with_extras(samples):
    for name in REAL_DIGESTS:
        check_round_trip(samples / name)


def check_round_trip(path):
    papers = read_digest(path.read_bytes()).digest.papers
    again = read_digest(write_digest(papers)).digest.papers
    assert [(carried(p), p.extras) for p in again] == [(carried(p), p.extras) for p in papers]


def test_a_paper_without_chinese_fields_is_written_as_the_generator_writes_empty_fields():
    """Published untranslated (found by a bug hunt): the empty Chinese abstract was a
    line holding only a backslash and the empty title line ended in a space. The
    generator writes an empty field as four spaces and nothing else (its English
    summary slot, docs/digest-format.md and every sample), and no footnote line of
    the samples ends in a blank."""
    english_only = Paper(
        id="2508.20001",
        version="v1",
        url="https://arxiv.org/abs/2508.20001",
        title_en="Planning Agents That Ask for Help",
        abstract_en="Agents that plan learn when to ask.",
        announce_type="new",
    )
    translated = Paper(
        id="2508.20002",
        version="v1",
        url="https://arxiv.org/abs/2508.20002",
        title_en="Another",
        title_zh="另一篇",
        summary_zh="总结。",
        abstract_en="Text.",
        abstract_zh="中文摘要。",
        announce_type="new",
    )
    text = write_digest([english_only, translated])
    note = text[text.index("[^1]:") : text.index("[^2]:")]
    assert note == (
        "[^1]:\n\n"
        "    Planning Agents That Ask for Help\n\n"
        "    [https://arxiv.org/abs/2508.20001](https://arxiv.org/abs/2508.20001)\n\n"
        "    \n\n"  # the Chinese summary, empty
        "    \n\n"  # the English summary slot, empty as in every real digest
        "    \n\n"  # the Chinese abstract, empty: four spaces, not "    \\"
        "    arXiv:2508.20001v1 Announce Type: new  Abstract: Agents that plan learn when to ask.\n"
        "    \n"
    )
    assert not any(line.endswith(" ") and line.strip() for line in text.split("\n"))
    assert "\\" not in text
    result = read_digest(text, source="english-only.md")
    assert result.problems == []
    assert [carried(p) for p in result.digest.papers] == [
        carried(english_only),
        carried(translated),
    ]
    assert write_digest(result.digest.papers) == text
    # The same with CRLF line endings, as a copy through another tool may leave it.
    again = read_digest(text.replace("\n", "\r\n").encode()).digest.papers
    assert [carried(p) for p in again] == [carried(english_only), carried(translated)]
