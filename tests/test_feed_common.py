"""Safe intake of feed XML: DTD tricks refused, encodings decoded, truncation reported."""

from __future__ import annotations

import codecs
import sys

import pytest

from tui_digest.core.feed_common import (
    decode_document,
    find_root,
    iso_date,
    parse_arxiv_id,
    parse_feed,
    split_authors,
)
from tui_digest.core.html_text import html_paragraphs, html_to_text
from tui_digest.core.model import InputError
from tui_digest.core.readers import read_document

ITEM = (
    "<item><title>{title}</title><link>https://arxiv.org/abs/2403.10056</link>"
    "<description>{body}</description><pubDate>Mon, 18 Mar 2024 10:00:00 +0000</pubDate></item>"
)


def rss(items: str, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{decl}\n<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


# --- DTD tricks ----------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://arxiv.org/abs/2403.10056</link></item>
</channel></rss>"""

QUADRATIC = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]>\n<rss version="2.0"><channel><title>'
    + b"&a;" * 50_000
    + b"</title></channel></rss>"
)

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>&xxe;</title><link>https://arxiv.org/abs/2403.10056</link></item>
</channel></rss>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>t</title></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, QUADRATIC, EXTERNAL_ENTITY, PARAMETER_ENTITY],
    ids=["billion-laughs", "quadratic", "external-entity", "parameter-entity"],
)
def test_entity_declarations_are_refused_before_parsing(data: bytes, monkeypatch) -> None:
    # feedparser must never see these bytes.
    monkeypatch.setitem(sys.modules, "feedparser", None)
    with pytest.raises(InputError, match=r"evil\.xml:2: XML (entity declarations|DOCTYPE)"):
        read_document(data, source="evil.xml")
    with pytest.raises(InputError):
        read_document(data, source="evil.xml", format="feed")


def test_doctype_internal_subset_without_entities_is_refused() -> None:
    data = b'<!DOCTYPE rss [<!ELEMENT rss ANY>]><rss version="2.0"><channel/></rss>'
    with pytest.raises(InputError, match="internal subset"):
        read_document(data, source="x.xml")


def test_external_dtd_reference_is_allowed_but_never_fetched(tmp_path) -> None:
    dtd = tmp_path / "secret.dtd"
    dtd.write_text('<!ENTITY secret "SECRET-FROM-DTD">', encoding="utf-8")
    data = rss(
        ITEM.format(title="A &amp; B &secret;", body="x"),
        decl=f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">',
    ).encode()
    result = read_document(data, source="ext.xml", format="feed")
    texts = [p.title_en + p.abstract_en for p in result.digest.papers]
    assert texts and all("SECRET-FROM-DTD" not in t for t in texts)


def test_entity_text_inside_a_prolog_comment_is_harmless() -> None:
    data = rss(ITEM.format(title="T", body="x"), decl="<?xml version='1.0'?><!-- <!ENTITY -->")
    result = read_document(data.encode(), format="feed")
    assert [p.id for p in result.digest.papers] == ["2403.10056"]


def test_entity_text_in_the_body_is_not_a_declaration() -> None:
    body = "CDATA: <![CDATA[ <!ENTITY x 'y'> ]]>"
    data = rss(ITEM.format(title="About &lt;!ENTITY&gt;", body=body)).encode()
    result = read_document(data, format="feed")
    assert result.digest.papers[0].title_en == "About <!ENTITY>"


def test_prolog_scan_is_bounded() -> None:
    data = "<?xml version='1.0'?>" + "<!-- padding -->" * 10_000 + "<rss/>"
    with pytest.raises(InputError, match="no root element"):
        find_root(data, "big.xml")


def test_find_root_reports_root_and_html() -> None:
    assert find_root("<?xml version='1.0'?>\n<!-- c -->\n<rss version='2.0'/>")[0] == "rss"
    assert find_root("<!DOCTYPE html><html></html>")[0] == "html"
    assert find_root("no markup at all") == ("", -1)


# --- decoding ------------------------------------------------------------------


def test_gbk_bytes_declared_utf8_are_decoded_as_gb18030() -> None:
    text = rss(ITEM.format(title="图神经网络的边缘修剪方法", body="一种新颖的方法。"))
    data = text.encode("gbk")  # the declaration still says utf-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_document(data, source="gbk.xml", format="feed")
    paper = result.digest.papers[0]
    assert paper.title_en == "图神经网络的边缘修剪方法"
    assert paper.abstract_en == "一种新颖的方法。"
    assert any("GB18030" in p.message for p in result.problems)
    assert "\ufffd" not in paper.title_en + paper.abstract_en


@pytest.mark.parametrize("label", ["gbk", "GB2312", "gb18030"])
def test_declared_gb_encodings(label: str) -> None:
    text = rss(
        ITEM.format(title="中文标题", body="摘要"), decl=f'<?xml version="1.0" encoding="{label}"?>'
    )
    result = read_document(text.encode("gb18030"), format="feed")
    assert result.digest.papers[0].title_en == "中文标题"
    assert result.problems == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    text = rss(ITEM.format(title="标题 ü", body="b"), decl='<?xml version="1.0" encoding="utf-8"?>')
    data = text.encode(codec)
    if codec == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
    result = read_document(data, format="feed")
    assert result.digest.papers[0].title_en == "标题 ü"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    text = rss(ITEM.format(title="标题", body="b"), decl='<?xml version="1.0" encoding="utf-16"?>')
    result = read_document(text.encode(codec), format="feed")
    assert result.digest.papers[0].title_en == "标题"


def test_declared_latin1() -> None:
    text = rss(
        ITEM.format(title="Café résumé", body="b"),
        decl='<?xml version="1.0" encoding="iso-8859-1"?>',
    )
    result = read_document(text.encode("latin-1"), format="feed")
    assert result.digest.papers[0].title_en == "Café résumé"


def test_invalid_utf8_that_is_not_gb18030_becomes_replacement_chars() -> None:
    data = b"caf\xe9 \xff\xfe ok"
    decoded = decode_document(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == "caf\ufffd \ufffd\ufffd ok"
    assert "U+FFFD" in decoded.note


def test_unknown_declared_encoding_falls_back_to_utf8() -> None:
    assert decode_document(
        '<?xml version="1.0" encoding="x-bogus"?><a>é</a>'.encode()
    ).text.endswith("<a>é</a>")


# --- truncated and malformed ---------------------------------------------------


def test_truncated_document_keeps_complete_entries_and_reports_error() -> None:
    items = "".join(
        ITEM.format(title=f"Paper {i}", body="abstract").replace("2403.10056", f"2403.1005{i}")
        + "\n"
        for i in range(5)
    )
    text = rss(items)
    cut = text[: text.index("Paper 3") + 3]  # ends inside the fourth item's title
    result = read_document(cut.encode(), source="cut.xml", format="feed")
    assert [p.id for p in result.digest.papers] == [f"2403.1005{i}" for i in range(3)]
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert "truncated (its XML is not closed)" in errors[0].message
    assert result.truncated  # (fetch and import fail it: test_fetch_truncated)
    assert errors[0].line == cut.count("\n") + 1
    assert any("entry 4: incomplete" in p.message for p in result.problems)


def test_malformed_but_closed_document_is_not_truncated() -> None:
    """Every entry kept: a warning, not an `error:` (`import` exits 0; bug hunt `enc` #5)."""
    text = rss(ITEM.format(title="A <b> B", body="abstract"))  # an unclosed <b>: malformed
    result = read_document(text.encode(), source="bad.xml", format="feed")
    [problem] = [p for p in result.problems if "well-formed" in p.message]
    assert problem.severity == "warning" and "truncated" not in problem.message
    assert not result.truncated


def test_truncated_sample(excerpts) -> None:
    data = (excerpts / "arxiv-rss2-format-sample.xml").read_bytes()
    result = read_document(data[: len(data) // 2], source="half.xml")
    assert result.format == "arxiv"
    assert len(result.digest.papers) == data[: len(data) // 2].count(b"</item>")
    assert all(p.title_en and p.abstract_en for p in result.digest.papers)
    assert result.problems[0].severity == "error" and result.problems[0].line > 0


# --- helpers -------------------------------------------------------------------


def test_feedparser_gets_a_stream_not_a_path(tmp_path, monkeypatch) -> None:
    # A bytes argument naming an existing file makes feedparser read that file.
    import feedparser

    seen: list[object] = []
    real_parse = feedparser.parse

    def spy(arg, *args, **kwargs):
        seen.append(arg)
        return real_parse(arg, *args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", spy)
    parse_feed(rss(ITEM.format(title="T", body="b")).encode(), "x.xml")
    assert len(seen) == 1 and hasattr(seen[0], "read")
    assert not isinstance(seen[0], (str, bytes))


def test_html_to_text() -> None:
    assert html_to_text("<p>One <b>bold</b> &amp; more</p><p>Two</p>") == "One bold & more\n\nTwo"
    assert html_to_text("<script>alert(1)</script><style>p{}</style>kept") == "kept"
    assert html_to_text("x <b and y") == "x <b and y"  # maths, not markup


def test_html_paragraphs_keep_empty_slots() -> None:
    assert html_paragraphs("<p>\nA\n</p>\n<p>\n\n</p>\n<p>B &lt; C</p>") == ["A", "", "B < C"]


def test_split_authors() -> None:
    assert split_authors("Ann Lee, Bo Chen and Cy Dee") == ["Ann Lee", "Bo Chen", "Cy Dee"]
    assert split_authors("A. One (MIT, USA), B. Two") == ["A. One (MIT, USA)", "B. Two"]
    assert split_authors("Sandra Anderson, Rand Andrews") == ["Sandra Anderson", "Rand Andrews"]
    html = (
        '<a href="http://arxiv.org/find/cs/1/au:+P/0/1">Priya Patel</a>, <a href="x">Chen Jie</a>'
    )
    assert split_authors(html) == ["Priya Patel", "Chen Jie"]
    assert split_authors("") == []


def test_split_authors_keeps_a_suffix_after_a_comma_with_its_name():
    # arXiv's dc:creator: every author in one comma-separated string (docs/upstream.md).
    names = "Juan Maldacena, Martin Luther King, Jr., Vincent van Gogh III, Ann Lee, sr"
    assert split_authors(names) == [
        "Juan Maldacena",
        "Martin Luther King, Jr.",
        "Vincent van Gogh III",
        "Ann Lee, sr",
    ]
    assert split_authors("Guy Steele, Jr. and Bo Chen, Cy Dee, II") == [
        "Guy Steele, Jr.",
        "Bo Chen",
        "Cy Dee, II",
    ]
    # Only after a comma and with a name before it: nothing to attach it to else.
    assert split_authors("Jr., Ann Lee; III") == ["Jr.", "Ann Lee", "III"]
    assert split_authors("Ann Lee, Juniper Jones") == ["Ann Lee", "Juniper Jones"]


def test_split_authors_keeps_an_and_inside_an_affiliation() -> None:
    # bug hunt `auditarxiv` #2: the commas inside brackets were kept, the "and"s split
    names = (
        "John Smith (University of Oxford and CERN), "
        "Jane Doe (Dept. of Physics and Astronomy, UCL), Li Si and Wang Wu [MIT and IAS]"
    )
    assert split_authors(names) == [
        "John Smith (University of Oxford and CERN)",
        "Jane Doe (Dept. of Physics and Astronomy, UCL)",
        "Li Si",
        "Wang Wu [MIT and IAS]",
    ]


def test_iso_date_keeps_the_feeds_own_day() -> None:
    assert iso_date("Thu, 18 Sep 2025 23:30:00 -0400") == "2025-09-18"
    assert iso_date("2025-08-20T00:00:00-04:00") == "2025-08-20"
    assert iso_date("2023-06-01T20:30:00-05:00") == "2023-06-01"
    assert iso_date("not a date") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oai:arXiv.org:2404.00026v1", ("2404.00026", "v1")),
        ("https://arxiv.org/abs/2403.10056", ("2403.10056", "")),
        ("https://rss.arxiv.org/abs/2402.01261", ("2402.01261", "")),
        ("http://arxiv.org/pdf/hep-th/9901001v2.pdf", ("hep-th/9901001", "v2")),
        ("arXiv:2403.10056v1", ("2403.10056", "v1")),
        ("https://example.com/abs/2402.01261", None),
        ("javascript:alert('arxiv.org/abs/2402.01261')", None),
        ("", None),
    ],
)
def test_parse_arxiv_id(text: str, expected) -> None:
    assert parse_arxiv_id(text) == expected


def test_source_stem() -> None:
    from tui_digest.core.digest_day import source_stem

    assert source_stem("https://rss.arxiv.org/rss/cs.AI") == "cs.AI"
    assert source_stem("/x/digest-feed-cs.AI-2024-03-18.xml") == "digest-feed-cs.AI-2024-03-18"
    assert source_stem("") == ""
    # A Markdown digest's name drops any extension but an arXiv category's
    # (regression hunt: `cs.AI.mkd` -> `cs.AI.mkd-<date>`, `.text` kept).
    for name, stem in [
        ("digest-cs.AI-2024-02-05.text", "digest-cs.AI-2024-02-05"),
        ("cs.AI.mkd", "cs.AI"),
        ("cs.CL.md.bak", "cs.CL.md"),
        ("/x/cs.AI", "cs.AI"),
        ("digest-cs.AI", "digest-cs.AI"),
        ("physics.comp-ph", "physics.comp-ph"),
        ("digest-cond-mat.stat-mech", "digest-cond-mat.stat-mech"),
        ("notes-ab.cd", "notes-ab"),
    ]:
        assert source_stem(name, any_extension=True) == stem, name
    assert source_stem("blog.php") == "blog.php"  # feeds: their extensions alone
