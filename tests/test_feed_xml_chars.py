"""A published day's `.xml` is well-formed XML whatever its papers' text holds.

Found by a bug hunt (s41 auditpub #6): a digest whose footnote held U+FFFE and
U+FFFF was published into a `cs.AI.xml` that ElementTree refused ("not well-formed
(invalid token)") and feedparser flagged; tui-digest's own reader removed the two
("character U+FFFE … is not allowed in XML; removed"), other readers gave up on the
whole day. XML 1.0 (fifth edition), section 2.2, production [2]:
`Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_support import run_cli
from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.digest_format import read_digest
from tui_digest.core.paper import Paper

NONCHARS = "\ufffe\uffff"
LINK = "https://arxiv.org/abs/2403.10056"


def _paper(text: str) -> Paper:
    return Paper(
        id="2403.10056",
        url=LINK,
        title_en=f"Title{text} end",
        title_zh=f"标题{text}",
        summary_zh=f"总结{text}",
        abstract_en=f"Abstract{text} end",
        abstract_zh=f"摘要{text}",
        authors=[f"Ann{text} Lee"],
        categories=["cs.AI", f"cs.{text}LG"],
        published="2024-03-18",
        extras={"machine_fields": "title_zh", "machine_model": f"model{text}"},
    )


def test_a_feed_drops_the_characters_xml_forbids() -> None:
    # Ingest and `clean_line` now drop them too, but the writer takes its title as
    # given and cannot trust every caller's text to be XML's.
    bad = NONCHARS + "\x01"
    doc = write_digest_feed([_paper(bad)], category="cs.AI", date="2024-03-18", title=f"lab{bad}")
    ET.fromstring(doc.encode("utf-8"))  # raised "not well-formed (invalid token)"
    assert not any(c in doc for c in NONCHARS + "\x01")
    clean = write_digest_feed([_paper("")], category="cs.AI", date="2024-03-18", title="lab")
    assert doc == clean  # the text around them kept as it was
    result = read_digest_feed(doc.encode("utf-8"))
    assert result.problems == []  # not "character U+FFFE … is not allowed in XML; removed"
    assert [p.authors for p in result.digest.papers] == [["Ann Lee"]]
    feedparser = pytest.importorskip("feedparser", reason="feedparser (not a dependency)")
    assert not feedparser.parse(doc.encode("utf-8")).bozo


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(NONCHARS + "\x00\x0b\r\ufdd0\U0010ffff<&]>\"'"),
            st.characters(blacklist_categories=("Cs",)),  # (no lone surrogates: ingest's)
        )
    ).map("".join)
)
def test_any_text_gives_a_well_formed_feed(text: str) -> None:
    doc = write_digest_feed([_paper(text)], category="cs.AI", date="2024-03-18", title=text)
    ET.fromstring(doc.encode("utf-8"))


def test_ingest_drops_the_noncharacters_xml_forbids(excerpts) -> None:
    seed = (excerpts / "seed-digest.md").read_text(encoding="utf-8")
    at = seed.index("\n", seed.index("[^1]:"))
    papers = read_digest(seed[:at] + NONCHARS + seed[at:]).digest.papers
    fields = [str(getattr(p, f)) for p in papers for f in ("title_en", "title_zh", "abstract_zh")]
    assert papers and not any(c in f for f in fields for c in NONCHARS)


def test_a_day_imported_with_noncharacters_is_published_as_well_formed_xml(
    tmp_path, excerpts
) -> None:
    seed = (excerpts / "seed-digest.md").read_text(encoding="utf-8")
    at = seed.index("\n", seed.index("[^1]:"))
    day = tmp_path / "digest-cs.AI-2024-03-18.md"
    day.write_text(seed[:at] + NONCHARS + seed[at:], encoding="utf-8")
    db = tmp_path / "u.db"
    assert run_cli("import", str(day), db=db).returncode == 0
    pub = tmp_path / "pub"
    done = run_cli("publish", "--out", str(pub), "--no-translate", db=db)
    assert done.returncode == 0, done.stderr.decode()
    ET.parse(pub / "cs.AI.xml")
    again = run_cli("import", str(pub), db=tmp_path / "v.db")
    assert again.returncode == 0 and b"not allowed in XML" not in again.stderr
