"""The search tokeniser as it was before issue 13 req 1 made it cheaper: the reference.

`search_tokens.index_pair` and `_normalise` were rewritten for speed; the
index they write must keep its tokens (a contentless FTS5 delete repeats the
inserted tokens, and caches indexed before must answer the same), so the
tests compare the new functions with these, kept verbatim: the text columns
byte for byte, the prefix column (sorted here, in first-appearance order
since) as a set.
"""

from __future__ import annotations

import re
import unicodedata
from operator import add as _add

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_WORD_RE = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")


def _normalise(text: str) -> str:
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk_run(token: str) -> bool:
    return bool(_CJK_RUN_RE.fullmatch(token))


def words(text: str) -> list[str]:
    if not text:
        return []
    return _WORD_RE.findall(_normalise(text))


def index_pair(*texts: str, latin: set[str] | None = None) -> tuple[str, str]:
    toks: list[str] = []
    short: set[str] = set()
    words_seen: set[str] = set()
    for text in texts:
        pieces = words(text)
        if text.isascii():
            toks += pieces
            words_seen.update(pieces)
            continue
        for piece in pieces:
            if piece[0] >= "\u3040" and is_cjk_run(piece):
                if len(piece) > 1:
                    toks += map(_add, piece, piece[1:])
                toks.append(piece[-1])
                short.update(piece)
            else:
                toks.append(piece)
                words_seen.add(piece)
    for w in words_seen:
        short.update((w[:1], w[:2], w[:3]))
    if latin is not None:
        latin |= words_seen
    return " ".join(toks), " ".join(sorted(short))
