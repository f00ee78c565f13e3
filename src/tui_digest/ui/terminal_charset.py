"""The reader refuses a locale that is not UTF-8 (zh_CN.GBK, en_US.ISO-8859-1).

The terminal of such a user sends its keys in the locale's encoding, and
Textual's driver decodes them as strict UTF-8: the first Chinese character
typed (an IME under zh_CN.GBK) crashed the reader, taking an unsaved note
with it (found by a bug hunt). Textual's decoder is not ours to change, so the
reader says why it does not start, and how to start it, before any screen is
drawn; the commands for scripts work under any locale.

`LANG=C` and `LC_ALL=C` are not affected: Python reads the C locale as UTF-8
(PEP 538/540), and so does this check.
"""

from __future__ import annotations

import codecs
import locale
import os
from collections.abc import Mapping

# The C/POSIX locale's codeset: Python coerces it, or runs in UTF-8 mode (PEP 538/540).
UTF8_TO_PYTHON = frozenset({"utf-8", "ascii"})


def locale_name(environ: Mapping[str, str]) -> str:
    """The variable that sets the character type, as the C library reads them."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        if environ.get(name):
            return f"{name}={environ[name]}"
    return "no LANG"


def refusal(encoding: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Why the reader does not start under this locale ("" under UTF-8).

    `encoding`: the locale's own (`locale.getencoding()`, which Python's UTF-8
    mode does not hide: the terminal still sends its keys in it).
    """
    encoding = locale.getencoding() if encoding is None else encoding
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = encoding
    if name in UTF8_TO_PYTHON:
        return ""
    where = locale_name(os.environ if environ is None else environ)
    return (
        f"the reader needs a UTF-8 locale, and this one ({where}, {encoding}) is not: "
        "the keys its terminal sends cannot be read. Start it as "
        "`LC_ALL=C.UTF-8 tui-digest`, or under a UTF-8 locale such as zh_CN.UTF-8 "
        "(with the terminal set to UTF-8); the commands for scripts "
        "(see `tui-digest --help`) work under any locale"
    )
