"""Plain-text tables for the CLI that line up CJK (double-width) text."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

from tui_digest.core.cells import steady
from tui_digest.core.model import ListRow
from tui_digest.core.sanitize import clean_line


def _fit(text: str, width: int) -> str:
    # The cache is cleaned at ingest, but a terminal deserves a second guard
    # against a cache written by something else.
    # Emoji sequences, fillers and mark stacks would not be as wide as measured.
    text = steady(clean_line(text))
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 60) -> str:
    widths = [
        min(max_width, max([cell_len(h)] + [cell_len(steady(clean_line(r[i]))) for r in rows]))
        for i, h in enumerate(headers)
    ]
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def format_rows(rows: Sequence[ListRow], *, total: int, width: int = 160) -> str:
    """Search results: id, date, category, flags, then title / Chinese title."""
    if not rows:
        return f"no matches (0 / {total})\n" if total == 0 else f"0 shown of {total}\n"
    fixed = 14 + 2 + 10 + 2 + 8 + 2 + 2 + 2
    title_w = max(20, width - fixed)
    out = []
    for r in rows:
        flags = ("*" if r.starred else " ") + (" " if r.read else "•")
        title = r.title_en or r.title_zh
        if r.title_en and r.title_zh:
            title = f"{r.title_en} / {r.title_zh}"
        out.append(
            f"{_fit(r.id, 14)}  {_fit(r.date or '-', 10)}  {_fit(r.category or '-', 8)}  "
            f"{flags}  {_fit(title, title_w).rstrip()}"
        )
    out.append(f"-- {len(rows)} shown of {total} matches")
    return "\n".join(out) + "\n"
