"""The reader under a locale that is not UTF-8 (bug hunts `terminal`, `regui`).

Under zh_CN.GBK the terminal sends its keys in GBK and Textual decodes them as
strict UTF-8: the first Chinese character typed crashed the reader (the note
being typed lost) and the process exited 0. The reader now refuses such a
locale before drawing anything, saying how to start it; a crash exits 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ui_support import make_app, settle

from tui_digest.ui import app as reader_app
from tui_digest.ui import frame_rate, launch, start_gc, terminal_charset


class FakeApp:
    """Stands for the reader: how it ended is all `run_reader` reads."""

    def __init__(self, return_code: int | None, crashed: bool) -> None:
        self.return_code = return_code
        self.crashed = crashed

    def run(self) -> None:
        pass


def fake_reader(monkeypatch: pytest.MonkeyPatch, made: list[FakeApp], app: FakeApp) -> None:
    def fake_make_app(db_path: str | None) -> FakeApp:
        made.append(app)
        return app

    monkeypatch.setattr(reader_app, "make_app", fake_make_app)
    monkeypatch.setattr(frame_rate, "raise_frame_rate", lambda: None)
    monkeypatch.setattr(start_gc, "pause", lambda: None)


@pytest.mark.parametrize(
    ("encoding", "setting"), [("GBK", "zh_CN.GBK"), ("ISO-8859-1", "en_US.ISO-8859-1")]
)
def test_the_reader_refuses_a_locale_that_is_not_utf8_before_drawing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], encoding: str, setting: str
) -> None:
    made: list[FakeApp] = []
    fake_reader(monkeypatch, made, FakeApp(0, False))
    monkeypatch.setattr(terminal_charset.locale, "getencoding", lambda: encoding)
    monkeypatch.setenv("LC_ALL", setting)
    assert launch.run_reader("unused") == 2
    assert made == []  # (no app, no screen)
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.startswith("tui-digest: the reader needs a UTF-8 locale")
    assert f"LC_ALL={setting}, {encoding}" in said.err
    assert "`LC_ALL=C.UTF-8 tui-digest`" in said.err and "zh_CN.UTF-8" in said.err
    assert "commands for scripts" in said.err and "any locale" in said.err


@pytest.mark.parametrize("encoding", ["UTF-8", "utf8", "ANSI_X3.4-1968"])
def test_utf8_and_the_c_locale_start_the_reader(encoding: str) -> None:
    assert terminal_charset.refusal(encoding, {"LC_ALL": "C"}) == ""


@pytest.mark.parametrize("setting", [{"LANG": "C"}, {"LC_ALL": "C"}, {"LC_ALL": "C.UTF-8"}])
def test_pythons_c_locale_coercion_keeps_working(setting: dict[str, str]) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE")}
    environ.pop("PYTHONUTF8", None)
    code = "from tui_digest.ui.terminal_charset import refusal; print(repr(refusal()))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ | setting, capture_output=True, text=True
    )
    assert done.stdout.strip() == "''", done.stderr


def test_the_refusal_names_the_variable_that_sets_the_locale() -> None:
    environ = {"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.GBK"}
    assert "(LC_ALL=zh_CN.GBK, gbk)" in terminal_charset.refusal("gbk", environ)
    assert "(LC_CTYPE=zh_CN.GBK, gbk)" in terminal_charset.refusal("gbk", {"LC_CTYPE": "zh_CN.GBK"})


@pytest.mark.parametrize(("return_code", "crashed", "status"), [(None, True, 1), (0, False, 0)])
def test_a_crash_of_the_reader_never_exits_0(
    monkeypatch: pytest.MonkeyPatch, return_code: int | None, crashed: bool, status: int
) -> None:
    fake_reader(monkeypatch, [], FakeApp(return_code, crashed))
    monkeypatch.setattr(terminal_charset, "refusal", lambda: "")
    assert launch.run_reader("unused") == status


async def test_a_panic_such_as_the_input_threads_marks_the_reader_crashed(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.crashed
        app.panic("input thread died")  # (what Textual's driver calls on its error)
    assert app.crashed and app.return_code is None


class Stream:
    """Stands for `sys.__stdout__`/`sys.__stderr__`: its encoding is all the check reads."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding


@pytest.mark.parametrize("encoding", ["ascii", "gb18030", "latin-1"])
def test_the_reader_refuses_output_that_is_not_utf8(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    """Under PYTHONIOENCODING=ascii (or gb18030) in a UTF-8 terminal the reader drew
    its rows and every Chinese character as `\\u4e0d` escapes (or GB18030 bytes:
    mojibake), exit 0; the locale alone was checked (found by a bug hunt). Textual
    writes the screen to `sys.__stderr__` (`sys.__stdout__` on Windows)."""
    made: list[FakeApp] = []
    fake_reader(monkeypatch, made, FakeApp(0, False))
    monkeypatch.setattr(terminal_charset.locale, "getencoding", lambda: "UTF-8")
    monkeypatch.setenv("PYTHONIOENCODING", encoding)
    monkeypatch.setattr(sys, "__stdout__", Stream(encoding))
    monkeypatch.setattr(sys, "__stderr__", Stream(encoding))
    assert launch.run_reader("unused") == 2
    assert made == []
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.startswith("tui-digest: the reader needs UTF-8 output")
    assert f"PYTHONIOENCODING={encoding}" in said.err
    assert "`PYTHONIOENCODING=utf-8 tui-digest`" in said.err
    assert "commands for scripts" in said.err


@pytest.mark.parametrize("setting", ["ascii", "gb18030", "utf-8", "utf-8:strict", ""])
def test_the_output_check_under_a_real_pythonioencoding(setting: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    environ |= {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": setting}
    code = "from tui_digest.ui.terminal_charset import refusal; print(repr(refusal()))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, encoding="utf-8"
    )
    if setting.startswith("utf-8") or not setting:
        assert done.stdout.strip() == "''", done.stderr
    else:
        assert "needs UTF-8 output" in done.stdout, done.stderr
        assert f"(PYTHONIOENCODING={setting}" in done.stdout


def test_a_closed_output_stream_is_not_refused_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "__stdout__", None)
    assert terminal_charset.refusal("UTF-8", {}, streams=[None, Stream("utf-8")]) == ""
