"""Plain data classes shared by every layer.

Text in these objects has been cleaned once at ingest (see `sanitize`): it holds
no terminal control characters, but it is still untrusted for markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .arxiv_meta import ArxivMeta

ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross", "updated")


@dataclass(slots=True)
class Paper:
    """One arXiv paper, bilingual.

    `extras` holds format-preserving details that are not part of the paper's
    meaning but are needed to write a digest back exactly as it was read (for
    example the `(arXiv:… [cat])` title suffix, the `Announce Type` abstract
    header, the translated header of the Chinese abstract, a table cell that
    differs from the derived one), and the marks machine translation leaves.
    Every key is declared once, in `core.extras` (`Extra`); the store persists
    them as JSON and merges them key by key like any other field.
    """

    id: str  # arXiv id without version: "2403.10056" or "hep-th/9901001"
    version: str = ""  # "v1", or "" when unknown
    url: str = ""
    title_en: str = ""
    title_zh: str = ""
    summary_zh: str = ""
    abstract_en: str = ""
    abstract_zh: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # primary first
    announce_type: str = ""  # one of ANNOUNCE_TYPES or ""
    published: str = ""  # ISO date "YYYY-MM-DD" or ""
    # The English one-line summary; only the generator's JSON archive has it
    # (`en_tdlr`, see core/archive_json.py). Not part of the Markdown digest.
    summary_en: str = ""
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""


# eq=False: nothing compares these (a ReadResult's repr shows them); each
# method a dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, eq=False)
class Digest:
    """A document that lists papers: a Markdown digest, or one fetch of a feed."""

    name: str  # e.g. "digest-cs.AI-2024-03-18"
    source: str = ""  # file path or URL it came from
    date: str = ""  # ISO date "YYYY-MM-DD" or ""
    papers: list[Paper] = field(default_factory=list)  # in ref order
    kind: str = "digest"  # "digest", "digest-feed", "arxiv", "feed"


@dataclass(slots=True, frozen=True)
class Problem:
    """Something a reader could not place. `line` is 1-based (0 when unknown)."""

    line: int
    message: str
    severity: str = "warning"  # "warning": entry kept or skipped; "error": document-level

    def format(self, source: str = "") -> str:
        where = f"{source}:{self.line}" if self.line else source or "<input>"
        return f"{where}: {self.severity}: {self.message}"


# eq=False: nothing compares these; each method a dataclass generates costs
# the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, eq=False)
class ReadResult:
    """A document read: its digest, what could not be placed, the format it was read as."""

    digest: Digest
    problems: list[Problem] = field(default_factory=list)
    format: str = ""  # detected or forced format name


class InputError(ValueError):
    """An input that is not a digest or feed at all (the whole document is refused).

    The message names the source and, where it can, the line.
    """


# --- What the store hands out -------------------------------------------------


# What importing one document did to the digests (`ImportStats.outcome`).
NEW_DIGEST = "new digest"  # content new to its source: a digest for that day was created
SAME_DAY = "same-day update"  # that day's digest of the source was replaced
IDENTICAL = "identical"  # the same content as the source's latest digest: nothing created
NO_NEW_PAPERS = "no new papers"  # an empty document: no digest, nothing removed


@dataclass(slots=True)
class ImportStats:
    """What one import did: papers new, updated and unchanged, and where they went."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # Which digest the papers were filed under and what happened to it; not
    # part of equality, so counts compare as counts.
    digest: str = field(default="", compare=False)
    outcome: str = field(default="", compare=False)

    @property
    def no_new_papers(self) -> bool:
        return self.outcome == NO_NEW_PAPERS


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, eq=False, repr=False)
class ListRow:
    """The narrow row the paper list draws (no abstracts)."""

    rowid: int  # the store's integer key for the paper
    id: str
    title_en: str
    title_zh: str
    summary_zh: str
    date: str  # date of the newest digest the paper appeared in, or published
    category: str  # primary category
    read: bool
    starred: bool
    ref: int  # 1-based position in that digest (0 when unknown)
    announce_type: str = ""  # of the stored version: "replace" means a new version came


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, eq=False, repr=False)
class PaperRecord:
    """One full paper with the user's state and where it appeared."""

    rowid: int
    paper: Paper
    read: bool = False
    starred: bool = False
    digests: list[str] = field(default_factory=list)  # digest names, newest first
    meta: ArxivMeta | None = None  # what arXiv's API said, when it was asked
    listings: list[Listing] = field(default_factory=list)  # one per digest, newest first
    tags: list[str] = field(default_factory=list)  # the user's (core.store.user_log)
    note: str = ""


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, frozen=True, eq=False, repr=False)
class Listing:
    """Where a paper was listed: its own ref in that digest, and the digest's date."""

    digest: str
    date: str
    ref: int


# eq=False, repr=False: nothing compares or prints these, and each method a
# dataclass generates costs the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, eq=False, repr=False)
class DigestInfo:
    """A digest as the picker and the CLI list it: name, date, source, paper count."""

    name: str  # unique ASCII name, `<source name>-<date>`
    date: str
    source: str
    count: int
    kind: str = "digest"
    label: str = ""  # for people: `cs.AI · 2026-08-19 · cn-chat-arxiv`
    category: str = ""
    alias: str = ""  # the name the document gave itself (names before v4 live on here)
    unread: int | None = None  # filled when asked for (`Store.digests(unread=True)`)
