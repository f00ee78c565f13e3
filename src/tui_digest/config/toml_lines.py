"""Removing one `[[name]]` table from a config's text with the comment lines that
are its own, and adding new ones after the last.

tomlkit keeps the comment lines above a table's header in the table before
it, so deleting a table there leaves its comment above the next table, which
loses its own, and appending one puts it below that comment, which then
describes the new table (bug hunt s41 `auditconf` #7). Here a table's own
lines are its header, the comment lines directly above it (no blank line
between) and everything down to the next header's own comment lines. The
result is only a proposal: the caller reads it back (`None` when the headers
cannot be told apart in the text, e.g. one inside a multi-line string).
"""

from __future__ import annotations

import re

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_HEADER = re.compile(
    rf"[ \t]*(\[\[?)[ \t]*({_KEY}(?:[ \t]*\.[ \t]*{_KEY})*)[ \t]*(\]\]?)[ \t]*(?:#.*)?\r?"
)


def without_array_table(text: str, name: str, index: int, count: int) -> str | None:
    """`text` without its `index`-th `[[name]]` table (of `count`), or None when the
    text does not show exactly `count` such headers."""
    lines = text.split("\n")  # (not splitlines: U+2028 and friends may be in a string)
    headers = [i for i, line in enumerate(lines) if _header_of(line) is not None]
    ours = [i for i in headers if _header_of(lines[i]) == ("[[", name)]
    if len(ours) != count or not 0 <= index < count:
        return None
    header = ours[index]
    start = _comments_above(lines, header)
    later = [i for i in headers if i > header]
    end = _comments_above(lines, later[0]) if later else len(lines)
    if start > 0 and not _blank(lines[start - 1]):
        while end > header + 1 and _blank(lines[end - 1]):
            end -= 1  # the blank line that parted it from what follows now parts the one before
    return "\n".join(lines[:start] + lines[end:])


def with_array_tables(text: str, name: str, count: int, tables: str) -> str | None:
    """`text` with `tables` (TOML text of new `[[name]]` tables) after the own lines
    of the last of its `count` `[[name]]` tables, a blank line before them and the
    blank lines that parted that table from what follows after them; None when the
    text does not show exactly `count` (at least one) such headers."""
    lines = text.split("\n")
    headers = [i for i, line in enumerate(lines) if _header_of(line) is not None]
    ours = [i for i in headers if _header_of(lines[i]) == ("[[", name)]
    if len(ours) != count or count == 0:
        return None
    later = [i for i in headers if i > ours[-1]]
    end = _comments_above(lines, later[0]) if later else len(lines)
    cut = end
    while cut > ours[-1] + 1 and _blank(lines[cut - 1]):
        cut -= 1
    gap = lines[cut:end] or ([""] if end < len(lines) else [])
    return "\n".join([*lines[:cut], "", *tables.strip("\n").split("\n"), *gap, *lines[end:]])


def table_end(text: str, line: int) -> int:
    """The 1-based line just past the table at line `line`: the next header's line for
    a `[table]` header (past the last line when none follows), the line after it for
    `name = { … }` written inline (a key of the table is on no later line)."""
    lines = text.split("\n")
    if not 0 < line <= len(lines) or _header_of(lines[line - 1]) is None:
        return line + 1
    later = [i for i in range(line, len(lines)) if _header_of(lines[i]) is not None]
    return later[0] + 1 if later else len(lines) + 1


def _header_of(line: str) -> tuple[str, str] | None:
    """("[[", key) for a `[[key]]` line, ("[", key) for `[key]`, None for any other line."""
    match = _HEADER.fullmatch(line)
    if match is None or len(match[1]) != len(match[3]):
        return None
    key = match[2]
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        key = key[1:-1]
    return match[1], key


def _comments_above(lines: list[str], header: int) -> int:
    """The first of the comment lines directly above line `header` (`header` if none)."""
    first = header
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return first


def _blank(line: str) -> bool:
    return not line.strip()
