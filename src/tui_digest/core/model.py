"""Plain data classes shared by every layer.

`Paper`, `PaperRecord` and `Listing` are defined in `core.paper`, and what
reading a document yields in `core.model_read` (both loaded when asked for: see
the end of this module); all are imported from here.
Text in these objects has been cleaned once at ingest (see `sanitize`): it holds
no terminal control characters, but it is still untrusted for markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_digest.core.record import record

if TYPE_CHECKING:
    from .model_read import Digest as Digest
    from .model_read import InputError as InputError
    from .model_read import Problem as Problem
    from .model_read import ReadResult as ReadResult
    from .paper import Listing as Listing
    from .paper import Paper as Paper
    from .paper import PaperRecord as PaperRecord

# Paper.announce_type: arXiv's own types (its feeds' `arxiv:announce_type`, per
# ../shared/docs/upstream.md: new, replace, absonly, cross, replace-cross), and
# "updated" from the pre-2024 feeds' titles.
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross", "absonly", "updated")

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
    # The ids behind the counts (empty for a streamed import): a fetch run counts a
    # paper two sources list alike for both, and once for a source that lists it
    # in two documents (the history's day and the day's own file).
    new_ids: set[str] = field(default_factory=set, compare=False, repr=False)
    updated_ids: set[str] = field(default_factory=set, compare=False, repr=False)
    ids: set[str] = field(default_factory=set, compare=False, repr=False)

    @property
    def no_new_papers(self) -> bool:
        return self.outcome == NO_NEW_PAPERS


@record()
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
    # Of the stored version ("replace": a new version came); inside a digest,
    # the type that digest's listing gave it (`store.queries.rows_in_digest`).
    announce_type: str = ""
    # Inside a digest, the version its listing gave it with that type ("": the paper's).
    version: str = ""


# The kind of the digests the generator's JSON archive is filed in, one per month of
# the papers' ids (`archive-2024-03`, `core/archive_json`). Dated the 1st by
# convention, not by a listing: no "newest day", relative `date:` window or
# `published` date comes from one (bug hunt `archive` #6, #7).
ARCHIVE_KIND = "archive"


@record()
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


def listing_day(info: DigestInfo) -> str:
    """The day `info` lists papers on: its date, "" for an archive month (`ARCHIVE_KIND`)."""
    return "" if info.kind == ARCHIVE_KIND else info.date


def newest_first(digests: Iterable[DigestInfo]) -> list[DigestInfo]:
    """Digests as people see them listed: newest day first, names (descending)
    breaking ties. The picker (`d`), `n`/`N` and `tui-digest digests` all list
    this order (`digests` listed same-day ones newest import first, the picker
    by name: found by a bug hunt). `Store.digests` keeps its own order (newest
    import first on a day), which publishing relies on."""
    return sorted(digests, key=lambda d: (d.date, d.name), reverse=True)


# A paper and its record (`Paper`, `PaperRecord`, `Listing`, in `paper`) and
# what reading a document yields (`Digest`, `Problem`,
# `ReadResult`, `InputError`, in `model_read`) load when first asked for from
# here: the reader's first frame lists rows (`ListRow`) and builds none of those
# classes (issue 13 req 5).
_PAPER = frozenset({"Listing", "Paper", "PaperRecord"})
_READ = frozenset({"Digest", "InputError", "Problem", "ReadResult"})


def __getattr__(name: str) -> object:
    if name in _PAPER:
        from tui_digest.core import paper

        return getattr(paper, name)
    if name in _READ:
        from tui_digest.core import model_read

        return getattr(model_read, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
