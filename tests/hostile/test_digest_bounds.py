"""Issue 11 item 3 for the Markdown reader: no input makes it quadratic.

Two shapes were: a table row full of `](` (the fallback row pattern scanned to the
end of the line for each one: a 150 KB row took 79 s) and many problems (each
counted its line from the start of the document: 50,000 bad labels took 12 s).
Each case runs in a subprocess with a ceiling 20-100 times what it takes now, so a
quadratic reader fails by timing out instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui_digest.core.digest_format import read_digest

HEAD = "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"

CASES = {
    # ~90 minutes before the fix (quadratic in the row's length)
    "row of '](' (1.5 MB)": "HEAD + '| [^1] | [' + 'a](' * 500_000 + '\\n'",
    # ~2 minutes before the fix
    "150,000 footnotes with bad labels": (
        "HEAD + '\\n'.join(f'[^x{i}]: t' for i in range(150_000))"
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_digest_shapes_read_in_linear_time(case):
    code = (
        "from tui_digest.core.readers import read_document\n"
        f"HEAD = {HEAD!r}\n"
        f"text = {CASES[case]}\n"
        "r = read_document(text.encode(), source='d.md')\n"
        "print(len(r.digest.papers), len(r.problems))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]


def test_problem_lines_stay_right_past_the_direct_count():
    labels = "\n".join(f"[^x{i}]: t" for i in range(40))  # more than _Lines.DIRECT
    result = read_digest(HEAD + "\n" + labels + "\n")
    lines = [p.line for p in result.problems if "is not a number" in p.message]
    assert lines == list(range(6, 46))


def test_a_footnote_repeated_many_times_is_one_short_problem():
    note = (
        "[^1]: t\n\n    [https://arxiv.org/abs/2401.{:05d}](https://arxiv.org/abs/2401.{:05d})\n\n"
    )
    text = HEAD + "".join(note.format(i, i) for i in range(1, 1001))
    [repeated] = [p for p in read_digest(text).problems if "appears" in p.message]
    assert repeated.message.startswith("footnote [^1] appears 1000 times (lines 5, 9, 13,")
    assert repeated.message.endswith(", …)") and len(repeated.message) < 200
