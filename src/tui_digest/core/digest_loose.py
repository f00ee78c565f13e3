"""A footnote not in the writer's layout: its paragraphs placed by what they are.

`digest_paper._read_note` places a footnote in the canonical layout by position
(one paragraph per field); any other footnote comes here (`_read_note_loosely`),
where the link paragraph is the anchor, the abstract headers and the script
(CJK or Latin) say which paragraph is which, and every way the footnote departs
from the writer's shape is named in the problem returned, so that no text is
placed in another field without a word (found by the `format` bug hunt).
"""

from __future__ import annotations

import re

from .digest_grammar import (
    _CJK_RE,
    _EN_HEADER_RE,
    _LINK_RE,
    _ZH_HEADER_RE,
    INDENT,
    _unescape_field_line,
)
from .sanitize import clean_line, clean_text

_LATIN_RE = re.compile(r"[A-Za-z]+")


def _dedent(line: str) -> str:
    if line.startswith(INDENT):
        return line[4:]
    if line.startswith("\t"):
        return line[1:]
    return line.lstrip(" ")


def _line_field(block: list[str]) -> str:
    return clean_line(" ".join(block)) if block else ""


def _para_field(block: list[str]) -> str:
    if not block:
        return ""
    return clean_text("\n".join([_unescape_field_line(x) for x in block]))


class _Fields:
    __slots__ = (
        "abstract_en",
        "abstract_zh",
        "early",
        "link",
        "summary_en",
        "summary_zh",
        "title_en",
        "title_zh",
    )

    def __init__(self) -> None:
        self.title_zh = self.title_en = self.link = ""
        self.summary_zh = self.summary_en = self.abstract_zh = self.abstract_en = ""
        self.early = False


def _swapped(zh: list[str], en: list[str]) -> bool:
    """Whether the two abstracts look swapped, on strong evidence only: both
    carry their `arXiv:` header, the Chinese slot the English `Announce Type`
    one over English text and the English slot the translated `公告类型` one
    over Chinese text. Only a warning: the abstracts stay where their position
    puts them, as every other footnote's do (moving them by their script lost
    an English abstract with no header into the Chinese one, `regparse2`)."""
    if not (zh and en and zh[0].startswith("arXiv:") and en[0].startswith("arXiv:")):
        return False
    m = _EN_HEADER_RE.match(zh[0])
    if not m or not _ZH_HEADER_RE.match(en[0]):
        return False
    zh_text = "\n".join(zh)[m.end() :]
    return bool(zh_text.strip()) and not _chinese(zh_text) and _chinese("\n".join(en))


SWAPPED = "the abstracts look swapped (each under the other's header); kept in place"


def _read_note_loosely(f: _Fields, body: str, table_summary: str | None) -> str:
    """Place paragraphs of a footnote that is not in the canonical layout.

    Each paragraph is placed by what it is, not by its count: the link paragraph
    is the anchor (the English title before it), an `arXiv:… Announce Type` or
    `公告类型` header marks an abstract's language, CJK or Latin script tells the
    Chinese paragraphs from the English ones, and the four-space empty field marks
    the English-summary slot after the Chinese summary. Anything not in the
    writer's order is named in the problem returned ("" when the shape is one of
    the writer's two)."""
    paras, lost = _paragraphs(body)
    link_at, before, after = _split_at_link(f, paras)
    notes: list[str] = []
    if not f.title_zh and len(before) > 1 and _CJK_RE.search(before[0]):
        # `[^N]:` alone, the Chinese title on the line under it.
        f.title_zh, before = clean_line(before[0]), before[1:]
        notes.append("Chinese title under the [^N]: line")
        link_at -= 1 if len(paras[0]) == 1 else 0
    if link_at > 1:
        notes.append(f"{link_at} paragraphs before the link joined as the English title")
    if before:
        f.title_en = clean_line(" ".join(before))
    else:
        after = _title_after(f, after, link_at, notes)
    _place_rest(f, after, table_summary or "", notes, stripped=lost)
    if not f.link:
        notes.insert(0, "no [link](link) paragraph in footnote")
    return "; ".join(notes)


def _split_at_link(f: _Fields, paras: list[list[str]]) -> tuple[int, list[str], list[list[str]]]:
    """Find the link line (sets `f.link`): (paragraphs before it, their lines, the
    paragraphs after it). A link glued to its neighbours by a missing blank line
    splits its paragraph. (-1, [], paras) without a link."""
    for i, para in enumerate(paras):
        for j, line in enumerate(para):
            m = _LINK_RE.match(line.strip())
            if m:
                f.link = m.group(2)
                before = [x for p in paras[:i] for x in p if x.strip()] + para[:j]
                rest = para[j + 1 :]
                count = len([p for p in paras[:i] if p]) + (1 if j else 0)
                return count, before, ([rest] if rest else []) + paras[i + 1 :]
    return -1, [], paras


def _title_after(
    f: _Fields, paras: list[list[str]], link_at: int, notes: list[str]
) -> list[list[str]]:
    """The English title when no paragraph comes before the link: a Latin one-liner
    first after it (or first of all, without a link) followed by Chinese text."""
    items = [p for p in paras if p]
    if (
        len(items) > 1
        and len(items[0]) == 1
        # A Latin line, then Chinese: a summary such as "提出Transformer。" is
        # mostly Latin letters, so any CJK character tells here, not the script.
        and _kind(items[0]) == "en"
        and not _CJK_RE.search(items[0][0])
        and (_kind(items[1]) in ("zh", "ZH") or _CJK_RE.search(items[1][0][:200]) is not None)
    ):
        f.title_en = clean_line(items[0][0])
        if link_at >= 0:
            notes.append("English title after the link")
        return paras[paras.index(items[0]) + 1 :]
    if f.title_zh and not _CJK_RE.search(f.title_zh):
        # An English-only footnote puts the English title on the `[^N]:` line.
        f.title_en, f.title_zh = f.title_zh, ""
    return paras


def _paragraphs(body: str) -> tuple[list[list[str]], bool]:
    """The footnote's paragraphs, de-indented, and whether its empty fields are
    lost. An empty field (a line of four spaces or a tab standing alone) is an
    empty paragraph `[]`, unless every blank line is so (an editor that keeps
    the indentation on blank lines): then none is told from a paragraph break.
    Without both kinds of blank line (trailing whitespace stripped, too) an
    empty field leaves no paragraph at all."""
    lines = body.split("\n")
    blanks = [x for x in lines[1:] if not x.strip()]
    fields = any(len(x) < 4 and "\t" not in x for x in blanks)
    lost = not (fields and any(len(x) >= 4 or "\t" in x for x in blanks))
    paras: list[list[str]] = []
    cur: list[str] = []
    for raw in lines:
        if raw.strip():
            cur.append(_dedent(raw))
            continue
        if cur:
            paras.append(cur)
            cur = []
        if fields and (len(raw) >= 4 or "\t" in raw):
            paras.append([])
    if cur:
        paras.append(cur)
    # Collapse runs of empty fields (blank lines of trailing spaces) into one.
    out: list[list[str]] = []
    for p in paras:
        if p or not out or out[-1]:
            out.append(p)
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()  # the closing line
    return out, lost


def _chinese(text: str) -> bool:
    """Whether `text` is Chinese by its script: CJK characters at least a third of
    its letters (CJK and Latin), over the whole text. A few Chinese words in an
    English abstract ("CMMLU (中文…)") or a formula opening a Chinese one no
    longer decide it, as the first 200 characters did."""
    cjk = len(_CJK_RE.findall(text))
    return cjk > 0 and 2 * cjk >= sum(map(len, _LATIN_RE.findall(text)))


def _kind(para: list[str]) -> str:
    """ "EN"/"ZH": an abstract with its English/translated header; "zh": Chinese
    text; "en": other text; "": an empty field. A paragraph is judged by its
    text: Chinese text under an untranslated `Announce Type` header is "ZH"."""
    if not para:
        return ""
    first = para[0]
    text = "\n".join(para)
    if first.startswith("arXiv:"):
        m = _EN_HEADER_RE.match(first)
        if m:
            return "ZH" if _chinese(text[m.end() :]) else "EN"
        if _ZH_HEADER_RE.match(first):
            return "ZH"
    return "zh" if _chinese(text) else "en"


# The longest one-line summary: the generator's are one or two sentences (its
# archive's English ones 200-260 characters); abstracts run to about 1,000.
_SUMMARY_MAX = 500


def _one_liner(para: list[str]) -> bool:
    return len(para) == 1 and len(para[0]) <= _SUMMARY_MAX


def _english_summary(para: list[str], kind: str, english: list[str]) -> bool:
    """Whether `para` can be the English one-line summary: empty, or one short
    line of Latin text with no Chinese in it and not the English abstract's text
    (an untranslated Chinese abstract). Never an abstract-sized paragraph."""
    if not para:
        return True
    if kind != "en" or not _one_liner(para) or _CJK_RE.search(para[0]):
        return False
    body = "\n".join(english)
    m = _EN_HEADER_RE.match(body) if body.startswith("arXiv:") else None
    return _letters(para[0]) != _letters(body[m.end() :] if m else body)


def _letters(text: str) -> str:
    """`text` with only its letters and digits, case-folded: an untranslated
    abstract that differs from the English one by punctuation or spacing is
    still the same text (found by the `regparse2` hunt)."""
    return re.sub(r"[\W_]+", "", text).casefold()


def _place_rest(
    f: _Fields, paras: list[list[str]], summary: str, notes: list[str], *, stripped: bool
) -> None:
    """Place the paragraphs after the link (and English title)."""
    while paras and not paras[0]:
        paras = paras[1:]
    if paras and paras[0] and summary and clean_line(paras[0][0]) == summary and len(paras[0]) > 1:
        paras = [paras[0][:1], paras[0][1:], *paras[1:]]  # a missing blank line glued them
    kinds = [_kind(p) for p in paras]
    if not _place_by_shape(f, paras, kinds, summary):
        _place_by_content(f, paras, kinds, summary, notes, stripped=stripped)
    elif _swapped(paras[-2], paras[-1]):
        notes.append(SWAPPED)
    elif not stripped and not f.abstract_zh and not _english_only(f, kinds):
        notes.append("no Chinese abstract")


def _english_only(f: _Fields, kinds: list[str]) -> bool:
    return not _CJK_RE.search(f.title_zh) and not any(k in ("zh", "ZH") for k in kinds)


def _place_by_shape(f: _Fields, paras: list[list[str]], kinds: list[str], summary: str) -> bool:
    """Place the paragraphs by position when they have one of the writer's shapes:
    summary, English-summary slot, Chinese and English abstract (4); the same
    without the slot, whose four-space line an editor stripped (3); the earliest
    digests' two abstracts (2). The script only breaks ties: the last paragraph
    must be English (else the abstracts are swapped or one is missing), a
    summary is a one-liner, and three paragraphs whose second is a short Latin
    line unlike the English (last) one are the slot's text without a Chinese
    abstract. Otherwise the last paragraph is the English abstract by its
    position, whatever its script (an English abstract quoting much Chinese,
    or swapped abstracts, which `_place_rest` warns of), as before this
    session. Only where the position cannot tell (two paragraphs, or one after
    the summaries and the empty slot) does a last paragraph that is not
    English go to `_place_by_content`. False (nothing placed) when none fits."""
    n = len(paras)
    if n < 2 or n > 4:
        return False
    if kinds[-1] not in ("en", "EN") and (
        (n == 2 and kinds[0] in ("zh", "ZH")) or (n == 3 and not paras[1])
    ):
        return False  # a summary and one abstract, or one after the slot: the script says which
    first = paras[0]
    if n > 2 and not (summary and clean_line(first[0]) == summary) and not _one_liner(first):
        return False
    if n == 4 and not _english_summary(paras[1], kinds[1], paras[3]):
        return False
    if n == 2 and summary and clean_line(first[0]) == summary:
        return False  # the table's summary is never the Chinese abstract
    if n == 2:
        f.early = True
    else:
        f.summary_zh = _line_field(first)
    if (
        n == 3
        and paras[1]
        and kinds[-1] in ("en", "EN")
        and _english_summary(paras[1], kinds[1], paras[2])
    ):
        f.summary_en = _line_field(paras[1])  # the slot's text, the Chinese abstract missing
    else:
        f.summary_en = _line_field(paras[1]) if n == 4 else ""
        f.abstract_zh = _para_field(paras[-2])
    f.abstract_en = _para_field(paras[-1])
    return True


def _place_by_content(
    f: _Fields,
    paras: list[list[str]],
    kinds: list[str],
    summary: str,
    notes: list[str],
    *,
    stripped: bool,
) -> None:
    """Place paragraphs not in one of the writer's shapes, by what they are.
    A footnote whose empty fields cannot be told (their four-space lines
    stripped) is not said to lack an abstract: the writer's empty one is so
    (an empty footnote still is)."""
    english_only = _english_only(f, kinds) or (stripped and bool(paras))
    e = _english_start(kinds)
    pre = paras[:e] if e >= 0 else paras
    pre_kinds = kinds[:e] if e >= 0 else kinds
    swapped = False
    late_zh: list[list[str]] = []
    if e >= 0:
        english = [paras[e]]
        chinese_before = "ZH" in pre_kinds or "zh" in pre_kinds[1:]
        for para, kind in zip(paras[e + 1 :], kinds[e + 1 :], strict=True):
            if kind in ("zh", "ZH") and chinese_before:
                late_zh.append(para)  # Chinese text after it: the Chinese abstract's
            elif kind in ("zh", "ZH") and not swapped:
                f.abstract_zh, swapped = _para_field(para), True
            elif para:
                english.append(para)
        if swapped:
            notes.append("the Chinese abstract after the English one (abstracts in swapped order)")
        if len(english) > 1:
            notes.append(f"{len(english) - 1} more paragraph(s) joined to the English abstract")
        f.abstract_en = _para_field([x for p in english for x in [*p, ""]][:-1])
    front_kinds = pre_kinds + ["zh"] * len(late_zh)
    _place_front(f, pre + late_zh, front_kinds, summary, notes, have_zh=swapped)
    if not english_only:
        if e < 0:
            notes.append("no English abstract")
        if not f.abstract_zh and not swapped:
            notes.append("no Chinese abstract")


def _english_start(kinds: list[str]) -> int:
    """Where the English abstract starts (-1: none): the first paragraph with its
    `Announce Type` header; else the first Latin paragraph after the Chinese
    abstract (a Chinese paragraph after the summary), so that neither an empty
    field nor a paragraph after the writer's closing four-space line moves it
    (found by the `fuzz` hunt: it went into the Chinese abstract); else, with no
    Chinese abstract, the last paragraphs when Latin."""
    if "EN" in kinds:
        return kinds.index("EN")
    chinese = next((i for i, k in enumerate(kinds) if i and k in ("zh", "ZH")), -1)
    if chinese > 0 and "en" in kinds[chinese:]:
        return kinds.index("en", chinese)
    e = -1
    if kinds and kinds[-1] == "en":
        e = len(kinds) - 1
        while e > 0 and kinds[e - 1] == "en" and not (e - 1 == 1 and kinds[0] == "zh"):
            e -= 1  # an English abstract in several paragraphs
    return e


def _place_front(
    f: _Fields,
    paras: list[list[str]],
    kinds: list[str],
    summary: str,
    notes: list[str],
    *,
    have_zh: bool,
) -> None:
    """Place the summaries and the Chinese abstract: what comes before the English abstract."""
    i = 0
    is_summary = (
        bool(paras)
        and kinds[0] in ("zh", "en")
        and (
            (summary and clean_line(paras[0][0]) == summary)
            or (len(kinds) > 1 and kinds[1] in ("", "en"))
            or any(k in ("zh", "ZH") for k in kinds[1:])
            or have_zh
        )
    )
    if is_summary:
        f.summary_zh = _line_field(paras[0])
        i = 1
        if i < len(paras) and _english_summary(paras[i], kinds[i], []):
            f.summary_en = _line_field(paras[i])
            i += 1
    elif paras and kinds[0] in ("zh", "ZH") and summary and len(paras) == 1:
        f.early = True  # the earliest digests' layout: no summary paragraphs
    chinese: list[list[str]] = []
    extra = 0
    for para, kind in zip(paras[i:], kinds[i:], strict=True):
        if not para:
            continue
        if not chinese and not have_zh and kind in ("zh", "ZH"):
            chinese.append(para)
        else:
            chinese.append(para)
            extra += 1
    if extra:
        notes.append(f"{extra} paragraph(s) joined to the Chinese abstract")
    if chinese and not have_zh:
        f.abstract_zh = _para_field([x for p in chinese for x in [*p, ""]][:-1])
    elif chinese:
        f.abstract_zh = _para_field(
            [x for p in [f.abstract_zh.split("\n"), *chinese] for x in [*p, ""]][:-1]
        )
