"""The reader under a locale that is not UTF-8 (zh_CN.GBK, en_US.ISO-8859-1).

Textual draws on `sys.__stderr__`, which Python opens in the locale's encoding
with `errors="backslashreplace"`: a character the encoding lacks was written as
the six characters `\\u2022`, pushing the rest of its row into the next pane,
and under Latin-1 every Chinese character became such an escape (found by a
bug hunt). Such a character is now drawn as "?", one per cell it takes (a
Chinese character two), so the layout holds, and the reader says once at the
start which locale it runs under and how to see every character.

`LANG=C` is not affected: Python turns the C locale into UTF-8 (PEP 538/540).
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from rich.cells import cell_len

ERRORS = "tui_digest.cells"  # the error handler's name (codecs.register_error)


def _one_mark_per_cell(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    missing = error.object[error.start : error.end]
    return "?" * cell_len(missing), error.end


codecs.register_error(ERRORS, _one_mark_per_cell)


def locale_name(environ: Mapping[str, str]) -> str:
    """The variable that sets the character type, as the C library reads them."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        if environ.get(name):
            return f"{name}={environ[name]}"
    return "no LANG"


def note(encoding: str, environ: Mapping[str, str]) -> str:
    """What the reader says at the start under a locale that is not UTF-8."""
    return (
        f"The terminal's locale ({locale_name(environ)}, {encoding}) is not UTF-8: "
        "characters it cannot show are drawn as ?. Start the reader under a UTF-8 "
        "locale (such as LANG=zh_CN.UTF-8 or LANG=en_US.UTF-8) to see them all."
    )


@contextmanager
def drawn_in_locale(
    stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> Iterator[str]:
    """While open, `stream` (the one Textual draws on) writes a character its
    encoding lacks as "?" per cell; yields the note to show ("" under UTF-8)."""
    stream = sys.__stderr__ if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if codecs.lookup(encoding).name == "utf-8" or not isinstance(stream, io.TextIOWrapper):
        yield ""
        return
    before = stream.errors
    stream.reconfigure(errors=ERRORS)
    try:
        yield note(encoding, os.environ if environ is None else environ)
    finally:
        stream.flush()
        stream.reconfigure(errors=before)
