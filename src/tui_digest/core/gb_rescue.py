"""Whether bytes read as GB18030 are Chinese text, or mojibake of something else.

Bytes that are not valid UTF-8 are tried as GB18030 (Chinese text with a wrong
or no label: `sanitize.decode_text`, `text_stream.choose_encoding`). GB18030
takes almost any pair of high bytes, and a high byte followed by an ASCII
letter: an accented Latin-1 letter inside a word is such a pair, and it reads
as one ideograph ("Pokémon" as "Pok閙on"; bug hunt `enc` #3). Counting the
non-ASCII characters that are CJK accepted that, since every such character
is. Chinese text is ideographs in runs (words, phrases, with their full-width
punctuation), so the rescue also asks that most CJK characters stand next to
another: mojibake of Latin text is isolated characters between Latin letters.
"""

from __future__ import annotations

from .lazy_pattern import LazyPattern

# Ideographs, CJK punctuation and full-width forms (compiled on first use).
CJK_RE = LazyPattern(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_RUN_RE = LazyPattern(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# At least this share of the non-ASCII characters are CJK, and at most this
# share of the CJK characters stand alone (no CJK character on either side).
MIN_CJK = 0.8
MAX_ALONE = 0.5


class CjkTally:
    """Counts over a text given in pieces (`add`), as `plausible` weighs them."""

    __slots__ = ("alone", "cjk", "non_ascii", "tail")

    def __init__(self) -> None:
        self.non_ascii = self.cjk = self.alone = 0
        self.tail = 0  # length of the CJK run the last piece ended with

    def add(self, text: str) -> None:
        if text.isascii():
            self.tail = 0 if text else self.tail
            return
        self.non_ascii += len(text) - len(text.encode("ascii", "ignore"))
        tail = self.tail
        self.tail = 0
        for m in _CJK_RUN_RE.finditer(text):
            length = m.end() - m.start()
            self.cjk += length
            if m.start() == 0 and tail:  # the run goes on from the last piece
                self.alone -= tail == 1  # (its lone character has a neighbour now)
                length += tail
            elif length == 1:
                self.alone += 1
            if m.end() == len(text):
                self.tail = length

    def plausible(self) -> bool:
        """Whether the text counted reads as Chinese (see the module's docstring)."""
        if not self.non_ascii:
            return False
        return self.cjk >= MIN_CJK * self.non_ascii and self.alone <= MAX_ALONE * self.cjk


def plausibly_chinese(text: str) -> bool:
    """Whether `text` (bytes read as GB18030) reads as Chinese, not as mojibake."""
    tally = CjkTally()
    tally.add(text)
    return tally.plausible()
