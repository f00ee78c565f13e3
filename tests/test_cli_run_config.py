"""`tui-digest [run] --config PATH` opens the reader on that config, as the README
says (it was refused: "unrecognized arguments", found by a bug hunt)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.ui import launch


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def reader_config(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What TUI_DIGEST_CONFIG said when the reader would have started."""
    seen: list[str | None] = []

    def run_reader(db_path: str | None = None) -> int:
        seen.append(os.environ.get("TUI_DIGEST_CONFIG"))
        return 0

    monkeypatch.setattr(launch, "run_reader", run_reader)
    monkeypatch.setattr(sys, "stdin", _Terminal())  # (the reader refuses to start without)
    monkeypatch.setenv("TUI_DIGEST_CONFIG", "/nowhere/else.toml")
    return seen


@pytest.mark.parametrize("argv", [["run", "--config"], ["--config"]])
def test_the_reader_takes_the_config_given(
    tmp_path: Path, reader_config: list[str | None], argv: list[str]
) -> None:
    config = tmp_path / "my config.toml"
    config.write_text('[keys]\n"main.star" = "x"\n', encoding="utf-8")
    assert cli.main([*argv, str(config)]) == 0
    assert reader_config == [str(config.resolve())]


def test_a_missing_config_is_refused_before_the_reader_starts(
    tmp_path: Path, reader_config: list[str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.toml"
    assert cli.main(["run", "--config", str(missing)]) == 2
    assert reader_config == []
    assert f"{missing}: config file not found" in capsys.readouterr().err


def test_without_it_the_environment_still_decides(reader_config: list[str | None]) -> None:
    assert cli.main(["run"]) == 0
    assert reader_config == ["/nowhere/else.toml"]


def test_a_folder_is_no_config(
    tmp_path: Path, reader_config: list[str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", "--config", str(tmp_path)]) == 2
    assert reader_config == []
    assert f"{tmp_path}: is a folder, not a config file" in capsys.readouterr().err
