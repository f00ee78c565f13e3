"""Reading a digest document: CR-only line ends, a footnote past its cap, bytes
that are not UTF-8 (hunt `format`; fixtures in fixtures/digests/misplaced)."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.digest_format import looks_like_digest, read_digest

HERE = Path(__file__).parent / "fixtures" / "digests" / "misplaced"
ZH_ABSTRACT = "主流的序列转导模型……"
EN_ABSTRACT = "The dominant sequence transduction models..."


def read(name: str, text: str):
    result = read_digest(text, source=name)
    (paper,) = result.digest.papers
    return paper, result.problems


def test_cr_only_line_endings_look_like_a_digest():
    text = (HERE / "r3.md").read_text(encoding="utf-8").replace("\n", "\r")
    assert looks_like_digest(text)


def test_an_english_abstract_line_past_the_footnote_cap_is_cut_not_dropped(monkeypatch):
    from tui_digest.core import digest_format

    monkeypatch.setattr(digest_format, "NOTE_CAP", 2000)
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    text = text.replace("models...", "models" + " more" * 1000)
    paper, problems = read("r7.md", text)
    assert paper.abstract_zh == ZH_ABSTRACT
    assert paper.abstract_en.startswith(EN_ABSTRACT[:-3] + " more more")
    assert (paper.version, paper.announce_type) == ("v1", "new")
    assert [p.message for p in problems] == [
        "footnote longer than 2000 characters; cut here, the rest dropped"
    ]


def test_invalid_utf8_is_reported_at_its_first_line():
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    data = text.encode().replace(b"Need\n", b"Need \xe9\n")
    result = read_digest(data, source="bad.md")
    (problem,) = result.problems
    assert problem.format("bad.md") == (
        "bad.md:11: warning: bytes are not valid UTF-8; invalid sequences replaced with U+FFFD"
    )
    assert problem.kind == "decoding"


def test_a_nul_in_a_table_row_is_named_and_the_row_kept():
    """A NUL before the title cell, or between `]` and `(`, gave "table row [^1] has
    no [title](link) cell; skipped": the row has one, and its summary was lost
    (found by a bug hunt). The NUL is named and dropped, as in a footnote's text."""
    text = (HERE / "r7.md").read_text(encoding="utf-8").replace("2403.19999", "1706.03762")
    for broken in (
        "| [^1] | \x00[Attention Is All You Need](",
        "| [^1] | [Attention Is All You Need]\x00(",
        "| [^1] | [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\x00 |",
    ):
        data = text.replace(broken.replace("\x00", ""), broken, 1)
        assert "\x00" in data
        result = read_digest(data, source="nul.md")
        (paper,) = result.digest.papers
        assert paper.summary_zh == "提出Transformer。", broken
        assert [p.format("nul.md") for p in result.problems] == [
            "nul.md:5: warning: table row [^1] holds a NUL character (U+0000); dropped"
        ], broken
