"""Text for fixed-width columns: only characters whose width every terminal agrees on.

The list measures a row with `rich.cells` and pads each column to its width,
but the terminal draws the characters. Where the two disagree, every column
after the cell moves. They disagree on (issue 11 item 12):

- emoji ZWJ sequences (`👨‍👩‍👧`): 2 cells for rich and for terminals that
  know the sequence, 6 for the others (xterm, VTE, tmux); skin-tone
  modifiers and flags (pairs of regional indicators) likewise;
- variation selectors: `❤️` (U+2764 U+FE0F) is 2 cells for rich, 1 in many
  terminals;
- Hangul fillers (U+115F, U+1160, U+3164, U+FFA0): invisible, yet 0, 1 or 2
  cells depending on the table;
- zero-width and format characters (U+200B, U+2060, U+FEFF, soft hyphen…):
  0 or 1;
- stacks of combining marks: some terminals give up after a few and draw
  the rest as cells of their own; a mark with no base joins the previous
  column's character.

`steady` rewrites a cell's text into characters all of them draw alike: the
joiner, selectors, modifiers, fillers and format characters go, regional
indicators become their ASCII letters, marks are composed (NFC) and capped at
`MAX_MARKS` per base. Only display text is rewritten: the cache keeps what was
read. The list's `fit` (ui) and the CLI tables then pad or cut with rich's
measure, which core does not import.
"""

from __future__ import annotations

import re
import unicodedata

MAX_MARKS = 2  # Vietnamese needs two on one letter; nothing real needs more

_DROP_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001f3fb-\U0001f3ff"
    "\U000e0000-\U000e0fff\x00-\x1f\x7f-\x9f]"
)
_REGIONAL_RE = re.compile("[\U0001f1e6-\U0001f1ff]")


def _letter(m: re.Match[str]) -> str:
    return chr(ord(m[0]) - 0x1F1E6 + ord("A"))


def _cap_marks(text: str) -> str:
    out: list[str] = []
    marks = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            if not out or marks >= MAX_MARKS:
                continue  # no base to sit on, or one mark too many
            marks += 1
        else:
            marks = 0
        out.append(ch)
    return "".join(out)


def steady(text: str) -> str:
    """`text` made of characters whose cell width all terminals agree on."""
    if text.isascii():
        return _DROP_RE.sub("", text) if not text.isprintable() else text
    text = _DROP_RE.sub("", unicodedata.normalize("NFC", text))
    return _cap_marks(_REGIONAL_RE.sub(_letter, text))
