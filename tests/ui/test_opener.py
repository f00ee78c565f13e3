"""Opening links and copying text: a fake $BROWSER and clipboard tools, and none at all."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from textual.app import App
from ui_support import RECORDED, Note, make_app, notes, settle

from tui_digest.ui import opener
from tui_digest.ui.opener import (
    browser_commands,
    clipboard_commands,
    copy_for_user,
    copy_with_tool,
    open_in_browser,
    open_url,
)

URL = "https://arxiv.org/abs/2402.01118"


def fake_program(folder: Path, name: str, *, exit_code: int = 0) -> Path:
    """An executable that records its arguments and standard input, then exits."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    log = folder / f"{name}.log"
    path.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "data = sys.stdin.buffer.read() if not sys.stdin.isatty() else b''\n"
        f"with open({str(log)!r}, 'ab') as f:\n"
        "    f.write(repr((sys.argv[1:], data)).encode() + b'\\n')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def calls(folder: Path, name: str) -> list[tuple[list[str], bytes]]:
    log = folder / f"{name}.log"
    if not log.exists():
        return []
    return [eval(line) for line in log.read_text().splitlines()]


# --- Choosing commands ----------------------------------------------------------------------


def test_browser_commands_follow_the_browser_convention_then_the_platform():
    env = {"BROWSER": "firefox --new-tab:w3m -dump %s:'my browser' --x"}
    assert browser_commands(URL, env, "linux") == [
        ["firefox", "--new-tab", URL],
        ["w3m", "-dump", URL],
        ["my browser", "--x", URL],
        ["xdg-open", URL],
    ]
    assert browser_commands(URL, {}, "darwin") == [["open", URL]]
    assert browser_commands(URL, {"BROWSER": "'unbalanced"}, "win32") == []


def test_clipboard_commands_depend_on_the_display():
    assert clipboard_commands({}, "linux") == []  # e.g. over SSH
    assert [c[0] for c, _ in clipboard_commands({"DISPLAY": ":0"}, "linux")] == ["xclip", "xsel"]
    assert clipboard_commands({"WAYLAND_DISPLAY": "w-0"}, "linux") == [(["wl-copy"], "utf-8")]
    assert clipboard_commands({"WSL_DISTRO_NAME": "Ubuntu"}, "linux") == [
        (["clip.exe"], "utf-16-le")
    ]
    assert clipboard_commands({}, "darwin") == [(["pbcopy"], "utf-8")]


# --- Running them ---------------------------------------------------------------------------


def test_a_fake_browser_receives_the_url(tmp_path):
    bin_dir = tmp_path / "bin"
    browser = fake_program(bin_dir, "fake-browser")
    env = {"BROWSER": str(browser), "PATH": str(bin_dir)}
    assert open_url(URL, env=env, platform="linux") == opener.Outcome(True, "fake-browser")
    assert calls(bin_dir, "fake-browser") == [([URL], b"")]


def test_a_failing_browser_falls_through_to_the_next(tmp_path):
    bin_dir = tmp_path / "bin"
    broken = fake_program(bin_dir, "broken", exit_code=3)
    fake_program(bin_dir, "xdg-open")
    env = {"BROWSER": f"{broken} %s", "PATH": str(bin_dir)}
    assert open_url(URL, env=env, platform="linux") == opener.Outcome(True, "xdg-open")
    assert calls(bin_dir, "broken") == [([URL], b"")]
    assert calls(bin_dir, "xdg-open") == [([URL], b"")]


def test_no_browser_at_all_is_reported_not_ignored(tmp_path):
    (tmp_path / "empty").mkdir()
    env = {"PATH": str(tmp_path / "empty")}
    assert open_url(URL, env=env, platform="linux") == opener.Outcome(False)
    assert open_url(URL, env={"BROWSER": "/no/such/browser"}, platform="linux").ok is False


def test_only_http_links_are_opened(tmp_path):
    bin_dir = tmp_path / "bin"
    browser = fake_program(bin_dir, "fake-browser")
    env = {"BROWSER": str(browser)}
    assert open_url("file:///etc/passwd", env=env, platform="linux").ok is False
    assert open_url("javascript:alert(1)", env=env, platform="linux").ok is False
    assert calls(bin_dir, "fake-browser") == []


def test_copy_uses_the_first_clipboard_tool_that_works(tmp_path):
    bin_dir = tmp_path / "bin"
    fake_program(bin_dir, "xclip", exit_code=1)  # e.g. "Can't open display"
    fake_program(bin_dir, "xsel")
    env = {"DISPLAY": ":0", "PATH": str(bin_dir)}
    assert copy_with_tool("Pokémon", env=env, platform="linux") == opener.Outcome(True, "xsel")
    assert calls(bin_dir, "xsel") == [(["--clipboard", "--input"], "Pokémon".encode())]
    assert calls(bin_dir, "xclip") == [(["-selection", "clipboard"], "Pokémon".encode())]


def test_copy_on_wsl_sends_utf16(tmp_path):
    bin_dir = tmp_path / "bin"
    fake_program(bin_dir, "clip.exe")
    env = {"WSL_DISTRO_NAME": "Ubuntu", "PATH": str(bin_dir)}
    assert copy_with_tool("注意", env=env, platform="linux").ok
    assert calls(bin_dir, "clip.exe") == [([], "注意".encode("utf-16-le"))]


def test_copy_without_any_tool_reports_failure(tmp_path):
    (tmp_path / "empty").mkdir()
    env = {"DISPLAY": ":0", "PATH": str(tmp_path / "empty")}
    assert copy_with_tool("x", env=env, platform="linux") == opener.Outcome(False)


# --- In the reader ---------------------------------------------------------------------------


class NoteApp(App):
    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        RECORDED.setdefault(self, []).append(Note(str(message), title, severity, markup))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


@pytest.fixture
def bare_env(tmp_path, monkeypatch):
    """No $BROWSER, no display, and a PATH with no opener or clipboard tool."""
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(opener, "PLATFORM", "linux")
    return empty


async def test_with_no_browser_the_notification_carries_the_url(bare_env):
    app = NoteApp()
    async with app.run_test() as pilot:
        open_in_browser(app, URL, "abstract page")
        await settle(pilot)
        (note,) = notes(app)
    assert "No browser could be started" in note and URL in note


async def test_with_a_fake_browser_the_notification_names_it(tmp_path, monkeypatch, bare_env):
    bin_dir = tmp_path / "bin"
    monkeypatch.setenv("BROWSER", str(fake_program(bin_dir, "fake-browser")))
    app = NoteApp()
    async with app.run_test() as pilot:
        open_in_browser(app, URL + "v2", "PDF")
        await settle(pilot)
        (note,) = notes(app)
    assert note.startswith("Opened the PDF with fake-browser")
    assert calls(bin_dir, "fake-browser") == [([URL + "v2"], b"")]


async def test_unsafe_link_is_refused_with_a_note(bare_env):
    app = NoteApp()
    async with app.run_test() as pilot:
        open_in_browser(app, "file:///etc/passwd")
        await settle(pilot)
        assert "not http(s)" in notes(app)[0]


async def test_without_a_clipboard_tool_osc52_is_used_and_said(bare_env):
    app = NoteApp()
    async with app.run_test() as pilot:
        copy_for_user(app, "@misc{x, title={T}}", "BibTeX")
        await settle(pilot)
        assert app.clipboard == "@misc{x, title={T}}"
        (note,) = notes(app)
    assert "OSC 52" in note and "BibTeX" in note


async def test_with_a_clipboard_tool_the_note_names_it(tmp_path, monkeypatch, bare_env):
    bin_dir = tmp_path / "bin"
    fake_program(bin_dir, "wl-copy")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    app = NoteApp()
    async with app.run_test() as pilot:
        copy_for_user(app, URL, "link")
        await settle(pilot)
        assert app.clipboard == ""  # OSC 52 not used
        (note,) = notes(app)
    assert note == "Copied the link with wl-copy."
    assert calls(bin_dir, "wl-copy") == [([], URL.encode())]


async def test_paper_helpers_pick_the_abstract_page_the_pdf_and_the_bibtex(bare_env):
    from tui_digest.core.model import Paper, PaperRecord
    from tui_digest.ui.opener import copy_paper_bibtex, copy_paper_link, open_paper

    record = PaperRecord(1, Paper(id="2402.01118", title_en=r"Pok\'eLLMon", authors=["Sihao Hu"]))
    blog = PaperRecord(2, Paper(id="blog-1", url="javascript:x", title_en="Post"))
    app = NoteApp()
    async with app.run_test() as pilot:
        assert open_paper(app, record)
        await settle(pilot)
        assert open_paper(app, record, pdf=True)
        await settle(pilot)
        assert not open_paper(app, blog, pdf=True)
        copy_paper_bibtex(app, record)
        await settle(pilot)
        bib = app.clipboard
        copy_paper_link(app, record)
        await settle(pilot)
        link = app.clipboard
        copy_paper_link(app, blog)
        await settle(pilot)
        shown = notes(app)
    assert "https://arxiv.org/abs/2402.01118" in shown[0]
    assert "https://arxiv.org/pdf/2402.01118" in shown[1]
    assert shown[2] == "This paper has no PDF link."
    assert bib.startswith("@misc{hu2024pokellmon-2402.01118,") and r"title={Pok\'eLLMon}" in bib
    assert link == "https://arxiv.org/abs/2402.01118"
    assert shown[-1] == "This paper has no link."


# --- The reader's keys -------------------------------------------------------------------------


async def test_reader_keys_with_no_browser_and_no_clipboard_tool(cache) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        paper = app.main.detail.record.paper
        await pilot.press("O")
        await settle(pilot)
        assert f"https://arxiv.org/pdf/{paper.id}" in notes(app)[-1]
        assert notes(app)[-1].startswith("No browser could be started")
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == f"https://arxiv.org/abs/{paper.id}"
        assert "link with OSC 52" in notes(app)[-1]
        await pilot.press("b")
        await settle(pilot)
        assert app.clipboard.startswith("@misc{") and f"eprint={{{paper.id}}}" in app.clipboard
        copied = app.clipboard
        assert "BibTeX with OSC 52" in notes(app)[-1]
        assert app.main.detail.record.read  # asking to open counts as reading
    # Found by a bug hunt: `b` copied the bare key while an export of several papers
    # suffixed it. The key is the one `export --format bibtex` writes for the paper.
    from tui_digest.core.export import to_bibtex
    from tui_digest.core.store import Store

    with Store.open(cache) as store:
        everything = to_bibtex(store.get_papers(store.list_ids("", digest=None)))
    key = copied.split(",", 1)[0] + ","
    assert everything.count(key) == 1
    entry = everything[everything.index(key) :].split("\n}\n", 1)[0]
    assert f"eprint={{{paper.id}}}" in entry


async def test_reader_o_with_a_fake_browser(cache, tmp_path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    monkeypatch.setenv("BROWSER", f"{fake_program(bin_dir, 'fake-browser')} --new-tab %s")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        paper = app.main.detail.record.paper
        await pilot.press("o")
        await settle(pilot)
        assert notes(app)[-1].startswith("Opened the abstract page with fake-browser")
    assert calls(bin_dir, "fake-browser") == [
        (["--new-tab", f"https://arxiv.org/abs/{paper.id}"], b"")
    ]
