"""A regular expression compiled on first use.

Patterns with large Unicode classes (CJK ranges, `[^\\W_...]`) take 1-2.5 ms
each to compile, at import time when written as module constants; the reader's
first frame needs none of them (issue 13 req 5). After the first use the
compiled pattern's methods sit on the instance, so later calls cost what a
compiled pattern's do.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split")


class LazyPattern:
    """`re.compile(pattern, flags)`, done when a method is first looked up."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not found on the instance: the first use.
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self.flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
