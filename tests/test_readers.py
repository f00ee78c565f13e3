"""readers: content-based detection, dispatch and refusal of non-documents."""

from __future__ import annotations

import pytest

from tui_digest.core.model import InputError
from tui_digest.core.readers import FORMATS, detect_format, read_document, read_path

RSS_GENERIC = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Reading list</title><link>https://blog.example/</link>
<item><title>A paper I liked</title><link>https://arxiv.org/abs/2403.10056v2</link>
<description>Nice &lt;b&gt;work&lt;/b&gt;.</description>
<pubDate>Mon, 18 Mar 2024 10:00:00 +0000</pubDate></item>
</channel></rss>"""

ARXIV_ATOM = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
<id>http://rss.arxiv.org/atom/cs.AI</id><title>cs.AI updates on arXiv.org</title>
<updated>2025-08-20T04:00:19+00:00</updated>
<entry><id>oai:arXiv.org:2508.13426v1</id><title>ALIGN</title>
<link href="https://arxiv.org/abs/2508.13426" rel="alternate" type="text/html"/>
<summary>arXiv:2508.13426v1 Announce Type: new
Abstract: Text.</summary><published>2025-08-20T00:00:00-04:00</published></entry>
</feed>"""

DIGEST_FEED = """<rss version="2.0"><channel><title>Chat Arxiv cs.AI</title>
<link>https://github.com/qhduan/cn-chat-arxiv</link><description>d</description>
<item><title>一句话总结。</title><link>https://arxiv.org/abs/2403.10517</link>
<description>&lt;p&gt;
中文标题
&lt;/p&gt;
&lt;p&gt;
English Title
&lt;/p&gt;
&lt;p&gt;
https://arxiv.org/abs/2403.10517
&lt;/p&gt;
&lt;p&gt;
一句话总结。
&lt;/p&gt;
&lt;p&gt;

&lt;/p&gt;
&lt;p&gt;
中文摘要。
&lt;/p&gt;
&lt;p&gt;
arXiv:2403.10517v1 Announce Type: cross  Abstract: English abstract.
&lt;/p&gt;</description></item></channel></rss>""".encode()

MARKDOWN_DIGEST = "\n".join(
    [
        "# 摘要",
        "",
        "| Ref | Title | Summary |",
        "| --- | --- | --- |",
        "| [^1] | [English title](https://arxiv.org/abs/2403.10056) | 中文总结 |",
        "",
        "# 详细",
        "",
        "[^1]: 中文标题",
        "",
        "    English title",
        "",
        "    [https://arxiv.org/abs/2403.10056](https://arxiv.org/abs/2403.10056)",
        "",
        "    中文总结",
        "",
        "    ",
        "",
        "    中文摘要",
        "",
        "    English abstract",
        "    ",
        "",
        "",
    ]
).encode()


# --- detection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (RSS_GENERIC, "feed"),
        (ARXIV_ATOM, "arxiv"),
        (DIGEST_FEED, "digest-feed"),
        (MARKDOWN_DIGEST, "digest"),
        (b"\xef\xbb\xbf" + ARXIV_ATOM, "arxiv"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", None),
        (b"<html><body><p>Not a feed</p></body></html>", None),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', None),
        (b"", None),
        (b"   \n\t ", None),
        (bytes(range(256)) * 20, None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 500, None),
        (b"Just some notes.\nNothing to see.\n", None),
    ],
)
def test_detect_format(data: bytes, expected: str | None) -> None:
    assert detect_format(data) == expected


def test_detection_ignores_the_file_name(tmp_path) -> None:
    path = tmp_path / "looks-like-markdown.md"
    path.write_bytes(ARXIV_ATOM)
    result = read_path(path)
    assert result.format == "arxiv"
    assert [p.id for p in result.digest.papers] == ["2508.13426"]


def test_detect_rss1_arxiv_channel() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="http://arxiv.org/"><title>cs updates on arXiv.org</title>
<link>http://arxiv.org/</link></channel>
<item rdf:about="http://arxiv.org/abs/2307.04541"><title>T. (arXiv:2307.04541v2 [cs.CV])</title>
<link>http://arxiv.org/abs/2307.04541</link></item></rdf:RDF>"""
    assert detect_format(data) == "arxiv"


def test_a_feed_linking_arxiv_papers_is_not_an_arxiv_feed() -> None:
    # Items link arXiv, but the channel is somebody's blog.
    assert detect_format(RSS_GENERIC) == "feed"


# --- dispatch and override ----------------------------------------------------


def test_read_document_dispatches_on_detected_format() -> None:
    result = read_document(DIGEST_FEED, source="x.xml")
    assert result.format == "digest-feed"
    assert result.digest.kind == "digest-feed"
    paper = result.digest.papers[0]
    assert (paper.id, paper.title_zh, paper.title_en) == ("2403.10517", "中文标题", "English Title")


def test_explicit_format_overrides_detection() -> None:
    as_feed = read_document(ARXIV_ATOM, format="feed")
    assert as_feed.format == "feed"
    assert as_feed.digest.kind == "feed"
    # The generic reader keeps the summary as the feed gives it, header and all.
    assert as_feed.digest.papers[0].abstract_en.startswith("arXiv:2508.13426v1 Announce Type")
    as_arxiv = read_document(ARXIV_ATOM)
    assert as_arxiv.digest.papers[0].abstract_en == "Text."

    forced = read_document(RSS_GENERIC, format="arxiv")
    assert forced.format == "arxiv"
    assert forced.digest.papers[0].id == "2403.10056"


def test_explicit_feed_format_on_markdown_is_refused() -> None:
    with pytest.raises(InputError, match=r"digest\.md"):
        read_document(MARKDOWN_DIGEST, source="digest.md", format="arxiv")


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        read_document(RSS_GENERIC, source="a.xml", format="pdf")


def test_formats_constant() -> None:
    assert FORMATS == ("digest", "digest-feed", "arxiv", "feed")


# --- refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty document"),
        (b"\n\n  \n", "empty document"),
        (b"<!DOCTYPE html>\n<html><body>Login</body></html>", "HTML page"),
        (b"<html lang='en'><head></head><body><p>x</p></body></html>", "HTML page"),
        (bytes(range(256)) * 8, "binary data"),
        (b"hello world\n", "not a digest or feed"),
    ],
)
def test_read_document_refuses_non_documents(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_document(data, source="some/file.txt")
    assert "some/file.txt" in str(info.value)


def test_utf16_without_a_bom_is_named_not_called_binary() -> None:
    """A digest saved as UTF-16 without a byte order mark was "binary data", which
    sent the user looking for a corrupt file (left from a bug hunt); with a BOM
    it is read. Both byte orders; real binary stays binary."""
    from pathlib import Path

    text = (Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md").read_text("utf-8")
    for codec in ("utf-16-le", "utf-16-be"):
        with pytest.raises(InputError, match="looks like UTF-16 without a byte order mark"):
            read_document(text.encode(codec), source="d.md")
        bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        assert read_document(bom + text.encode(codec), source="d.md").digest.papers
    for data in (bytes(range(256)) * 8, b"PK\x03\x04" + bytes(2000)):
        with pytest.raises(InputError, match="binary data"):
            read_document(data, source="x.bin")


def test_read_path_missing_file_names_it(tmp_path) -> None:
    missing = tmp_path / "nope.xml"
    with pytest.raises(InputError, match=r"nope\.xml"):
        read_path(missing)


# --- the real samples ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("arxiv-rss2-format-sample.xml", "arxiv", 3),
        ("arxiv-atom-format-sample.xml", "arxiv", 3),
        ("arxiv-rss1-old-format-sample.xml", "arxiv", 4),
        ("arxiv-atom-cs.AI-2025-08-20.xml", "arxiv", 3),
        ("digest-feed-cs.AI-2024-03-18.xml", "digest-feed", 7),
    ],
)
def test_samples_detect_and_read(excerpts, name: str, fmt: str, count: int) -> None:
    data = (excerpts / name).read_bytes()
    assert detect_format(data) == fmt
    result = read_path(excerpts / name)
    assert result.format == fmt
    assert result.digest.kind == fmt
    assert len(result.digest.papers) == count
    assert [p for p in result.problems if p.severity == "error"] == []


@pytest.mark.parametrize(
    "name",
    [
        "seed-digest.md",
        "digest-cs.LG-2023-03-13-first.md",
        "digest-cs.AI-2023-07-27-pipe-in-title.md",
        "digest-cs.LG-2024-07-15-mixed.md",
        "digest-empty.md",
    ],
)
def test_markdown_samples_detect_as_digest(excerpts, name: str) -> None:
    assert detect_format((excerpts / name).read_bytes()) == "digest"
    assert read_path(excerpts / name).format == "digest"


def test_seed_digest_reads_through_read_document(excerpts) -> None:
    result = read_document((excerpts / "seed-digest.md").read_bytes(), source="seed-digest.md")
    assert result.format == result.digest.kind == "digest"
    assert len(result.digest.papers) == 5
