"""The import's bar on a terminal, as the screen shows it (bug hunt `scale` #2).

Each document's line was printed to standard output while the bar was drawn
on the same terminal: the line was glued onto the bar (`importing ━━ 711/711
papers/…/digest-….md: 398 papers …`) and the last bar never erased. The bar
here is the real one (`cli_progress.progress_bar`) on a recording console that
standard output and error share; a small terminal replays what was written.
"""

from __future__ import annotations

import argparse
import io
import re

from tui_digest import cli_import, cli_progress
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store

_ESCAPE = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z])")


def screen(written: str) -> list[str]:
    """The lines a terminal shows after `written` (the escapes rich's bar uses)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    i = 0
    while i < len(written):
        escape = _ESCAPE.match(written, i)
        if escape is not None:
            params, command = escape.groups()
            i = escape.end()
            if command == "A":  # cursor up
                row = max(0, row - int(params or 1))
            elif command == "K":  # erase in line: 2 the whole line, else to its end
                lines[row][:] = [] if params == "2" else lines[row][:col]
            elif command not in "mhl":  # (colours; cursor shown or hidden)
                raise AssertionError(f"unexpected escape {escape.group()!r}")
            continue
        char = written[i]
        i += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            while len(lines) <= row:
                lines.append([])
        else:
            line = lines[row]
            line.extend(" " * (col - len(line)))
            line[col : col + 1] = [char]
            col += 1
    shown = ["".join(line).rstrip() for line in lines]
    while shown and not shown[-1]:
        shown.pop()
    return shown


def test_screen_replays_erases_and_cursor_moves():
    assert screen("bar 1/2\r\x1b[2Kline\nbar\r\x1b[2K\x1b[1A\x1b[2Kx\n") == ["x"]


def test_each_documents_line_is_printed_clean_below_the_bar(tmp_path, monkeypatch):
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in range(1, 4):
        papers = [Paper(id=f"2501.{day:02d}{i:03d}", title_en=f"Paper {i}") for i in range(40)]
        (folder / f"digest-cs.AI-2025-01-0{day}.md").write_text(
            write_digest(papers), encoding="utf-8"
        )
    terminal = io.StringIO()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.setattr("sys.stderr", terminal)

    def bar(label: str) -> object:
        from rich.console import Console

        console = Console(file=terminal, force_terminal=True, width=400, color_system=None)
        progress = cli_progress.progress_bar(label, console, counts=False, auto_refresh=False)
        drawn = progress.update

        def update(*args: object, **kwargs: object) -> None:  # drawn at every step
            drawn(*args, **kwargs)  # type: ignore[arg-type]
            progress.refresh()

        progress.update = update  # type: ignore[method-assign]
        progress.start()
        return progress

    class Shown(cli_progress.ImportProgress):
        DELAY = 0.0

        def __init__(self) -> None:
            super().__init__(bar_factory=bar)

    monkeypatch.setattr(cli_progress, "ImportProgress", Shown)
    args = argparse.Namespace(max_size=None, format=None, source=None)
    with Store.open(tmp_path / "c.db") as store:
        assert cli_import.import_documents(store, args, [str(folder)], str) == 0
    assert "importing" in terminal.getvalue()  # the bar was drawn
    shown = screen(terminal.getvalue())
    assert len(shown) == 3, shown
    for day, line in enumerate(shown, 1):
        assert line.startswith(f"{folder}/digest-cs.AI-2025-01-0{day}.md: 40 papers (digest)")
