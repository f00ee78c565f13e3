"""Issue 11 items 2 and 12 (ingest half): text every reader can produce is storable.

A character reference to a lone surrogate (`&#xD800;`) used to crash feedparser and
abort the whole `import`; tag characters (U+E0000-U+E007F) passed into search and
exports.
"""

from __future__ import annotations

import pytest

from tui_digest import cli
from tui_digest.core import generic_feed
from tui_digest.core.digest_format import write_digest
from tui_digest.core.readers import read_document
from tui_digest.core.sanitize import clean_line, clean_text

from .inputs import (
    arxiv_atom,
    arxiv_rss,
    digest_feed,
    digest_feed_item,
    generic_item,
    many_papers,
    markdown_digest,
    paper_text_fields,
)
from .inputs import generic_feed as generic_doc

MARK = "QQMARKQQ"  # replaced after XML escaping, so the raw reference reaches the parser
BAD_REFS = ["&#xD800;", "&#xdfff;", "&#55296;", "&#x110000;", "&#99999999999999999999;"]
TAGS = "\U000e0001\U000e0068\U000e0069\U000e007f"  # LANGUAGE TAG, "hi", CANCEL TAG


def feeds(h: str) -> dict[str, str]:
    return {
        "digest-feed": digest_feed(
            digest_feed_item(
                summary_zh="总结" + h, title_zh="中文" + h, title_en="T" + h,
                abstract_zh="摘要" + h, abstract_en="Abs" + h,
            )
        ),
        "arxiv-rss": arxiv_rss(title="T" + h, abstract="Abs" + h, author="Ann" + h),
        "arxiv-atom": arxiv_atom(title="T" + h, abstract="Abs" + h, author="Ann" + h),
        "generic-feed": generic_doc(
            generic_item(title="T" + h, body="Body" + h, author="Ann" + h, tag="cs.AI" + h)
        ),
    }  # fmt: skip


def _storable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("ref", BAD_REFS)
@pytest.mark.parametrize("reader", list(feeds("")))
def test_character_reference_to_no_character_becomes_fffd(reader, ref, store):
    doc = feeds(MARK)[reader].replace(MARK, ref)
    result = read_document(doc.encode("utf-8"), source="f.xml")
    assert len(result.digest.papers) == 1, [p.format() for p in result.problems]
    paper = result.digest.papers[0]
    fields = paper_text_fields(paper)
    assert [name for name, value in fields.items() if not _storable(value)] == []
    assert "\ufffd" in paper.title_en or "\ufffd" in paper.title_zh
    stats = store.import_digest(result.digest)
    assert stats.new == 1
    assert store.get_paper(paper.id).paper.title_en == paper.title_en


def test_lone_surrogates_in_text_become_fffd_and_tags_go():
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean_line(f"x{TAGS}y") == "xy"
    assert clean_text("flag 🏴\U000e0067\U000e0062\U000e007f ok") == "flag 🏴 ok"


@pytest.mark.parametrize("reader", list(feeds("")))
def test_tag_characters_are_stripped_in_every_feed_reader(reader):
    result = read_document(feeds("x" + TAGS + "y")[reader].encode("utf-8"), source="f.xml")
    fields = paper_text_fields(result.digest.papers[0])
    assert {n: v for n, v in fields.items() if any(0xE0000 <= ord(c) <= 0xE007F for c in v)} == {}
    assert "xy" in result.digest.papers[0].abstract_en


def test_tag_characters_are_stripped_in_the_markdown_reader():
    text = markdown_digest(title_en="Hidden" + TAGS + " title", abstract_en="A" + TAGS)
    paper = read_document(text.encode("utf-8"), source="d.md").digest.papers[0]
    assert paper.title_en == "Hidden title"
    assert paper.abstract_en == "A"


def test_one_entry_that_cannot_be_read_costs_that_entry_only(monkeypatch):
    real = generic_feed.paper_from_entry

    def flaky(entry, *args):
        if "boom" in str(entry.get("title", "")):
            raise RuntimeError("unexpected shape")
        return real(entry, *args)

    monkeypatch.setattr(generic_feed, "paper_from_entry", flaky)
    doc = generic_doc(
        [
            generic_item(title="first", link="https://arxiv.org/abs/2401.00001"),
            generic_item(title="boom", link="https://arxiv.org/abs/2401.00002"),
            generic_item(title="third", link="https://arxiv.org/abs/2401.00003"),
        ]
    )
    result = read_document(doc.encode(), source="f.xml")
    assert [p.id for p in result.digest.papers] == ["2401.00001", "2401.00003"]
    assert [p.format("f.xml") for p in result.problems] == [
        "f.xml:2: warning: entry 2: cannot be read (RuntimeError: unexpected shape); skipped"
    ]


def test_import_goes_on_past_a_bad_entry_and_names_each_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "cache.db"))
    feed = tmp_path / "feed.xml"
    feed.write_text(
        generic_doc(
            [
                generic_item(title="bad" + MARK, link="https://arxiv.org/abs/2401.00001"),
                generic_item(title="good", link="https://arxiv.org/abs/2401.00002"),
            ]
        ).replace(MARK, "&#xD800;"),
        encoding="utf-8",
    )
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(feed), str(digest)]) == 0
    out = capsys.readouterr().out
    assert f"{feed}: 2 papers (feed): 2 new" in out
    assert f"{digest}: 1 paper (digest): 1 new" in out
    assert cli.main(["search", "bad"]) == 0
    assert "bad\ufffd" in capsys.readouterr().out


def test_a_file_name_that_is_not_utf8_is_storable(tmp_path, store):
    # Python decodes such a name with surrogateescape: "\udcff" for byte 0xFF.
    result = read_document(markdown_digest().encode(), source=str(tmp_path / "d\udcff.md"))
    assert _storable(result.digest.source) and _storable(result.digest.name)
    assert store.import_digest(result.digest).new == 1


async def test_fetch_of_a_feed_with_a_surrogate_reference_is_no_internal_error(store):
    from feed_server import FakeTime, FeedServer, Reply
    from tui_digest.config.sources import Source
    from tui_digest.fetch.download import SourceFetcher
    from tui_digest.fetch.runner import fetch_all
    from tui_digest.net.options import HttpOptions

    body = generic_doc(
        [
            generic_item(title="bad" + MARK, link="https://arxiv.org/abs/2401.00001"),
            generic_item(title="good", link="https://arxiv.org/abs/2401.00002"),
        ]
    ).replace(MARK, "&#xD800;")
    clock = FakeTime(50.0)
    with FeedServer() as server:
        server.route("/feed", Reply(200, body=body.encode()))
        fetcher = SourceFetcher(HttpOptions(retries=1), sleep=clock.sleep, clock=clock.clock)
        async with fetcher:
            [result] = await fetch_all(store, [Source("s", server.url("/feed"))], fetcher=fetcher)
    assert result.status == "new" and result.new == 2, result.summary()
    assert "internal error" not in result.summary()
    assert store.get_paper("2401.00001").paper.title_en == "bad\ufffd"


def test_one_digest_paper_that_cannot_be_read_costs_that_paper_only(monkeypatch):
    from tui_digest.core import digest_format

    real = digest_format._make_paper

    def flaky(row, note):
        if row is not None and row.ref == 2:
            raise RuntimeError("unexpected shape")
        return real(row, note)

    monkeypatch.setattr(digest_format, "_make_paper", flaky)
    papers = many_papers(3)
    result = read_document(write_digest(papers).encode(), source="d.md")
    assert [p.id for p in result.digest.papers] == [papers[0].id, papers[2].id]
    assert [p.format("d.md") for p in result.problems] == [
        "d.md:25: warning: [^2]: cannot be read (RuntimeError: unexpected shape); skipped"
    ]
