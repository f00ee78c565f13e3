"""Ingest cleaning through every reader: controls, bidi, bad bytes, huge fields, GBK."""

from __future__ import annotations

import re

import pytest

from tui_digest.core.model import Paper
from tui_digest.core.readers import read_document
from tui_digest.core.sanitize import MAX_TEXT, MAX_TITLE, TRUNCATION_MARKER

from .inputs import (
    HOSTILE,
    arxiv_atom,
    arxiv_rss,
    digest_feed,
    digest_feed_item,
    forbidden_in,
    generic_feed,
    generic_item,
    markdown_digest,
    paper_text_fields,
)

# A NUL byte makes the Markdown reader's sniffer call the whole document binary
# (finding F3, tested apart below); every other control is here.
H = HOSTILE.replace("\x00", "")


def docs(h: str, author: str | None = None) -> dict[str, tuple[str, str]]:
    """Per reader: (expected format, document) with `h` in every text field it reads.

    `author` replaces `h` in author fields (see the feedparser author finding F5).
    """
    a = h if author is None else author
    return {
        "markdown-digest": (
            "digest",
            markdown_digest(
                title_zh="中文" + h, title_en="T" + h, summary_zh="总结" + h,
                abstract_zh="摘要" + h, abstract_en="Abs" + h,
            ),
        ),
        "digest-feed": (
            "digest-feed",
            digest_feed(
                digest_feed_item(
                    summary_zh="总结" + h, title_zh="中文" + h, title_en="T" + h,
                    abstract_zh="摘要" + h, abstract_en="Abs" + h,
                )
            ),
        ),
        "arxiv-rss": ("arxiv", arxiv_rss(title="T" + h, abstract="Abs" + h, author="Ann" + a)),
        "arxiv-atom": ("arxiv", arxiv_atom(title="T" + h, abstract="Abs" + h, author="Ann" + a)),
        "generic-feed": (
            "feed",
            generic_feed(
                generic_item(title="T" + h, body="Body" + h, author="Ann" + a, tag="cs.AI" + h)
            ),
        ),
    }  # fmt: skip


def only_paper(fmt: str, text: str, encoding: str = "utf-8") -> tuple[Paper, list[str]]:
    result = read_document(text.encode(encoding), source="in.x")
    assert result.format == fmt
    assert len(result.digest.papers) == 1, [p.format() for p in result.problems]
    return result.digest.papers[0], [p.format("in.x") for p in result.problems]


@pytest.mark.parametrize("reader", list(docs("")))
def test_controls_and_bidi_removed_from_every_field(reader):
    fmt, text = docs(H)[reader]
    paper, _ = only_paper(fmt, text)
    fields = paper_text_fields(paper)
    dirty = {name: forbidden_in(value) for name, value in fields.items() if forbidden_in(value)}
    assert dirty == {}
    # What is visible survives: the escape's parameters are now inert text.
    for name in ("title_en", "abstract_en"):
        value = fields[name]
        for part in ("Safe", "[31mred", "]0;pwned", "evil", "iso", "end"):
            assert part in value, (name, part, value)


@pytest.mark.parametrize("reader", ["digest-feed", "arxiv-rss", "arxiv-atom", "generic-feed"])
def test_raw_controls_in_xml_are_flagged_and_the_entry_kept(reader):
    """XML 1.0 forbids raw C0 controls: they are removed and said, with their line,
    and the entry kept (they were "error: … truncated or malformed XML", exit
    status 0: bug hunt `enc` #5)."""
    fmt, text = docs(H)[reader]
    _paper, problems = only_paper(fmt, text)
    assert any(
        ": warning: character U+" in p and "is not allowed in XML; removed" in p for p in problems
    ), problems
    assert not any(": error:" in p or "truncated" in p for p in problems), problems


@pytest.mark.parametrize("reader", ["digest-feed", "arxiv-rss", "generic-feed"])
def test_bidi_only_in_wellformed_xml_is_removed_without_complaint(reader):
    bidi = "x\u202eevil\u202c\u2067iso\u2069\u200f y"
    fmt, text = docs(bidi)[reader]
    paper, problems = only_paper(fmt, text)
    assert problems == [] or all("no date" in p for p in problems)
    assert paper.title_en == "Txeviliso y"
    assert forbidden_in(paper.title_en) == []


def test_nul_in_one_digest_title_does_not_refuse_the_digest():
    _fmt, text = docs(HOSTILE)["markdown-digest"]
    paper, _ = only_paper("digest", text)
    assert "\x00" not in paper.title_en


def test_nul_in_digest_is_removed_when_format_given():
    _fmt, text = docs(HOSTILE)["markdown-digest"]
    result = read_document(text.encode(), format="digest")
    assert forbidden_in(result.digest.papers[0].title_en) == []


# --- Invalid UTF-8 ---------------------------------------------------------------------


BAD = b"\xff\xfe\x80"


@pytest.mark.parametrize("reader", list(docs("")))
def test_invalid_utf8_becomes_replacement_characters(reader):
    fmt, text = docs("@@")[reader]
    result = read_document(text.encode().replace(b"@@", BAD, 1), source="in.x")
    assert result.format == fmt
    paper = result.digest.papers[0]
    fields = paper_text_fields(paper)
    assert any("\ufffd\ufffd\ufffd" in v for v in fields.values()), fields
    # Every reader names the first line holding a replaced sequence (the feed
    # readers named none: bug hunt `enc` #2).
    where = f"in.x:{text.split('@@')[0].count(chr(10)) + 1}"
    assert [p.format("in.x") for p in result.problems][:1] == [
        f"{where}: warning: bytes are not valid UTF-8; invalid sequences replaced with U+FFFD"
    ]


# --- Very long fields --------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["markdown-digest", "arxiv-rss", "generic-feed"])
def test_huge_abstract_capped_with_marker(reader):
    fmt, text = docs("Z" * 200_000, author="")[reader]
    paper, _ = only_paper(fmt, text)
    assert len(paper.abstract_en) == MAX_TEXT
    assert paper.abstract_en.endswith("Z" + TRUNCATION_MARKER)


@pytest.mark.parametrize("reader", ["markdown-digest", "digest-feed", "arxiv-rss"])
def test_huge_title_capped(reader):
    fmt, text = docs("Z" * 50_000, author="")[reader]
    paper, _ = only_paper(fmt, text)
    assert len(paper.title_en) <= MAX_TITLE
    assert paper.title_en.startswith("TZZZ")


@pytest.mark.parametrize("reader", ["markdown-digest", "arxiv-rss"])
def test_huge_title_carries_the_marker(reader):
    fmt, text = docs("Z" * 50_000, author="")[reader]
    paper, _ = only_paper(fmt, text)
    assert paper.title_en.endswith(TRUNCATION_MARKER)


def test_one_huge_entry_does_not_affect_its_neighbours():
    items = [
        generic_item(title="first", link="https://arxiv.org/abs/2403.00001"),
        generic_item(title="huge", link="https://arxiv.org/abs/2403.00002", body="Q" * 500_000),
        generic_item(title="third", link="https://arxiv.org/abs/2403.00003"),
    ]
    result = read_document(generic_feed(items).encode())
    assert [p.title_en for p in result.digest.papers] == ["first", "huge", "third"]
    assert len(result.digest.papers[1].abstract_en) == MAX_TEXT


# --- GBK bytes labelled UTF-8 --------------------------------------------------------------

ZH = "基于大语言模型的推理研究"


def gbk_docs() -> dict[str, tuple[str, str, str]]:
    """Per reader: (format, document, field holding ZH)."""
    return {
        "markdown-digest": (
            "digest", markdown_digest(title_zh=ZH, summary_zh="总结" + ZH), "title_zh"
        ),
        "digest-feed": (
            "digest-feed",
            digest_feed(digest_feed_item(summary_zh="总结" + ZH, title_zh=ZH, title_en="En",
                                         abstract_zh="摘要", abstract_en="abs")),
            "title_zh",
        ),
        "arxiv-rss": (
            "arxiv", arxiv_rss(title=ZH, abstract="摘要" + ZH, author="张三"), "title_en"
        ),
        "generic-feed": (
            "feed", generic_feed(generic_item(title=ZH, body="摘要" + ZH)), "title_en"
        ),
    }  # fmt: skip


@pytest.mark.parametrize("reader", list(gbk_docs()))
def test_gbk_bytes_declared_utf8_decode_as_gb18030(reader):
    fmt, text, field = gbk_docs()[reader]
    assert 'encoding="utf-8"' in text or fmt == "digest"
    paper, problems = only_paper(fmt, text, encoding="gbk")
    assert getattr(paper, field) == ZH
    assert "\ufffd" not in "".join(paper_text_fields(paper).values())
    assert problems[:1] == ["in.x: warning: bytes are not valid UTF-8; decoded as GB18030"]


def test_gbk_declared_as_gbk_needs_no_warning():
    text = generic_feed(generic_item(title=ZH), enc="gbk")
    paper, problems = only_paper("feed", text, encoding="gbk")
    assert paper.title_en == ZH
    assert problems == []


def test_random_high_bytes_are_not_turned_into_chinese():
    """The GB18030 rescue only applies when the result is mostly CJK."""
    text = markdown_digest(title_en="Caf@@ au lait")
    data = text.encode().replace(b"@@", b"\xe9\x20\xe8\x20\xa0")
    paper = read_document(data).digest.papers[0]
    assert paper.title_en.startswith("Caf\ufffd")


# --- Feedparser's author regex ----------------------------------------------------------


class _Handed(Exception):
    """Raised by the stand-in for feedparser.parse once it has seen its input."""


@pytest.fixture
def feedparser_input(monkeypatch):
    """What parse_feed hands to feedparser, captured without running feedparser."""
    import feedparser

    seen: list[bytes] = []

    def parse(stream, **kw):
        seen.append(stream.read())
        raise _Handed

    monkeypatch.setattr(feedparser, "parse", parse)
    return seen


@pytest.mark.parametrize("reader", ["arxiv-rss", "arxiv-atom", "generic-feed"])
def test_long_author_runs_are_bounded_before_feedparser(reader, feedparser_input):
    _fmt, text = docs("ok", author="Z" * 200_000)[reader]
    with pytest.raises(_Handed):
        read_document(text.encode())
    longest = max(len(run) for run in re.findall(rb"[A-Za-z0-9_.+-]+", feedparser_input[0]))
    assert longest <= 1024


def test_a_password_in_a_paper_link_is_neither_stored_nor_shown() -> None:
    """Feeds and digests may carry `user:password@` in their links (a private
    mirror): the papers keep the link without it, and the messages show none."""
    from .inputs import arxiv_rss, generic_feed, generic_item, markdown_digest

    secret = "s3cretPW"
    mirror = f"https://alice:{secret}@arxiv.org/abs/2403.10056"
    feed = generic_feed(
        [
            generic_item(link=mirror),
            generic_item(title="Elsewhere", link=f"https://bob:{secret}@example.org/post/1"),
        ]
    )
    read = read_document(feed.encode(), source="feed.xml")
    [paper] = read.digest.papers
    assert paper.url == "https://arxiv.org/abs/2403.10056"
    assert read.problems and all(secret not in str(p) for p in read.problems)
    rss = arxiv_rss(title="T", abstract="A", author="X", link=mirror)
    [paper] = read_document(rss.encode(), source="rss.xml").digest.papers
    assert secret not in paper.url
    md = markdown_digest().replace("https://arxiv.org/abs/2403.10056", mirror)
    [paper] = read_document(md.encode(), source="d.md").digest.papers
    assert secret not in paper.url and all(secret not in v for v in paper.extras.values())
