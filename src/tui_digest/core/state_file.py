"""The user-state file: JSON lines that carry read/starred/tags/note between machines.

    {"format": "tui-digest-state", "version": 1, "exported_at": "2026-11-30T10:00:00.000Z"}
    {"id": "2403.10056", "field": "read", "value": true, "changed_at": "…", "by_hand": true}
    {"id": "2403.10056", "field": "tags", "value": ["robotics"], "changed_at": "..."}
    {"id": "2403.10056", "field": "watch_seen", "value": "agents", "changed_at": "..."}

One line per paper and field, so two files merge line by line and a line
written by a newer version with an unknown field is skipped with a problem,
not fatal. `changed_at` is UTC; `tui-digest state import` keeps, per paper
and field, whichever change is newest (core.store.user_log.merge). A
`watch_seen` line says `tui-digest watch --since-last-run` showed the paper
for that watch: one line per paper and watch, added to what the cache has
shown (never removed). `"by_hand": true` on a read line says the user set
that flag by hand (store.hand_read): the importing cache's read timer leaves
the paper alone too. Readers that do not know the key ignore it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_digest.core.sanitize import bom_note, bom_of, clean_line, decode_text, for_terminal
from tui_digest.core.store.papers import paper_id
from tui_digest.core.store.user_log import (
    FIELDS,
    FLAG_FIELDS,
    SEEN_FIELD,
    Change,
    parse_stamp,
)

FORMAT = "tui-digest-state"
VERSION = 1


def header(exported_at: str) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "exported_at": exported_at})


# Characters that line-splitting tools take for line ends though JSON lets them
# stand raw in a string: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR (text pasted
# from PDFs carries them). Python's str.splitlines() splits on all three (its
# documented line boundaries: https://docs.python.org/3/library/stdtypes.html#str.splitlines),
# and tui-digest's own `state import` once read the file that way: a note with
# U+2028 was cut in two and lost (found by a bug hunt; it now splits at \n only).
# (JSON parsers accept them raw: JSON.parse always has; ES2019's "JSON superset",
# https://github.com/tc39/proposal-json-superset, changed only JavaScript source
# string literals.) json.dumps already escapes the C0 ones (\x0b, \x0c, \x1c-\x1e).
_LINE_BREAKERS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
# The line ends of a state file: LF, CRLF, and a CR alone (classic Mac line
# ends: such a file was read as one line, "1: Extra data", nothing applied;
# found by a bug hunt). JSON lets none of them stand raw in a string.
_LINE_END_RE = re.compile(r"\r\n?|\n")


def dump(changes: Iterable[Change]) -> Iterable[str]:
    """One JSON line (with its newline) per change.

    Non-ASCII text stays readable (ensure_ascii=False) except the characters
    above, escaped so that every reader sees one change per line. They can only
    occur inside JSON strings, where the escape means the same character.
    """
    for c in changes:
        yield json.dumps(c.as_json(), ensure_ascii=False).translate(_LINE_BREAKERS) + "\n"


def decode(data: bytes) -> tuple[str, str]:
    """A state file's text, and a note when its bytes were not what they should be.

    UTF-8 is what `state export` writes. A byte order mark (`sanitize.bom_of`,
    the one table of them) is dropped and the encoding it names used. Windows
    PowerShell 5.1's `>` writes UTF-16 LE with a BOM: `>` is Out-File
    (https://learn.microsoft.com/powershell/module/microsoft.powershell.utility/out-file),
    whose 5.1 default encoding is "Unicode", UTF-16 LE, and Windows PowerShell
    writes a BOM for every Unicode encoding but UTF-7
    (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_character_encoding).
    Without one, a file
    starting `{` as UTF-16 (every other byte zero: a JSON line starts with `{`)
    is read as that; anything else as UTF-8, or, when it is not valid UTF-8
    but reads as Chinese in GB18030, as that (`sanitize.decode_text`, as a
    digest is: a file converted with `iconv -t gb18030` had its notes applied
    garbled, bug hunt `enc` #11). Invalid bytes become U+FFFD and the note
    says so (`parse` leaves out the lines holding them: `garbled_lines`).
    """
    codec, skip = bom_of(data[:4])
    if not codec:
        codec = {b"{\x00": "utf-16-le", b"\x00{": "utf-16-be"}.get(data[:2], "")
    if codec and codec != "utf-8":
        try:
            return data[skip:].decode(codec), ""
        except UnicodeDecodeError:
            return data[skip:].decode(codec, errors="replace"), bom_note(codec)
    text, used, note = decode_text(data[skip:])
    if note and used == "utf-8":
        return text, REPLACED_NOTE
    return text, note


REPLACED_NOTE = "not valid UTF-8: invalid bytes read as U+FFFD (save it as UTF-8)"


def garbled_lines(data: bytes, note: str) -> frozenset[int]:
    """The (1-based) lines of a state file `decode` read with U+FFFD for bytes that
    are not valid UTF-8 (its `note` says so): their text would be stored garbled."""
    if note != REPLACED_NOTE:
        return frozenset()
    bad: set[int] = set()
    # Counted as `parse` counts them: a lone CR ends a line too.
    for number, line in enumerate(re.split(rb"\r\n?|\n", data), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(number)
    return frozenset(bad)


@dataclass(slots=True)
class Parsed:
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "NAME:LINE: what is wrong"


def _change(obj: object) -> Change:
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    pid, fld, at = obj.get("id"), obj.get("field"), obj.get("changed_at")
    # Any id the cache may hold (feeds other than arXiv's have their own).
    if not isinstance(pid, str) or not pid.strip() or clean_line(pid, 200) != pid:
        raise ValueError(f"bad paper id {for_terminal(pid, 40)!r}")
    if fld not in FIELDS:
        raise ValueError(f"unknown field {for_terminal(fld, 40)!r} (known: {', '.join(FIELDS)})")
    if not isinstance(at, str):
        raise ValueError("changed_at is missing")
    value = obj.get("value")
    ok = {
        "tags": isinstance(value, list) and all(isinstance(t, str) for t in value),
        "note": isinstance(value, str),
        SEEN_FIELD: isinstance(value, str) and bool(value.strip()) and clean_line(value) == value,
    }.get(fld, isinstance(value, bool))
    if not ok:
        kind = (
            "true or false"
            if fld in FLAG_FIELDS
            else {"tags": "a list of strings", SEEN_FIELD: "a watch name"}.get(fld, "a string")
        )
        raise ValueError(f"{fld} must be {kind}")
    by_hand = obj.get("by_hand", False)
    if not isinstance(by_hand, bool):
        raise ValueError("by_hand must be true or false")
    # Only a read flag can be set by hand (`store.hand_read`); elsewhere it means nothing.
    return Change(paper_id(pid), fld, value, parse_stamp(at), by_hand=by_hand and fld == "read")


def parse(text: str, name: str, garbled: frozenset[int] = frozenset()) -> Parsed:
    """The changes in a state file; a bad line is a problem naming NAME:LINE, never fatal.
    The lines in `garbled` (`garbled_lines`) are such problems: never applied."""
    out = Parsed()
    # Lines end at LF, CRLF or CR only (`_LINE_END_RE`): splitlines() also split
    # at U+2028/U+2029 and other characters a note may hold raw, which cut the
    # line of a note pasted from a PDF in two and lost it.
    for number, line in enumerate(_LINE_END_RE.split(text), 1):
        if not line.strip():
            continue
        if number in garbled:
            why = "bytes that are not valid UTF-8; not applied (its text would be garbled)"
            out.problems.append(f"{for_terminal(name)}:{number}: {why}")
            continue
        try:
            obj = json.loads(line)
            if isinstance(obj, dict) and obj.get("format") == FORMAT:
                if obj.get("version") != VERSION:
                    # Its lines may mean something else: none is applied (they
                    # were, after "version 2 is not 1"; bug hunt `auditout` #8).
                    version = for_terminal(repr(obj.get("version")))
                    out.changes.clear()
                    out.problems.append(
                        f"{for_terminal(name)}:{number}: state file version {version} is"
                        f" not {VERSION} (a newer tui-digest's?): nothing of it applied"
                    )
                    return out
                continue
            out.changes.append(_change(obj))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            out.problems.append(f"{for_terminal(name)}:{number}: {for_terminal(exc)}")
    return out
