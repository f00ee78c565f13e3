"""arXiv listing feeds: RSS 2.0 / Atom (2024+) and RSS 1.0 (pre-2024)."""

from __future__ import annotations

from tui_digest.core.arxiv_feed import read_arxiv_feed, split_abstract_header, split_old_title
from tui_digest.core.readers import read_document, read_path

NS = 'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"'


def rss2(items: str, date: str = "Thu, 18 Sep 2025 00:00:00 -0400") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss {NS} version="2.0"><channel>\n'
        "<title>cs.AI updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.AI</link>\n"
        f"<pubDate>{date}</pubDate>\n{items}"
        "</channel></rss>"
    ).encode()


def item(
    arxiv_id: str = "2404.00026",
    *,
    title: str = "A Title",
    link: str | None = None,
    kind: str = "new",
    abstract: str = "The abstract.",
    creator: str = "Ann Lee, Bo Chen",
    extra: str = "",
    pub: str = "<pubDate>Thu, 18 Sep 2025 00:00:00 -0400</pubDate>",
) -> str:
    link_el = "" if link == "" else f"<link>{link or 'https://arxiv.org/abs/' + arxiv_id}</link>"
    title_el = f"<title>{title}</title>" if title is not None else ""
    return (
        f"<item>{title_el}{link_el}\n"
        f"<description>arXiv:{arxiv_id}v1 Announce Type: {kind} \n"
        f"Abstract: {abstract}</description>\n"
        f'<guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v1</guid><category>cs.AI</category>\n'
        f"{pub}<arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:creator>{creator}</dc:creator>{extra}</item>\n"
    )


# --- the sample excerpts (tests/sample_excerpts.py) -----------------------------------------


def test_rss2_and_atom_samples_agree(excerpts) -> None:
    rss = read_path(excerpts / "arxiv-rss2-format-sample.xml")
    atom = read_path(excerpts / "arxiv-atom-format-sample.xml")
    assert len(rss.digest.papers) == len(atom.digest.papers) == 3
    for a, b in zip(rss.digest.papers, atom.digest.papers, strict=True):
        assert (a.id, a.version, a.title_en, a.abstract_en) == (
            b.id,
            b.version,
            b.title_en,
            b.abstract_en,
        )
        assert (a.authors, a.categories, a.announce_type, a.published) == (
            b.authors,
            b.categories,
            b.announce_type,
            b.published,
        )
    assert rss.digest.name == atom.digest.name == "arxiv-cs.AI-2025-09-18"
    assert rss.problems == [] and atom.problems == []


def test_rss2_sample_fields(excerpts) -> None:
    result = read_path(excerpts / "arxiv-rss2-format-sample.xml")
    digest = result.digest
    assert (digest.kind, digest.date) == ("arxiv", "2025-09-18")
    first = digest.papers[0]
    assert first.id == "2404.00026"
    assert first.version == "v1"
    assert first.url == "https://arxiv.org/abs/2404.00026"
    assert first.title_en.startswith("Ink and Individuality")
    assert first.abstract_en.startswith("Individuality and personalization comprise")
    assert "people's viewpoints" in first.abstract_en
    assert first.authors == ["Yuki Tanaka", "Lukas Muller"]
    assert first.categories == ["cs.AI"]
    assert first.announce_type == "cross"
    assert first.published == "2025-09-18"
    types = {p.announce_type for p in digest.papers}
    assert types == {"new", "cross", "replace-cross"}
    assert all(not p.abstract_en.startswith("arXiv:") for p in digest.papers)
    assert all("Abstract:" not in p.abstract_en[:20] for p in digest.papers)


def test_atom_capture_primary_category_first(excerpts) -> None:
    result = read_path(excerpts / "arxiv-atom-cs.AI-2025-08-20.xml")
    assert len(result.digest.papers) == 3
    first = result.digest.papers[0]
    assert first.id == "2508.13426"
    assert first.categories == ["cs.CL", "cs.AI"]
    assert first.primary_category == "cs.CL"
    assert first.authors == ["Chunhua Liu", "Kabir Manandhar Shrestha", "Sukai Huang"]
    assert result.digest.name == "arxiv-cs.AI-2025-08-20"


def test_rss1_old_format_sample(excerpts) -> None:
    result = read_path(excerpts / "arxiv-rss1-old-format-sample.xml")
    papers = result.digest.papers
    assert len(papers) == 4
    assert result.problems == []
    first = papers[0]
    assert first.id == "2307.04541"
    assert first.version == "v2"
    assert (
        first.title_en == "Learning Large Margin Sparse Embeddings for Open Set Medical Diagnosis"
    )
    assert first.categories == ["cs.CV"]
    assert first.announce_type == "updated"
    assert first.authors == ["Priya Patel", "Chen Jie"]
    assert first.abstract_en.startswith("Fueled by deep learning")
    assert "<p>" not in first.abstract_en and "</p>" not in first.abstract_en
    assert first.published == "2023-06-01"  # the channel's dc:date
    second = papers[1]
    assert (second.id, second.categories, second.announce_type) == (
        "2401.10190",
        ["physics.comp-ph"],
        "",  # unflagged: no type (a physics paper in "cs updates" is no `new` there)
    )
    assert sum(p.announce_type == "updated" for p in papers) == 2
    assert all("(arXiv:" not in p.title_en for p in papers)
    assert result.digest.name == "arxiv-cs-2023-06-01"


# --- pieces ---------------------------------------------------------------------


def test_split_old_title_variants() -> None:
    assert split_old_title("Title. (arXiv:2310.03635v1 [cs.AI])") == (
        "Title",
        {"id": "2310.03635", "version": "v1", "category": "cs.AI", "announce_type": ""},
    )
    assert (
        split_old_title("T. (arXiv:2304.12244v2 [cs.CL] UPDATED)")[1]["announce_type"] == "updated"
    )
    cross = split_old_title("T. (arXiv:2306.04847v3 [stat.ML] CROSS LISTED)")
    assert cross[0] == "T" and cross[1]["announce_type"] == "cross"
    assert split_old_title("Old id. (arXiv:hep-th/9901001v1 [hep-th])")[1]["id"] == "hep-th/9901001"
    assert split_old_title("A plain title (with parens)") == ("A plain title (with parens)", {})


def test_split_old_title_drops_exactly_the_feeds_period() -> None:
    # The old feeds put ". " before the suffix after every title, one ending in a
    # period too: that one is dropped, as the Markdown reader drops it (bug hunt
    # `auditarxiv` #5: "U.S.." and "it....").
    assert split_old_title("Lessons from the U.S.. (arXiv:2305.00001v1 [cs.CY])")[0] == (
        "Lessons from the U.S."
    )
    assert split_old_title("Wait for it.... (arXiv:2305.00002v2 [cs.LG] UPDATED)")[0] == (
        "Wait for it..."
    )
    assert split_old_title("No period (arXiv:2305.00003v1 [cs.LG])")[0] == "No period"


def test_split_abstract_header_variants() -> None:
    text, parts = split_abstract_header(
        "arXiv:2403.10056v1 Announce Type: replace-cross  Abstract: Body"
    )
    assert (text, parts["version"], parts["announce_type"]) == ("Body", "v1", "replace-cross")
    assert split_abstract_header("arXiv:2403.10056v2 Announce Type: new \nAbstract: B")[0] == "B"
    assert split_abstract_header("Plain abstract.") == ("Plain abstract.", {})


# --- inline variations ------------------------------------------------------------


def test_primary_category_element_and_multiple_categories() -> None:
    extra = '<arxiv:primary_category term="stat.ML"/><category>cs.LG</category>'
    result = read_arxiv_feed(rss2(item(extra=extra, kind="replace-cross")))
    paper = result.digest.papers[0]
    assert paper.categories[0] == "stat.ML"
    assert set(paper.categories) == {"stat.ML", "cs.AI", "cs.LG"}
    assert paper.announce_type == "replace-cross"


def test_atom_entry_with_announce_type_from_header_only() -> None:
    data = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>math.CO updates on arXiv.org</title>
<id>http://rss.arxiv.org/atom/math.CO</id><updated>2025-01-02T05:00:00+00:00</updated>
<entry><id>oai:arXiv.org:2501.00001v3</id>
<title type="html">Graphs &amp;amp; &lt;i&gt;trees&lt;/i&gt;</title>
<link href="https://arxiv.org/abs/2501.00001" rel="alternate"/>
<summary>arXiv:2501.00001v3 Announce Type: replace
Abstract: We prove $a&lt;b$ and x &lt;b and y.</summary>
<author><name>Ann Lee</name></author><author><name>Bo Chen</name></author>
</entry></feed>"""
    result = read_document(data, source="math.xml")
    assert result.format == "arxiv"
    paper = result.digest.papers[0]
    assert (paper.id, paper.version, paper.announce_type) == ("2501.00001", "v3", "replace")
    assert paper.title_en == "Graphs & trees"
    assert paper.abstract_en == "We prove $a<b$ and x <b and y."
    assert paper.authors == ["Ann Lee", "Bo Chen"]
    # no entry date: the channel's, read in US Eastern time (midnight EST is 05:00Z)
    assert paper.published == "2025-01-02"
    assert result.digest.name == "arxiv-math.CO-2025-01-02"


def test_rss1_cross_listed_and_html_abstract() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>stat updates on arXiv.org</title>
<link>http://arxiv.org/</link><dc:date>2023-06-01T20:30:00-05:00</dc:date></channel>
<item rdf:about="http://arxiv.org/abs/2306.04847">
<title>Neural nets. (arXiv:2306.04847v3 [cs.LG] CROSS LISTED)</title>
<link>http://arxiv.org/abs/2306.04847</link>
<description rdf:parseType="Literal">&lt;p&gt;First &amp;amp; only
&lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/find/cs/1/au:+Lee/0/1"&gt;Ann Lee&lt;/a&gt;,
&lt;a href="x"&gt;Bo Chen&lt;/a&gt;</dc:creator>
</item></rdf:RDF>"""
    result = read_document(data)
    assert result.format == "arxiv"
    paper = result.digest.papers[0]
    assert paper.title_en == "Neural nets"
    assert (paper.version, paper.announce_type, paper.categories) == ("v3", "cross", ["cs.LG"])
    assert paper.abstract_en == "First & only para."
    assert paper.authors == ["Ann Lee", "Bo Chen"]


def test_missing_fields_and_duplicates_are_per_entry_problems() -> None:
    items = (
        item("2404.00001")
        + item("2404.00002", title="")
        + item("2404.00003", link="")
        + item("2404.00001", title="Again")
        + item("2404.00004", pub="")
        + "<item><title>No id at all</title><link>https://example.org/post</link></item>\n"
    )
    result = read_arxiv_feed(rss2(items, date=""), source="f.xml")
    ids = [p.id for p in result.digest.papers]
    assert ids == ["2404.00001", "2404.00002", "2404.00003", "2404.00004"]
    messages = [p.message for p in result.problems]
    assert all(p.severity == "warning" for p in result.problems)
    assert any("2404.00002: no title" in m for m in messages)
    assert any("2404.00003: no link" in m for m in messages)
    assert result.digest.papers[2].url == "https://arxiv.org/abs/2404.00003"
    assert any("duplicate arXiv id 2404.00001 (first in entry 1)" in m for m in messages)
    assert result.digest.papers[0].title_en == "A Title"  # the first one is kept
    assert any("entry 6" in m and "no arXiv id" in m for m in messages)
    assert any("entry 5: 2404.00004: no date" in m for m in messages)
    lines = {p.message.split(":")[0]: p.line for p in result.problems}
    assert lines["entry 2"] > 0 and lines["entry 6"] > lines["entry 2"]


def test_entry_without_a_date_falls_back_to_channel_date() -> None:
    result = read_arxiv_feed(rss2(item(pub="")))
    assert result.digest.papers[0].published == "2025-09-18"
    assert result.problems == []


def test_unsafe_link_is_never_the_papers_url() -> None:
    # (the paper is an arXiv one, by its guid: its URL is its abstract page; a generic
    # feed keeps an unsafe link as given: tests/hostile/test_feed_inputs.py)
    result = read_arxiv_feed(rss2(item(link="javascript:alert(1)")))
    paper = result.digest.papers[0]
    assert paper.id == "2404.00026"  # from the guid
    assert paper.url == "https://arxiv.org/abs/2404.00026"


def test_untrusted_text_is_cleaned_and_capped() -> None:
    long_abstract = "word " * 10_000
    result = read_arxiv_feed(
        rss2(item(title="Evil \u202etitle\u202c [bold]x[/bold]", abstract=long_abstract))
    )
    paper = result.digest.papers[0]
    assert paper.title_en == "Evil title [bold]x[/bold]"  # markup is kept as text
    assert len(paper.abstract_en) <= 20_000
    assert paper.abstract_en.endswith("[…truncated]")


def test_unknown_announce_type_is_reported() -> None:
    result = read_arxiv_feed(rss2(item(kind="sideways")))
    assert result.digest.papers[0].announce_type == ""
    assert any("unknown announce type 'sideways'" in p.message for p in result.problems)


def test_every_announce_type_arxiv_documents_is_kept(tmp_path) -> None:
    """`absonly` is one of arXiv's announce types (../shared/docs/upstream.md): kept
    as it came, with no problem reported, searchable as `type:absonly`, written back
    into a digest's abstract header and read from it again."""
    from tui_digest.core.digest_format import read_digest, write_digest
    from tui_digest.core.store import Store

    kinds = ("new", "cross", "replace", "replace-cross", "absonly")
    items = "".join(item(f"2509.0000{i}", kind=k) for i, k in enumerate(kinds, 1))
    result = read_arxiv_feed(rss2(items))
    assert [p.announce_type for p in result.digest.papers] == list(kinds)
    assert result.problems == []
    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(result.digest)
        assert [r.id for r in store.search("type:absonly", limit=10)] == ["2509.00005"]
        assert len(store.search("-type:absonly", limit=10)) == 4
    again = read_digest(write_digest(result.digest.papers))
    assert [p.announce_type for p in again.digest.papers] == list(kinds)


def test_explicit_name_wins() -> None:
    assert read_arxiv_feed(rss2(item()), name="my-name").digest.name == "my-name"


def test_arxiv_api_atom_response() -> None:
    # The export API's Atom: versioned abs ids, hard-wrapped title and summary.
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query=all:tuning</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2024-03-19T00:00:00-04:00</updated>
  <entry>
    <id>http://arxiv.org/abs/2403.10056v1</id>
    <published>2024-03-15T06:54:15Z</published>
    <title>Don't Half-listen: Capturing Key-part Information in Continual
  Instruction Tuning</title>
    <summary>  Instruction tuning for large language models can drive them to
produce results consistent with human goals.

Second paragraph.
</summary>
    <author><name>Yiquan Wu</name></author>
    <author><name>Yifei Liu</name><arxiv:affiliation>ZJU</arxiv:affiliation></author>
    <link href="http://arxiv.org/abs/2403.10056v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2403.10056v1" rel="related"/>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>"""
    result = read_document(data, source="https://export.arxiv.org/api/query?x=1")
    assert result.format == "arxiv"
    paper = result.digest.papers[0]
    assert (paper.id, paper.version) == ("2403.10056", "v1")
    assert paper.title_en == (
        "Don't Half-listen: Capturing Key-part Information in Continual Instruction Tuning"
    )
    assert paper.abstract_en == (
        "Instruction tuning for large language models can drive them to produce results "
        "consistent with human goals.\n\nSecond paragraph."
    )
    assert paper.categories == ["cs.CL", "cs.AI"]
    assert paper.authors == ["Yiquan Wu", "Yifei Liu"]
    assert paper.published == "2024-03-15"
    assert paper.url == "http://arxiv.org/abs/2403.10056"  # (the page, not v1's)


def test_a_title_ending_in_another_papers_suffix_keeps_it() -> None:
    """Found by a bug hunt: an Atom entry 2503.00002 titled `Fake suffix
    (arXiv:2301.00001v2 [cs.LG] UPDATED)` was stored as `Fake suffix`, with that
    other listing's cs.LG added to its categories. Only a suffix naming the
    entry's own paper is the old feeds' listing suffix."""
    data = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>cs.AI updates on arXiv.org</title>
<id>http://rss.arxiv.org/atom/cs.AI</id><updated>2025-03-04T04:00:00+00:00</updated>
<entry><id>oai:arXiv.org:2503.00002v1</id>
<title>Fake suffix (arXiv:2301.00001v2 [cs.LG] UPDATED)</title>
<link href="https://arxiv.org/abs/2503.00002" rel="alternate"/>
<category term="cs.AI"/>
<summary>arXiv:2503.00002v1 Announce Type: new
Abstract: Text.</summary>
</entry>
<entry><id>oai:arXiv.org:2503.00003v2</id>
<title>Own suffix. (arXiv:2503.00003v2 [cs.LG] UPDATED)</title>
<link href="https://arxiv.org/abs/2503.00003" rel="alternate"/>
<category term="cs.AI"/>
<summary>Text.</summary>
</entry></feed>"""
    fake, own = read_document(data, source="ai.xml").digest.papers
    assert fake.title_en == "Fake suffix (arXiv:2301.00001v2 [cs.LG] UPDATED)"
    assert fake.categories == ["cs.AI"] and fake.announce_type == "new"
    assert own.title_en == "Own suffix" and "cs.LG" in own.categories


# --- plain text of the 2024+ feeds (found by a bug hunt) ------------------------------

ANGLE_TITLE = "Why the &lt;/s&gt; token matters"
ANGLE_ABSTRACT = (
    "Reasoning models emit &lt;think&gt; ... &lt;/think&gt;; we prove $p&lt;q$ and "
    "$r&gt;s$ for std::vector&lt;int&gt;, &lt;i&gt;x&lt;/i&gt; and H&amp;M."
)
ANGLE_TEXT = (
    "Reasoning models emit <think> ... </think>; we prove $p<q$ and $r>s$ for "
    "std::vector<int>, <i>x</i> and H&M."
)


def test_rss2_text_with_angle_brackets_is_kept_whole() -> None:
    """A 2024+ RSS 2.0 title and description are plain text (`<` escaped once:
    ../shared/samples/arxiv-rss2-format-sample.xml). One tag-like word (`</s>`,
    `<i>`) sent the whole text through an HTML parser, which dropped everything
    between a `<` and the next `>`."""
    result = read_arxiv_feed(rss2(item(title=ANGLE_TITLE, abstract=ANGLE_ABSTRACT)))
    paper = result.digest.papers[0]
    assert paper.title_en == "Why the </s> token matters"
    assert paper.abstract_en == ANGLE_TEXT


def test_atom_text_with_angle_brackets_is_kept_whole() -> None:
    data = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" {NS}><title>cs.CL updates on arXiv.org</title>
<id>http://rss.arxiv.org/atom/cs.CL</id><updated>2025-01-02T04:00:00+00:00</updated>
<entry><id>oai:arXiv.org:2501.00304v1</id><title>{ANGLE_TITLE}</title>
<link href="https://arxiv.org/abs/2501.00304" rel="alternate" type="text/html"/>
<summary>arXiv:2501.00304v1 Announce Type: new
Abstract: {ANGLE_ABSTRACT}</summary><category term="cs.CL"/>
<arxiv:announce_type>new</arxiv:announce_type><dc:creator>A B</dc:creator>
</entry></feed>""".encode()
    paper = read_document(data).digest.papers[0]
    assert paper.title_en == "Why the </s> token matters"
    assert paper.abstract_en == ANGLE_TEXT


def test_rss1_html_abstract_with_twice_escaped_maths_stays_html() -> None:
    """The pre-2024 RSS 1.0 abstracts are HTML: tags go, a `<` escaped twice is text."""
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>cs updates on arXiv.org</title>
<link>http://arxiv.org/</link><dc:date>2023-06-01T20:30:00-05:00</dc:date></channel>
<item rdf:about="http://arxiv.org/abs/2306.00001">
<title>T. (arXiv:2306.00001v1 [cs.CL])</title><link>http://arxiv.org/abs/2306.00001</link>
<description rdf:parseType="Literal">&lt;p&gt;We emit &amp;lt;/s&amp;gt; and
&lt;i&gt;prove&lt;/i&gt; $p&amp;lt;q$.&lt;/p&gt;</description>
<dc:creator>&lt;a href="x"&gt;Ann Lee&lt;/a&gt;</dc:creator></item></rdf:RDF>"""
    paper = read_document(data).digest.papers[0]
    assert paper.abstract_en == "We emit </s> and prove $p<q$."


def test_rss1_abstract_without_a_tag_is_html_too() -> None:
    """bug hunt `auditarxiv` #9: a description with no tag kept `&lt;` and `&amp;`."""
    body = "We prove $p &amp;lt; q$ for R&amp;amp;D teams."
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>cs updates on arXiv.org</title>
<link>http://arxiv.org/</link><dc:date>2023-06-01T20:30:00-05:00</dc:date></channel>
<item rdf:about="http://arxiv.org/abs/2305.00001">
<title>T. (arXiv:2305.00001v1 [cs.CY])</title><link>http://arxiv.org/abs/2305.00001</link>
<description rdf:parseType="Literal">{body}</description>
<dc:creator>Ann A, Bob B</dc:creator></item>
<item rdf:about="http://arxiv.org/abs/2305.00002">
<title>T. (arXiv:2305.00002v1 [cs.CY])</title><link>http://arxiv.org/abs/2305.00002</link>
<description rdf:parseType="Literal">&lt;p&gt;{body}&lt;/p&gt;</description>
<dc:creator>Ann A, Bob B</dc:creator></item></rdf:RDF>""".encode()
    papers = read_document(data).digest.papers
    assert [p.abstract_en for p in papers] == ["We prove $p < q$ for R&D teams."] * 2


# --- the paper's URL is its abstract page (bug hunt `auditarxiv` #4) -----------------------
# arXiv's feeds link `https://arxiv.org/abs/ID` (2024+) and `http://arxiv.org/abs/ID`
# (RSS 1.0), and the API `http://arxiv.org/abs/IDvN` (../shared/samples,
# ../shared/docs/upstream.md); `https://rss.arxiv.org/abs/ID` is the upstream bug of
# digest-cs.AI-2024-02-05-rss-links.md. Each was stored as the paper's URL.


def test_a_feed_link_not_the_abstract_page_gives_the_canonical_url() -> None:
    links = {
        "2404.00001": "https://rss.arxiv.org/abs/2404.00001",
        "2404.00002": "https://arxiv.org/abs/2404.00002v2",
        "2404.00003": "https://arxiv.org/pdf/2404.00003v1",
        "2404.00004": "http://arxiv.org/abs/2404.00004",  # (the RSS 1.0 feeds' scheme)
        "2404.00005": "javascript:alert(1)",  # (the id is the guid's)
    }
    items = "".join(item(i, link=link) for i, link in links.items())
    papers = read_arxiv_feed(rss2(items)).digest.papers
    assert [p.url for p in papers] == [
        "https://arxiv.org/abs/2404.00001",
        "https://arxiv.org/abs/2404.00002",
        "https://arxiv.org/abs/2404.00003",
        "http://arxiv.org/abs/2404.00004",
        "https://arxiv.org/abs/2404.00005",
    ]


def test_an_item_with_only_a_guid_gets_the_abstract_page() -> None:
    # (an RSS 2.0 guid is a permalink unless it says not: feedparser takes it for the link)
    plain = item("2509.00022", link="").replace(' isPermaLink="false"', "")
    result = read_arxiv_feed(rss2(plain))
    assert result.digest.papers[0].url == "https://arxiv.org/abs/2509.00022"


def test_a_feed_link_never_replaces_a_digests_url_in_the_cache(tmp_path, excerpts) -> None:
    from tui_digest.core.store import Store

    digest = (excerpts / "digest-cs.AI-2024-02-05-rss-links.md").read_bytes()
    feed = rss2(
        item("2402.01614", link="https://rss.arxiv.org/abs/2402.01614"),
        "Mon, 05 Feb 2024 00:00:00 -0500",
    )
    for n, order in enumerate(((digest, feed), (feed, digest))):
        with Store.open(tmp_path / f"{n}.db") as store:
            for data in order:
                name = "cs.AI.xml" if data is feed else "digest-cs.AI-2024-02-05.md"
                store.import_digest(read_document(data, source=name).digest)
            paper = store.get_paper("2402.01614").paper
            assert paper.url == "https://arxiv.org/abs/2402.01614"
