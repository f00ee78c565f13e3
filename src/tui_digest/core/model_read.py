"""What reading a document yields: `Digest`, `Problem`, `ReadResult`, `InputError`.

Importable from `core.model` as before (it loads this module when one of them
is first asked for); a module of its own so that the reader's first frame,
which reads the cache only, does not build these classes (issue 13 req 5).
Text in these objects has been cleaned once at ingest (see `sanitize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_digest.core.paper import Paper


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
    # Why the document looks cut off, or "": a Markdown digest whose last
    # table rows have no footnote, or that ends mid-line (`DigestStream`). Known
    # once it is read to its end; the store refuses it as a revision of a day
    # it holds when that day agrees (`days.refuse_cut`). `cut_kind`: "rows",
    # "note" (its last footnote ends mid-line, or stops at a line break short of
    # the paragraphs every other footnote has) or "table" (its table does).
    cut: str = ""
    cut_kind: str = ""
    # "note": the paper whose footnote the document ends in, and how long its
    # abstracts came (a cut one is shorter than the one stored; each compared). "rows": the
    # ids of the last rows without a footnote (their text would be the table's).
    cut_id: str = ""
    cut_chars: tuple[int, int] = (0, 0)  # (English, Chinese)
    cut_ids: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Problem:
    """Something a reader could not place. `line` is 1-based (0 when unknown)."""

    line: int
    message: str
    severity: str = "warning"  # "warning": entry kept or skipped; "error": document-level
    # "decoding": how the bytes were decoded (not UTF-8), no entry's trouble;
    # "document": the whole document's (not well-formed XML), no entry's either.
    kind: str = ""

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
    # A feed `tui-digest publish` wrote (its channel's generator): its folder's
    # index.json lists every day, so a subscriber can fetch the days it missed.
    published: bool = False
    # The document was cut off (its XML never closed): the entries read are
    # complete, but it is not the whole document (fetch and import fail it).
    truncated: bool = False


class InputError(ValueError):
    """An input that is not a digest or feed at all (the whole document is refused).

    The message names the source and, where it can, the line.
    """
