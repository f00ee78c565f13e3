"""The announce type of a pre-2024 title suffix, the same in every reader (citing.md §3).

`(arXiv:ID vN [cat] UPDATED)` is a replacement and `… CROSS LISTED)` a cross-list;
a suffix with neither flag says no type (digest-format.md: a type "when given",
`UPDATED` from old titles). The real samples list such unflagged papers whose
bracketed (primary) category is not the listing's: `[quant-ph]` and
`[physics.comp-ph]` in arXiv's RSS 1.0 "cs updates", 19 `[cs.LG]` papers in
cs.AI's 2023-07-27 digest, so an unflagged suffix does not mean `new`. The RSS
1.0 reader called them `new` where the Markdown, digest-feed and archive readers
said nothing, and a Markdown round trip emptied the type.
"""

from __future__ import annotations

from tui_digest.core.arxiv_feed import read_arxiv_feed, split_old_title
from tui_digest.core.digest_format import read_digest, write_digest

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>cs updates on arXiv.org</title>
<link>http://arxiv.org/</link><description>d</description>
<dc:date>2023-06-01T20:30:00-05:00</dc:date></channel>
<item rdf:about="http://arxiv.org/abs/2306.00001">
<title>Plain one. (arXiv:2306.00001v1 [cs.AI])</title>
<link>http://arxiv.org/abs/2306.00001</link><description>&lt;p&gt;A.&lt;/p&gt;</description></item>
<item rdf:about="http://arxiv.org/abs/2306.00002">
<title>Updated one. (arXiv:2306.00002v2 [cs.LG] UPDATED)</title>
<link>http://arxiv.org/abs/2306.00002</link><description>&lt;p&gt;B.&lt;/p&gt;</description></item>
<item rdf:about="http://arxiv.org/abs/2306.00003">
<title>Crossed one. (arXiv:2306.00003v1 [math.OC] CROSS LISTED)</title>
<link>http://arxiv.org/abs/2306.00003</link><description>&lt;p&gt;C.&lt;/p&gt;</description></item>
</rdf:RDF>
"""


def test_an_unflagged_old_title_suffix_gives_no_type():
    assert split_old_title("T. (arXiv:2310.03635v1 [cs.AI])")[1]["announce_type"] == ""
    assert split_old_title("T. (arXiv:2304.12244v2 [cs.CL] UPDATED)")[1]["announce_type"] == (
        "updated"
    )
    assert split_old_title("T. (arXiv:2306.04847v3 [stat.ML] CROSS LISTED)")[1][
        "announce_type"
    ] == ("cross")


def test_rss1_types_survive_a_markdown_round_trip():
    papers = read_arxiv_feed(FEED).digest.papers
    assert [p.announce_type for p in papers] == ["", "updated", "cross"]
    again = read_digest(write_digest(papers)).digest.papers
    assert [(p.id, p.announce_type) for p in again] == [(p.id, p.announce_type) for p in papers]


def test_the_real_rss1_sample_reads_back_with_the_same_types(samples):
    papers = read_arxiv_feed((samples / "arxiv-rss1-old-format-sample.xml").read_bytes())
    first = papers.digest.papers
    again = read_digest(write_digest(first)).digest.papers
    assert [(p.id, p.announce_type) for p in again] == [(p.id, p.announce_type) for p in first]
    assert {p.announce_type for p in first} == {"", "updated"}
