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
    # (a warning, not an error: only the reader uses [reader]; bug hunt s41 `auditconf` #10)
    path = write(tmp_path, f"# reader\n[reader]\nread_after_seconds = {value}\n")
    config = load_config(path)
    assert config.reader.read_after is None
    assert [str(w).split(" must ")[0] for w in config.reader_warnings] == [
        f"{path}:3: warning: reader.read_after_seconds"
    ]


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


def test_a_bad_reader_table_is_a_warning_for_every_other_command(tmp_path: Path) -> None:
    """Bug hunt s41 `auditconf` #10: `[reader] auto_read = "no"` (a table only the
    reader uses) stopped `fetch`, `watch`, `sources`, publish's translation and the
    reader's `r` with exit 2. Now it is a warning naming file, line and key, as a
    bad `[keys]` entry is, and the reader leaves its timer off."""
    from cli_support import run_cli

    path = write(
        tmp_path,
        '[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/a.md"\n'
        '[enrich]\nafter_fetch = false\n[reader]\nauto_read = "no"\n',
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["a"] and config.reader.read_after is None
    assert [str(w) for w in config.reader_warnings] == [
        f"{path}:7: warning: reader.auto_read must be true or false; "
        "[reader] is not used until it is fixed: only m marks papers read"
    ]
    assert not config.warnings  # (the reader says it once, with its own notice)
    listed = run_cli("sources", "--config", str(path), db=tmp_path / "c.db")
    assert listed.returncode == 0, listed.stderr
    assert b"a " in listed.stdout
    assert listed.stderr.decode().count(f"{path}:7: warning: reader.auto_read") == 1
    # `[reader] = 5` (no table) is the same.
    path.write_text("reader = 5\n[fetch]\nconcurrency = 2\n", encoding="utf-8")
    config = load_config(path)
    assert config.fetch.concurrency == 2
    assert [str(w) for w in config.reader_warnings] == [
        f"{path}:1: warning: [reader] must be a table; "
        "[reader] is not used until it is fixed: only m marks papers read"
    ]
