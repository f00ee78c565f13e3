"""A feed's HTTP charset: with no BOM and no XML declaration, the Content-Type's
charset says how its bytes are encoded (RFC 7303, section 3).

A Latin-1 arXiv feed served `application/rss+xml; charset=iso-8859-1` without
an XML declaration came out with "Lukas M\ufffdller" (or as GB18030
mojibake), and `au:Müller` found nothing; its warning named no line (bug hunt
`enc` #2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feed_server import FakeTime, FeedServer, Reply, arxiv_rss
from tui_digest.config.sources import Source
from tui_digest.core.feed_common import parse_feed
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.core.xml_decode import decode_document
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.options import HttpOptions

PAPERS = [("2509.00001", "Première étude"), ("2509.00002", "Señor Pokémon")]


def latin1_feed(declaration: str = "") -> bytes:
    """`arxiv_rss` with an accented author, in Latin-1, with `declaration` (or none)."""
    text = arxiv_rss("cs.AI", PAPERS).decode().replace("Ada Lovelace", "Lukas Müller")
    body = text.split("\n", 1)[1]  # (no `<?xml …?>`)
    return (declaration + body).encode("latin-1")


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO-8859-1", "windows-1252"])
def test_the_http_charset_decides_without_a_declaration(label: str) -> None:
    result = read_document(latin1_feed(), source="l1.xml", charset=label)
    assert result.format == "arxiv"
    papers = result.digest.papers
    assert [p.title_en for p in papers] == ["Première étude", "Señor Pokémon"]
    assert papers[0].authors[0] == "Lukas Müller"
    assert result.problems == []


def test_a_utf8_declaration_the_bytes_do_not_match_falls_back_to_the_http_charset() -> None:
    data = latin1_feed("<?xml version='1.0' encoding='UTF-8'?>\n")
    result = read_document(data, source="l1.xml", charset="ISO-8859-1")
    assert result.digest.papers[0].authors[0] == "Lukas Müller"


def test_a_right_declaration_still_wins_over_a_wrong_header() -> None:
    """(as before: servers' default labels are wrong more often than documents)"""
    data = arxiv_rss("cs.AI", PAPERS)  # UTF-8, declared so
    for label in ("iso-8859-1", "gbk"):
        assert decode_document(data, label).text == data.decode()


def test_the_warning_for_invalid_utf8_names_its_line() -> None:
    data = arxiv_rss("cs.AI", PAPERS).replace("Première".encode(), b"Premi\xe8re")
    parsed = parse_feed(data, "bad.xml")
    [problem] = [p for p in parsed.problems if p.kind == "decoding"]
    assert "U+FFFD" in problem.message
    lines = data.split(b"\n")
    assert b"Premi\xe8re" in lines[problem.line - 1], problem


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


async def test_fetch_reads_a_feed_in_its_http_charset(store) -> None:
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock)
    with FeedServer() as server:
        headers = {"Content-Type": "application/rss+xml; charset=iso-8859-1"}
        server.route("/l1.xml", Reply(200, body=latin1_feed(), headers=headers))
        async with fetcher:
            sources = [Source("l1", server.url("/l1.xml"))]
            [result] = await fetch_all(store, sources, fetcher=fetcher)
    assert result.status == "new" and result.new == 2
    assert result.decoding == "" and result.problems == 0
    assert store.get_paper("2509.00001").paper.authors[0] == "Lukas Müller"


async def test_fetch_names_the_line_of_the_first_invalid_byte(store) -> None:
    """`l1: warning: bytes are not valid UTF-8; …` named no line; `import` of the
    same bytes says `FILE:LINE:`."""
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock)
    data = arxiv_rss("cs.AI", PAPERS).replace("Première".encode(), b"Premi\xe8re")
    line = data[: data.index(b"Premi\xe8re")].count(b"\n") + 1
    with FeedServer() as server:
        server.route("/bad.xml", Reply(200, body=data))
        async with fetcher:
            sources = [Source("b", server.url("/bad.xml"))]
            [result] = await fetch_all(store, sources, fetcher=fetcher)
    assert result.decoding == (
        f"bytes are not valid UTF-8; invalid sequences replaced with U+FFFD (first at line {line})"
    )


async def test_fetch_of_a_malformed_feed_whose_entries_were_all_read(store) -> None:
    """`import` says a warning, "its 2 entries were read", of a feed that is not
    well-formed XML (an undefined `&nbsp;`) but lost nothing; `fetch` still said
    "1 entry could not be read fully", counting the document's own problem as an
    entry's (regression hunt `regenc` #2). It says the document's warning instead."""
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock)
    data = arxiv_rss("cs.AI", PAPERS).replace(b"Abstract: ", b"Abstract: x&nbsp;y ", 1)
    assert read_document(data, source="bad.xml").problems  # (import warns of it)
    with FeedServer() as server:
        server.route("/bad.xml", Reply(200, body=data))
        async with fetcher:
            sources = [Source("b", server.url("/bad.xml"))]
            [result] = await fetch_all(store, sources, fetcher=fetcher)
    assert result.status == "new" and result.new == len(PAPERS)
    assert result.problems == 0
    assert "not well-formed XML" in result.decoding
    assert f"its {len(PAPERS)} entries were read" in result.decoding


async def test_fetch_of_a_feed_cut_off_still_counts_its_trouble(store) -> None:
    """A feed cut off after an `</item>` lost its other entries: the document's
    error still counts (`N entries could not be read fully`); only a document
    whose entries were all read is a warning (regression hunt `reg3` #3)."""
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock)
    data = arxiv_rss("cs.AI", PAPERS)
    cut = data[: data.index(b"</item>") + len(b"</item>")]
    with FeedServer() as server:
        server.route("/cut.xml", Reply(200, body=cut))
        async with fetcher:
            [result] = await fetch_all(
                store, [Source("c", server.url("/cut.xml"))], fetcher=fetcher
            )
    assert result.problems >= 1
    assert "truncated" not in result.decoding
