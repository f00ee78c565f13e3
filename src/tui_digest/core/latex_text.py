"""Simple inline LaTeX shown as readable Unicode: the reader, the search index, RIS, CSL-JSON.

arXiv titles and abstracts carry the LaTeX their authors typed (`$^2$`,
`\\alpha`, `Pok\\'eLLMon`, `\\mbox{-}`). `readable` turns the common, unambiguous
pieces into the characters they stand for and leaves everything it does not
understand exactly as written: a math segment with one unknown command is kept
whole, `$` and all, rather than half-converted into something misleading.

Stored text never goes through here, nor do the exports that keep the text
as it came (Markdown, JSON, BibTeX, which is TeX); RIS and CSL-JSON, plain-text
formats, carry this readable text (`citation.plain_text`). The search index holds the
text as shown too (`search_index`), so what the reader shows is what a search
finds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tui_digest.core import latex_spacing as sp
from tui_digest.core.latex_symbols import (
    ACCENTS,
    BLACKBOARD,
    FONT_COMMANDS,
    OPERATORS,
    SPACES,
    SUBSCRIPT,
    SUPERSCRIPT,
    SYMBOLS,
    TEXT_LETTERS,
)


class _NotUnderstood(Exception):
    pass


# Bounds that keep hostile input (a 1 MB abstract of `{\\{\\...` or `$$$...`) linear.
_MAX_NESTING = 8  # font commands inside font commands, braces inside math
_MAX_GROUP = 2000  # characters in one braced argument or one math segment
_SPECIAL_RE = re.compile(r"[\\$]|\{\\")


def readable(text: str, *, cache: bool = True) -> str:
    """`text` with simple inline LaTeX shown as Unicode; the rest unchanged.

    Cheap when there is nothing to do (most titles), and cached for short texts
    because the list asks again for the same titles on every redraw. The
    search index asks once per text (`search_index`): `cache=False` keeps an
    import's texts out of the reader's cache.
    """
    if "\\" not in text and "$" not in text:
        return text
    if cache and len(text) <= 1000:
        return _readable_cached(text)
    return _readable(text)


@lru_cache(maxsize=4096)
def _readable_cached(text: str) -> str:
    return _readable(text)


def _readable(text: str) -> str:
    return unicodedata.normalize("NFC", _Parser(text).text_mode())


class _Parser:
    def __init__(self, text: str, depth: int = 0) -> None:
        self.s = text
        self.i = 0
        self.depth = depth
        self.partner = _closing_braces(text) if "{" in text else {}

    # --- text mode: keep what is not understood, convert what is ---------------

    def text_mode(self) -> str:
        out: list[str] = []
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch == "$":
                out.append(self._math_segment())
            elif ch == "{" and s.startswith("\\", self.i + 1):
                out.append(self._accent_group())
            elif ch == "\\":
                out.append(self._text_command())
            else:  # copy up to the next character that can start LaTeX
                m = _SPECIAL_RE.search(s, self.i + 1)
                end = m.start() if m else len(s)
                out.append(s[self.i : end])
                self.i = end
        return "".join(out)

    def _accent_group(self) -> str:
        """`{\\'e}`, the braced accent of BibTeX-style names, as one letter."""
        group, end = _braced(self.s, self.i, self.partner, limit=12)
        if group is not None and group[1:2] in ACCENTS:
            inner = _Parser(group)
            converted = inner._text_command()
            if inner.i == len(group) and converted != group:
                self.i = end
                return converted
        self.i += 1
        return "{"

    def _math_segment(self) -> str:
        s, start = self.s, self.i
        delim = "$$" if s.startswith("$$", start) else "$"
        end = _find_unescaped(s, delim, start + len(delim))
        if end < 0 or (delim == "$" and not _closes(s, start + 1, end)):
            # An unmatched $ is just a dollar sign; so is a price's ($5 and $10).
            self.i = start + 1
            return "$"
        self.i = end + len(delim)
        body = s[start + len(delim) : end]
        if len(body) > _MAX_GROUP:
            return s[start : self.i]
        try:
            # TeX ignores the spaces inside a formula: none at its ends (`$\\alpha $-blending`).
            return _Math(body).parse().strip(" ")
        except _NotUnderstood:
            return s[start : self.i]

    def _text_command(self) -> str:
        s, start = self.s, self.i
        name, after = _command_name(s, start)
        if not name:
            self.i = start + 1
            return "\\"
        if name in ACCENTS:
            arg, end = _accent_argument(s, after, self.partner)
            if arg:
                self.i = end
                return arg + ACCENTS[name]
        if name in FONT_COMMANDS or name == "mathbb":
            group, end = _braced(s, after, self.partner)
            if group is not None and self.depth < _MAX_NESTING:
                self.i = end
                inner = _Parser(group, self.depth + 1).text_mode()
                return _blackboard(inner) if name == "mathbb" else inner
        if name in SYMBOLS:
            self.i = _skip_empty_group(s, after)
            if name in TEXT_LETTERS:
                # TeX swallows the space after a control word: `Bj\o rn` is "Bjørn".
                while self.i < len(s) and s[self.i] == " " and self.i == after:
                    self.i += 1
            return SYMBOLS[name]
        # Not understood: keep the command exactly as written.
        self.i = after
        return s[start:after]


class _Math:
    """One `$...$` body; raises _NotUnderstood for anything unknown."""

    def __init__(self, body: str) -> None:
        self.s = body
        self.i = 0
        self.depth = 0
        self.scripts = 0  # inside a super- or subscript: its characters stay together
        self.kind = sp.ORD  # the class of the atom `_atom` read last

    def parse(self, stop: str = "") -> str:
        pieces: list[str] = []
        kinds: list[int] = []
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if stop and ch == stop:
                return self._joined(pieces, kinds)
            if ch in "^_":
                self.i += 1
                table = SUPERSCRIPT if ch == "^" else SUBSCRIPT
                self.scripts += 1
                atom = self._atom()
                self.scripts -= 1
                try:
                    script = "".join(table[c] for c in atom)
                except KeyError:
                    raise _NotUnderstood from None
                if kinds and kinds[-1] != sp.SPACE:  # `\\max_i`: the operator with its script
                    pieces[-1] += script
                else:
                    pieces.append(script)
                    kinds.append(sp.ORD)
            elif ch in "{}" or ch == "\\" or not ch.isspace():
                atom = self._atom()
                if atom:
                    pieces.append(atom)
                    kinds.append(sp.SPACE if atom == " " else self.kind)
            else:
                pieces.append(" ")
                kinds.append(sp.SPACE)
                while self.i < len(s) and s[self.i].isspace():
                    self.i += 1
        if stop:
            raise _NotUnderstood  # unbalanced group
        return self._joined(pieces, kinds)

    def _joined(self, pieces: list[str], kinds: list[int]) -> str:
        if self.scripts or len(pieces) < 2:
            return "".join(pieces)
        return sp.spaced(pieces, kinds)

    def _atom(self) -> str:
        s = self.s
        if self.i >= len(s):
            raise _NotUnderstood
        self.kind = sp.ORD
        ch = s[self.i]
        if ch == "{":
            self.depth += 1
            if self.depth > _MAX_NESTING:
                raise _NotUnderstood
            self.i += 1
            inner = self.parse(stop="}")
            self.i += 1
            self.depth -= 1
            self.kind = sp.ORD
            return inner
        if ch == "~":  # a tie: a space
            self.i += 1
            return " "
        if ch in "}&#%":
            raise _NotUnderstood
        if ch != "\\":
            self.i += 1
            self.kind = sp.CHAR_KINDS.get(ch, sp.ORD)
            return ch
        name, after = _command_name(s, self.i)
        self.i = after
        if name in SYMBOLS:
            self.kind = sp.SYMBOL_KINDS.get(name, sp.ORD)
            return SYMBOLS[name]
        if name in OPERATORS:
            self.kind = sp.OP
            return name
        if name in SPACES:
            return " "
        if name in ("left", "right"):
            if s.startswith(".", self.i):  # \left. is an invisible delimiter
                self.i += 1
                return ""
            delimiter = self._atom() if not s.startswith("\\", self.i) else self._delimiter()
            self.kind = sp.OPEN if name == "left" else sp.CLOSE
            return delimiter
        if name in FONT_COMMANDS or name == "mathbb":
            inner = self._atom()
            self.kind = sp.OP if name == "operatorname" else sp.ORD
            return _blackboard(inner) if name == "mathbb" else inner
        if name == "frac":
            num, den = self._atom(), self._atom()
            self.kind = sp.ORD
            return f"{_paren(num)}/{_paren(den)}"
        if name == "sqrt":
            root = "√" + _paren(self._atom())
            self.kind = sp.ORD
            return root
        raise _NotUnderstood

    def _delimiter(self) -> str:
        name, after = _command_name(self.s, self.i)
        self.i = after
        if name in ("{", "}", "|", "langle", "rangle"):
            return SYMBOLS[name]
        raise _NotUnderstood


def _closes(s: str, begin: int, end: int) -> bool:
    """Whether the `$` at `end` closes the formula whose body starts at `begin`.

    Pandoc's rule for `$` (https://pandoc.org/MANUAL.html#extension-tex_math_dollars):
    a closing `$` has no space right before it and no digit right after it, so
    "from $0.50 to $0.05" and "$5-$10" are prices, not a formula. Allowances
    for what arXiv authors write: a digit after a formula that does not start
    with one (`$\\sim$10\\%`), a space after a control word (`$\\epsilon $`),
    and spaces inside both ends (`$ \\alpha $`).
    """
    if end + 1 < len(s) and s[end + 1].isdigit() and s[begin].isdigit():
        return False
    if end == begin or not s[end - 1].isspace() or s[begin].isspace():
        return True
    j = end
    while j > begin and s[j - 1].isspace():
        j -= 1
    k = j
    while k > begin and s[k - 1].isascii() and s[k - 1].isalpha():
        k -= 1
    return begin < k < j and s[k - 1] == "\\"


def _find_unescaped(s: str, delim: str, pos: int) -> int:
    while True:
        end = s.find(delim, pos)
        if end < 0:
            return -1
        j = end
        while j > pos and s[j - 1] == "\\":
            j -= 1
        if (end - j) % 2 == 0:
            return end
        pos = end + 1


def _command_name(s: str, start: int) -> tuple[str, int]:
    """(`name`, index after it) for the control sequence at `start` (a backslash)."""
    j = start + 1
    if j >= len(s):
        return "", j
    if s[j].isascii() and s[j].isalpha():
        while j < len(s) and s[j].isascii() and s[j].isalpha():
            j += 1
        return s[start + 1 : j], j
    return s[j], j + 1  # control symbol: \' \% \{ ...


def _closing_braces(s: str) -> dict[int, int]:
    """For each `{` in `s` that has a partner, the index of its `}` (one linear pass)."""
    partner: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE_RE.finditer(s):
        if m.group() == "{":
            stack.append(m.start())
        elif m.group() == "}" and stack:
            partner[stack.pop()] = m.start()
    return partner


_BRACE_RE = re.compile(r"\\.|[{}]", re.S)  # an escaped character is skipped whole


def _braced(
    s: str, pos: int, partner: dict[int, int], limit: int = _MAX_GROUP
) -> tuple[str | None, int]:
    """The text of the balanced `{...}` group at `pos` (spaces skipped), or None.

    None too when the group is longer than `limit` characters.
    """
    while pos < len(s) and s[pos] == " ":
        pos += 1
    close = partner.get(pos) if pos < len(s) and s[pos] == "{" else None
    if close is None or close - pos - 1 > limit:
        return None, pos
    return s[pos + 1 : close], close + 1


def _accent_argument(s: str, pos: int, partner: dict[int, int]) -> tuple[str, int]:
    """The one letter an accent applies to: `\\'e`, `\\'{e}`, `\\' e` or `\\'{\\i}`."""
    group, end = _braced(s, pos, partner, limit=4)
    if group is not None:
        if len(group) == 1 and group.isalpha():
            return group, end
        if group in ("\\i", "\\j"):
            return ("ı" if group == "\\i" else "ȷ"), end
        return "", pos
    j = pos
    if j < len(s) and s[j] == " " and not s[pos - 1].isalpha():
        return "", pos  # `\' x` with a space after a symbol accent is unusual: leave it
    while j < len(s) and s[j] == " ":
        j += 1
    if j < len(s) and s[j].isalpha():
        return s[j], j + 1
    return "", pos


def _skip_empty_group(s: str, pos: int) -> int:
    return pos + 2 if s.startswith("{}", pos) else pos


def _blackboard(text: str) -> str:
    return "".join(BLACKBOARD.get(c, c) for c in text)


def _paren(text: str) -> str:
    return text if len(text) <= 1 or text.isalnum() else f"({text})"
