"""The problems a digest read reports: in line order, and capped when streaming.

`DigestStream` finds problems in a different order than a whole-document
read did (a footnote at a time); sorting by (line, phase, position) lists them
exactly as before, whichever reader found them.
"""

from __future__ import annotations

from .model import Problem

# Problems are listed by line; on one line in the order of these phases (the
# order the whole-document reader found them in before it streamed).
_DECODING, _TABLE, _LABEL, _FOREIGN, _REPEATED, _ROWS, _MISSING, _NO_ROW, _PAPER, _LONG = range(10)


class ReadProblems:
    """Problems with their sort key; `cap` keeps at most that many (streaming)."""

    def __init__(self, cap: int | None) -> None:
        self.items: list[tuple[int, int, object, Problem]] = []
        self.cap = cap
        self.dropped = 0

    def add(self, line: int, phase: int, seq: object, message: str) -> None:
        if self.cap is not None and len(self.items) >= self.cap:
            self.dropped += 1
            return
        kind = "decoding" if phase == _DECODING else ""
        self.items.append((line, phase, seq, Problem(line, message, kind=kind)))

    def listed(self) -> list[Problem]:
        out = [p for *_, p in sorted(self.items, key=lambda item: item[:3])]  # type: ignore[arg-type]
        if self.dropped:
            out.append(Problem(0, f"{self.dropped} more problems not listed"))
        return out
