from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import RECORDED, Note, build_cache

from tui_digest.ui.app import DigestApp
from tui_digest.ui.screens.export import ExportScreen


@pytest.fixture(autouse=True)
def _deterministic_ui(monkeypatch):
    """A frozen clock for file names (the reader's timing comes from ui_support.make_app)."""
    from datetime import datetime

    monkeypatch.setattr(ExportScreen, "clock", staticmethod(lambda: datetime(2024, 2, 6, 9, 30)))


@pytest.fixture(autouse=True)
def _record_notifications(monkeypatch):
    """Every notification the reader shows, kept for the test (see ui_support.notes)."""
    show = DigestApp.notify

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        RECORDED.setdefault(self, []).append(Note(str(message), title, severity, markup))
        show(self, message, title=title, severity=severity, timeout=timeout, markup=markup)

    monkeypatch.setattr(DigestApp, "notify", notify)


@pytest.fixture(autouse=True)
def _no_real_browser_or_clipboard(monkeypatch, tmp_path_factory):
    """`o`, `O`, `y` and `b` never reach the developer's browser or clipboard.

    No $BROWSER and no display, so no clipboard tool is tried (OSC 52 is used),
    and an `xdg-open` that fails stands first on PATH (tests/ui/test_opener.py
    puts its own fake programs in place where it needs them).
    """
    import os
    import stat
    import sys

    from tui_digest.ui import opener

    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(opener, "PLATFORM", "linux")
    bin_dir = tmp_path_factory.mktemp("no-browser")
    fake = bin_dir / "xdg-open"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.exit(3)\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return build_cache(tmp_path / "cache.db")
