"""Markdown digests in every shape the format doc lists, and hostile ones."""

from __future__ import annotations

import os
import re

import pytest

from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.model import InputError, Paper
from tui_digest.core.readers import read_document
from tui_digest.core.sanitize import MAX_TEXT, TRUNCATION_MARKER, is_safe_url

from .inputs import big_digest, markdown_digest

PAPERS = [
    Paper(
        id="2403.10056", version="v1", url="https://arxiv.org/abs/2403.10056",
        title_en="New style | with `ticks` *stars* [brackets]", title_zh="新格式标题",
        summary_zh="新格式的总结 | 含竖线。", abstract_en="English abstract one.",
        abstract_zh="中文摘要一。", announce_type="cross",
    ),
    Paper(
        id="2310.03635", version="v2", url="http://arxiv.org/abs/2310.03635",
        title_en="An old title", title_zh="旧标题", summary_zh="旧格式的总结。",
        abstract_en="Old abstract, cut mid-wo", abstract_zh="旧摘要。",
        categories=["cs.AI"], announce_type="updated",
    ),
    Paper(
        id="hep-th/9901001", version="v1", url="https://arxiv.org/abs/hep-th/9901001",
        title_en="Old-style id", title_zh="旧编号", summary_zh="第三篇。",
        abstract_en="Third abstract.", abstract_zh="第三篇摘要。",
    ),
]  # fmt: skip
IDS = [p.id for p in PAPERS]
CANONICAL = write_digest(PAPERS)


def read(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    result = read_document(data, source="d.md")
    assert result.format == "digest"
    return result


def problems(result) -> list[str]:
    return [p.format("d.md") for p in result.problems]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def footnote(text: str, n: int) -> str:
    """The text of footnote [^n], up to the next one."""
    start = text.index(f"\n[^{n}]:") + 1
    nxt = text.find("\n[^", start)
    return text[start : nxt + 1 if nxt >= 0 else len(text)]


def row(text: str, n: int) -> str:
    return next(x + "\n" for x in text.split("\n") if x.startswith(f"| [^{n}] |"))


# --- The variations of docs/digest-format.md: every paper kept, same fields -------------


def _missing_blank_line(t: str) -> str:
    note = footnote(t, 1)
    return t.replace(note, note.replace("新格式标题\n\n", "新格式标题\n", 1))


def _reordered_footnotes(t: str) -> str:
    notes = [footnote(t, n) for n in (1, 2, 3)]
    return t.replace("".join(notes), notes[2] + notes[0] + notes[1])


SAME_PAPERS = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "tabs-for-indent": lambda t: t.replace("\n    ", "\n\t"),
    "trailing-spaces": lambda t: t.replace("\n", "  \n"),
    "no-final-closing-line": lambda t: t.rstrip(" \n") + "\n",
    "missing-blank-line-after-title": _missing_blank_line,
    "footnotes-out-of-order": _reordered_footnotes,
    "rows-out-of-order": lambda t: t.replace(row(t, 1) + row(t, 2), row(t, 2) + row(t, 1)),
}


@pytest.mark.parametrize("variant", list(SAME_PAPERS))
def test_layout_variation_reads_the_same_papers(variant):
    result = read(SAME_PAPERS[variant](CANONICAL))
    assert problems(result) == []
    got = {p.id: p for p in result.digest.papers}
    assert sorted(got) == sorted(IDS)
    for want in PAPERS:
        p = got[want.id]
        # Abstracts keep the spaces at their ends by design (digest_format docstring).
        assert (p.title_en, p.title_zh, p.summary_zh) == (
            want.title_en,
            want.title_zh,
            want.summary_zh,
        )
        assert (p.abstract_zh.rstrip(), p.abstract_en.rstrip()) == (
            want.abstract_zh, want.abstract_en,
        )  # fmt: skip
        assert (p.version, p.announce_type, p.url) == (want.version, want.announce_type, want.url)


def test_markdown_in_fields_is_not_structure():
    p = read(CANONICAL).digest.papers[0]
    assert p.title_en == "New style | with `ticks` *stars* [brackets]"
    assert p.summary_zh == "新格式的总结 | 含竖线。"


def test_row_without_footnote_read_from_table_with_warning():
    text = CANONICAL.replace(footnote(CANONICAL, 2), "")
    result = read(text)
    assert [p.id for p in result.digest.papers] == IDS
    at = line_of(text, "| [^2] |")
    assert f"d.md:{at}: warning: table row [^2] has no footnote; read from the table" in problems(
        result
    )
    # The cell as written, with the period old feeds put before the (arXiv:…) suffix.
    assert result.digest.papers[1].title_en == "An old title."


def test_footnote_without_row_kept_with_warning():
    text = CANONICAL.replace(row(CANONICAL, 3), "")
    result = read(text)
    assert sorted(p.id for p in result.digest.papers) == sorted(IDS)
    at = line_of(text, "[^3]:")
    assert f"d.md:{at}: warning: footnote [^3] has no table row" in problems(result)


def test_same_ref_twice_keeps_both_and_warns():
    again = row(CANONICAL, 3).replace("hep-th/9901001", "hep-th/9901002")
    text = CANONICAL.replace(row(CANONICAL, 3), row(CANONICAL, 3) + again)
    result = read(text)
    assert len(result.digest.papers) == 4
    second = text.index(row(CANONICAL, 3)) + len(row(CANONICAL, 3))
    at = text[:second].count("\n") + 1
    assert any(f"d.md:{at}: warning: table ref [^3] used again" in p for p in problems(result))


def test_missing_chinese_abstract_and_summary_keep_the_rest():
    note = footnote(CANONICAL, 1)
    short = note.replace("    中文摘要一。\n\n", "")
    result = read(CANONICAL.replace(note, short))
    p = result.digest.papers[0]
    assert (p.id, p.abstract_zh, p.abstract_en) == ("2403.10056", "", "English abstract one.")
    assert [q.id for q in result.digest.papers] == IDS


def test_english_only_digest():
    text = markdown_digest(title_zh="An English title", title_en="", summary_zh="", abstract_zh="")
    text = text.replace("\n\n    \n\n    \n\n    \n\n", "\n\n")
    result = read(text)
    p = result.digest.papers[0]
    assert p.id == "2403.10056" and p.abstract_en == "English abstract."
    assert p.title_zh == "" and p.abstract_zh == ""


# --- Hostile documents ------------------------------------------------------------------


def test_binary_garbage_is_refused_naming_the_source():
    with pytest.raises(InputError, match=r"^d\.md: binary data, not a digest or feed$"):
        read_document(bytes(range(256)) * 20 + os.urandom(4096), source="d.md")


def test_binary_garbage_after_a_digest_heading_is_refused():
    with pytest.raises(InputError, match="binary data"):
        read_document("# 摘要\n\n".encode() + os.urandom(8192), source="d.md")


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n"])
def test_empty_file_is_refused_as_empty(data):
    with pytest.raises(InputError, match=r"^d\.md: empty document$"):
        read_document(data, source="d.md")


def test_file_of_only_a_bom_is_refused():
    with pytest.raises(InputError, match=r"^d\.md: not a digest or feed"):
        read_document(b"\xef\xbb\xbf\n", source="d.md")


def test_ten_thousand_papers_all_kept():
    result = read(big_digest(10_000))
    assert problems(result) == []
    papers = result.digest.papers
    assert len(papers) == 10_000 and len({p.id for p in papers}) == 10_000
    assert papers[-1].title_zh == "第10000篇论文"


def test_footnote_body_of_one_megabyte_is_capped_and_the_rest_kept():
    text = markdown_digest(abstract_en="A" * 1_000_000, arxiv_id="2403.00001")
    text += markdown_digest(arxiv_id="2403.00002").split("# 详细\n\n")[1].replace("[^1]", "[^2]")
    result = read(text)
    first, second = result.digest.papers
    assert len(first.abstract_en) == MAX_TEXT and first.abstract_en.endswith(TRUNCATION_MARKER)
    assert (first.title_en, first.abstract_zh, first.summary_zh) == (
        "English title", "中文摘要。", "一句话总结。"
    )  # fmt: skip
    assert second.id == "2403.00002" and second.abstract_en == "English abstract."


@pytest.mark.parametrize("ref", ["0", "999999999999", "99999999999999999999999"])
def test_odd_numeric_refs_are_kept(ref):
    result = read(markdown_digest().replace("[^1]", f"[^{ref}]"))
    assert [p.id for p in result.digest.papers] == ["2403.10056"]
    assert problems(result) == []


def test_negative_ref_row_is_reported_by_line():
    text = markdown_digest().replace("[^1]", "[^-1]")
    result = read_digest(text, source="d.md")
    at = line_of(text, "| [^-1] |")
    assert f"d.md:{at}: warning: table row not understood; skipped" in problems(result)


def test_negative_ref_footnote_is_reported_by_line():
    text = markdown_digest().replace("[^1]", "[^-1]")
    result = read_digest(text, source="d.md")
    at = line_of(text, "[^-1]:")
    assert any(p.startswith(f"d.md:{at}: ") and "[^-1]" in p for p in problems(result))


def test_nested_brackets_in_titles():
    title = "A [nested [deep] bracket] (x) title ](y)"
    result = read(markdown_digest(title_en=title))
    assert problems(result) == []
    assert result.digest.papers[0].title_en == title


def test_javascript_target_in_table_is_stored_but_never_openable():
    text = markdown_digest().replace(
        "[English title](https://arxiv.org/abs/2403.10056)", "[English title](javascript:alert)"
    )
    p = read(text).digest.papers[0]
    assert p.url == "https://arxiv.org/abs/2403.10056" and is_safe_url(p.url)
    assert p.extras["table_url"] == "javascript:alert"
    assert not is_safe_url(p.extras["table_url"])


def test_javascript_target_in_footnote_is_reported_and_not_used_as_the_link():
    link = "[https://arxiv.org/abs/2403.10056](https://arxiv.org/abs/2403.10056)"
    text = markdown_digest().replace(
        "    " + link, "    [https://arxiv.org/abs/2403.10056](javascript:void)"
    )
    result = read(text)
    at = line_of(text, "[^1]:")
    assert problems(result) == [
        f"d.md:{at}: warning: [^1]: link 'javascript:void' is not an arXiv link"
    ]
    p = result.digest.papers[0]
    assert p.url == "https://arxiv.org/abs/2403.10056"
    assert all("javascript:" not in v for v in (p.url, *p.extras.values()))


def test_javascript_target_with_parentheses_never_becomes_a_link():
    text = markdown_digest().replace(
        "[English title](https://arxiv.org/abs/2403.10056)", "[English title](javascript:alert(1))"
    )
    result = read(text)
    p = result.digest.papers[0]
    assert p.url == "https://arxiv.org/abs/2403.10056"
    assert not any(is_safe_url(v) and "javascript" in v for v in p.extras.values())
    assert any(re.search(r"d\.md:5: warning: table row \[\^1\] has no \[title\]\(link\)", x)
               for x in problems(result))  # fmt: skip


def test_one_bad_footnote_never_drops_the_others():
    text = CANONICAL.replace(footnote(CANONICAL, 2), "[^2]: \x00\x01 garbage only\n\n    ???\n")
    text = text.replace(row(CANONICAL, 2), "| [^2] | broken row |\n")
    result = read_digest(text, source="d.md")
    assert [p.id for p in result.digest.papers] == ["2403.10056", "hep-th/9901001"]
    assert any("[^2]" in p and "skipped" in p for p in problems(result))
