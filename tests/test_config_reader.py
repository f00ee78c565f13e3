"""[reader] in the config: when the reader marks a paper read by itself (issue 10 req 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_read_after_two_seconds(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml")
    assert config.reader.auto_read and config.reader.read_after == 2.0
    config = load_config(write(tmp_path, "[fetch]\n"))
    assert config.reader.read_after == 2.0


def test_reader_table_is_read_and_auto_read_false_turns_it_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[reader]\nread_after_seconds = 5\n"))
    assert config.reader.read_after == 5.0 and not config.warnings
    config = load_config(write(tmp_path, "[reader]\nauto_read = false\n"))
    assert config.reader.read_after is None


@pytest.mark.parametrize("value", ["0", "-1", "nan", '"soon"', "100000"])
def test_bad_delay_names_file_line_and_key(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"# reader\n[reader]\nread_after_seconds = {value}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and "reader.read_after_seconds" in str(error.value)


def test_unknown_reader_key_is_a_warning(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[reader]\nread_after = 3\n"))
    assert any("read_after" in str(w) for w in config.warnings)


def test_the_reader_tables_are_read_each_on_its_own(tmp_path: Path) -> None:
    """An error in [fetch] made every reader setting fall back to its default
    (auto_read on again, no [keys]; found by a bug hunt)."""
    from tui_digest.config.loader import load_reader_tables

    path = write(
        tmp_path,
        '[reader]\nauto_read = false\n[fetch]\ninterval_minutes = "30"\n[keys]\nmain.star = "x"\n',
    )
    with pytest.raises(ConfigError):
        load_config(path)
    tables = load_reader_tables(path)
    assert tables.reader.read_after is None and not tables.reader_dropped
    assert [(k.binding_id, k.keys, k.line) for k in tables.keys] == [("main.star", "x", 6)]
    assert not tables.keys_dropped


def test_a_reader_table_that_cannot_be_read_leaves_the_timer_off(tmp_path: Path) -> None:
    from tui_digest.config.loader import load_reader_tables

    path = write(tmp_path, "[reader]\nread_after_seconds = 0\n")
    tables = load_reader_tables(path)
    assert tables.reader.read_after is None
    assert tables.reader_dropped.startswith(f"{path}:2: reader.read_after_seconds must be")
    assert tables.reader_dropped.endswith("only m marks papers read")
    # Not TOML at all: neither table can be read, and both say so with the line.
    tables = load_reader_tables(write(tmp_path, "[reader\nauto_read = true\n"))
    assert tables.reader.read_after is None and tables.keys == []
    assert "invalid TOML" in tables.reader_dropped and "(at line 1" in tables.reader_dropped
    assert tables.keys_dropped.endswith("the default keys apply")
    assert load_reader_tables(tmp_path / "missing.toml").reader.read_after == 2.0
