from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import RECORDED, Note, build_cache

from tui_digest.ui.app import DigestApp
from tui_digest.ui.screens.export import ExportScreen
from tui_digest.ui.screens.main import MainScreen


@pytest.fixture(autouse=True)
def _deterministic_ui(monkeypatch):
    """No timers the tests would have to wait for; a frozen clock for file names."""
    from datetime import datetime

    monkeypatch.setattr(MainScreen, "read_delay", None)
    monkeypatch.setattr(MainScreen, "frame_hold", 0.0)
    monkeypatch.setattr(MainScreen, "detail_delay", 0.0)
    monkeypatch.setattr(ExportScreen, "clock", staticmethod(lambda: datetime(2024, 2, 6, 9, 30)))


@pytest.fixture(autouse=True)
def _record_notifications(monkeypatch):
    """Every notification the reader shows, kept for the test (see ui_support.notes)."""
    show = DigestApp.notify

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        RECORDED.setdefault(self, []).append(Note(str(message), title, severity, markup))
        show(self, message, title=title, severity=severity, timeout=timeout, markup=markup)

    monkeypatch.setattr(DigestApp, "notify", notify)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return build_cache(tmp_path / "cache.db")
