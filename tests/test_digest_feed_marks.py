"""Machine-text marks in a digest feed: written by `digest_feed_writer`, read by `digest_feed`."""

from __future__ import annotations

from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.model import Paper

LINK = "https://arxiv.org/abs/2509.10001"


def _feed(description: str, title: str = "总结") -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<rss version="2.0"><channel><title>lab cs.AI</title>'
        f"<item><title>{title}</title><link>{LINK}</link>"
        f"<description>{escape(description)}</description></item></channel></rss>"
    ).encode()


def test_marks_name_only_the_chinese_fields_of_marked_paragraphs() -> None:
    paras = ["标题", "Title", LINK, "总结", "", "摘要", "Abstract"]
    marked = {0, 5, 6}  # a mark on the English abstract means nothing
    html = "".join(
        f'<p class="x machine-translation">{p}</p>' if i in marked else f"<p>{p}</p>"
        for i, p in enumerate(paras)
    )
    [paper] = read_digest_feed(_feed(html)).digest.papers
    assert paper.extras["machine_fields"] == "title_zh,abstract_zh"


def test_unmarked_and_early_layout_feeds() -> None:
    plain = "".join(f"<p>{p}</p>" for p in ["标题", "Title", LINK, "总结", "", "摘要", "Abstract"])
    [paper] = read_digest_feed(_feed(plain)).digest.papers
    assert "machine_fields" not in paper.extras
    # Text before the first <p> is a paragraph of its own; the marks stay aligned.
    early = (
        "lead<p>标题</p><p>Title</p><p>"
        + LINK
        + '</p><p class="machine-translation">摘要</p><p>A</p>'
    )
    [paper] = read_digest_feed(_feed(early)).digest.papers
    assert paper.abstract_zh == "摘要" and paper.extras["machine_fields"] == "abstract_zh"


def test_writer_marks_only_machine_fields_that_have_text() -> None:
    paper = Paper(
        id="2509.10001",
        version="v1",
        url=LINK,
        title_en="Title",
        title_zh="标题",
        abstract_en="Abstract",
        extras={"machine_fields": "title_zh,summary_zh", "machine_model": 'q"wen & co'},
    )  # summary_zh is empty
    xml = write_digest_feed([paper], category="cs.AI", date="2025-09-18")
    assert xml.count("machine-translation") == 1
    [back] = read_digest_feed(xml.encode()).digest.papers
    assert back.extras["machine_fields"] == "title_zh"
    assert back.extras["machine_model"] == 'q"wen & co'  # the model, from the title attribute
    assert back.summary_zh == "" and back.title_zh == "标题"


def test_real_digests_survive_the_feed(excerpts) -> None:
    """Each real digest (its excerpt, cut at test time), written as a feed and read back.

    The feed keeps every field but not a field's leading or trailing blanks
    (real digests cut abstracts mid-word, leaving a trailing space), nor a
    table cell's unescaped `|` quirk: the Markdown a subscriber writes is the
    canonical form of the same papers.
    """
    from tui_digest.core.digest_format import read_digest, write_digest

    seed = (excerpts / "seed-digest.md").read_bytes()
    papers = read_digest(seed).digest.papers
    back = read_digest_feed(write_digest_feed(papers, category="cs.AI", date="2024-03-18").encode())
    assert write_digest(back.digest.papers).encode() == seed
    for path in sorted(excerpts.glob("digest-cs.*.md")):
        papers = read_digest(path.read_bytes()).digest.papers
        xml = write_digest_feed(papers, category="cs.AI", date="2024-03-18")
        got = read_digest_feed(xml.encode())
        assert not got.problems, path.name
        for a, b in zip(papers, got.digest.papers, strict=True):
            assert (a.id, a.version, a.url, a.announce_type) == (
                b.id,
                b.version,
                b.url,
                b.announce_type,
            )
            for name in ("title_en", "title_zh", "summary_zh", "abstract_en", "abstract_zh"):
                assert getattr(a, name).strip() == getattr(b, name), (path.name, a.id, name)
