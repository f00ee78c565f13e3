"""Bilingual digests published as RSS: paragraphs placed, headers split like Markdown."""

from __future__ import annotations

from html import escape

from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.readers import read_document, read_path


def item(paragraphs: list[str], *, title: str = "一句话总结。", link: str = "") -> str:
    body = "\n".join(f"<p>\n{p}\n</p>" for p in paragraphs)
    link_el = f"<link>{link}</link>" if link else ""
    return f"<item><title>{title}</title>{link_el}<description>{escape(body)}</description></item>"


def feed(*items: str, title: str = "Chat Arxiv cs.AI", extra: str = "") -> bytes:
    return (
        f'<rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://github.com/qhduan/cn-chat-arxiv</link><description>d</description>{extra}"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


FULL = [
    "中文标题",
    "English Title",
    "https://arxiv.org/abs/2403.10056",
    "一句话总结。",
    "",
    "arXiv:2403.10056v1 公告类型: 跨领域 摘要：中文摘要。",
    "arXiv:2403.10056v1 Announce Type: cross  Abstract: English abstract.",
]


def test_full_item() -> None:
    result = read_digest_feed(feed(item(FULL)), source="feeds/digest-feed-cs.AI-2024-03-18.xml")
    assert result.problems == []
    paper = result.digest.papers[0]
    assert paper.id == "2403.10056"
    assert paper.version == "v1"
    assert paper.url == "https://arxiv.org/abs/2403.10056"
    assert (paper.title_zh, paper.title_en) == ("中文标题", "English Title")
    assert paper.summary_zh == "一句话总结。"
    assert paper.abstract_zh == "中文摘要。"
    assert paper.abstract_en == "English abstract."
    assert paper.announce_type == "cross"
    assert paper.extras == {
        "abstract_en_header": "arXiv:2403.10056v1 Announce Type: cross  Abstract: ",
        "abstract_zh_header": "arXiv:2403.10056v1 公告类型: 跨领域 摘要：",
    }
    assert result.digest.kind == "digest-feed"
    assert result.digest.name == "digest-feed-cs.AI-2024-03-18"
    assert result.digest.date == "2024-03-18"


def test_old_title_suffix_and_rss_link_kept_in_extras() -> None:
    paragraphs = [
        "旧标题",
        "Old Title. (arXiv:2304.12244v2 [cs.CL] UPDATED)",
        "https://rss.arxiv.org/abs/2304.12244",
        "总结。",
        "",
        "中文摘要。",
        "Plain English abstract.",
    ]
    paper = read_digest_feed(feed(item(paragraphs, title="总结。"))).digest.papers[0]
    assert paper.title_en == "Old Title"
    assert paper.extras["title_suffix"] == ". (arXiv:2304.12244v2 [cs.CL] UPDATED)"
    assert (paper.version, paper.announce_type, paper.categories) == ("v2", "updated", ["cs.CL"])
    assert paper.url == "https://arxiv.org/abs/2304.12244"
    assert paper.extras["link"] == "https://rss.arxiv.org/abs/2304.12244"
    assert paper.abstract_en == "Plain English abstract."
    assert "abstract_en_header" not in paper.extras


def test_summary_slot_text_is_kept_and_item_title_difference_recorded() -> None:
    paragraphs = list(FULL)
    paragraphs[4] = "A one-line English summary."
    paper = read_digest_feed(feed(item(paragraphs, title="另一个总结"))).digest.papers[0]
    assert paper.extras["summary_en"] == "A one-line English summary."
    assert paper.summary_zh == "一句话总结。"
    assert paper.extras["table_summary"] == "另一个总结"


def test_early_layout_without_summary_paragraphs() -> None:
    paragraphs = ["中文标题", "Title", "http://arxiv.org/abs/2303.00001", "中文摘要", "Abstract"]
    paper = read_digest_feed(feed(item(paragraphs, title=""))).digest.papers[0]
    assert (paper.title_zh, paper.title_en) == ("中文标题", "Title")
    assert (paper.abstract_zh, paper.abstract_en) == ("中文摘要", "Abstract")
    assert paper.summary_zh == ""
    assert paper.url == "http://arxiv.org/abs/2303.00001"
    assert paper.extras == {"layout": "early", "plain": "1"}
    # The Markdown writer then writes the early footnote form, without summary slots.
    written = write_digest([paper])
    again = read_digest(written.encode()).digest.papers[0]
    assert again.extras == {"layout": "early", "plain": "1"}


def test_english_only_item() -> None:
    paragraphs = ["Only English", "https://arxiv.org/abs/2403.00002", "Only an abstract."]
    paper = read_digest_feed(feed(item(paragraphs, title=""))).digest.papers[0]
    assert (paper.title_en, paper.title_zh) == ("Only English", "")
    assert (paper.abstract_en, paper.abstract_zh) == ("Only an abstract.", "")


def test_bad_items_are_reported_and_the_rest_kept() -> None:
    good = item(FULL)
    no_url_paragraph = item(["标题", "Title", "摘要"], link="https://arxiv.org/abs/2403.00003")
    nothing = item(["标题", "Title", "https://example.org/post", "摘要"])
    duplicate = item(FULL, title="重复")
    result = read_digest_feed(feed(good, no_url_paragraph, nothing, duplicate), source="d.xml")
    assert [p.id for p in result.digest.papers] == ["2403.10056", "2403.00003"]
    messages = [p.message for p in result.problems]
    assert any(
        m.startswith("entry 2: 2403.00003: no paragraph holds an arXiv link") for m in messages
    )
    assert any(m.startswith("entry 3:") and "skipped" in m for m in messages)
    assert any("entry 4: duplicate arXiv id 2403.10056" in m for m in messages)
    assert all(p.severity == "warning" for p in result.problems)


def test_markup_in_paragraphs_is_text() -> None:
    paragraphs = list(FULL)
    paragraphs[1] = "A <b> [red]title[/red] with \u202eoverride"
    paper = read_digest_feed(feed(item(paragraphs))).digest.papers[0]
    assert paper.title_en == "A <b> [red]title[/red] with override"


def test_the_generators_paragraphs_are_plain_text() -> None:
    """The generator writes each field raw between `<p>` and `</p>` (cn_chat_arxiv.py,
    `make_rss`: `f"<p>\\n{x['title']}\\n</p>..."`, escaped once, for XML, by
    ElementTree; the sample's `3.90 &amp; R2` is "3.90 & R2"), as `item()` does.
    Read as HTML, a paper's `<think>`, `$p<q$ and $r>s$` or `std::vector<int>` lost
    all between `<` and `>` (found by a bug hunt)."""
    paragraphs = list(FULL)
    paragraphs[1] = "Why the </s> token matters"
    paragraphs[6] = (
        "arXiv:2403.10056v1 Announce Type: cross  Abstract: Models emit <think> ... </think>;"
        " we prove $p<q$ and $r>s$ for std::vector<int>, H&M and &amp; as written."
    )
    paragraphs[5] = "arXiv:2403.10056v1 公告类型: 跨领域 摘要：模型输出 <think> 与 a<b 和 c>d。"
    paper = read_digest_feed(feed(item(paragraphs))).digest.papers[0]
    assert paper.title_en == "Why the </s> token matters"
    assert paper.abstract_en == (
        "Models emit <think> ... </think>; we prove $p<q$ and $r>s$ for std::vector<int>,"
        " H&M and &amp; as written."
    )
    assert paper.abstract_zh == "模型输出 <think> 与 a<b 和 c>d。"
    assert (paper.title_zh, paper.summary_zh) == ("中文标题", "一句话总结。")


def test_name_without_a_date_or_source() -> None:
    digest = read_digest_feed(feed(item(FULL))).digest
    assert (digest.name, digest.date) == ("digest-feed", "")
    dated = read_digest_feed(
        feed(item(FULL), extra="<pubDate>Mon, 18 Mar 2024 08:00:00 +0800</pubDate>")
    )
    assert (dated.digest.name, dated.digest.date) == ("digest-feed-cs.AI-2024-03-18", "2024-03-18")


# --- the real sample's excerpt (tests/sample_excerpts.py) -----------------------------------


def test_digest_feed_sample(excerpts) -> None:
    result = read_path(excerpts / "digest-feed-cs.AI-2024-03-18.xml")
    digest = result.digest
    assert result.format == digest.kind == "digest-feed"
    assert len(digest.papers) == 7
    assert result.problems == []
    assert (digest.name, digest.date) == ("digest-feed-cs.AI-2024-03-18", "2024-03-18")
    for paper in digest.papers:
        assert paper.title_zh and paper.title_en and paper.summary_zh
        assert paper.abstract_zh and paper.abstract_en
        assert not paper.abstract_en.startswith("arXiv:")
        assert paper.url.startswith(("https://arxiv.org/abs/", "http://arxiv.org/abs/"))
    first = digest.papers[0]
    assert first.id == "2402.01261"
    assert first.title_en == "TEDDY: Trimming Edges with Degree-based Discrimination strategY"
    assert first.title_zh.startswith("TEDDY: ")
    assert first.extras["link"] == "https://rss.arxiv.org/abs/2402.01261"
    by_id = {p.id: p for p in digest.papers}
    seed = by_id["2403.10056"]
    assert seed.extras["abstract_zh_header"] == "arXiv:2403.10056v1 公告类型: 跨领域 摘要："
    assert seed.abstract_zh.startswith("大型语言模型")
    assert (seed.version, seed.announce_type) == ("v1", "cross")
    kinds = {p.announce_type for p in digest.papers}
    assert {"new", "cross", "replace-cross", "updated"} <= kinds


def test_digest_feed_sample_round_trips_through_the_markdown_writer(excerpts) -> None:
    papers = read_path(excerpts / "digest-feed-cs.AI-2024-03-18.xml").digest.papers
    again = read_digest(write_digest(papers).encode(), source="export.md").digest.papers
    assert len(again) == len(papers)
    fields = ("id", "version", "url", "title_en", "title_zh", "summary_zh", "abstract_en")
    for a, b in zip(papers, again, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert a.abstract_zh == b.abstract_zh
        assert a.announce_type == b.announce_type
        assert a.primary_category == b.primary_category


def test_detected_and_forced() -> None:
    data = feed(item(FULL))
    assert read_document(data).format == "digest-feed"
    forced = read_document(data, format="feed")
    assert forced.format == "feed"
    # The generic reader sees only the item: its link (none here) names no paper.
    assert forced.digest.papers == []
    assert any("no arXiv id" in p.message for p in forced.problems)
