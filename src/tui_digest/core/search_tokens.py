"""The search tokeniser: the one place that decides what a "word" is.

The store feeds FTS5 text that has already been cut into tokens here, joined
by spaces, so SQLite's own tokenizer only ever splits on those spaces. Query
words go through the same function, so index and query always agree.

- Latin letters and digits: NFKC-normalised, case-folded whole words
  ("Diffusion-based" -> "diffusion", "based"). Prefix search is done by FTS5.
- CJK (Han, kana, Hangul): every run becomes overlapping character bigrams
  plus its last character on its own ("遗忘机制" -> 遗忘 忘机 机制 制). Chinese has
  no spaces, so a two-character word is found anywhere in a sentence, and the
  trailing single character lets a one-character query be a prefix match
  that also finds the character at the end of a run.

The text is then folded as FTS5's unicode61 tokenizer folded it
(`fts_fold`: diacritics off), since the index is now made with FTS5's
cheaper `ascii` tokenizer, which folds nothing. Before that, the Latin
letters unicode61 keeps as letters of their own are spelt as ASCII spells
them (`LETTER_FOLDS`: Łukasiewicz is lukasiewicz, Søren soren, Æ ae).

Changing anything here changes the index's rows, and a contentless row is
deleted by repeating its values: the rows a cache holds must still be made
exactly as they were. So a change is a new row layout (`search_index.
ROW_LAYOUT`), its builder beside the old ones, which keep making their rows
as before (see `search_index`).
"""

from __future__ import annotations

import sys
import unicodedata
from array import array
from itertools import accumulate, chain
from operator import itemgetter
from typing import Protocol

from tui_digest.core.fts_fold import fts_fold, needs_fold
from tui_digest.core.lazy_pattern import LazyPattern

# Han (BMP + extension A + compatibility + supplementary planes), kana, Hangul.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
# Compiled on first use (~1 and ~2 ms: the reader's first frame needs neither).
_CJK_RUN_RE = LazyPattern(f"[{_CJK}]+")
# A word: letters/digits that are not CJK; underscore counts as a separator.
_WORD_RE = LazyPattern(f"[{_CJK}]+|[^\\W_{_CJK}]+")


# The full-width punctuation of Chinese text and its NFKC form. NFKC changes
# them, so a Chinese text was normalised in full (a tenth of the tokeniser's
# time). Replacing a character by its own NFKC form leaves the NFKC form of
# the whole text unchanged (NFKD(NFKC(c)) == NFKD(c)); after these replaces
# most texts pass `unicodedata.is_normalized`'s quick check and need nothing
# more. (`tests/test_search_tokens.py` checks every pair is NFKC.)
FULL_WIDTH = (
    ("\uff0c", ","),
    ("\uff1a", ":"),
    ("\uff1b", ";"),
    ("\uff08", "("),
    ("\uff09", ")"),
    ("\uff01", "!"),
    ("\uff1f", "?"),
)


# Latin letters that unicode61 (`fts_fold`) keeps as letters of their own,
# spelt as other databases and typists spell them in ASCII: a stroke
# (Łukasiewicz, Đoković, Søren, Ħal, Ŧ), the letters of Icelandic and Old
# English (Þór, Ðóra), the Turkish dotless ı (Yıldız), the ligatures æ and œ
# (Ærø, œuvre), and the ø and æ that carry an accent (ǿ ǣ ǽ, which unicode61
# folds to ø and æ); their capitals alike. ß was already ss (`str.casefold`).
# Found by a bug hunt: `Lukasiewicz` and `au:soren` found nothing, though
# accents are ignored.
LETTER_FOLDS = {
    "ł": "l", "ø": "o", "ǿ": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ı": "i",
    "þ": "th", "æ": "ae", "ǣ": "ae", "ǽ": "ae", "œ": "oe",
}  # fmt: skip
_LETTER_TABLE = str.maketrans(
    {**LETTER_FOLDS, **{c.upper(): ascii for c, ascii in LETTER_FOLDS.items() if c != "ı"}}
)
_LETTER_RE = LazyPattern("[" + "".join(chr(c) for c in _LETTER_TABLE) + "]")


def fold_letters(text: str) -> str:
    """`text` with `LETTER_FOLDS` (either case) spelt as ASCII, before NFKC:
    so `Ø` with a combining acute is ó, as `O` with one would be."""
    if _LETTER_RE.search(text) is None:  # (most texts: a scan in C)
        return text
    return text.translate(_LETTER_TABLE)


def _normalise(text: str) -> str:
    """`LETTER_FOLDS` spelt out, NFKC, case-folded (ASCII: lower-cased, the same)."""
    if text.isascii():
        return text.lower()
    text = fold_letters(text)
    for wide, narrow in FULL_WIDTH:
        text = text.replace(wide, narrow)  # the same object when absent
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def is_cjk_run(token: str) -> bool:
    return bool(_CJK_RUN_RE.fullmatch(token))


class _StartsWord(dict[str, bool]):
    """Whether a piece `_WORD_RE` found that starts with this character is a
    Latin/digit word (else a CJK run: a piece is all one or the other).

    Per character, cached: a regex telling the two apart by groups made the
    findall twice as slow as `_WORD_RE`'s, and a Chinese text's pieces start
    with a few thousand distinct characters.
    """

    LIMIT = 50_000

    def __missing__(self, char: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        word = self[char] = _CJK_RUN_RE.match(char) is None
        return word


_STARTS_WORD = _StartsWord()


def is_cjk_piece(piece: str) -> bool:
    """Whether a piece `words()` found (`_WORD_RE`) is a CJK run, else a Latin/digit word."""
    return not _STARTS_WORD[piece[0]]


def cjk_tokens(run: str) -> list[str]:
    """Bigrams of a CJK run, then its last character alone."""
    if len(run) == 1:
        return [run]
    out = [run[i : i + 2] for i in range(len(run) - 1)]
    out.append(run[-1])
    return out


def words(text: str) -> list[str]:
    """The raw pieces of `text`: Latin/digit words and whole CJK runs, normalised."""
    if not text:
        return []
    return _WORD_RE.findall(_normalise(text))


def tokens(text: str) -> list[str]:
    """Index tokens of `text` in order."""
    out: list[str] = []
    for piece in words(text):
        if is_cjk_piece(piece):
            out.extend(cjk_tokens(piece))
        else:
            out.append(piece)
    return out


def index_text(*texts: str) -> str:
    """What the store writes into one FTS5 column: tokens joined by spaces."""
    return " ".join(t for text in texts for t in tokens(text))


_SPACE = array("I", [32])
_ZERO = array("I", [0])
_first = itemgetter(0)
# `array("I")` holds native 4-byte code points (asserted by the tests).
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def _joined_tokens(pieces: list[str], is_word: list[bool]) -> str:
    """The tokens of one text's pieces (CJK runs and words) joined by spaces.

    Built from the code points in C, not one bigram string at a time (3.5
    million per 10k papers): each character c is written as three code points,
    c, the next character, a space, in one array. The next character is 0 at a
    run's end (so its last character stands alone), and inside a Latin word
    both are 0 except the space after its last character; dropping the 0s
    leaves "遗忘 忘机 机制 制 llm ". Equal to the per-run loop kept in
    `tests/tokens_reference.py` (tested); ~a third less CPU for Chinese text.
    """
    chars = array("I")
    chars.frombytes("".join(pieces).encode(_UTF32))
    n = len(chars)
    nexts = chars[1:]
    nexts.append(0)
    spaces = _SPACE * n
    if True in is_word:
        end = 0
        for piece, word in zip(pieces, is_word, strict=True):
            start = end
            end += len(piece)
            nexts[end - 1] = 0
            if word:
                nexts[start:end] = _ZERO * (end - start)
                spaces[start : end - 1] = _ZERO * (end - start - 1)
    else:  # CJK runs only (most Chinese texts): just mark where each ends
        for end in accumulate(map(len, pieces)):
            nexts[end - 1] = 0
    out = chars * 3  # (every slot is overwritten: cheaper than zeroed bytes)
    out[1::3] = nexts
    out[2::3] = spaces
    out[0::3] = chars
    return out.tobytes().decode(_UTF32).replace("\0", "")[:-1]


class _Prefixes(dict[str, tuple[str, str, str]]):
    """A word's 3-, 2- and 1-character prefixes, cut once per distinct word.

    Words recur across papers (the same few thousand make most abstracts), so
    the slices are looked up, not cut again; `dict.__getitem__` is called
    from C and only a new word reaches `__missing__`. Only words with a letter
    are kept: numbers, every paper's id among them, rarely recur. Bounded:
    cleared when it holds `LIMIT` words (a real archive has a few hundred
    thousand distinct words; ~5 MB at the limit).
    """

    LIMIT = 20_000

    def __missing__(self, word: str) -> tuple[str, str, str]:
        cut = (word[:3], word[:2], word[:1])
        if not word.isdigit():
            if len(self) >= self.LIMIT:
                self.clear()
            self[word] = cut
        return cut


_PREFIXES = _Prefixes()


# What `index_pair(apart=True)` writes between two texts of one column: a
# private-use character. FTS5's tokenizers keep it as a token of its own
# (`ascii`: every non-ASCII character is a token character; unicode61: the
# Co category is; SQLite's ext/fts5/fts5_tokenize.c), so it takes a position
# and no phrase can span it, and no query holds it: `_WORD_RE` drops every
# character that is not a letter or digit (\W), from texts and queries
# alike, so it is not in `terms` or the prefix columns either (tested).
APART = "\ue000"
_APART_JOIN = f" {APART} "


class WordSink(Protocol):
    """What `index_pair(latin=…)` hands each text's distinct Latin/digit words to.

    A `set[str]` (they are added), or a list that keeps each text's dict as is
    (`read_ahead.WordDicts`: no set per paper to build).
    """

    def update(self, words: dict[str, None], /) -> object: ...


# ASCII text once encoded: letters lower-cased, digits kept, every other byte a
# space, so `split()` gives the words `_WORD_RE` finds in ASCII text once
# lower-cased (runs of [a-z0-9]); a third cheaper than that regex.
_ASCII_WORDS = bytes(
    c | 0x20 if chr(c).isalpha() else c if chr(c).isdigit() else 32 for c in range(128)
) + bytes(32 for _ in range(128))


def index_pair(*texts: str, latin: WordSink | None = None, apart: bool = False) -> tuple[str, str]:
    """One FTS5 column and its prefix column.

    The prefix column holds, once each, the 1-, 2- and 3-character prefixes
    of every Latin/digit token and every CJK character. A query word of up to
    three characters is then one exact token there instead of an FTS5 prefix
    query, which has to merge the doclists of every term it covers. (FTS5's
    own prefix indexes do this too, but they also copy every CJK bigram
    twice, with positions.) Its order is deterministic (first appearance: the
    CJK characters, then each word's 3-, 2- and 1-character prefixes) but
    means nothing: the column is only ever matched one token at a time
    (`query_fts`), its tokens' counts alone reach bm25, and a contentless
    FTS5 delete only marks each of the row's terms deleted whatever its
    position (`sqlite3Fts5HashWrite` in SQLite's ext/fts5/fts5_hash.c, called
    with a negative column by `fts5StorageDeleteFromIndex` in fts5_storage.c),
    so rows written sorted by earlier versions are deleted the same. Not
    sorting saved ~a fifth of the tokeniser's CPU (issue 13 req 1).

    `latin`, when given, receives the Latin/digit tokens (for `terms`), so the
    caller need not split the column again. `apart`: `APART` stands between
    the tokens of two texts (a text without tokens adds none), so that no
    phrase matches across them.
    """
    # One pass over the pieces (not the tokens): a CJK run's characters are
    # exactly the characters of its bigrams, and its first character says
    # which kind a piece is. Tokens equal to the plainer version kept in
    # `tests/tokens_reference.py` (tested).
    toks: list[str] = []  # each text's tokens, joined by spaces
    runs: list[str] = []  # the CJK runs
    seen: list[str] = []  # the Latin/digit words, repeats and all
    to_fold = False  # some character must be folded as unicode61 did (rare)
    for text in texts:
        if text.isascii():  # no CJK: every piece is a word (most text is English)
            pieces = text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
            if pieces:
                toks.append(" ".join(pieces))
                seen += pieces
            continue
        normalised = _normalise(text)
        # FTS5 no longer folds (`fts_fold`): see whether this text needs it.
        to_fold = to_fold or needs_fold(normalised)
        pieces = _WORD_RE.findall(normalised)
        if pieces:
            is_word = list(map(_STARTS_WORD.__getitem__, map(_first, pieces)))
            toks.append(_joined_tokens(pieces, is_word))
            if True in is_word:
                for piece, word in zip(pieces, is_word, strict=True):
                    (seen if word else runs).append(piece)
            else:
                runs += pieces
    distinct = dict.fromkeys(seen)
    # Every CJK character, then the words' prefixes, into one dict.
    short = dict.fromkeys(
        chain("".join(runs), chain.from_iterable(map(_PREFIXES.__getitem__, distinct)))
    )
    if latin is not None:
        # The dict, not the list: a set updated from a dict is sized for it
        # once, one grown word by word took twice the memory; a document read
        # ahead keeps each paper's dicts as they are (`read_ahead.WordDicts`).
        latin.update(distinct)
    # (`fts_fold` leaves `APART` as it is: no FTS5 tokenizer changes it.)
    column = (_APART_JOIN if apart else " ").join(toks)
    if to_fold:
        return fts_fold(column), fts_fold(" ".join(short))
    return column, " ".join(short)


def query_tokens(text: str) -> list[tuple[str, bool]]:
    """Tokens of a query word or phrase, each with "may be a prefix".

    A CJK run at the end of a query word yields its bigrams only (it may be
    the start of a longer run in the text); a one-character run there is a
    prefix of the bigrams that start with it. A run followed by another piece
    in the same query (`基于Transformer`, `方法，通过`) ended in the text too,
    so it also yields its last character alone, as the index wrote it
    (`cjk_tokens`: "基于 于 transformer"); without it the phrase never lined
    up with the index (found by a bug hunt).
    """
    out: list[tuple[str, bool]] = []
    pieces = words(text)
    last = len(pieces) - 1
    for n, piece in enumerate(pieces):
        if is_cjk_piece(piece):
            if len(piece) == 1:
                out.append((piece, True))
            else:
                out.extend((piece[i : i + 2], False) for i in range(len(piece) - 1))
                if n < last:
                    out.append((piece[-1], False))
        else:
            out.append((piece, True))
    return out


# Gaps between Chinese runs a query word or phrase may have and still be
# looked for in every mix of the two forms (2**MAX_GAPS alternatives); past
# it (a pasted sentence) as typed or with every gap closed.
MAX_GAPS = 3


def cjk_gap_variants(text: str) -> list[str]:
    """The other ways a text may write a query word or phrase whose Chinese
    runs stand apart (`"扩散 模型"`, `扩散，模型`): each gap closed or kept.

    Chinese has no spaces, and the index cuts 扩散模型 into pairs (扩散 散模
    模型 型) but 扩散，模型 into two runs (扩散 散 模型 型), so the query's
    tokens (`query_tokens`: 扩散 散 模型) found only the second: 54 papers
    held 扩散模型 and `"扩散 模型"` found none, where `diffusion,model`
    finds "diffusion model" (found by a bug hunt). As typed is not among
    them; none when no two Chinese runs are next to each other. Each is the
    text's pieces (`words`) joined by a space, or by nothing at a closed gap.
    """
    pieces = words(text)
    gaps = [
        n for n in range(len(pieces) - 1) if is_cjk_piece(pieces[n]) and is_cjk_piece(pieces[n + 1])
    ]
    if not gaps:
        return []
    if len(gaps) > MAX_GAPS:
        closings = [set(gaps)]
    else:
        closings = [
            {g for k, g in enumerate(gaps) if mask >> k & 1} for mask in range(1, 2 ** len(gaps))
        ]
    variants = []
    for closed in closings:
        parts = [piece + ("" if n in closed else " ") for n, piece in enumerate(pieces)]
        variants.append("".join(parts).rstrip())
    return variants
