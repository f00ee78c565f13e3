"""Plain-text tables for the CLI that line up CJK (double-width) text.

On a terminal the columns are fitted to its width (a long field cut with "…");
into a pipe or a file every field is whole: a cut digest name was refused by
`digests rm`, and a script reading titles had them cut at 160 columns.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

from tui_digest.cli_output import terminal_width, write_note, write_stdout
from tui_digest.core.cells import steady
from tui_digest.core.latex_text import readable
from tui_digest.core.model import ListRow
from tui_digest.core.sanitize import clean_line

MAX_COLUMN = 60  # format_table's default cap on a column


def _fit(text: str, width: int, *, cut: bool = True) -> str:
    # The cache is cleaned at ingest, but a terminal deserves a second guard
    # against a cache written by something else.
    # Emoji sequences, fillers and mark stacks would not be as wide as measured.
    text = steady(clean_line(text))
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    if not cut:
        return text
    return set_cell_size(text, width - 1) + "…"


def _natural(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([cell_len(h)] + [cell_len(steady(clean_line(r[i]))) for r in rows])
        for i, h in enumerate(headers)
    ]


def _render(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: list[int]) -> str:
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int | None = MAX_COLUMN
) -> str:
    """Columns as wide as their widest cell, at most `max_width` (None: no limit)."""
    widths = _natural(headers, rows)
    if max_width is not None:
        widths = [min(max_width, w) for w in widths]
    return _render(headers, rows, widths)


def fit_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    shrink: Sequence[tuple[int, int]],
    drop: Sequence[int] = (),
) -> str:
    """The table in `width` cells: the columns of `shrink` ((index, floor) pairs), in
    turn, give up cells down to their floor; where that is not enough, the columns
    of `drop` are left out, in turn, until it fits; then the `shrink` columns give
    up cells below their floors."""
    keep = list(range(len(headers)))
    for left_out in (None, *drop):
        if left_out is not None:
            keep.remove(left_out)
        widths = dict(
            zip(keep, _natural([headers[i] for i in keep], _rows_of(rows, keep)), strict=True)
        )
        excess = sum(widths.values()) + 2 * (len(keep) - 1) - width
        for i, floor in shrink:
            if i in widths and excess > 0:
                give = min(excess, max(0, widths[i] - floor))
                widths[i] -= give
                excess -= give
        if excess <= 0:
            break
    for i, _ in shrink:  # (still too wide with all left out: below the floors, to "x…")
        if i in widths and excess > 0:
            give = min(excess, max(0, widths[i] - 2))
            widths[i] -= give
            excess -= give
    return _render([headers[i] for i in keep], _rows_of(rows, keep), [widths[i] for i in keep])


def _rows_of(rows: Sequence[Sequence[str]], keep: Sequence[int]) -> list[list[str]]:
    return [[row[i] for i in keep] for row in rows]


DIGEST_HEADERS = ("date", "name", "papers", "unread", "label")


def format_digests(rows: Sequence[Sequence[str]], width: int | None) -> str:
    """`digests`' table: fitted to a terminal `width` columns wide (the label gives
    way first, then the name; a narrow one leaves out the label, then the date),
    or every field whole (None: into a pipe, where a name cut with "…" is one
    `digests rm` refuses). Its columns were cut at 60 cells each, so a row of
    the real samples wrapped at 80 columns (found by a bug hunt)."""
    if width is None:
        return format_table(DIGEST_HEADERS, rows, None)
    # (a name keeps 24 cells before the label goes: at 50 columns two digests of one
    # category both read "digest-cs.L…" beside a label repeating the date; regression hunt)
    return fit_table(DIGEST_HEADERS, rows, width, shrink=[(4, 8), (1, 24)], drop=[4, 0])


# The search table's columns before the flags and the title, with their widths.
_FIELDS = {"id": 14, "date": 10, "category": 8}
MIN_TITLE = 20  # a narrower terminal gives up the category, then the date, first


def _widths(rows: Sequence[ListRow], width: int | None) -> dict[str, int]:
    """The columns' widths: the id column is as wide as its longest id, never cut
    (`cond-mat/0309136` read `cond-mat/0309…` in a 100-column terminal, useless
    for `note`, `tag` or `export --ids`; bug hunt `auditout` #4); into a pipe
    (`width` None) every column is as wide as its longest value, so the rows stay
    aligned."""
    widths = dict(_FIELDS)
    for field in _FIELDS if width is None else ("id",):
        longest = max((cell_len(steady(clean_line(_value(r, field)))) for r in rows), default=0)
        widths[field] = max(widths[field], longest)
    return widths


def _value(row: ListRow, field: str) -> str:
    return {"id": row.id, "date": row.date or "-", "category": row.category or "-"}[field]


def _fields(widths: dict[str, int], width: int | None) -> list[str]:
    """The columns shown in `width` cells: in a narrow terminal every row wrapped
    onto a second line (id, date and category took 42 cells; found by a bug hunt)."""
    fields = list(_FIELDS)
    for drop in ("category", "date"):
        if width is None or _fixed(widths, fields) + MIN_TITLE <= width:
            break
        fields.remove(drop)
    return fields


def _fixed(widths: dict[str, int], fields: Sequence[str]) -> int:
    return sum(widths[f] + 2 for f in fields) + 2 + 2  # and the flags, then the title


def format_rows(rows: Sequence[ListRow], *, width: int | None = 160) -> str:
    """Search results, a line each: id, date, category, flags, then title / Chinese
    title; fitted to `width` columns (a narrow one drops the category, then the
    date), or every field whole when `width` is None. The id is never cut."""
    cut = width is not None
    widths = _widths(rows, width)
    fields = _fields(widths, width)
    title_w = max(8, width - _fixed(widths, fields)) if width is not None else 0
    out = []
    for r in rows:
        flags = ("*" if r.starred else " ") + (" " if r.read else "•")
        # As the reader shows them (simple inline LaTeX as Unicode); `--json` keeps the text.
        title = readable(r.title_en or r.title_zh)
        if r.title_en and r.title_zh:
            title = f"{readable(r.title_en)} / {readable(r.title_zh)}"
        cells = [_fit(_value(r, f), widths[f], cut=cut and f != "id") for f in fields]
        out.append("  ".join([*cells, flags, _fit(title, title_w, cut=cut).rstrip()]))
    return "".join(line + "\n" for line in out)


def rows_summary(shown: int, total: int) -> str:
    if not shown:
        return f"no matches (0 / {total})" if total == 0 else f"0 shown of {total}"
    return f"-- {shown} shown of {total} matches"


def write_rows(rows: Sequence[ListRow], *, total: int) -> None:
    """The rows on standard output, and how many of `total` they are: below them on a
    terminal, on stderr otherwise, so `| wc -l` counts papers and a script reads
    only paper lines."""
    on_terminal = sys.stdout.isatty()
    write_stdout(format_rows(rows, width=terminal_width() if on_terminal else None))
    write_note(rows_summary(len(rows), total))
