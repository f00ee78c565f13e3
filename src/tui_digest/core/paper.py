"""`Paper`: one arXiv paper, bilingual (importable from `core.model` as before).

A module of its own so that `core.model_read` (what reading a document yields)
can name it without importing `core.model`, which loads `model_read` when asked
(issue 13 req 5). Text in it has been cleaned once at ingest (see `sanitize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""
