"""The digest writer: canonical layout, byte-exact rewrites, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.model import Paper

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"

# Every real sample is in the canonical layout, so each one is rewritten byte for byte.
EXACT = [
    "seed-digest.md",
    "digest-cs.LG-2024-02-06-large.md",
    "digest-cs.AI-2024-02-05-rss-links.md",
    "digest-cs.AI-2023-07-27-pipe-in-title.md",
    "digest-cs.LG-2024-07-15-mixed.md",
    "digest-cs.LG-2023-03-13-first.md",
    "digest-empty.md",
]


def test_real_samples_rewrite_byte_for_byte(samples):
    for name in EXACT:
        data = (samples / name).read_bytes()
        papers = read_digest(data, source=name).digest.papers
        assert write_digest(papers) == data.decode("utf-8"), name


@pytest.mark.parametrize("name", EXACT)
def test_sample_excerpts_rewrite_byte_for_byte(excerpts, name):
    data = (excerpts / name).read_bytes()
    papers = read_digest(data, source=name).digest.papers
    assert write_digest(papers) == data.decode("utf-8")


def test_own_fixture_rewrites_byte_for_byte():
    text = FIXTURE.read_text(encoding="utf-8")
    assert write_digest(read_digest(text).digest.papers) == text


def test_empty_digest_layout():
    assert write_digest([]) == (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n\n\n# 详细\n\n\n\n"
    )


def test_canonical_layout_of_a_plain_paper():
    paper = Paper(
        id="2403.10056",
        url="https://arxiv.org/abs/2403.10056",
        title_en="Title",
        title_zh="标题",
        summary_zh="总结。",
        abstract_en="Abstract.",
        abstract_zh="摘要。",
    )
    link = "https://arxiv.org/abs/2403.10056"
    assert write_digest([paper]) == (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        f"| [^1] | [Title]({link}) | 总结。 |\n\n# 详细\n\n"
        f"[^1]: 标题\n\n    Title\n\n    [{link}]({link})\n\n    总结。\n\n    \n\n"
        "    摘要。\n\n    Abstract.\n    \n\n"
    )


def test_refs_are_renumbered_in_the_given_order():
    papers = read_digest(FIXTURE.read_text(encoding="utf-8")).digest.papers
    text = write_digest(reversed(papers))
    assert text.index("| [^1] | [Linked via RSS]") < text.index("| [^3] | [Pipes")
    assert "[^1]: 标题三\n" in text and "[^3]: 标题一\n" in text
    again = read_digest(text).digest.papers
    assert [p.id for p in again] == [p.id for p in reversed(papers)]


def test_structured_fields_are_written_without_extras():
    paper = Paper(
        id="hep-th/9901001",
        version="v3",
        url="http://arxiv.org/abs/hep-th/9901001",
        title_en="Strings",
        categories=["hep-th", "math.GT"],
        announce_type="updated",
    )
    text = write_digest([paper])
    assert "    Strings. (arXiv:hep-th/9901001v3 [hep-th] UPDATED)\n" in text
    assert "| [^1] | [Strings.](http://arxiv.org/abs/hep-th/9901001) |  |" in text
    new = Paper(id="2401.00001", version="v2", announce_type="replace-cross", abstract_en="A.")
    text = write_digest([new])
    assert "    arXiv:2401.00001v2 Announce Type: replace-cross  Abstract: A.\n" in text
    assert "[https://arxiv.org/abs/2401.00001](https://arxiv.org/abs/2401.00001)" in text


def test_stale_extras_are_not_reused():
    papers = read_digest(FIXTURE.read_text(encoding="utf-8")).digest.papers
    old = papers[1]
    old.version, old.announce_type = "v3", "updated"
    (again,) = read_digest(write_digest([old])).digest.papers
    assert (again.version, again.announce_type, again.categories) == ("v3", "updated", ["cs.AI"])
    assert again.title_en == "An Old Title"


def test_escaping_in_cells_and_paragraphs():
    paper = Paper(
        id="2403.10056",
        title_en="A | B ](x) \\ end\\",
        summary_zh="含 | 和 \\| 的总结",
        abstract_en="line one\n\nline three\n\\\n  indented",
    )
    text = write_digest([paper])
    row = text.split("\n")[4]
    assert row == (
        "| [^1] | [A \\| B \\](x) \\ end\\\\](https://arxiv.org/abs/2403.10056)"
        " | 含 \\| 和 \\\\\\| 的总结 |"
    )
    assert "    line one\n    \\\n    line three\n    \\\\\n      indented\n    \n" in text
    (back,) = read_digest(text).digest.papers
    assert (back.title_en, back.summary_zh, back.abstract_en) == (
        paper.title_en,
        paper.summary_zh,
        paper.abstract_en,
    )


def test_table_only_paper_reads_escaped_cells_back():
    paper = Paper(id="2403.10056", title_en="A | B ](x) \\", summary_zh="x | y")
    text = write_digest([paper])
    table_only = text[: text.index("[^1]:")]  # (no title_zh: no blank after the colon)
    (back,) = read_digest(table_only).digest.papers
    assert (back.title_en, back.summary_zh) == (paper.title_en, paper.summary_zh)


def test_a_category_known_from_the_source_adds_no_title_suffix() -> None:
    """Fetched from `…/cs.AI.md`, every paper has the category cs.AI; a digest of the
    new style (no title suffix) was then written with '. (arXiv:ID [cs.AI])' after
    every title, by export and publish (found by a bug hunt)."""
    from dataclasses import replace
    from pathlib import Path

    from tui_digest.core.digest_format import read_digest, write_digest

    text = (Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md").read_text("utf-8")
    papers = read_digest(text).digest.papers
    assert write_digest(papers) == text
    categorised = [replace(p, categories=["cs.AI"]) for p in papers]
    assert all(p.primary_category == "cs.AI" for p in categorised)
    assert write_digest(categorised) == text


def test_a_2024_feed_paper_is_written_in_the_new_layout(excerpts) -> None:
    """A paper of a 2024+ arXiv feed (an announce type of the new feeds, a known
    category) was written with both layouts: its title gained the pre-2024
    '. (arXiv:ID [cat])' (`Is Attention All You Need?.` in the table) and its
    abstract the 2024+ header. digest-format.md: new feeds have a plain title and
    the header (found by a bug hunt)."""
    from tui_digest.core.readers import read_path

    paper = Paper(
        id="2501.00802",
        version="v1",
        url="https://arxiv.org/abs/2501.00802",
        title_en="Is Attention All You Need?",
        abstract_en="A.",
        categories=["cs.CL", "cs.AI"],
        announce_type="new",
    )
    link = "https://arxiv.org/abs/2501.00802"
    text = write_digest([paper])
    assert f"| [^1] | [Is Attention All You Need?]({link}) |" in text
    assert "\n    Is Attention All You Need?\n" in text
    assert "    arXiv:2501.00802v1 Announce Type: new  Abstract: A.\n" in text
    assert "(arXiv:" not in text
    (back,) = read_digest(text).digest.papers
    assert (back.title_en, back.version, back.announce_type) == (
        "Is Attention All You Need?",
        "v1",
        "new",
    )
    feed = read_path(excerpts / "arxiv-rss2-format-sample.xml").digest.papers
    written = write_digest(feed)
    assert "(arXiv:" not in written
    again = read_digest(written).digest.papers
    assert [p.title_en for p in again] == [p.title_en for p in feed]


def test_a_pre_2024_feed_paper_keeps_the_old_layout() -> None:
    """An RSS 1.0 (pre-2024) paper is written as the old feeds wrote it: the title
    suffix, no 2024+ abstract header."""
    from tui_digest.core.readers import read_document

    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>cs updates on arXiv.org</title>
<link>http://arxiv.org/</link><dc:date>2023-06-01T20:30:00-05:00</dc:date></channel>
<item rdf:about="http://arxiv.org/abs/2306.00001">
<title>First. (arXiv:2306.00001v1 [cs.CL])</title><link>http://arxiv.org/abs/2306.00001</link>
<description rdf:parseType="Literal">&lt;p&gt;A.&lt;/p&gt;</description></item>
<item rdf:about="http://arxiv.org/abs/2306.00002">
<title>Second. (arXiv:2306.00002v2 [cs.LG] UPDATED)</title>
<link>http://arxiv.org/abs/2306.00002</link>
<description rdf:parseType="Literal">&lt;p&gt;B.&lt;/p&gt;</description></item>
<item rdf:about="http://arxiv.org/abs/2306.00003">
<title>Third. (arXiv:2306.00003v1 [stat.ML] CROSS LISTED)</title>
<link>http://arxiv.org/abs/2306.00003</link>
<description rdf:parseType="Literal">&lt;p&gt;C.&lt;/p&gt;</description></item>
</rdf:RDF>"""
    papers = read_document(data).digest.papers
    text = write_digest(papers)
    assert "    First. (arXiv:2306.00001v1 [cs.CL])\n" in text
    assert "    Second. (arXiv:2306.00002v2 [cs.LG] UPDATED)\n" in text
    assert "    Third. (arXiv:2306.00003v1 [stat.ML] CROSS LISTED)\n" in text
    assert "Announce Type" not in text
    again = read_digest(text).digest.papers
    assert [(p.title_en, p.version, p.primary_category) for p in again] == [
        (p.title_en, p.version, p.primary_category) for p in papers
    ]


def test_a_pre_2024_feed_paper_of_an_older_cache_keeps_its_category() -> None:
    """A cache made before the title suffix was kept holds RSS 1.0 papers without
    it: they were written in the 2024+ layout alone and lost their category on the
    way back (regression hunt `regtext` R1). A paper announced new with an id from
    before February 2024 came from the old feeds (January's too: `regfinal` R1):
    it is written as the release before wrote it, the suffix beside the header."""
    old = [
        Paper(id="2306.00001", version="v1", title_en="First", categories=["cs.CL"],
              announce_type="new", abstract_en="A."),
        Paper(id="2401.10190", version="v1", title_en="January", categories=["cs.AI"],
              announce_type="new", abstract_en="B."),
        Paper(id="hep-th/9901001", version="v2", title_en="Old", categories=["hep-th"],
              announce_type="new", abstract_en="D."),
    ]  # fmt: skip
    text = write_digest(old)
    assert "    First. (arXiv:2306.00001v1 [cs.CL])\n" in text
    assert "    January. (arXiv:2401.10190v1 [cs.AI])\n" in text
    assert "    Old. (arXiv:hep-th/9901001v2 [hep-th])\n" in text
    again = read_digest(text).digest.papers
    assert [(p.primary_category, p.announce_type) for p in again] == [
        ("cs.CL", "new"),
        ("cs.AI", "new"),
        ("hep-th", "new"),
    ]
    assert write_digest(again) == text
    # A 2024+ paper without a stored header gets the new layout alone, and so does
    # an older id cross-listed by a 2024+ feed (2307.12807 in the 2024-03-18 feed:
    # `regfinal` R2), which no made-up suffix must follow.
    new = [
        Paper(id="2403.10056", version="v1", title_en="New", categories=["cs.CL"],
              announce_type="new", abstract_en="E."),
        Paper(id="2307.12807", version="v1", title_en="Crossed?", categories=["cs.LG"],
              announce_type="cross", abstract_en="F."),
    ]  # fmt: skip
    written = write_digest(new)
    assert "    New\n" in written and "arXiv:2403.10056v1 Announce Type: new  Abstract: " in written
    assert "    Crossed?\n" in written and "(arXiv:2307.12807" not in written
