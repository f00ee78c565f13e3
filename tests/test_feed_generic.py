"""Any other RSS/Atom feed: items keyed by the arXiv id in their link or guid."""

from __future__ import annotations

from tui_digest.core.generic_feed import read_generic_feed
from tui_digest.core.readers import read_document
from tui_digest.core.sanitize import is_safe_url


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n'
        "<title>Lab reading list</title><link>https://lab.example/</link>\n"
        f"{items}</channel></rss>"
    ).encode()


def entry(
    link: str,
    *,
    title: str = "A paper",
    guid: str = "",
    desc: str = "Summary.",
    date: str = "Mon, 18 Mar 2024 10:00:00 +0000",
    extra: str = "",
) -> str:
    parts = [f"<title>{title}</title>" if title else "", f"<link>{link}</link>" if link else ""]
    parts.append(f"<guid>{guid}</guid>" if guid else "")
    parts.append(f"<description>{desc}</description>")
    parts.append(f"<pubDate>{date}</pubDate>" if date else "")
    return "<item>" + "".join(parts) + extra + "</item>\n"


def test_rss_item_fields() -> None:
    data = rss(
        entry(
            "https://arxiv.org/pdf/2403.10056v2.pdf",
            title="Scaling &amp; Things",
            desc="&lt;p&gt;We &lt;em&gt;show&lt;/em&gt; x &amp;lt; y.&lt;/p&gt;"
            "&lt;p&gt;Second.&lt;/p&gt;",
            extra="<dc:creator>Ann Lee and Bo Chen</dc:creator><category>cs.LG</category>"
            "<category>ML</category>",
        )
    )
    result = read_generic_feed(data, source="https://lab.example/feed.xml")
    assert result.problems == []
    paper = result.digest.papers[0]
    assert (paper.id, paper.version) == ("2403.10056", "v2")
    assert paper.url == "https://arxiv.org/pdf/2403.10056v2.pdf"
    assert paper.title_en == "Scaling & Things"
    assert paper.abstract_en == "We show x < y.\n\nSecond."
    assert paper.authors == ["Ann Lee", "Bo Chen"]
    assert paper.categories == ["cs.LG", "ML"]
    assert paper.published == "2024-03-18"
    assert paper.announce_type == ""
    assert result.digest.kind == result.format == "feed"
    assert (result.digest.name, result.digest.date) == ("feed", "2024-03-18")


def test_atom_entry_with_html_title_and_content() -> None:
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2024-05-01T12:00:00Z</updated>
<entry><title type="html">On &lt;i&gt;attention&lt;/i&gt;</title><id>urn:1</id>
<link rel="alternate" href="https://export.arxiv.org/abs/1706.03762v7"/>
<author><name>A. Writer</name></author><updated>2024-05-01T12:00:00Z</updated>
<content type="html">&lt;div&gt;Body &lt;script&gt;alert(1)&lt;/script&gt;text&lt;/div&gt;</content>
</entry></feed>"""
    result = read_document(data, source="blog.atom")
    assert result.format == "feed"
    paper = result.digest.papers[0]
    assert (paper.id, paper.version, paper.title_en) == ("1706.03762", "v7", "On attention")
    assert paper.abstract_en == "Body text"
    assert paper.authors == ["A. Writer"]
    assert result.digest.name == "blog"


def test_items_without_an_arxiv_id_are_skipped_with_a_reason() -> None:
    data = rss(
        entry("https://arxiv.org/abs/2403.00001")
        + entry("https://lab.example/news/party", title="Lab party")
        + entry("", title="", desc="no link at all")
    )
    result = read_generic_feed(data, source="lab.xml")
    assert [p.id for p in result.digest.papers] == ["2403.00001"]
    messages = [p.message for p in result.problems]
    assert any(
        m.startswith("entry 2: 'Lab party': no arXiv id") and "keyed by arXiv id" in m
        for m in messages
    )
    assert any(m.startswith("entry 3: untitled item: no arXiv id") for m in messages)
    assert all(p.line > 0 for p in result.problems)


def test_links_of_other_schemes_are_stored_verbatim() -> None:
    data = rss(
        entry("javascript:alert(1)", guid="oai:arXiv.org:2403.00001v1")
        + entry("file:///etc/passwd", guid="https://arxiv.org/abs/2403.00002")
        + entry("data:text/html,<b>x</b>".replace("<", "&lt;").replace(">", "&gt;"))
        + entry("file:///home/me/2403.00004.pdf")
    )
    result = read_generic_feed(data)
    urls = {p.id: p.url for p in result.digest.papers}
    assert set(urls) == {"2403.00001", "2403.00002"}
    assert urls["2403.00001"] == "javascript:alert(1)"
    # As written: feedparser drops the slashes after "scheme://" ("file://etc/passwd",
    # a host "etc"), which the warning then misquoted (found by a bug hunt).
    assert urls["2403.00002"] == "file:///etc/passwd"
    assert not any(is_safe_url(u) for u in urls.values())
    skipped = [p.message for p in result.problems if "no arXiv id" in p.message]
    assert len(skipped) == 2
    assert "link 'file:///home/me/2403.00004.pdf'" in skipped[1]


def test_an_atom_link_keeps_its_slashes_and_http_links_are_untouched() -> None:
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Lab</title>\n'
        b'<entry><title>A</title><link rel="alternate" href="file:///tmp/a.pdf"/>'
        b"<id>https://arxiv.org/abs/2403.00001</id><summary>S.</summary></entry>\n"
        b'<entry><title>B</title><link href="https://arxiv.org/abs/2403.00002v2"/>'
        b"<id>urn:b</id><summary>S.</summary></entry>\n"
        b'<entry><title>C</title><link href="file:///tmp/c?a=1&amp;b=2"/>'
        b"<id>urn:c</id><summary>S.</summary></entry>\n"
        b"</feed>"
    )
    result = read_generic_feed(data)
    urls = {p.id: p.url for p in result.digest.papers}
    assert urls == {
        "2403.00001": "file:///tmp/a.pdf",
        "2403.00002": "https://arxiv.org/abs/2403.00002v2",
    }
    assert any("link 'file:///tmp/c?a=1&b=2'" in p.message for p in result.problems)


def test_missing_title_date_and_duplicates() -> None:
    data = rss(
        entry("https://arxiv.org/abs/2403.00001", title="")
        + entry("https://arxiv.org/abs/2403.00002", date="")
        + entry("https://arxiv.org/abs/2403.00001v2", title="Again")
    )
    result = read_generic_feed(data)
    assert [p.id for p in result.digest.papers] == ["2403.00001", "2403.00002"]
    messages = [p.message for p in result.problems]
    assert "entry 1: 2403.00001: no title" in messages
    assert "entry 2: 2403.00002: no date" in messages
    assert any(m.startswith("entry 3: duplicate arXiv id 2403.00001") for m in messages)


def test_hostile_sizes_are_capped() -> None:
    huge_title = "T" * 50_000
    authors = ", ".join(f"Author {i}" for i in range(5_000))
    data = rss(
        entry(
            "https://arxiv.org/abs/2403.00001",
            title=huge_title,
            desc="x " * 100_000,
            extra=f"<dc:creator>{authors}</dc:creator>",
        )
    )
    paper = read_generic_feed(data).digest.papers[0]
    assert len(paper.title_en) <= 2_000
    assert len(paper.abstract_en) <= 20_000
    assert len(paper.authors) <= 1_000


# --- one author element per person is kept whole (bug hunt `auditarxiv` #1) -------------
# arXiv's dc:creator lists every author in one element (../shared/docs/upstream.md), and
# only such a single element is split; a feed with one element per person gives each
# name whole, "Last, First" included.

ATOM = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Journal</title><updated>2025-09-01T00:00:00Z</updated>\n{entries}</feed>"
)


def atom_entry(authors: str, arxiv_id: str = "2509.00011") -> str:
    return (
        f'<entry><title>A paper</title><link href="https://arxiv.org/abs/{arxiv_id}v2"/>'
        f"<id>urn:x:{arxiv_id}</id><updated>2025-09-01T00:00:00Z</updated>"
        f"<summary>S.</summary>{authors}</entry>\n"
    )


def test_atom_authors_are_one_person_each() -> None:
    two = "<author><name>Smith, John</name></author><author><name>Doe, Jane</name></author>"
    one = "<author><name>Li, Na</name><email>li@example.org</email></author>"
    data = ATOM.format(entries=atom_entry(two) + atom_entry(one, "2509.00012")).encode()
    papers = read_generic_feed(data).digest.papers
    assert [p.authors for p in papers] == [["Smith, John", "Doe, Jane"], ["Li, Na"]]


def test_several_dc_creators_are_one_person_each() -> None:
    creators = "<dc:creator>Smith, John</dc:creator><dc:creator>Doe, Jane</dc:creator>"
    data = rss(entry("https://arxiv.org/abs/2509.00011", extra=creators))
    assert read_generic_feed(data).digest.papers[0].authors == ["Smith, John", "Doe, Jane"]


def test_a_single_dc_creator_listing_several_people_is_split() -> None:
    data = rss(entry("https://arxiv.org/abs/2509.00011", extra="<dc:creator>A B, C D</dc:creator>"))
    assert read_generic_feed(data).digest.papers[0].authors == ["A B", "C D"]


# --- an Atom text construct is read by its declared type (bug hunt `auditarxiv` #3) -------


def test_atom_text_summary_keeps_angle_bracket_tokens() -> None:
    text = (
        "We wrap each sentence in &lt;s&gt; and &lt;/s&gt; and reason inside "
        "&lt;think&gt;...&lt;/think&gt; before answering with &lt;a&gt; tags."
    )
    entries = (
        atom_entry("").replace("<summary>S.</summary>", f'<summary type="text">{text}</summary>')
        + atom_entry("", "2509.00012").replace(
            "<summary>S.</summary>", f"<summary>{text}</summary>"
        )
        + atom_entry("", "2509.00013").replace(
            "<summary>S.</summary>",
            '<summary type="html">&lt;p&gt;x &amp;lt; y&lt;/p&gt;</summary>',
        )
    )
    papers = read_generic_feed(ATOM.format(entries=entries).encode()).digest.papers
    plain = (
        "We wrap each sentence in <s> and </s> and reason inside <think>...</think> "
        "before answering with <a> tags."
    )
    assert [p.abstract_en for p in papers] == [plain, plain, "x < y"]
