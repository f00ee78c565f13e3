"""A stray `[^N]:` line inside the summary table (bug hunt `fuzz` #5): the rows
after it are still rows. It ended the table, so every later row was lost, and
in the 2023 layout (the summary only in the table) those papers lost their
Chinese summary."""

from __future__ import annotations

from tui_digest.core.digest_format import read_digest


def row(k: int) -> str:
    return f"| [^{k}] | [Title {k}.](http://arxiv.org/abs/2303.0614{k}) | 摘要{k}。 |"


def note(k: int) -> str:
    return (
        f"[^{k}]: 标题{k}\n\n    Title {k}. (arXiv:2303.0614{k}v1 [cs.LG])\n\n"
        f"    [http://arxiv.org/abs/2303.0614{k}](http://arxiv.org/abs/2303.0614{k})\n\n"
        f"    中文摘要{k}，本文提出了一种方法。\n\n"
        f"    English abstract {k} of the paper.\n    \n"
    )


def digest(rows: list[str]) -> str:
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n\n# 详细\n\n"
        + "".join(note(k) for k in (1, 2, 3, 4))
    )


def read(text: str):
    result = read_digest(text.encode(), source="d.md")
    return result.digest.papers, [p.format("d.md") for p in result.problems]


def test_a_stray_footnote_line_between_rows_keeps_the_later_rows():
    # Before: rows 3 and 4 were read as the body of footnote [^99]; papers 3 and
    # 4 lost their summary, with "has no table row" for each.
    rows = [row(1), row(2), "[^99]: x", row(3), row(4)]
    papers, messages = read(digest(rows))
    assert [p.summary_zh for p in papers] == ["摘要1。", "摘要2。", "摘要3。", "摘要4。"]
    assert [p.abstract_en for p in papers] == [
        f"English abstract {k} of the paper." for k in (1, 2, 3, 4)
    ]
    assert messages == [
        "d.md:7: warning: [^99]: line inside the summary table, followed by more rows; "
        "not read as a footnote, skipped"
    ]


def test_a_footnote_right_after_the_last_row_is_still_a_footnote():
    # No heading or blank line between the table and the first footnote.
    text = digest([row(1), row(2), row(3), row(4)]).replace("\n\n# 详细\n\n", "\n")
    papers, messages = read(text)
    assert [p.summary_zh for p in papers] == ["摘要1。", "摘要2。", "摘要3。", "摘要4。"]
    assert [p.abstract_en for p in papers] == [
        f"English abstract {k} of the paper." for k in (1, 2, 3, 4)
    ]
    assert messages == []
