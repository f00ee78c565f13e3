"""arXiv identifiers: recognising them in links and text.

New-style ids are `YYMM.NNNN` (2007-2014) or `YYMM.NNNNN` (2015 on); old-style ids
are `archive[.SC]/YYMMNNN` such as `hep-th/9901001` or `math.GT/0309136`. A
version suffix (`v1`) is kept apart from the id everywhere in the project.
"""

from __future__ import annotations

import re

_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"

# Groups: `id` (no version) and `version` ("v2", or None). Use with .search,
# .match or .fullmatch; the look-arounds keep it from matching inside longer
# numbers or words ("12403.100567", "xhep-th/9901001").
ARXIV_ID_RE = re.compile(rf"(?<![\w.\-])(?P<id>{_ID})(?!\d)(?P<version>v\d+)?(?![\w])")

# https://arxiv.org/abs/ID, http://export.arxiv.org/abs/IDv2, https://rss.arxiv.org/abs/ID,
# https://arxiv.org/pdf/IDv1(.pdf), https://arxiv.org/html/IDv1 — with or without scheme.
_URL_RE = re.compile(
    rf"^(?i:https?://)?(?i:[\w-]+\.)*(?i:arxiv\.org)/(?:abs|pdf|html)/(?P<id>{_ID})(?!\d)"
    r"(?P<version>v\d+)?(?:\.pdf)?/?(?:[?#].*)?$"
)
# "arXiv:2403.10056v1" or the Atom/OAI form "oai:arXiv.org:2403.10056v1".
_PREFIXED_RE = re.compile(
    rf"(?<![\w.])(?:[Aa][Rr][Xx][Ii][Vv]:|oai:arXiv\.org:)\s*(?P<id>{_ID})(?!\d)(?P<version>v\d+)?"
)
_BARE_RE = re.compile(rf"(?P<id>{_ID})(?P<version>v\d+)?")


def parse_arxiv_id(url_or_text: str) -> tuple[str, str] | None:
    """Return `(id, version)` from an arXiv link, an `arXiv:` reference or a bare id.

    The version is "" when not given. Returns None when nothing identifies a paper.
    """
    text = url_or_text.strip()
    if not text:
        return None
    m = _URL_RE.match(text)
    if m is None and "arxiv" in text.lower():
        m = _PREFIXED_RE.search(text)
    if m is None:
        m = _BARE_RE.fullmatch(text)
    if m is None:
        return None
    return m.group("id"), m.group("version") or ""


# Brackets and punctuation around an id pasted from running text.
_WORD_EDGES = "()[]<>{},.;:'\"“”‘’（），。；：、"


def word_arxiv_id(word: str) -> str | None:
    """The id (no version) when the whole of `word` names one paper: a bare id
    with or without version, `arXiv:ID`, or an arxiv.org abs/pdf/html link
    (what the reader shows and copies); else None. Brackets and punctuation
    around it are ignored (`(arXiv:2401.00005),`). For search words
    (`core.query`), which hold no spaces.
    """
    text = word.strip().strip(_WORD_EDGES)
    if not text or not any(c.isdigit() for c in text):
        return None
    text = re.sub(r"V(\d+)$", r"v\1", text)  # 2401.00005V2
    m = _URL_RE.match(text) or _PREFIXED_RE.fullmatch(text) or _BARE_RE.fullmatch(text)
    return m.group("id") if m else None


def abs_url(arxiv_id: str, scheme: str = "https") -> str:
    """The canonical abstract page of a paper."""
    return f"{scheme}://arxiv.org/abs/{arxiv_id}"
