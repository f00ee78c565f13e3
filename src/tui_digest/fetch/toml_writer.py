"""A small TOML writer for the config file (the standard library only reads TOML).

It writes what `tomllib` reads back as the same data: strings (always basic,
escaped), integers, floats, booleans, dates and times, arrays, tables and arrays
of tables. Config files are small, so clarity beats speed here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def quote(text: str) -> str:
    """A TOML basic string; every control character is escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else quote(name)


def value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _table(prefix: str, data: Mapping[str, Any], lines: list[str]) -> None:
    scalars = [
        (k, v) for k, v in data.items() if not isinstance(v, Mapping) and not _is_table_array(v)
    ]
    for k, v in scalars:
        lines.append(f"{key(k)} = {value(v)}")
    for k, v in data.items():
        path = f"{prefix}.{key(k)}" if prefix else key(k)
        if isinstance(v, Mapping):
            lines.append("")
            lines.append(f"[{path}]")
            _table(path, v, lines)
        elif _is_table_array(v):
            for item in v:
                lines.append("")
                lines.append(f"[[{path}]]")
                _table(path, item, lines)


def dumps(data: Mapping[str, Any]) -> str:
    lines: list[str] = []
    _table("", data, lines)
    return "\n".join(lines).lstrip("\n") + "\n"
