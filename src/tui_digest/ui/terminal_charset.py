"""The reader refuses a locale that is not UTF-8 (zh_CN.GBK, en_US.ISO-8859-1).

The terminal of such a user sends its keys in the locale's encoding, and
Textual's driver decodes them as strict UTF-8: the first Chinese character
typed (an IME under zh_CN.GBK) crashed the reader, taking an unsaved note
with it (found by a bug hunt). Textual's decoder is not ours to change, so the
reader says why it does not start, and how to start it, before any screen is
drawn; the commands for scripts work under any locale.

`LANG=C` and `LC_ALL=C` are not affected: Python reads the C locale as UTF-8
(PEP 538/540), and so does this check.

The screen is written through Python's standard streams (Textual's driver
writes to `sys.__stderr__`, on Windows `sys.__stdout__`), whose encoding
`PYTHONIOENCODING` may set apart from the locale: under `ascii` every Chinese
character was drawn as a `\u4e0d` escape, under `gb18030` as mojibake on a
UTF-8 terminal (found by a bug hunt). Such output is refused the same way.
"""

from __future__ import annotations

import codecs
import locale
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Protocol

# The C/POSIX locale's codeset: Python coerces it, or runs in UTF-8 mode (PEP 538/540).
UTF8_TO_PYTHON = frozenset({"utf-8", "ascii"})
# What the screen may be written in: UTF-8 (with a BOM written first, harmlessly).
UTF8_OUTPUT = frozenset({"utf-8", "utf-8-sig"})
SCRIPTS = "the commands for scripts (see `tui-digest --help`) work under any"


class Stream(Protocol):
    @property
    def encoding(self) -> str: ...


def locale_name(environ: Mapping[str, str]) -> str:
    """The variable that sets the character type, as the C library reads them."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        if environ.get(name):
            return f"{name}={environ[name]}"
    return "no LANG"


def _codec(encoding: str) -> str:
    """Python's name for `encoding` ("UTF8" -> "utf-8"), or `encoding` when unknown."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def refusal(
    encoding: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    streams: Iterable[Stream | None] | None = None,
) -> str:
    """Why the reader does not start under this locale or output ("" under UTF-8).

    `encoding`: the locale's own (`locale.getencoding()`, which Python's UTF-8
    mode does not hide: the terminal still sends its keys in it). `streams`:
    those the screen may be written to (`sys.__stdout__`, `sys.__stderr__`;
    None for a closed one, which is not this check's to refuse).
    """
    encoding = locale.getencoding() if encoding is None else encoding
    environ = os.environ if environ is None else environ
    if _codec(encoding) not in UTF8_TO_PYTHON:
        return (
            f"the reader needs a UTF-8 locale, and this one ({locale_name(environ)}, "
            f"{encoding}) is not: the keys its terminal sends cannot be read. Start it as "
            "`LC_ALL=C.UTF-8 tui-digest`, or under a UTF-8 locale such as zh_CN.UTF-8 "
            f"(with the terminal set to UTF-8); {SCRIPTS} locale"
        )
    streams = (sys.__stdout__, sys.__stderr__) if streams is None else streams
    output = next(
        (s.encoding for s in streams if s is not None and _codec(s.encoding) not in UTF8_OUTPUT),
        None,
    )
    if output is None:
        return ""
    setting = environ.get("PYTHONIOENCODING")
    where = f"PYTHONIOENCODING={setting}" if setting else locale_name(environ)
    return (
        f"the reader needs UTF-8 output, and this one ({where}, {output}) is not: "
        "its screen would be drawn as escapes or mojibake. Start it as "
        "`PYTHONIOENCODING=utf-8 tui-digest` (or without PYTHONIOENCODING, under a "
        f"UTF-8 locale); {SCRIPTS} output encoding"
    )
