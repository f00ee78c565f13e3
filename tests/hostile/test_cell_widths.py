"""Issue 11 item 12 (display half): list rows keep their columns in every terminal.

rich measures `👨‍👩‍👧` as 2 cells; a terminal that does not know the sequence draws 6, and
every later column moves. The list and the CLI tables only show characters whose width
all terminals agree on (`core/cells.py`).
"""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from tui_digest import cli
from tui_digest.core.cells import MAX_MARKS, steady
from tui_digest.ui.widgets.list_cells import cell, fit

from .inputs import markdown_digest

HOSTILE = {
    "zwj family": "👨\u200d👩\u200d👧 family",
    "rainbow flag": "🏳\ufe0f\u200d🌈 pride",
    "skin tone": "👍🏽 thumbs",
    "heart with VS16": "\u2764\ufe0f love",
    "flag": "🇨🇳 China",
    "zalgo": "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307" * 5 + "algo",
    "leading mark": "\u0301\u20dd title",
    "hangul filler": "\u3164\u3164\u115f\u1160\uffa0 name",
    "zero width": "a\u200bb\u2060c\ufeffd\u00ade",
    "tag characters": "hi\U000e0068\U000e0069",
}

# Characters terminals draw at different widths (the test's own list, not the code's).
DISAGREE = {0x200D, 0xFE0F, 0xFE0E, 0x3164, 0x115F, 0x1160, 0xFFA0, 0x200B, 0x2060, 0xFEFF, 0xAD}
DISAGREE |= set(range(0x1F3FB, 0x1F400)) | set(range(0x1F1E6, 0x1F200))
DISAGREE |= set(range(0xE0000, 0xE0080))


def disagreeing(text: str) -> list[str]:
    bad = [f"U+{ord(c):04X}" for c in text if ord(c) in DISAGREE]
    run = 0
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if i == 0 or run > MAX_MARKS:
                bad.append(f"mark U+{ord(ch):04X} at {i}")
        else:
            run = 0
    return bad


@pytest.mark.parametrize("name", list(HOSTILE))
def test_list_cells_hold_only_characters_every_terminal_draws_alike(name):
    for width in (1, 6, 12, 40):
        out = cell(HOSTILE[name], width)  # the paper list's own cell function
        assert disagreeing(out) == [], (name, width, ascii(out))
        assert cell_len(out) == width


def test_what_is_visible_is_kept():
    assert steady(HOSTILE["zwj family"]) == "👨👩👧 family"
    assert steady(HOSTILE["flag"]) == "CN China"
    assert steady(HOSTILE["heart with VS16"]) == "\u2764 love"
    assert steady(HOSTILE["hangul filler"]) == " name"
    assert steady("Tiếng Việt 中文") == "Tiếng Việt 中文"  # composed, two marks allowed
    assert steady("e\u0301") == "é"
    assert fit("中文标题", 5) == "中文…"


def test_cli_search_columns_stay_aligned(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "cache.db"))
    for i, title in enumerate(HOSTILE.values()):
        path = tmp_path / f"digest-2024-03-{10 + i}.md"
        text = markdown_digest(title_en="X " + title, arxiv_id=f"2403.{10050 + i}")
        path.write_text(text, encoding="utf-8")
        assert cli.main(["import", str(path)]) == 0
    capsys.readouterr()
    assert cli.main(["search", "X"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("2403.")]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert disagreeing(row) == [], ascii(row)
        assert row.index("X ") == rows[0].index("X ")  # the title column starts in one place
