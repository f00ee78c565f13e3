"""Export of papers: the format list and JSON.

The Markdown digest writer lives in `digest_format` (it mirrors the reader) and
the citation formats in `bibtex`, `ris` and `csl_json`; this module holds the
list of formats every front end offers and the JSON export. Files are written
with `atomic_file.write_atomic` (re-exported here): never clobber by accident,
never leave a half-written file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from tui_digest.core.atomic_file import write_atomic
from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.citation import cited_abstract, paper_year
from tui_digest.core.extras import Extra, machine_fields
from tui_digest.core.model import PaperRecord

__all__ = [
    "FORMATS",
    "JSON_KEYS",
    "paper_year",
    "render",
    "to_bibtex",
    "to_json",
    "write_atomic",
]

# format key -> (label, file extension), in the order the export dialog lists them.
# CSL-JSON ends in .json so that pandoc's --bibliography recognises it.
FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("Markdown digest", ".md"),
    "bibtex": ("BibTeX", ".bib"),
    "ris": ("RIS (Zotero, Mendeley, EndNote)", ".ris"),
    "csl-json": ("CSL-JSON (pandoc, Zotero)", ".csl.json"),
    "json": ("JSON", ".json"),
}

JSON_KEYS = (
    "id",
    "version",
    "url",
    "title_en",
    "title_zh",
    "summary_zh",
    "summary_en",
    "abstract_en",
    "abstract_zh",
    "authors",
    "categories",
    "announce_type",
    "text_version",
    "published",
    "comments",
    "journal_ref",
    "doi",
    "digests",
    "listings",
    "read",
    "starred",
    "tags",
    "note",
    "machine_fields",
)


def format_of_file(name: str) -> str | None:
    """The format a file name's extension stands for (`starred.bib`: bibtex), or None.

    `.csl.json` is CSL-JSON and any other `.json` JSON, as the export dialog names them."""
    lower = name.lower()
    by_length = sorted(FORMATS.items(), key=lambda item: -len(item[1][1]))
    return next((key for key, (_label, ext) in by_length if lower.endswith(ext)), None)


def fits_file(fmt: str, name: str) -> bool:
    """Whether format `fmt` may be written to a file called `name`: one whose extension
    stands for no format, or for `fmt`; CSL-JSON also in a `.json` (pandoc's
    `--bibliography` reads a `.json` as CSL-JSON)."""
    named = format_of_file(name)
    return named in (None, fmt) or (named == "json" and fmt == "csl-json")


def render(records: Iterable[PaperRecord], fmt: str) -> str:
    """`records` as the text of format `fmt` (a key of FORMATS)."""
    recs = list(records)
    if fmt == "markdown":
        from tui_digest.core.digest_format import write_digest

        return write_digest(r.paper for r in recs)
    if fmt == "bibtex":
        return to_bibtex(recs)
    if fmt == "ris":
        from tui_digest.core.ris import to_ris

        return to_ris(recs)
    if fmt == "csl-json":
        from tui_digest.core.csl_json import to_csl_json

        return to_csl_json(recs)
    if fmt == "json":
        return to_json(recs)
    raise ValueError(f"unknown export format {fmt!r}")


# --- JSON -----------------------------------------------------------------------


def record_to_json_obj(rec: PaperRecord) -> dict:
    """One paper as a plain dict with exactly `JSON_KEYS`, in that order."""
    p = rec.paper
    meta = rec.meta
    return {
        "id": p.id,
        "version": p.version,
        "url": p.url,
        "title_en": p.title_en,
        "title_zh": p.title_zh,
        "summary_zh": p.summary_zh,
        # The archive's `en_tdlr`, else the digest's rarely filled English summary slot.
        "summary_en": p.summary_en or p.extras.get(Extra.SUMMARY_EN, ""),
        # arXiv's full abstract where the digest's was cut, as the reader shows it.
        "abstract_en": cited_abstract(rec),
        "abstract_zh": p.abstract_zh,
        "authors": list(p.authors),
        "categories": list(p.categories),
        "announce_type": p.announce_type,
        # With --digest, "" when the titles and abstracts are of `version` (the
        # listing's own, read from its document); else the later version they are
        # of, the listing's document not kept (history hunt #1).
        "text_version": rec.text_version,
        "published": p.published,
        # From arXiv's API (`tui-digest enrich`), "" until asked.
        "comments": meta.comments if meta else "",
        "journal_ref": meta.journal_ref if meta else "",
        "doi": meta.doi if meta else "",
        "digests": list(rec.digests),
        # Where it was listed: each digest with its date, the paper's ref there,
        # and the announce type and version that digest gave it (`new` v1 in one
        # day's, `replace` v2 in a later one's; `cross` in another category's).
        "listings": [
            {
                "digest": x.digest,
                "date": x.date,
                "ref": x.ref,
                "announce_type": x.announce_type,
                "version": x.version,
            }
            for x in rec.listings
        ],
        "read": bool(rec.read),
        "starred": bool(rec.starred),
        # The user's own (`tui-digest tag`, `note`; `#` and `a` in the reader).
        "tags": list(rec.tags),
        "note": rec.note,
        # The Chinese fields a model wrote (`tui-digest translate`), in `ZH_FIELDS`
        # order; [] when a person wrote them all (translate.md: the mark was lost).
        "machine_fields": machine_fields(p.extras),
    }


def to_json(records: Iterable[PaperRecord]) -> str:
    """A JSON array of `record_to_json_obj` objects; Chinese kept readable."""
    objs = [record_to_json_obj(r) for r in records]
    return json.dumps(objs, ensure_ascii=False, indent=2) + "\n"


# --- Files ----------------------------------------------------------------------

_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_UNSAFE_FILENAME_CHARS_RE = re.compile(r'[/\\<>:"|?*\s]+')


def safe_filename(text: str, default: str = "digest", *, max_bytes: int = 120) -> str:
    """A single file-name component derived from untrusted `text`.

    No path separators, no `..`, no control or format characters, no leading
    dots or dashes (hidden files, options), no Windows-reserved names, and at
    most `max_bytes` bytes of UTF-8. Chinese and other letters are kept.
    Returns `default` (itself made safe) when nothing usable remains.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = _UNSAFE_FILENAME_CHARS_RE.sub("-", text)  # first, so a newline still separates words
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text)
    name = _cap_utf8(text.lstrip(".-"), max_bytes).rstrip(". -")
    if not name:
        return default if default and safe_filename(default, "") == default else "digest"
    stem, dot, rest = name.partition(".")
    if stem.upper() in _RESERVED_NAMES:
        name = _cap_utf8(f"{stem}_{dot}{rest}", max_bytes).rstrip(". -")
    return name


def _cap_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")
