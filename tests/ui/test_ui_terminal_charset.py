"""The reader under a locale that is not UTF-8 (bug hunt `terminal`).

Under zh_CN.GBK every unread row began with the six characters `\\u2022` instead
of "•", pushing the row into the detail pane; under Latin-1 every Chinese
character was such an escape, and nothing said why.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from ui_support import make_app, notifications, settle

from tui_digest.ui import app as reader_app
from tui_digest.ui import frame_rate, launch, start_gc, terminal_charset

ROW = "• 低秩适配 LoTR ▏ ↻ ▔"


def terminal(encoding: str) -> io.TextIOWrapper:
    """A standard error as Python opens it under that locale."""
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace")


def written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode(stream.encoding)


class FakeApp:
    """Draws one row on standard error as Textual's driver does."""

    return_code = 0

    def __init__(self, start_note: str) -> None:
        self.start_note = start_note

    def run(self) -> None:
        sys.__stderr__.write(ROW)


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
def test_the_reader_draws_a_missing_character_as_one_mark_per_cell(
    monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    stream = terminal(encoding)
    made: list[FakeApp] = []

    def fake_make_app(db_path: str | None, *, start_note: str = "") -> FakeApp:
        made.append(FakeApp(start_note))
        return made[-1]

    monkeypatch.setattr(sys, "__stderr__", stream)
    monkeypatch.setattr(reader_app, "make_app", fake_make_app)
    monkeypatch.setattr(frame_rate, "raise_frame_rate", lambda: None)
    monkeypatch.setattr(start_gc, "pause", lambda: None)
    monkeypatch.setenv("LC_ALL", "zh_CN.GBK" if encoding == "gbk" else "en_US.ISO-8859-1")
    assert launch.run_reader("unused") == 0
    row = written(stream)
    assert "\\u" not in row
    assert cell_len(row) == cell_len(ROW)  # (the layout holds)
    assert row.startswith("? ")
    if encoding == "gbk":
        assert "低秩适配 LoTR" in row
    else:
        assert row.startswith("? ???????? LoTR")
    assert "LC_ALL=" in made[0].start_note and "not UTF-8" in made[0].start_note
    assert stream.errors == "backslashreplace"  # (restored once the reader ends)


def test_under_utf8_nothing_changes_and_nothing_is_said() -> None:
    stream = terminal("utf-8")
    with terminal_charset.drawn_in_locale(stream, {"LANG": "C.UTF-8"}) as note:
        stream.write(ROW)
    assert note == ""
    assert written(stream) == ROW


def test_the_note_names_the_locale() -> None:
    environ = {"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.GBK"}
    with terminal_charset.drawn_in_locale(terminal("gbk"), environ) as note:
        pass
    assert "LC_ALL=zh_CN.GBK" in note and "gbk" in note and "UTF-8" in note


async def test_the_reader_says_the_note_at_the_start(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    app.start_note = terminal_charset.note("gbk", {"LANG": "zh_CN.GBK"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    said = [n for n in notifications(app) if n.title == "Terminal"]
    assert len(said) == 1 and "LANG=zh_CN.GBK" in said[0].message and not said[0].markup
