"""What every citation format needs from a paper: its key, year, links and abstract.

Names are split in `person_name`.

Shared by the BibTeX, RIS and CSL-JSON writers so that one paper gets the same
key, year and link in all three.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from tui_digest.core.arxiv_id import ARXIV_ID_RE
from tui_digest.core.latex_text import readable
from tui_digest.core.model import PaperRecord
from tui_digest.core.person_name import key_words, split_name
from tui_digest.core.sanitize import clean_line, is_safe_url

_NEW_ID_RE = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")  # 2403.10056: YYMM.NNNNN
_OLD_ID_RE = re.compile(r"^[A-Za-z][A-Za-z.-]*/(\d{2})(\d{2})\d{3}$")  # hep-th/9901001
_ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T ])")
_URL_UNSAFE_RE = re.compile(r"[\s{}\\%#\"]")

# Words skipped when choosing the key's title word, as reference managers do.
_KEY_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "towards", "is"}
)
# Letters NFKD does not decompose into ASCII, so "Ørsted" keys as "orsted", not "rsted".
_FOLD = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE",
        "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
        "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip


def is_arxiv_id(arxiv_id: str) -> bool:
    """A bare arXiv id (no version), safe to put in a link."""
    m = ARXIV_ID_RE.fullmatch(arxiv_id or "")
    return m is not None and not m.group("version")


def abs_url(arxiv_id: str) -> str:
    """https://arxiv.org/abs/<id>, the link arXiv's own BibTeX gives; "" for a non-arXiv id."""
    return f"https://arxiv.org/abs/{arxiv_id}" if is_arxiv_id(arxiv_id) else ""


def pdf_url(arxiv_id: str) -> str:
    """https://arxiv.org/pdf/<id>: arXiv's PDF URIs "may also be constructed from the
    article identifier" (info.arxiv.org/help/ir.html); an id without a version
    "refers to the most recent version" (info.arxiv.org/help/arxiv_identifier.html).
    See docs/upstream-sources.md."""
    return f"https://arxiv.org/pdf/{arxiv_id}" if is_arxiv_id(arxiv_id) else ""


def paper_url(rec: PaperRecord) -> str:
    """The paper's canonical link: the arXiv page, else a stored http(s) link, else ""."""
    canonical = abs_url(rec.paper.id.strip())
    if canonical:
        return canonical
    url = rec.paper.url.strip()
    # Verbatim in biblatex url fields and RIS lines: odd characters mean "no link".
    if url and is_safe_url(url) and not _URL_UNSAFE_RE.search(url):
        return url
    return ""


def composed(text: str) -> str:
    """`text` in Unicode's composed form (NFC): `e` + U+0301 -> `é`.

    The cache keeps text as its document wrote it, NFD too (search folds both).
    A citation is read by other programs: pdfLaTeX's utf8 inputenc has no
    definition for a combining mark ("Unicode character U+0301 not set up"), and
    a reference manager takes "García" in NFD and in NFC for two authors (found
    by a bug hunt). Each writer composes its text before splitting a name or
    escaping a value, so both forms give the same citation.

    CJK compatibility ideographs (U+F900-U+FAFF, U+2F800-U+2FA1F) stay as
    written: NFC replaces each with its unified ideograph, a distinction the
    text's writer may have meant (names in Korean hanja keep them)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    pieces = _CJK_COMPATIBILITY_RE.split(text)  # (odd indexes: the ideographs kept)
    return "".join(
        piece if i % 2 else unicodedata.normalize("NFC", piece) for i, piece in enumerate(pieces)
    )


_CJK_COMPATIBILITY_RE = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")


def plain_text(text: str) -> str:
    """`text` as the reader shows it (`latex_text.readable`): `Pok\\'eLLMon` -> PokéLLMon,
    `$O(n^2)$` -> O(n²), `50\\%` -> 50%.

    For the formats whose fields are plain text, RIS and CSL-JSON: Zotero, EndNote and
    citeproc print their titles and abstracts as they are, so raw LaTeX would reach
    the reference list as backslashes and dollars. BibTeX is TeX and keeps the LaTeX.
    Not cached: an export's thousands of titles would push the reader's out of the cache.
    Braces that only protect letters from BibTeX's case changes (`{GPT}s`,
    `{\\L}ojasiewicz`) go too: in a plain-text field they are printed as braces.
    """
    if "{" in text:
        text = _BRACED_LETTER_RE.sub(r"\\\1{}", text)  # `{\L}o` is `\L{}o`: Ło
        for _ in range(3):  # (inner groups first: `{b {c}}`)
            text, found = _BARE_GROUP_RE.subn(r"\1", text)
            if not found:
                break
    return readable(text, cache=False)


# `{\L}`, `{\o}`: a letter command alone in braces (an escaped `\{` is not a group).
_BRACED_LETTER_RE = re.compile(r"(?<!\\)\{\\([A-Za-z]+)\}")
# A group of plain text not after a command, `^`, `_` or another group (where it
# would be an argument: `\frac{a}{bc}`, `x^{10}`), nor escaped.
_BARE_GROUP_RE = re.compile(r"(?<![\\A-Za-z^_}])\{([^{}\\$]*)\}")


# --- What the digest says, else what arXiv's API said (`tui-digest enrich`) ---------------
# Digests carry no authors, categories or dates (docs/upstream.md); enrichment keeps
# arXiv's answer beside the paper (core/arxiv_meta) without changing the digest's text.


def cited_authors(rec: PaperRecord) -> list[str]:
    if rec.paper.authors:
        return list(rec.paper.authors)
    return list(rec.meta.authors) if rec.meta is not None else []


def cited_abstract(rec: PaperRecord) -> str:
    """The English abstract the reader shows: arXiv's full one where the digest's was cut.

    Digests cut English abstracts at 1,000 characters (docs/upstream.md); `enrich`
    keeps arXiv's whole abstract beside such a paper (`Paper.arxiv_abstract`, "" when
    the digest's was whole), and the longer of the two is the one to show, cite
    and search (`Paper.shown_abstract_en`).
    """
    return rec.paper.shown_abstract_en


def cited_categories(rec: PaperRecord) -> list[str]:
    """Primary category first, as far as known.

    Once arXiv's API answered (`enrich`), its categories lead, primary first.
    Before that a digest's paper has its source's category (the importer gives
    it, so `cat:` finds the paper), which is not its primary one where that
    digest listed it as a cross-list: arXiv announces a paper `new` in its
    primary category and `cross` in the others (../shared/docs/upstream.md,
    query_compile.listing_type_conds). Such categories are cited after the
    others (found by a bug hunt: BibTeX's `primaryClass` named the listing's
    category for a paper whose own header said `Announce Type: cross`).
    """
    if rec.meta is not None and rec.meta.found and rec.meta.categories:
        return list(rec.paper.categories) or list(rec.meta.categories)
    categories = list(rec.paper.categories)
    if not categories and rec.meta is not None:
        categories = list(rec.meta.categories)
    crossed = _cross_listed_in(rec)
    return [c for c in categories if c not in crossed] + [c for c in categories if c in crossed]


def cited_primary(rec: PaperRecord) -> str:
    """The primary category to cite (BibTeX `primaryClass`); "" while unknown: a
    paper only ever listed as a cross-list has none until it is enriched."""
    categories = cited_categories(rec)
    if not categories:
        return ""
    if rec.meta is not None and rec.meta.found and rec.meta.categories:
        return categories[0]
    return "" if categories[0] in _cross_listed_in(rec) else categories[0]


_CROSS_TYPES = frozenset(("cross", "replace-cross"))


def _cross_listed_in(rec: PaperRecord) -> frozenset[str]:
    """The categories of the digests that listed the paper as a cross-list
    (themselves: a listing that gave no type is none)."""
    return frozenset(
        x.category
        for x in rec.listings
        if x.category and x.own_type and x.announce_type.lower() in _CROSS_TYPES
    )


def cited_date(rec: PaperRecord) -> list[int]:
    """[year, month, day] as far as known, the same for a paper from any source.

    arXiv's API date (`published`: the day of v1) when the paper was enriched;
    else the year and month its arXiv id encodes (`id_date_parts`); only then the
    stored `published`, which for an arXiv feed is the day it was listed (a
    replacement re-announces a 2023 paper in 2025) and for another feed the
    post's date.
    """
    if rec.meta is not None:
        parts = iso_date_parts(rec.meta.published)
        if parts:
            return parts
    return id_date_parts(rec.paper.id) or iso_date_parts(rec.paper.published)


def cited_doi(rec: PaperRecord) -> str:
    doi = clean_line(rec.meta.doi) if rec.meta is not None else ""
    # DOIs are "10.<registrant>/<suffix>"; anything else is not one.
    return doi if re.fullmatch(r"10\.\d{4,9}/\S+", doi) else ""


def iso_date_parts(date: str) -> list[int]:
    """[year, month, day] of an ISO date (or its start: `2023`, `2023-09`, a timestamp)."""
    m = _ISO_DATE_RE.match((date or "").strip())
    if not m:
        return []
    parts = [int(g) for g in m.groups() if g]
    if (len(parts) > 1 and not 1 <= parts[1] <= 12) or (len(parts) > 2 and not 1 <= parts[2] <= 31):
        return []
    return parts


def id_date_parts(arxiv_id: str) -> list[int]:
    """[year, month] an arXiv id encodes, [] for anything else.

    arXiv's identifier scheme (https://info.arxiv.org/help/arxiv_identifier.html):
    new-style ids (April 2007 on) are `YYMM.NNNNN`, YY 07 = 2007 through 99 = 2099;
    old-style ids (1991 to March 2007) are `archive/YYMMNNN`. YYMM is the month the
    paper was first announced, so every version and every listing of it share it.
    """
    arxiv_id = (arxiv_id or "").strip()
    m = _NEW_ID_RE.match(arxiv_id)
    century = 2000
    if not m:
        m = _OLD_ID_RE.match(arxiv_id)
        century = 1900 if m and int(m.group(1)) >= 91 else 2000
    if not m or not 1 <= int(m.group(2)) <= 12:
        return []
    return [century + int(m.group(1)), int(m.group(2))]


def paper_year(published: str, arxiv_id: str) -> str:
    """The year from `published` (ISO date), else from the arXiv id, else ""."""
    parts = iso_date_parts(published) or id_date_parts(arxiv_id)
    return str(parts[0]) if parts else ""


def date_parts(published: str, arxiv_id: str) -> list[int]:
    """[year, month, day] as far as known: the ISO date, else the id's year and month."""
    return iso_date_parts(published) or id_date_parts(arxiv_id)


def cited_year(rec: PaperRecord) -> str:
    parts = cited_date(rec)
    return str(parts[0]) if parts else ""


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", readable(text).translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode().lower())


def _key_base(rec: PaperRecord) -> str:
    """`<firstauthor><year><firstword>`, or "" when no author is known."""
    authors = cited_authors(rec)
    if not authors:
        return ""
    # The last word of the family name: "van Beethoven" -> beethoven, as arXiv does;
    # a group's first significant word: "The ATLAS Collaboration" -> atlas.
    author = next(filter(None, map(_ascii_word, key_words(split_name(authors[0])))), "")
    if not author:
        return ""
    words = [_ascii_word(w) for w in clean_line(rec.paper.title_en).split()]
    word = next((w for w in words if w and w not in _KEY_STOPWORDS), "")
    return (author + cited_year(rec) + word)[:60]


def _key_id(paper_id: str) -> str:
    """The paper's id as key characters: one id, one result.

    An arXiv id keeps its digits and dots (`2501.00007`); an old-style one its
    archive, lower-cased, with `-` for the slash (`hep-th-9901001`): letters,
    digits, `.` and `-` inside a key are valid for BibTeX, biber and pandoc
    (whose keys may hold "internal punctuation"). Anything else is folded to
    ASCII letters and digits.
    """
    paper_id = paper_id.strip()
    if is_arxiv_id(paper_id):
        return paper_id.lower().replace("/", "-")
    return _ascii_word(paper_id)[:40]


def citation_key(rec: PaperRecord) -> str:
    """The paper's key, the same in every export and in the reader's `b`.

    `<firstauthor><year><firstword>-<arXiv id>` (`vaswani2017attention-1706.03762`):
    the readable part as arXiv's own BibTeX writes it, and the id so that two
    papers never share a key whichever papers are exported together (a bare
    `smith2025deep` is two papers in a 65,000-paper archive). Without a known
    author, `arxiv-<id>`: a title word alone says little, and `arxiv<year>learning`
    would be 17 papers.
    """
    ident = _key_id(rec.paper.id) or "paper"
    return f"{_key_base(rec) or 'arxiv'}-{ident}"


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def citation_keys(records: Sequence[PaperRecord]) -> list[str]:
    """`citation_key` per paper, unique within `records`.

    Keys carry the paper's id, so they differ unless two records share an id (or
    non-arXiv ids that fold alike); only then later ones get a, b, ... appended.
    """
    return keys_from_bases([citation_key(r) for r in records])


def keys_from_bases(bases: Sequence[str]) -> list[str]:
    """Each `citation_key` made unique: a later repeat of a key gets a, b, ...
    appended, never a key another paper has (the export streams use this on the
    keys alone, without holding the papers)."""
    taken = set(bases)
    used: set[str] = set()
    keys = []
    for base in bases:
        key, n = base, 0
        while key in used or (n and key in taken):
            n += 1
            key = base + _suffix(n)
        used.add(key)
        keys.append(key)
    return keys
