"""Issue 11 item 3: parsing is bounded before any XML parser runs (`core/xml_guard.py`).

200,000 attributes on one element (2.3 MB) took sax minutes. Each bound is checked
by making sure the parser is never called; timings are in `benchmarks/xml_bounds.py`.
"""

from __future__ import annotations

import pytest

from tui_digest.core import xml_guard
from tui_digest.core.model import InputError
from tui_digest.core.readers import read_document
from tui_digest.fetch.opml import OpmlError, read_opml

from .inputs import generic_feed, generic_item

ITEM = generic_item()
ITEM2 = generic_item(title="Second", link="https://arxiv.org/abs/2401.00002")


def rss(body: str) -> bytes:
    return generic_feed(body).encode()


@pytest.fixture
def no_parser(monkeypatch):
    """feedparser must never see a document the guard refuses."""
    import feedparser

    def refuse(*args, **kwargs):
        raise AssertionError("feedparser was called")

    monkeypatch.setattr(feedparser, "parse", refuse)


def attrs(n: int) -> str:
    return " ".join(f'a{i}="x"' for i in range(n))


@pytest.fixture
def small_parser_input(monkeypatch):
    """feedparser may run, but never on what the guard left out (it stays small)."""
    import feedparser

    real = feedparser.parse

    def parse(stream, *args, **kwargs):
        data = stream.read()
        assert len(data) < 100_000, f"feedparser was given {len(data)} bytes"
        import io

        return real(io.BytesIO(data), *args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", parse)


def test_two_hundred_thousand_attributes_cost_their_entry_only(small_parser_input):
    """One item past a bound is left out, named with its line; its neighbours are read
    (the whole feed was refused), and the parser never sees it."""
    doc = rss(f"{ITEM}\n<item {attrs(200_000)}><title>t</title></item>\n{ITEM2}")
    assert len(doc) > 2_000_000
    result = read_document(doc, source="f.xml")
    assert [p.id for p in result.digest.papers] == ["2403.10056", "2401.00002"]
    assert [p.format("f.xml") for p in result.problems] == [
        "f.xml:3: warning: entry skipped: <item> has 200000 attributes; more than 32 are "
        "not accepted"
    ]


def test_past_the_bounds_outside_any_entry_the_feed_is_refused(no_parser):
    doc = generic_feed(ITEM).replace("<channel>", f"<channel {attrs(40)}>").encode()
    with pytest.raises(InputError, match="<channel> has 40 attributes"):
        read_document(doc, source="f.xml")


def test_attributes_up_to_the_cap_are_read():
    doc = rss(f'<item {attrs(xml_guard.MAX_ATTRIBUTES)}><title>t</title>'
              "<link>https://arxiv.org/abs/2401.00001</link></item>")  # fmt: skip
    assert [p.id for p in read_document(doc, source="f.xml").digest.papers] == ["2401.00001"]


def test_quoted_greater_than_and_equals_do_not_fool_the_count(small_parser_input):
    # '>' and '=' inside values: a naive scan would end the tag early and miss the rest.
    many = " ".join(f'a{i}="x>y=z"' for i in range(40))
    result = read_document(rss(f"<item {many}></item>{ITEM2}"), source="f.xml")
    assert "<item> has 40 attributes" in result.problems[0].message
    assert [p.id for p in result.digest.papers] == ["2401.00002"]


def test_deep_nesting_is_refused(no_parser):
    deep = "<d>" * (xml_guard.MAX_DEPTH + 5) + "x" * 100_000 + "</d>" * (xml_guard.MAX_DEPTH + 5)
    with pytest.raises(InputError, match=r"f.xml:2: elements nested more than 100 deep"):
        read_document(rss(deep), source="f.xml")


def test_deep_nesting_inside_an_item_costs_that_item(small_parser_input):
    deep = "<d>" * (xml_guard.MAX_DEPTH + 5) + "x" * 1_000 + "</d>" * (xml_guard.MAX_DEPTH + 5)
    inside = f"<item><description>{deep}</description></item>{ITEM2}"
    result = read_document(rss(inside), source="f.xml")
    assert "nested more than 100 deep" in result.problems[0].message
    assert [p.id for p in result.digest.papers] == ["2401.00002"]


def test_unclosed_html_in_a_broken_feed_is_not_depth():
    # Real broken feeds carry raw <p>/<br> in descriptions: end tags close them leniently.
    items = "".join(
        f"<item><title>t{i}</title><link>https://arxiv.org/abs/2401.{i:05d}</link>"
        f"<description><p>a<br>b<p>c</description></item>"
        for i in range(1, 301)
    )
    result = read_document(rss(items), source="f.xml")
    assert len(result.digest.papers) == 300


def test_a_flood_of_tiny_elements_is_refused(no_parser):
    with pytest.raises(InputError, match=r"more than \d+ elements in \d+ characters"):
        read_document(rss("<e/>" * 200_000), source="f.xml")


def test_a_huge_text_node_costs_its_entry_only(small_parser_input):
    big = "x" * (xml_guard.MAX_TEXT_NODE + 1)
    for body in (
        f"<description>{big}</description>",
        f"<description><![CDATA[{big}]]></description>",
    ):  # fmt: skip  (CDATA counts too)
        result = read_document(rss(f"{ITEM}<item>{body}</item>{ITEM2}"), source="f.xml")
        assert "a text node of more than 4194304 characters" in result.problems[0].message
        assert [p.id for p in result.digest.papers] == ["2403.10056", "2401.00002"]


def test_markup_inside_cdata_and_comments_is_not_counted():
    hidden = "<e/>" * 50_000 + "<d>" * 500
    doc = rss(f"<!-- {hidden} -->{ITEM}<item><description><![CDATA[{hidden}]]></description>"
              "<link>https://arxiv.org/abs/2401.00002</link></item>")  # fmt: skip
    assert len(read_document(doc, source="f.xml").digest.papers) == 2


def test_an_unterminated_quote_does_not_hide_what_follows(small_parser_input):
    doc = rss(f'<item title="oops></item><item {attrs(100)}></item>')
    result = read_document(doc, source="f.xml")
    assert any("100 attributes" in p.message for p in result.problems)


def test_opml_goes_through_the_same_guard():
    with pytest.raises(OpmlError, match="<outline> has 50 attributes"):
        read_opml(f"<opml><body><outline {attrs(50)}/></body></opml>".encode(), source="s.opml")
    with pytest.raises(OpmlError, match="XML entity declarations are not accepted"):
        read_opml(b'<!DOCTYPE o [<!ENTITY e "e">]><opml/>', source="s.opml")


def test_real_feed_shapes_pass_the_guard(excerpts):
    for path in sorted(excerpts.glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        _root, offset = xml_guard.find_root(text, str(path))
        xml_guard.check_bounds(text, str(path), offset)  # raises if a real feed were refused
