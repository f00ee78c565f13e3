"""RIS, the tagged format Zotero, Mendeley and EndNote import.

Each record is `TAG  - value` lines from `TY` to `ER`, lines ending in CRLF as
the RIS specification asks (readers accept LF too). Tags used here, from the
RIS specification (Research Information Systems; the tag list Zotero's RIS
translator maps, zotero/translators RIS.js):

    TY  type: UNPB, "unpublished work", what a preprint is
    TI  title            AU  one author per line, "Family, Given"
    PY  year             DA  date, YYYY/MM/DD (YYYY/MM// when only the month is known:
                             "MM, DD and other info optional but slashes required", the
                             spec's Y1/DA form as the RIS tag lists quote it)
    AB  abstract         UR  link to the abstract page
    L1  link to the PDF  DB  archive name (arXiv)
    AN  accession number: the arXiv id
    DO  DOI of the published version (from arXiv, when enriched)
    KW  one keyword per line (the arXiv categories)
    TT  translated title (the Chinese title)
    ER  end of record

Titles, abstract and names are the text the reader shows (`citation.plain_text`),
not the LaTeX arXiv lists: RIS has no markup. Values are single lines; RIS has
no escaping, so a line break inside a title would start a bogus tag and is
folded to a space.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tui_digest.core.citation import (
    cited_abstract,
    cited_authors,
    cited_categories,
    cited_date,
    cited_doi,
    composed,
    paper_url,
    pdf_url,
    plain_text,
)
from tui_digest.core.model import PaperRecord
from tui_digest.core.person_name import split_name
from tui_digest.core.sanitize import MAX_TITLE, clean_line

EOL = "\r\n"
# Tags kept whole, whatever their length (docs/upstream-sources.md, "RIS"). The
# specification sets no length for its free text fields: "N1"/"AB" and "N2" "can
# contain alphanumeric characters; there is no practical length limit to this
# field" (RIS Format Specifications, Reference Manager,
# refman.com/support/risformat_tags_03.asp; that 2004 page calls AB notes, the 2011
# specification and Zotero's RIS.js read AB as the abstract), and rispy reads a line
# of any length. Other values keep `clean_line`'s cap (a title's: 2,000 characters),
# which cut an old or hand-made abstract short of CSL-JSON's (bug hunt s41).
_WHOLE = frozenset({"AB"})


def _ris_name(name: str) -> str:
    parts = split_name(plain_text(composed(name)))
    if parts.literal:
        return parts.literal
    out = f"{parts.family}, {parts.given}"
    return f"{out}, {parts.suffix}" if parts.suffix else out


def ris_record(rec: PaperRecord) -> list[tuple[str, str]]:
    """The (tag, value) pairs of one record, `TY` first and `ER` last."""
    p = rec.paper
    # Titles and abstract as the reader shows them: RIS values are plain text to Zotero
    # and EndNote, so `Pok\\'eLLMon` would be imported with its backslash.
    title = plain_text(p.title_en or p.title_zh) or p.id
    tags: list[tuple[str, str]] = [("TY", "UNPB"), ("TI", title)]
    tags += [("AU", _ris_name(a)) for a in cited_authors(rec) if clean_line(a)]
    parts = cited_date(rec)
    if parts:
        tags.append(("PY", str(parts[0])))
    if len(parts) == 3:
        tags.append(("DA", "{:04d}/{:02d}/{:02d}".format(*parts)))
    elif len(parts) == 2:  # the month the id encodes, as CSL-JSON cites it (bug hunt)
        tags.append(("DA", "{:04d}/{:02d}//".format(*parts)))
    abstract = cited_abstract(rec)
    if abstract:
        tags.append(("AB", plain_text(abstract)))
    url = paper_url(rec)
    if url:
        tags.append(("UR", url))
    pdf = pdf_url(p.id)
    if pdf:
        tags.append(("L1", pdf))
        tags.append(("DB", "arXiv"))
        tags.append(("AN", f"arXiv:{p.id}"))
    doi = cited_doi(rec)
    if doi:
        tags.append(("DO", doi))
    tags += [("KW", c) for c in cited_categories(rec) if clean_line(c)]
    if p.title_zh and p.title_en:
        tags.append(("TT", plain_text(p.title_zh)))
    tags.append(("ER", ""))
    return [
        (tag, composed(clean_line(value, sys.maxsize if tag in _WHOLE else MAX_TITLE)))
        for tag, value in tags
    ]


def ris_text(rec: PaperRecord) -> str:
    """One record's lines, each `TAG  - value` and EOL."""
    return "".join(f"{tag}  - {value}{EOL}" for tag, value in ris_record(rec))


def to_ris(records: Iterable[PaperRecord]) -> str:
    """All records, one after the other (no blank line between, as the spec shows)."""
    return "".join(ris_text(rec) for rec in records)
