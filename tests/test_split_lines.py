"""`text_stream.split_lines` gives the lines `str.split("\\n")` gives, long ones cut.

It reads `READ_CHARS` at a time and splits each read (issue 13 req 1); small
caps and reads here put line ends, long lines and read boundaries everywhere.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core import text_stream
from tui_digest.core.text_stream import split_lines

TEXT = st.text(alphabet="ab\n模", max_size=80)


def expected(text: str, cap: int) -> list[str]:
    return [line if len(line) <= cap else line[: cap + 1] for line in text.split("\n")]


@settings(max_examples=500, deadline=None)
@given(TEXT, st.integers(1, 12), st.integers(1, 20))
def test_lines_are_str_split_with_long_ones_cut(text, cap, size):
    saved = text_stream.LINE_CAP, text_stream.READ_CHARS
    text_stream.LINE_CAP, text_stream.READ_CHARS = cap, size
    try:
        assert list(split_lines(io.StringIO(text))) == expected(text, cap)
    finally:
        text_stream.LINE_CAP, text_stream.READ_CHARS = saved


def test_edges_at_the_real_cap():
    cap = text_stream.LINE_CAP
    for text in ("", "\n", "a", "a\n", "a\n\nb", "x" * cap, "x" * cap + "\ny", "x" * (cap + 1),
                 "y\n" + "x" * (cap + 1) + "\nz", "x" * (3 * cap) + "z\nw"):  # fmt: skip
        assert list(split_lines(io.StringIO(text))) == expected(text, cap)


def test_line_ends_are_universal_through_a_text_wrapper():
    raw = b"a\r\nb\rc\n\r\nd"
    lines = list(split_lines(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline=None)))
    assert lines == ["a", "b", "c", "", "d"]
