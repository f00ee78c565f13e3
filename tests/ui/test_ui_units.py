"""Small pieces of the reader: cell fitting, settings, lean imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

from tui_digest.ui.settings import Settings, next_language, settings_path
from tui_digest.ui.widgets.list_cells import cell, fit
from tui_digest.ui.widgets.list_columns import column_widths


def test_fit_measures_cells_not_characters() -> None:
    assert cell_len(fit("面向中英文文本的分词器", 9)) == 9
    assert fit("面向中英文文本的分词器", 9).endswith("…")
    assert fit("abc", 6) == "abc   "
    assert cell_len(cell("扩散模型与图网络", 10)) == 10
    # a double-width character that would straddle the edge becomes padding
    assert cell_len(fit("ab扩散", 3)) == 3


def test_a_cut_wide_title_puts_the_ellipsis_right_after_its_last_character() -> None:
    """A wide character that does not fit before the ellipsis left a space
    before it: "一个非 …" (bug hunt s41 auditwidgets #6); the gap goes after."""
    assert fit("研究：一个非常长的标题", 10) == "研究：一… "
    assert fit("研究：一个非常长的标题", 11) == "研究：一个…"
    assert fit("ab 扩散", 4) == "ab …"  # a space of the title's own stays
    assert fit("ab扩散模型", 4) == "ab… "
    for width in range(1, 14):
        assert cell_len(fit("研究：一个非常长的标题", width)) == width


def test_columns_fill_the_width() -> None:
    for width in (40, 80, 120, 200):
        for language in ("both", "zh", "en"):
            assert sum(column_widths(width, language)) == width


def test_settings_path_and_round_trip(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUI_DIGEST_SETTINGS", str(tmp_path / "s.json"))
    assert settings_path() == tmp_path / "s.json"
    Settings(language="zh", layout="stacked").save()
    loaded = Settings.load()
    assert (loaded.language, loaded.layout) == ("zh", "stacked")


def test_settings_follow_the_config_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TUI_DIGEST_SETTINGS", raising=False)
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(tmp_path / "cfg" / "config.toml"))
    assert settings_path() == tmp_path / "cfg" / "settings.json"


def test_broken_settings_give_defaults(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.json"
    monkeypatch.setenv("TUI_DIGEST_SETTINGS", str(path))
    path.write_text("{not json")
    assert Settings.load() == Settings()
    path.write_text(json.dumps({"language": "klingon", "layout": 3}))
    assert Settings.load() == Settings()


def test_language_cycle() -> None:
    assert [next_language(x) for x in ("both", "zh", "en")] == ["zh", "en", "both"]


def test_launch_module_is_lean_and_first_frame_has_no_network_libs(tmp_path: Path) -> None:
    code = f"""
import sys, asyncio
import tui_digest.ui.launch
assert "textual" not in sys.modules, "launch imported textual"
sys.path.insert(0, {str(Path(__file__).parent)!r})
from ui_support import build_cache, settle
from tui_digest.ui.app import make_app
db = build_cache(__import__("pathlib").Path({str(tmp_path)!r}) / "c.db")
async def main():
    app = make_app(db, first_run_sample=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.main.matches == 38
        print(",".join(m for m in ("httpx", "feedparser") if m in sys.modules))
asyncio.run(main())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
