"""The digest reader: canonical layout, every variation in the spec, and refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core.digest_format import (
    ARXIV_ID_RE,
    looks_like_digest,
    parse_arxiv_id,
    read_digest,
)
from tui_digest.core.model import InputError

COUNTS = {
    "digest-cs.LG-2024-02-06-large.md": 737,
    "digest-cs.AI-2024-02-05-rss-links.md": 151,
    "digest-cs.AI-2023-07-27-pipe-in-title.md": 98,
    "digest-cs.LG-2023-03-13-first.md": 47,
    "digest-cs.LG-2024-07-15-mixed.md": 44,
    "seed-digest.md": 8,
    "digest-empty.md": 0,
}
# The same files as cut by tests/sample_excerpts.py (the `excerpts` fixture).
EXCERPT_COUNTS = {
    "digest-cs.LG-2024-02-06-large.md": 4,
    "digest-cs.AI-2024-02-05-rss-links.md": 3,
    "digest-cs.AI-2023-07-27-pipe-in-title.md": 3,
    "digest-cs.LG-2023-03-13-first.md": 3,
    "digest-cs.LG-2024-07-15-mixed.md": 7,
    "seed-digest.md": 5,
    "digest-empty.md": 0,
}


def test_real_samples_paper_counts(samples):
    for name, count in COUNTS.items():
        check_digest(samples / name, count)


@pytest.mark.parametrize("name", sorted(EXCERPT_COUNTS))
def test_sample_excerpts_paper_counts(excerpts, name):
    check_digest(excerpts / name, EXCERPT_COUNTS[name])


def check_digest(path, count):
    result = read_digest(path.read_bytes(), source=str(path))
    assert len(result.digest.papers) == count, path.name
    assert result.problems == []
    assert result.digest.name == path.stem
    assert result.digest.kind == "digest"
    assert result.format == "digest"
    for paper in result.digest.papers:
        assert paper.id and paper.url.startswith(
            ("http://arxiv.org/abs/", "https://arxiv.org/abs/")
        )
        assert paper.title_en and paper.abstract_en


def test_seed_fields(excerpts):
    papers = read_digest((excerpts / "seed-digest.md").read_bytes()).digest.papers
    first = papers[0]
    assert first.id == "2403.10056"
    assert first.version == "v1"
    assert first.announce_type == "cross"
    assert first.url == "https://arxiv.org/abs/2403.10056"
    assert first.title_en.startswith("Don't Half-listen")
    assert first.abstract_en.startswith("Instruction tuning for large language models")
    assert first.abstract_zh.startswith("大型语言模型")
    assert first.extras["abstract_zh_header"] == "arXiv:2403.10056v1 公告类型: 跨领域 摘要："
    old = papers[3]  # the real seed's 7th paper
    assert old.title_en == "CLEVRER-Humans: Describing Physical and Causal Events the Human Way"
    assert (old.id, old.version, old.categories, old.url) == (
        "2310.03635",
        "v1",
        ["cs.AI"],
        "http://arxiv.org/abs/2310.03635",
    )
    updated = papers[4]  # the real seed's 8th
    assert updated.announce_type == "updated"
    assert updated.version == "v2"
    assert updated.categories == ["cs.CL"]


def test_not_a_digest_raises_naming_source():
    with pytest.raises(InputError, match=r"notes\.txt"):
        read_digest("just some text\nwith lines\n", source="notes.txt")
    with pytest.raises(InputError, match="HTML"):
        read_digest("<!DOCTYPE html><html><body>hi</body></html>", source="page.html")
    with pytest.raises(InputError, match=r"blob\.bin"):
        read_digest(bytes(range(256)) * 20, source="blob.bin")


def test_looks_like_digest():
    assert looks_like_digest("# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n")
    assert looks_like_digest("[^1]: 标题\n\n    Title\n")
    assert not looks_like_digest("<rss><channel></channel></rss>")


# --- variations, derived from one hand-written canonical fixture ---------------------

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"
CANON = FIXTURE.read_text(encoding="utf-8")


def fields(paper):
    return (
        paper.id,
        paper.version,
        paper.url,
        paper.title_en,
        paper.title_zh,
        paper.summary_zh,
        paper.abstract_en,
        paper.abstract_zh,
        paper.announce_type,
        paper.categories,
    )


def read(text, **kw):
    return read_digest(text, source="test.md", **kw)


EXPECTED = [fields(p) for p in read(CANON).digest.papers]


def test_fixture_fields():
    papers = read(CANON).digest.papers
    assert [p.id for p in papers] == ["2403.10056", "2310.03635", "hep-th/9901001"]
    one, two, three = papers
    assert one.title_en == "Pipes | and `code` *stars* in a title"
    assert one.summary_zh == "一句话总结，含有 $Y|X$ 和 [方括号]。"
    assert one.abstract_en == "English abstract one with [^3] and `ticks`."
    assert one.abstract_zh == "中文摘要第一篇。"
    assert (one.version, one.announce_type) == ("v1", "cross")
    assert two.title_en == "An Old Title"
    assert (two.version, two.announce_type, two.categories) == ("v2", "updated", ["cs.AI"])
    assert two.extras["title_suffix"] == ". (arXiv:2310.03635v2 [cs.AI] UPDATED)"
    assert three.url == "https://arxiv.org/abs/hep-th/9901001"
    assert three.extras["link"] == "https://rss.arxiv.org/abs/hep-th/9901001"
    assert read(CANON).problems == []


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom-str"),
        pytest.param(lambda t: re.sub(r"(?m)^    ", "\t", t), id="tabs"),
        pytest.param(lambda t: t.replace("\n\n#", "\n#").replace("#\n\n", "#\n"), id="headings"),
        pytest.param(lambda t: t.replace("\n\n[^1]", "\n[^1]"), id="no-blank-before-notes"),
        pytest.param(lambda t: t.replace("title\n\n    [https", "title\n    [https"), id="glued"),
        pytest.param(
            lambda t: t.replace("。\n\n    \n\n    旧", "。\n    \n    旧"), id="no-blanks"
        ),
        pytest.param(lambda t: t[: -len("\n    \n\n")] + "\n", id="no-closing-line"),
        pytest.param(lambda t: t[: -len("\n    \n\n")], id="no-final-newline"),
        pytest.param(lambda t: t.replace("\n\n", "\n\n\n"), id="double-blank-lines"),
    ],
)
def test_layout_variations_read_the_same(variant):
    result = read(variant(CANON))
    assert [fields(p) for p in result.digest.papers] == EXPECTED
    assert result.problems == []


def test_bom_and_crlf_bytes():
    data = b"\xef\xbb\xbf" + CANON.replace("\n", "\r\n").encode()
    result = read_digest(data, source="x.md")
    assert [fields(p) for p in result.digest.papers] == EXPECTED


def test_trailing_spaces_everywhere():
    text = "\n".join(line + "  " for line in CANON.split("\n"))
    result = read(text)
    got = [fields(p) for p in result.digest.papers]
    # Abstracts keep trailing blanks (real digests cut abstracts after a space and a
    # byte-exact rewrite needs them); every other field is a cleaned line.
    assert [g[:6] + g[8:] for g in got] == [e[:6] + e[8:] for e in EXPECTED]
    assert [(g[6].rstrip(), g[7].rstrip()) for g in got] == [
        (e[6].rstrip(), e[7].rstrip()) for e in EXPECTED
    ]
    assert result.problems == []


def test_raw_pipe_in_table_title_uses_link_structure():
    text = CANON.replace("[Pipes \\| and", "[Pipes | and")
    result = read(text)
    assert [fields(p) for p in result.digest.papers] == EXPECTED
    assert result.digest.papers[0].extras["table_title"] == "Pipes | and `code` *stars* in a title"


def test_missing_chinese_abstract_line():
    text = CANON.replace("    旧格式的中文摘要。\n\n", "")
    papers = read(text).digest.papers
    assert papers[1].abstract_zh == ""
    assert papers[1].abstract_en == "Old style abstract, cut mid-wo"
    assert papers[1].summary_zh == "旧格式的总结。"


def test_empty_chinese_abstract_slot():
    text = CANON.replace("    旧格式的中文摘要。\n", "    \n")
    papers = read(text).digest.papers
    assert (papers[1].abstract_zh, papers[1].abstract_en) == ("", "Old style abstract, cut mid-wo")


def test_missing_summary_paragraph_takes_table_summary():
    text = CANON.replace("    旧格式的总结。\n\n    \n\n", "")
    result = read(text)
    paper = result.digest.papers[1]
    assert paper.summary_zh == "旧格式的总结。"
    assert (paper.abstract_zh, paper.abstract_en) == ("旧格式的中文摘要。", EXPECTED[1][6])
    assert paper.extras["layout"] == "early"
    assert result.problems == []


def test_english_only_footnote():
    text = (
        "# Summary\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        "| [^1] | [English Only](https://arxiv.org/abs/2401.00001) |  |\n\n"
        "# Details\n\n"
        "[^1]: English Only\n\n"
        "    [https://arxiv.org/abs/2401.00001](https://arxiv.org/abs/2401.00001)\n\n"
        "    Just an English abstract.\n    \n"
    )
    (paper,) = read(text).digest.papers
    assert (paper.title_en, paper.title_zh, paper.abstract_en, paper.abstract_zh) == (
        "English Only",
        "",
        "Just an English abstract.",
        "",
    )


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


def test_footnote_without_row_is_kept_and_reported():
    text = CANON.replace(CANON.split("\n")[5] + "\n", "")  # drop row [^2]
    result = read(text)
    assert [p.id for p in result.digest.papers] == ["2403.10056", "hep-th/9901001", "2310.03635"]
    assert [fields(p) for p in result.digest.papers][2] == EXPECTED[1]
    (problem,) = result.problems
    assert problem.line == line_of(text, "[^2]: ")
    assert "[^2]" in problem.message and "no table row" in problem.message


def test_row_without_footnote_is_read_from_the_table():
    start = CANON.index("[^3]: ")
    text = CANON[:start]
    result = read(text)
    assert len(result.digest.papers) == 3
    third = result.digest.papers[2]
    assert (third.id, third.title_en, third.summary_zh) == (
        "hep-th/9901001",
        "Linked via RSS",
        "第三篇。",
    )
    (problem,) = result.problems
    assert problem.line == 7 and "no footnote" in problem.message


def test_row_without_footnote_unescapes_cells():
    text = CANON[: CANON.index("[^1]: ")] + CANON[CANON.index("[^2]: ") :]
    papers = read(text).digest.papers
    assert papers[0].title_en == "Pipes | and `code` *stars* in a title"
    assert papers[0].summary_zh == "一句话总结，含有 $Y|X$ 和 [方括号]。"


def test_same_ref_twice_keeps_both():
    lines = CANON.split("\n")
    row3 = lines[6]
    other = row3.replace("hep-th/9901001", "hep-th/9901002")
    text = CANON.replace(row3, row3 + "\n" + other)
    note3 = CANON[CANON.index("[^3]: ") :].rstrip("\n") + "\n"
    note3b = note3.replace("hep-th/9901001", "hep-th/9901002")
    text = text.rstrip("\n") + "\n" + note3b + "\n"
    result = read(text)
    assert [p.id for p in result.digest.papers] == [
        "2403.10056",
        "2310.03635",
        "hep-th/9901001",
        "hep-th/9901002",
    ]
    messages = " ".join(p.message for p in result.problems)
    assert "[^3]" in messages
    assert all(p.line > 0 for p in result.problems)


def test_an_arxiv_id_given_again_is_skipped_with_a_warning_at_its_line():
    """As the feed readers do (`feed_common`): the first entry stays, a later one
    with the same id is skipped and named by line (it was merged into the first
    without a word, its text gone)."""
    second, third = CANON.index("[^2]: "), CANON.index("[^3]: ")
    note2 = CANON[second:third].replace("2310.03635", "2403.10056")
    text = CANON[:second] + note2 + CANON[third:]
    # (its row links the same paper: a row linking another is a problem of its own)
    text = text.replace("abs/2310.03635)", "abs/2403.10056)")
    line = CANON[:second].count("\n") + 1
    result = read(text)
    assert [p.id for p in result.digest.papers] == ["2403.10056", "hep-th/9901001"]
    assert result.digest.papers[0] == read(CANON).digest.papers[0]  # the first, untouched
    assert [(p.line, p.message) for p in result.problems] == [
        (line, "[^2]: duplicate arXiv id 2403.10056 (first in [^1]); skipped")
    ]


def test_a_row_without_footnote_gives_way_to_a_later_entry_of_its_id():
    """Row [^1] lost its footnote and [^2] gives the same id with one: the first
    (the table's text alone) was kept and [^2]'s abstracts skipped as a
    duplicate (found by a regression hunt)."""
    first, second, third = CANON.index("[^1]: "), CANON.index("[^2]: "), CANON.index("[^3]: ")
    text = CANON[:first] + CANON[second:third].replace("2310.03635", "2403.10056") + CANON[third:]
    text = text.replace("arxiv.org/abs/2310.03635", "arxiv.org/abs/2403.10056")
    result = read(text)
    assert [p.id for p in result.digest.papers] == ["2403.10056", "hep-th/9901001"]
    kept = result.digest.papers[0]
    whole = read(CANON).digest.papers[1]
    assert kept.abstract_en == whole.abstract_en and kept.abstract_zh == whole.abstract_zh
    assert [p.message for p in result.problems] == [
        "table row [^1] has no footnote; its arXiv id 2403.10056 is [^2]'s, which is kept"
    ]


def test_a_row_without_footnote_gives_way_to_a_footnote_without_row_of_its_id():
    """The last footnote labelled [^4] instead of [^3] (a typo): its entry was
    skipped as a duplicate of row [^3]'s table-only one, abstracts lost (found by
    a regression hunt)."""
    text = CANON.replace("[^3]: ", "[^4]: ")
    result = read(text)
    assert [p.id for p in result.digest.papers] == ["2403.10056", "2310.03635", "hep-th/9901001"]
    whole = read(CANON).digest.papers[2]
    assert result.digest.papers[2].abstract_en == whole.abstract_en
    assert read(text).digest.cut == ""  # nothing lost: not a cut either


def test_refs_out_of_order_pair_by_number():
    lines = CANON.split("\n")
    lines[4], lines[6] = lines[6], lines[4]  # table order 3, 2, 1
    result = read("\n".join(lines))
    assert [fields(p) for p in result.digest.papers] == EXPECTED[::-1]
    assert result.problems == []


def test_bad_entries_are_reported_by_line_and_the_rest_kept():
    text = (
        CANON.replace("| [^3] |", "| [^4] | no link at all |\n| [^3] |")
        + "[^9]: 无链接\n\n    No link here\n\n    Nor an id.\n    \n"
    )
    result = read(text)
    assert [p.id for p in result.digest.papers] == ["2403.10056", "2310.03635", "hep-th/9901001"]
    by_line = {p.line: p.message for p in result.problems}
    assert line_of(text, "| [^4]") in by_line
    assert line_of(text, "[^9]: ") in by_line
    assert "[^9]" in by_line[line_of(text, "[^9]: ")]


def test_empty_digest_has_no_papers_and_no_problems():
    text = "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n\n\n# 详细\n\n\n\n"
    result = read(text, name="digest-cs.AI-2024-03-18")
    assert result.digest.papers == []
    assert result.problems == []
    assert result.digest.date == "2024-03-18"


def test_name_and_date_from_source():
    result = read_digest(CANON, source="/tmp/x/digest-cs.CL-2024-12-31.md")
    assert (result.digest.name, result.digest.date) == ("digest-cs.CL-2024-12-31", "2024-12-31")
    assert read_digest(CANON, source="notes-2024-13-45.md").digest.date == ""


def test_control_characters_and_bad_utf8_are_cleaned():
    text = (
        CANON.replace("标题一", "标题\x1b[31m一\u202e")
        .encode()
        .replace("第三篇摘要".encode(), b"\xff\xfe\xe4")
    )
    papers = read_digest(text, source="x.md").digest.papers
    assert papers[0].title_zh == "标题[31m一"
    assert "\ufffd" in papers[2].abstract_zh
    for paper in papers:
        for value in fields(paper)[3:8]:
            assert "\x1b" not in value and "\u202e" not in value


def test_single_space_announce_header():
    text = CANON.replace("Type: cross  Abstract:", "Type: new Abstract:")
    paper = read(text).digest.papers[0]
    assert paper.announce_type == "new"
    assert paper.abstract_en == "English abstract one with [^3] and `ticks`."


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=60),
            st.sampled_from(["delete", "dup", "junk", "indent", "strip"]),
            st.text(max_size=8),
        ),
        max_size=6,
    )
)
def test_damaged_documents_never_crash(edits):
    lines = CANON.split("\n")
    for at, op, junk in edits:
        i = at % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "junk":
            lines.insert(i, junk)
        elif op == "indent":
            lines[i] = "\t" + lines[i]
        else:
            lines[i] = lines[i].strip()
        if not lines:
            lines = [""]
    text = "\n".join(lines)
    try:
        result = read(text)
    except InputError as err:
        assert "test.md" in str(err)
        return
    # Line numbers count lines as the reader does, after "\r\n" and "\r" become "\n".
    total = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert all(0 <= p.line <= total for p in result.problems)
    for paper in result.digest.papers:
        assert paper.id and paper.url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://arxiv.org/abs/2403.10056", ("2403.10056", "")),
        ("http://arxiv.org/abs/2307.03691v2", ("2307.03691", "v2")),
        ("https://rss.arxiv.org/abs/2402.01614", ("2402.01614", "")),
        ("https://arxiv.org/pdf/2403.10056v1.pdf", ("2403.10056", "v1")),
        ("https://arxiv.org/pdf/hep-th/9901001", ("hep-th/9901001", "")),
        ("arXiv:2403.10056v1", ("2403.10056", "v1")),
        ("oai:arXiv.org:0704.0001v3", ("0704.0001", "v3")),
        ("math.GT/0309136", ("math.GT/0309136", "")),
        ("https://example.com/abs/2403.10056", None),
        ("2403.100567", None),
        ("", None),
    ],
)
def test_parse_arxiv_id(text, expected):
    assert parse_arxiv_id(text) == expected


def test_arxiv_id_re_finds_ids_in_text():
    found = [m.group("id", "version") for m in ARXIV_ID_RE.finditer(
        "see 2403.10056v2, hep-th/9901001 and math.GT/0309136; not 12403.100567"
    )]  # fmt: skip
    assert found == [("2403.10056", "v2"), ("hep-th/9901001", None), ("math.GT/0309136", None)]
