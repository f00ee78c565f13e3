"""What arXiv's query API said about each paper, and when it was asked.

Kept in its own table (`arxiv_meta`, keyed by arXiv id), apart from the text
the digests brought, so enrichment never changes a digest's own text. The same
row remembers the asking, so a later run (or a restart) asks nothing new:

- an id arXiv answered for is not asked again, unless the paper is later
  announced with a newer version than any seen when it was asked;
- an id arXiv answered for with an older version than the one announced (its
  API lags the announcements), or not at all when asked about a newer version,
  keeps what arXiv said before and is asked again after a day, at most
  MAX_ATTEMPTS times for that version (`behind`; found by a bug hunt: it was
  recorded as answered at the new version and never asked again);
- an id arXiv had no entry for (too new, or withdrawn from the API) is asked
  again after a day, at most MAX_ATTEMPTS times in all;
- an id the API calls malformed is never asked again (same version rule).

Functions here take a sqlite3 connection inside the caller's transaction; the
store's facade wraps them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tui_digest.core.extras import Extra

FOUND, MISSING, INVALID = "found", "missing", "invalid"
RETRY_AFTER = dt.timedelta(days=1)
MAX_ATTEMPTS = 3
# The digests cut English abstracts at 1,000 characters (header included);
# anything this long may have been cut, so the full one is kept when arXiv's is longer.
# Longer than CUT_AT + CUT_SLACK and it was never cut by a digest: in
# /work/shared/samples every cut English abstract of the Markdown digests and
# archive records has len(header) + len(abstract) <= 1,000 (803 at exactly
# 1,000, none above), so such text is whole (an arXiv feed's, however many
# documents list it too: regression hunt `regmend` #3).
CUT_AT = 1000
CUT_SLACK = 10
# The category of a title suffix, "(arXiv:2403.10056v2 [cs.LG] UPDATED)" (the
# whole form is core/digest_grammar's, which this module cannot import: a cycle).
_SUFFIX_CATEGORY = re.compile(r"\[([^\]\s]+)\](?:\s+[A-Z][A-Z ]*)?\)\s*$")

CREATE_TABLE = """CREATE TABLE arxiv_meta (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    version TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    categories TEXT NOT NULL DEFAULT '[]',
    published TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT '',
    journal_ref TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    abstract TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID"""

_COLS = (
    "id, status, asked_at, attempts, version, authors, categories, published, updated, "
    "comments, journal_ref, doi, abstract"
)
_CHUNK = 500


@dataclass(slots=True)
class ArxivMeta:
    id: str
    status: str  # FOUND, MISSING or INVALID
    asked_at: str  # ISO 8601 UTC of the last request that covered it
    # Requests that did not find it, or (found) did not find the version in
    # `version` (reset when found at that version).
    attempts: int = 0
    version: str = ""  # the newest version known when it was asked
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # primary first
    published: str = ""
    updated: str = ""
    comments: str = ""
    journal_ref: str = ""
    doi: str = ""
    abstract: str = ""  # arXiv's full abstract, kept only where the digest's was cut

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def behind(self) -> bool:
        """Found, but arXiv's answer is of a version older than `version` (the one
        announced when it was last asked): its API had not caught up."""
        return self.status == FOUND and self.attempts > 0


@dataclass(slots=True)
class EnrichCandidate:
    """A paper that might be asked about, as the store hands it out."""

    rowid: int
    id: str
    version: str
    # The paper's English abstract is empty or may have been cut (a digest's, of
    # 990 to 1,010 characters; an arXiv feed's is whole: `abstract_is_whole`).
    abstract_cut: bool
    meta: ArxivMeta | None = None


def version_number(version: str) -> int:
    digits = "".join(c for c in version if c.isdigit())
    return int(digits) if digits else 0


def _when(stamp: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def needs_asking(version: str, meta: ArxivMeta | None, now: dt.datetime) -> bool:
    """Whether a paper at `version` should be asked for now (see the module docstring)."""
    if meta is None:
        return True
    if version_number(version) > version_number(meta.version):
        return True  # announced again with a newer version
    if meta.status != MISSING and not meta.behind:
        return False
    if meta.attempts >= MAX_ATTEMPTS:
        return False
    asked = _when(meta.asked_at)
    return asked is None or now - asked >= RETRY_AFTER


def looks_cut(abstract: str, header: str = "", *, whole: bool = False) -> bool:
    """Whether a digest's English abstract may have been cut at 1,000 characters;
    never when it is known `whole` (an arXiv feed's, `abstract_is_whole`) nor
    when longer than a digest's cut text ever is (see CUT_AT)."""
    return length_looks_cut(len(header) + len(abstract), whole=whole)


def length_looks_cut(length: int, *, whole: bool = False) -> bool:
    """`looks_cut` of an abstract `length` characters long with its header
    (`store.enrichment` measures it in SQL, without reading the text)."""
    return not whole and CUT_AT - CUT_SLACK <= length <= CUT_AT + CUT_SLACK


# The kind of digest (`Digest.kind`) arXiv's own listing feeds are read as
# (core/arxiv_feed.KIND, which this module cannot import: a cycle). Their
# abstracts are whole; only the generator's (Markdown digest, digest feed,
# archive record) cuts an English abstract at 1,000 characters.
ARXIV_FEED_KIND = "arxiv"


def abstract_is_whole(kinds: Iterable[str]) -> bool:
    """Whether a paper's English abstract is whole, `kinds` being the kinds of the
    documents that list it at its version: only arXiv feeds (any other, or none
    known, and it may be a digest's, cut by length: `looks_cut`)."""
    seen = set(kinds)
    return bool(seen) and seen == {ARXIV_FEED_KIND}


def _row(m: ArxivMeta) -> tuple[object, ...]:
    return (
        m.id,
        m.status,
        m.asked_at,
        m.attempts,
        m.version,
        json.dumps(m.authors, ensure_ascii=False),
        json.dumps(m.categories, ensure_ascii=False),
        m.published,
        m.updated,
        m.comments,
        m.journal_ref,
        m.doi,
        m.abstract,
    )


def _meta(r: Sequence[object]) -> ArxivMeta:
    return ArxivMeta(
        id=str(r[0]),
        status=str(r[1]),
        asked_at=str(r[2]),
        attempts=int(r[3]),  # type: ignore[call-overload]
        version=str(r[4]),
        authors=json.loads(str(r[5]) or "[]"),
        categories=json.loads(str(r[6]) or "[]"),
        published=str(r[7]),
        updated=str(r[8]),
        comments=str(r[9]),
        journal_ref=str(r[10]),
        doi=str(r[11]),
        abstract=str(r[12]),
    )


def load(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, ArxivMeta]:
    """The stored rows for `ids` (missing ids are simply absent)."""
    wanted = list(dict.fromkeys(ids))
    out: dict[str, ArxivMeta] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(f"SELECT {_COLS} FROM arxiv_meta WHERE id IN ({marks})", chunk):
            out[r[0]] = _meta(r)
    return out


def save(conn: sqlite3.Connection, rows: Iterable[ArxivMeta]) -> None:
    conn.executemany(
        f"INSERT OR REPLACE INTO arxiv_meta({_COLS}) VALUES ({', '.join('?' * 13)})",
        [_row(m) for m in rows],
    )


def answered(
    candidate: EnrichCandidate,
    previous: ArxivMeta | None,
    entry: ApiEntryLike | None,
    asked_at: str,
    *,
    invalid: bool = False,
) -> ArxivMeta:
    """The row to keep after asking about `candidate` (entry None: no entry came back).

    An answer older than the announced version, or none where arXiv answered
    before, keeps arXiv's answer (the older version's abstract only where the
    announcement's is cut) and is recorded `behind`, to be asked again.
    """
    if invalid:
        attempts = previous.attempts + 1 if previous and previous.status == INVALID else 1
        return ArxivMeta(candidate.id, INVALID, asked_at, attempts, candidate.version)
    if entry is None:
        if previous is not None and previous.found:
            return _still_behind(candidate, previous, previous, asked_at)
        attempts = previous.attempts + 1 if previous and previous.status == MISSING else 1
        return ArxivMeta(candidate.id, MISSING, asked_at, attempts, candidate.version)
    late = bool(entry.version) and version_number(entry.version) < version_number(candidate.version)
    said = ArxivMeta(
        id=candidate.id,
        status=FOUND,
        asked_at=asked_at,
        attempts=0,
        version=entry.version if late else _newer(entry.version, candidate.version),
        authors=list(entry.authors),
        categories=list(entry.categories),
        published=entry.published,
        updated=entry.updated,
        comments=entry.comments,
        journal_ref=entry.journal_ref,
        doi=entry.doi,
        abstract=entry.abstract if candidate.abstract_cut else "",
    )
    return _still_behind(candidate, said, previous, asked_at) if late else said


def _still_behind(
    candidate: EnrichCandidate, said: ArxivMeta, previous: ArxivMeta | None, asked_at: str
) -> ArxivMeta:
    """`said` (arXiv's answer, of an older version than `candidate`'s) kept as a
    row `behind` the announced version: asked again after a day, MAX_ATTEMPTS
    times for that version in all."""
    again = (
        previous is not None
        and previous.behind
        and version_number(previous.version) >= version_number(candidate.version)
    )
    kept = ArxivMeta(**{f: getattr(said, f) for f in said.__slots__})
    kept.asked_at = asked_at
    if not again and version_number(candidate.version) <= version_number(said.version):
        return kept  # (asked again without a newer version: nothing is behind)
    kept.version = _newer(said.version, candidate.version)
    kept.attempts = previous.attempts + 1 if again and previous is not None else 1
    if not candidate.abstract_cut:
        kept.abstract = ""  # the announcement's own abstract is whole: arXiv's is older
    return kept


def apply_to(
    paper: PaperLike,
    meta: ArxivMeta,
    earlier: ArxivMeta | None = None,
    *,
    whole: bool = False,
    listed: Iterable[str] = (),
) -> bool:
    """Give `paper` what arXiv's API said of it (`meta`, found); True if it changed.

    Its EMPTY authors are filled, and those arXiv gave before (`earlier`, the
    answer `meta` replaces) replaced: a newer version's list never reached the
    paper (found by a bug hunt); a feed's own list stays. Its published date
    becomes arXiv's (the first version's; a feed's is the day of the
    announcement it came in: found by a bug hunt); its categories become
    arXiv's (primary first) followed by any it had that arXiv does not list,
    less those only `earlier` listed (but for its title line's own and those
    the documents listing it gave it: `listed`, remembered in the paper's
    `Extra.LISTED_CATEGORIES`; a feed's own category was dropped when arXiv's
    earlier answer listed it too: found by a bug hunt). arXiv's
    whole abstract, kept where the digest's was cut ("" where it was not), goes
    beside the digest's (`arxiv_abstract`), so that the paper's row holds what
    the reader shows and search indexes (a word only arXiv's abstract had was
    shown but never found: found by a bug hunt); an abstract of an older
    version than the paper's only while the paper's own is cut (found by a bug
    hunt), never when it is `whole` (an arXiv feed's, `abstract_is_whole`; a
    whole feed abstract of 990+ characters counted as cut: found by a bug
    hunt). Enrichment applies it when arXiv answers, and the importer again
    after every merge of a paper already held, so a later announcement's lists
    never undo it (a re-announced paper lost arXiv's categories for good: found
    by a bug hunt).
    """
    if not meta.found:
        return False
    old = (list(paper.authors), list(paper.categories), paper.published, paper.arxiv_abstract)
    replaced = earlier if earlier is not None and earlier.found else None
    if meta.authors and (
        not paper.authors or (replaced is not None and paper.authors == replaced.authors)
    ):
        paper.authors = list(meta.authors)
    own_listed = _listed(paper, listed)
    if meta.categories:
        gone = set(replaced.categories) - set(meta.categories) if replaced else set()
        gone.discard(_titled_category(paper))
        gone -= set(own_listed)
        own = [c for c in paper.categories if c not in gone]
        paper.categories = list(dict.fromkeys([*meta.categories, *own]))
    if meta.published:
        paper.published = meta.published
    paper.arxiv_abstract = meta.abstract if _abstract_applies(paper, meta, whole) else ""
    return (paper.authors, paper.categories, paper.published, paper.arxiv_abstract) != old


def _listed(paper: PaperLike, listed: Iterable[str]) -> list[str]:
    """The categories the documents gave `paper`: those remembered, and `listed`
    (now remembered too)."""
    try:
        known = json.loads(paper.extras.get(Extra.LISTED_CATEGORIES, "") or "[]")
    except ValueError:
        known = []
    if not isinstance(known, list):
        known = []
    both = list(dict.fromkeys([*(str(c) for c in known if c), *(c for c in listed if c)]))
    if both:
        paper.extras[Extra.LISTED_CATEGORIES] = json.dumps(both, ensure_ascii=False)
    return both


def _titled_category(paper: PaperLike) -> str:
    """The category a document's title line gave the paper (`[cs.LG]` of its
    `(arXiv:… [cs.LG])`): its own, kept whatever arXiv's answers say."""
    m = _SUFFIX_CATEGORY.search(paper.extras.get(Extra.TITLE_SUFFIX, ""))
    return m[1] if m else ""


def _abstract_applies(paper: PaperLike, meta: ArxivMeta, whole: bool) -> bool:
    """Whether arXiv's abstract goes beside `paper`'s: unless it is of an older
    version than the paper's and the paper's own is not cut."""
    if not meta.behind and version_number(paper.version) <= version_number(meta.version):
        return True
    header = paper.extras.get(Extra.ABSTRACT_EN_HEADER, "")
    return not paper.abstract_en or looks_cut(paper.abstract_en, header, whole=whole)


def _newer(a: str, b: str) -> str:
    return a if version_number(a) >= version_number(b) else b


class ApiEntryLike(Protocol):
    """What `answered` reads of an API entry (core/arxiv_api.ApiEntry)."""

    id: str
    version: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: str
    updated: str
    comments: str
    journal_ref: str
    doi: str


class PaperLike(Protocol):
    """What `apply_to` changes of a paper (core/model.Paper; not imported: model
    imports this module's readers)."""

    version: str
    abstract_en: str
    authors: list[str]
    categories: list[str]
    published: str
    arxiv_abstract: str
    extras: dict[str, str]
