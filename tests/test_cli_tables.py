"""The CLI's tables: fitted on a terminal, whole into a pipe (found by a bug hunt).

Piped, `digests` cut names to 60 cells ("…plannin…", which `digests rm` then
refused) and `search`/`watch` cut titles at 160 columns and categories at 8 cells;
the "-- 3 shown of 73 matches" line went to stdout, so `| wc -l` counted it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

from cli_support import run_cli
from tui_digest.cli_table import format_rows
from tui_digest.core.model import Digest, ListRow, Paper
from tui_digest.core.store import Store

LONG_NAME = "weekly-reading-group-selection-for-the-robotics-and-planning-subgroup"
LONG_TITLE = "A very long title " * 15 + "that ends here"  # 284 characters
LONG_CATEGORY = "physics.atom-ph"  # 15 characters, the column is 8 wide


def build(db: Path) -> str:
    papers = [
        Paper(
            id="2403.00001", title_en=LONG_TITLE, title_zh="很长的标题", categories=[LONG_CATEGORY]
        ),
        Paper(id="2403.00002", title_en="Short", categories=["cs.AI"]),
        Paper(id="2403.00003", title_en="Also short", categories=["cs.LG"]),
    ]
    with Store.open(db) as store:
        store.import_digest(Digest(LONG_NAME, date="2024-03-13", papers=papers))
    names = json.loads(run_cli("digests", "--json", db=db).stdout)
    assert len(names) == 1 and len(names[0]["name"]) > 60
    return names[0]["name"]


def test_piped_digests_prints_whole_names_that_digests_rm_takes(tmp_path):
    db = tmp_path / "c.db"
    name = build(db)
    listed = run_cli("digests", db=db)
    assert listed.returncode == 0
    line = listed.stdout.decode().splitlines()[1]
    assert "…" not in line and line.split()[1] == name
    # The name as printed is one `digests rm` and `export --digest` take.
    assert run_cli("export", "--digest", line.split()[1], db=db).returncode == 0
    removed = run_cli("digests", "rm", line.split()[1], "--yes", db=db)
    assert removed.returncode == 0, removed.stderr.decode()
    assert json.loads(run_cli("digests", "--json", db=db).stdout) == []


def test_piped_search_prints_whole_fields_and_the_count_on_stderr(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    found = run_cli("search", "", "--limit", "2", db=db)
    assert found.returncode == 0
    lines = found.stdout.decode().splitlines()
    assert len(lines) == 2  # papers only: `| wc -l` counts them
    assert "…" not in found.stdout.decode()
    assert any(f"{LONG_TITLE} / 很长的标题" in ln and LONG_CATEGORY in ln for ln in lines)
    assert found.stderr.decode() == "-- 2 shown of 3 matches\n"
    none = run_cli("search", "nothingmatchesthis", db=db)
    assert none.returncode == 0
    assert none.stdout == b"" and none.stderr.decode() == "no matches (0 / 0)\n"


def test_piped_watch_prints_whole_titles_and_the_count_on_stderr(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    config = tmp_path / "config.toml"
    config.write_text('[[watches]]\nname = "long"\nquery = "long"\n', encoding="utf-8")
    done = run_cli("watch", "--config", str(config), db=db)
    assert done.returncode == 0
    out = done.stdout.decode().splitlines()
    assert out[0] == "== long (1) ==" and LONG_TITLE in out[1] and len(out) == 2
    assert done.stderr.decode() == "-- 1 shown of 1 matches\n"


def _on_terminal(args: list[str], db: Path, columns: int, env_columns: str | None = None) -> str:
    """What the CLI writes to a terminal `columns` wide (a pseudo-terminal), with
    `COLUMNS` set to `env_columns` (unset when None)."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING="utf-8")
    env.pop("COLUMNS", None)
    if env_columns is not None:
        env["COLUMNS"] = env_columns
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(child)
    data = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child's side is closed (Linux)
            break
        if not chunk:
            break
        data += chunk
    os.close(main)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    assert err == b""  # the count stays with the table on a terminal
    return data.decode().replace("\r\n", "\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_fields_are_fitted_and_the_count_follows_the_table(tmp_path):
    db = tmp_path / "c.db"
    name = build(db)
    shown = _on_terminal(["search", "", "--limit", "2"], db, columns=100).splitlines()
    assert len(shown) == 3 and shown[-1] == "-- 2 shown of 3 matches"
    long_line = next(ln for ln in shown if ln.startswith("2403.00001"))
    assert long_line.endswith("…") and len(long_line) <= 100
    assert "physics…" in long_line  # the category cut to its 8 cells
    listed = _on_terminal(["digests"], db, columns=100).splitlines()
    assert name not in listed[1] and listed[1].split()[1].startswith(name[:40])
    assert listed[1].split()[1].endswith("…") and cell_len(listed[1]) <= 100


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("columns", [80, 60, 30])
def test_on_a_terminal_the_digests_table_fits_it(tmp_path, columns):
    """At 80 columns each row of `digests` was ~85 cells and wrapped: its columns
    were cut at 60 cells each, not fitted to the terminal as `search` is (bug hunt)."""
    db = tmp_path / "c.db"
    name = build(db)
    listed = _on_terminal(["digests"], db, columns=columns).splitlines()
    assert len(listed) == 2 and all(cell_len(line) <= columns for line in listed), listed
    assert listed[0].split()[:1] == ["date"] or columns < 40
    assert any(cell.startswith(name[:8]) for cell in listed[1].split())


@pytest.mark.parametrize("width", [300, 160, 100, 80, 60, 50, 40, 30, 24])
def test_digests_rows_fit_the_width_given(width: int) -> None:
    from tui_digest.cli_table import format_digests

    rows = [
        ["2024-07-15", "digest-cs.LG-mixed-2024-07-15", "44", "44", "2024-07-15 · samples"],
        ["2024-02-05", LONG_NAME + "-2024-02-05", "151", "151", "大规模语言模型 · 周报"],
    ]
    lines = format_digests(rows, width).splitlines()
    assert all(cell_len(line) <= width for line in lines), lines
    assert lines[1].split()[1].startswith("digest-cs") or lines[1].split()[0].startswith("dig")
    if width >= 100:  # room for every column, the first name whole
        assert lines[0].split() == ["date", "name", "papers", "unread", "label"]
        assert "digest-cs.LG-mixed-2024-07-15" in lines[1]
    whole = format_digests(rows, None).splitlines()
    assert LONG_NAME + "-2024-02-05" in whole[2] and "…" not in "".join(whole)


@pytest.mark.parametrize("width", [160, 80, 61, 50, 40, 30])
def test_search_rows_fit_a_narrow_terminal(width: int) -> None:
    """At 50 columns every row wrapped onto a second line: the id, date and category
    took 42 cells and the title at least 20 (found by a bug hunt)."""
    title = "Don't Half-listen: Capturing Key-part Information"
    zh = "不要半听：捕获关键部分信息"
    row = ListRow(1, "2403.10056", title, zh, "", "2024-03-18", "cs.CL", False, False, 1)
    (line,) = format_rows([row], width=width).splitlines()
    assert cell_len(line) <= width
    assert line.startswith("2403.10056") and "•" in line and "Don't" in line
    assert ("2024-03-18" in line) == (width >= 52) and ("cs.CL" in line) == (width >= 62)


def test_a_message_instead_of_a_list_goes_to_stderr_in_a_pipe(tmp_path):
    """`digests | cat` on an empty cache printed "no digests imported yet" on stdout,
    and `sources list` began with "# sources from PATH" (found by a bug hunt)."""
    db = tmp_path / "c.db"
    Store.open(db).close()  # an empty cache
    empty = run_cli("digests", db=db)
    assert empty.returncode == 0
    assert empty.stdout == b"" and "no digests imported yet" in empty.stderr.decode()
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "http://127.0.0.1:9/x.md"\n', "utf-8")
    with Store.open(db) as store:
        store.set_source_state("x", last_checked="2026-11-30T08:00:00Z", last_error="gone")
    listed = run_cli("sources", "list", "--config", str(config), db=db)
    assert listed.returncode == 0, listed.stderr.decode()
    rows = listed.stdout.decode().splitlines()
    assert rows[0].split()[:2] == ["NAME", "KIND"] and len(rows) == 2 and rows[1].startswith("x ")
    assert listed.stderr.decode() == f"# sources from {config}\nx: last error: gone\n"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_the_messages_stay_with_the_list(tmp_path):
    db = tmp_path / "c.db"
    Store.open(db).close()  # an empty cache
    shown = _on_terminal(["digests"], db, columns=100)
    assert shown == "no digests imported yet (try `tui-digest import FILE`)\n"
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "http://127.0.0.1:9/x.md"\n', "utf-8")
    listed = _on_terminal(["sources", "list", "--config", str(config)], db, columns=100)
    assert listed.splitlines()[0] == f"# sources from {config}"


def test_a_narrow_digests_table_gives_up_the_label_before_the_names():
    """At 50 columns names were cut to 12 cells (two cs.LG digests both read
    "digest-cs.L…") while the label kept 8 cells repeating the date (found by a
    regression hunt)."""
    from tui_digest.cli_table import format_digests

    rows = [
        ("2024-07-15", "digest-cs.LG-mixed-2024-07-15", "44", "44", "2024-07-15 · samples"),
        ("2024-02-06", "digest-cs.LG-large-2024-02-06", "737", "737", "2024-02-06 · samples"),
    ]
    lines = format_digests(rows, 50).splitlines()
    assert all(len(line) <= 50 for line in lines), lines
    assert "label" not in lines[0]
    assert "digest-cs.LG-mixed" in lines[1] and "digest-cs.LG-large" in lines[2]


def test_search_rows_show_titles_as_the_reader_does() -> None:
    """The reader shows `a na\\"ive $\\alpha$-approach` as `a naïve α-approach`;
    the CLI's table printed the LaTeX (bug hunt `latex` #7). `--json` keeps it."""
    row = ListRow(1, "2501.00001", r'A na\"ive $\alpha$-approach', "", "", "2025-01-02", "cs.LG",
                  False, False, 1)  # fmt: skip
    (line,) = format_rows([row], width=None).splitlines()
    assert line.endswith("A naïve α-approach")


def test_sources_list_lines_up_cjk_source_names(tmp_path):
    """A source named 中文源 put its row's columns three cells right of the others':
    widths were counted in characters, not terminal cells (found by a bug hunt)."""
    db = tmp_path / "c.db"
    Store.open(db).close()
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\nname = "中文源"\nurl = "http://127.0.0.1:9/a.md"\n'
        '[[sources]]\nname = "ab"\nurl = "http://127.0.0.1:9/b.md"\nkind = "digest"\n',
        "utf-8",
    )
    listed = run_cli("sources", "list", "--config", str(config), db=db)
    assert listed.returncode == 0, listed.stderr.decode()
    rows = listed.stdout.decode().splitlines()
    assert [row.split()[0] for row in rows] == ["NAME", "中文源", "ab"]

    def starts(row: str) -> list[int]:
        """The cell each column starts at (columns are two spaces apart at least)."""
        return [cell_len(row[: m.start()]) for m in re.finditer(r"(?:^|(?<=  ))\S", row)]

    assert starts(rows[1]) == starts(rows[2]) == starts(rows[0].replace("LAST ", "LAST_"))


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_of_zero_columns_is_80_and_columns_is_honoured(tmp_path):
    """A terminal reporting 0 columns (`script` from a non-terminal, `stty cols 0`)
    cut every table to a few cells, a digest name to "d…"; `COLUMNS` was ignored
    (bug hunt `auditout` #3). 0 is unknown: `COLUMNS`, else 80, as shutil does."""
    db = tmp_path / "c.db"
    build(db)
    listed = _on_terminal(["digests"], db, columns=0).splitlines()
    assert listed[0].split() == ["date", "name", "papers", "unread", "label"], listed
    assert all(60 < cell_len(line) <= 80 for line in listed), listed
    assert listed[1].split()[1].startswith("weekly-reading-group"), listed
    found = _on_terminal(["search", "long"], db, columns=0).splitlines()
    assert 60 < cell_len(found[0]) <= 80, found
    wide = _on_terminal(["search", "long"], db, columns=80, env_columns="200").splitlines()
    assert 80 < cell_len(wide[0]) <= 200, wide
    zero_given = _on_terminal(["search", "long"], db, columns=0, env_columns="0").splitlines()
    assert 60 < cell_len(zero_given[0]) <= 80, zero_given


def test_old_style_ids_are_never_cut_and_piped_rows_stay_aligned() -> None:
    """`cond-mat/0309136` read `cond-mat/0309…` in a 100-column terminal (the id
    column was 14 cells): useless for `note`, `tag`, `export --ids`; into a pipe it
    was whole but shifted the flags and title of its row (bug hunt `auditout` #4)."""
    old = ListRow(
        1,
        "cond-mat/0309136",
        "Old style paper on glasses",
        "关于玻璃的旧论文",
        "",
        "2003-09-20",
        "cond-mat.dis-nn",
        False,
        False,
        1,
    )
    new = ListRow(2, "2403.10056", "New paper", "", "", "2024-03-18", "cs.CL", False, False, 1)
    for width in (100, 80, 50):
        lines = format_rows([old, new], width=width).splitlines()
        assert lines[0].split()[0] == "cond-mat/0309136", (width, lines)
        assert all(cell_len(line) <= width for line in lines), (width, lines)
        assert lines[0].index("•") == lines[1].index("•"), (width, lines)
    piped = format_rows([old, new], width=None).splitlines()
    assert "cond-mat.dis-nn" in piped[0] and "…" not in piped[0]
    assert piped[0].index("•") == piped[1].index("•"), piped
