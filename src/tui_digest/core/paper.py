"""`Paper`: one arXiv paper, bilingual; `PaperRecord`: one as the cache holds it
(with the user's state and where it was listed). Importable from `core.model`.

A module of its own, loaded when a paper is first built or read: the reader's
first frame lists `ListRow`s and builds none of these classes; and
`core.model_read` names `Paper` without importing `core.model`, which loads it
when asked (issue 13 req 5). Text in them has been cleaned once at ingest (see
`sanitize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_digest.core.record import record

if TYPE_CHECKING:
    from tui_digest.core.arxiv_meta import ArxivMeta


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
    announce_type: str = ""  # one of core.model.ANNOUNCE_TYPES or ""
    published: str = ""  # ISO date "YYYY-MM-DD" or ""
    # The English one-line summary; only the generator's JSON archive has it
    # (`en_tdlr`, see core/archive_json.py). Not part of the Markdown digest.
    summary_en: str = ""
    extras: dict[str, str] = field(default_factory=dict)
    # arXiv's whole English abstract where the digest's was cut (`tui-digest
    # enrich`: `arxiv_meta.apply_to` sets it, the importer again after each
    # merge). No document brings it: the store keeps it beside the digest's text.
    arxiv_abstract: str = ""

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def shown_abstract_en(self) -> str:
        """The English abstract the reader shows, the exports carry and search
        indexes: arXiv's whole one where it is longer than the digest's (cut at
        1,000 characters), else the paper's own. (`search_index.SEARCH_SOURCE`
        makes the same choice in SQL.)"""
        if len(self.arxiv_abstract) > len(self.abstract_en):
            return self.arxiv_abstract
        return self.abstract_en


@record()
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
    # Read as a digest listed it (`store.papers.as_listed`): `listed_text` when its
    # text is that listing's own (read from the document's kept bytes); else, when
    # the text is of a later version than the listing's and the cache did not keep
    # that document, `text_version`/`text_type` are that version's ("" otherwise).
    listed_text: bool = False
    text_version: str = ""
    text_type: str = ""


@record(frozen=True)
class Listing:
    """Where a paper was listed: its own ref in that digest, the digest's date, and
    the announce type and version that digest gave it ("" when it gave none; a
    listing made before versions were recorded, schema 13, that gave a type
    takes the paper's version), and the digest's category."""

    digest: str
    date: str
    ref: int
    announce_type: str = ""
    version: str = ""
    category: str = ""  # the digest's category (its source's), "" when it has none
    # Whether the listing's document gave a type (a citation must not take a
    # cs.CL listing for a cross-list because cs.AI's was one: regression hunt).
    own_type: bool = True
    # Whether `version` is the listing's own (False: none recorded, see above).
    own_version: bool = True
