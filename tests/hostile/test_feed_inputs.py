"""Hostile feeds: entity attacks, truncation, HTML, missing fields, duplicates, bad links."""

from __future__ import annotations

import tracemalloc

import pytest

from tui_digest.core.model import InputError
from tui_digest.core.readers import read_document
from tui_digest.core.sanitize import is_safe_url

from .inputs import generic_feed, generic_item

LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10)
)  # lol9 expands to 10**9 "lol"s
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n'
    + LAUGHS
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>\n'
    "<item><title>&lol9;</title><link>https://arxiv.org/abs/2403.10056</link></item>\n"
    "</channel></rss>"
)
QUADRATIC = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "'
    + "x" * 100_000
    + '">]>\n<rss version="2.0"><channel><title>'
    + "&a;" * 100_000
    + "</title></channel></rss>"
)
ATTACKS = {
    "billion-laughs": BILLION_LAUGHS.encode(),
    "billion-laughs-utf16": BILLION_LAUGHS.encode("utf-16"),
    "billion-laughs-after-comments": (
        "<!-- x -->\n" * 50 + BILLION_LAUGHS.split("\n", 1)[1]
    ).encode(),
    "billion-laughs-lowercase-doctype": BILLION_LAUGHS.replace("DOCTYPE", "doctype").encode(),
    "quadratic-blowup": QUADRATIC.encode(),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_entity_expansion_refused_with_bounded_memory(name):
    data = ATTACKS[name]
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="not accepted") as info:
            read_document(data, source="evil.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The document is decoded once (a few copies of its text); nothing is expanded.
    assert peak < 10 * len(data) + 2_000_000, peak
    assert str(info.value).startswith("evil.xml:")
    assert "possible entity-expansion or external-entity attack" in str(info.value)


@pytest.mark.parametrize("forced", [None, "feed", "arxiv", "digest-feed"])
def test_entity_declarations_refused_whatever_format_is_forced(forced):
    with pytest.raises(InputError, match="entity"):
        read_document(BILLION_LAUGHS.encode(), source="evil.xml", format=forced)


def test_external_entity_in_internal_subset_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-INTERNAL")
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<rss version="2.0"><channel><title>x</title>\n'
        "<item><title>a &xxe; b</title><link>https://arxiv.org/abs/2403.00001</link></item>"
        "</channel></rss>"
    )
    with pytest.raises(InputError) as info:
        read_document(doc.encode(), source="evil.xml")
    assert str(info.value) == (
        "evil.xml:2: XML entity declarations are not accepted "
        "(possible entity-expansion or external-entity attack)"
    )


def test_external_dtd_is_never_fetched_and_its_entities_stay_literal(tmp_path):
    """A DOCTYPE naming an outside DTD is allowed (old RSS 0.91) but never loaded."""
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY xxe "TOPSECRET-FROM-DTD">')
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">\n'
        '<rss version="2.0"><channel><title>x &xxe;</title>\n'
        "<item><title>a &xxe; b</title><link>https://arxiv.org/abs/2403.00001</link>"
        "<description>d &xxe;</description></item></channel></rss>"
    )
    result = read_document(doc.encode(), source="f.xml")
    (paper,) = result.digest.papers
    everything = repr(result)
    assert "TOPSECRET" not in everything
    assert paper.title_en == "a &xxe; b"


def items(*specs: dict) -> str:
    return generic_feed(["\n" + generic_item(**s) for s in specs])


THREE = [
    {"title": "one", "link": "https://arxiv.org/abs/2403.00001"},
    {"title": "two", "link": "https://arxiv.org/abs/2403.00002"},
    {"title": "three", "link": "https://arxiv.org/abs/2403.00003", "body": "the third body"},
]


def test_truncated_feed_keeps_complete_entries_and_flags_the_cut():
    data = items(*THREE).encode()
    cut = data[: data.index(b"the third body") + 5]
    result = read_document(cut, source="f.xml")
    assert [p.title_en for p in result.digest.papers] == ["one", "two"]
    messages = [p.format("f.xml") for p in result.problems]
    assert messages[0].startswith("f.xml:") and "error: the document is truncated" in messages[0]
    assert "kept the 2 complete entries" in messages[0]
    assert "f.xml:5: warning: entry 3: incomplete (the document ends inside it); skipped" in (
        messages
    )


def test_feed_cut_before_any_entry_has_no_papers_but_says_why():
    data = items(*THREE).encode()
    result = read_document(data[: data.index(b"<item>") + 8], source="f.xml")
    assert result.digest.papers == []
    assert result.problems[0].severity == "error"


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Sign in</body></html>",
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"\n\n  <!doctype HTML><html lang=en><p>captcha</p></html>",
    ],
)
def test_html_page_instead_of_a_feed(page):
    with pytest.raises(InputError, match=r"^f\.xml: an HTML page, not a digest or feed$"):
        read_document(page, source="f.xml")
    with pytest.raises(InputError, match="HTML page"):
        read_document(page, source="f.xml", format="feed")


def test_other_xml_is_not_a_feed():
    with pytest.raises(InputError, match="not a digest or feed"):
        read_document(b'<?xml version="1.0"?><svg xmlns="x"><g/></svg>', source="f.xml")


def test_missing_title_link_and_date_are_warnings_and_entries_kept():
    data = items(
        {"title": "", "link": "https://arxiv.org/abs/2403.00001", "date": ""},
        {"title": "no link", "link": "", "guid": "https://arxiv.org/abs/2403.00002"},
        {"title": "nothing to key on", "link": ""},
    ).encode()
    result = read_document(data, source="f.xml")
    first, second = result.digest.papers
    assert (first.id, first.title_en, first.published) == ("2403.00001", "", "")
    # An RSS <guid> is a permalink unless it says otherwise: it stands in for the link.
    assert (second.id, second.url) == ("2403.00002", "https://arxiv.org/abs/2403.00002")
    assert [p.format("f.xml") for p in result.problems] == [
        "f.xml:3: warning: entry 1: 2403.00001: no title",
        "f.xml:3: warning: entry 1: 2403.00001: no date",
        "f.xml:5: warning: entry 3: 'nothing to key on': no arXiv id in link '' or id ''; "
        "skipped (papers are keyed by arXiv id)",
    ]


def test_duplicate_ids_keep_the_first_and_say_so():
    data = items(
        {"title": "first", "link": "https://arxiv.org/abs/2403.00001"},
        {"title": "again", "link": "https://arxiv.org/abs/2403.00001v2"},
        {"title": "other", "link": "https://arxiv.org/abs/2403.00002"},
    ).encode()
    result = read_document(data, source="f.xml")
    assert [p.title_en for p in result.digest.papers] == ["first", "other"]
    assert [p.format("f.xml") for p in result.problems] == [
        "f.xml:4: warning: entry 2: duplicate arXiv id 2403.00001 (first in entry 1); skipped"
    ]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        " https://evil.example/ x",
    ],
)
def test_unsafe_links_stored_but_never_openable(link):
    data = items({"title": "bad link", "link": link, "guid": "https://arxiv.org/abs/2403.00001"})
    result = read_document(data.encode(), source="f.xml")
    (paper,) = result.digest.papers
    assert paper.id == "2403.00001"
    scheme = link.strip().split(":", 1)[0].lower()
    assert paper.url.lower().startswith(scheme) or paper.url.startswith("https://evil")
    assert paper.url != "https://arxiv.org/abs/2403.00001"  # never rewritten into a safe link
    if not link.startswith(" https"):
        assert not is_safe_url(paper.url)
