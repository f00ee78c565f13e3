"""The export dialog: never over the reader's own files; the file box and the
format choice follow the keys exactly (three defects found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from ui_support import make_app, notes, settle

from tui_digest.core.store import Store
from tui_digest.ui.screens.confirm import ConfirmScreen
from tui_digest.ui.screens.export import ExportScreen

SIZE = (140, 40)


def _error_text(app) -> str:
    return str(app.screen.query_one("#export-error", Static).visual)


@pytest.mark.parametrize(
    "spelling",
    ["cache.db", "./sub/../cache.db", "~/cache.db", "link.db", "cache.db-wal", "cache.db-shm"],
)
async def test_the_dialog_refuses_to_write_over_the_cache(
    cache: Path, tmp_path: Path, monkeypatch, spelling: str
) -> None:
    """`e`, the cache's own path, Enter, `y`: the cache was replaced by the Markdown
    export, every star, note and tag gone. The CLI refused it; the dialog did not."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.db").symlink_to(cache)
    before = len(Store.open(cache).digests())
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press(*spelling, "enter")  # (the default name is selected: replaced)
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen), "no Replace? question, no export"
        assert not isinstance(app.screen, ConfirmScreen)
        assert "the cache" in _error_text(app) and "another file" in _error_text(app)
        assert not [n for n in notes(app) if n.startswith("Exported")]
    with Store.open(cache) as store:
        assert len(store.digests()) == before  # still the cache, all of it


async def test_the_dialog_refuses_to_write_over_the_config_file(
    cache: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "conf" / "config.toml"
    config.parent.mkdir()
    config.write_text("# mine\n", encoding="utf-8")
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(config))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *"conf/config.toml", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "the config file" in _error_text(app)
    assert config.read_text("utf-8") == "# mine\n"
