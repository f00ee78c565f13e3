"""CSL-JSON, the citation data pandoc, Zotero and citeproc processors read.

Field names and types follow the CSL data schema
(citation-style-language/schema, schemas/input/csl-data.json, version 1.0):
an array of objects, each with the required `id` and `type`; names as
`{"family", "given", "non-dropping-particle", "suffix"}` or `{"literal"}`; dates as
`{"date-parts": [[year, month, day]]}`. Preprints are `type: "article"` (CSL's
type for works not formally published) with the repository as `publisher` and
the arXiv identifier as `number`, the mapping Zotero's developers settled on
for preprints (zotero/zotero-bits#88).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from tui_digest.core.citation import (
    citation_keys,
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
from tui_digest.core.sanitize import clean_line, clean_text


def _csl_name(name: str) -> dict[str, str]:
    parts = split_name(plain_text(composed(name)))
    if parts.literal:
        return {"literal": parts.literal}
    out = {"family": parts.family, "given": parts.given}
    if parts.particle:
        # The name-variable of the CSL data schema (citation-style-language/schema,
        # schemas/input/csl-data.json) has "dropping-particle" and "non-dropping-particle"
        # beside "family". Whether a particle drops when the family name stands alone is
        # a convention of the name's language the text does not tell; the RIS and BibTeX
        # exports keep it with the family name ("van Beethoven, Ludwig"), and so does
        # "non-dropping-particle".
        out["family"] = parts.family_core
        out["non-dropping-particle"] = parts.particle
    if parts.suffix:
        out["suffix"] = parts.suffix
    return out


def csl_item(rec: PaperRecord, key: str) -> dict:
    """One CSL item; keys without a value are left out (the schema allows that)."""
    p = rec.paper
    # Text as the reader shows it, not LaTeX: the schema's "title", "translated-title" and
    # "abstract" are plain strings ({"type": "string"} in citation-style-language/schema,
    # schemas/input/csl-data.json), which citeproc prints as they are.
    title = composed(clean_line(plain_text(p.title_en or p.title_zh)))
    item: dict = {"id": key, "type": "article", "title": title}
    if p.title_zh and p.title_en:
        item["translated-title"] = composed(clean_line(plain_text(p.title_zh)))
    authors = [_csl_name(a) for a in cited_authors(rec) if clean_line(a)]
    if authors:
        item["author"] = authors
    parts = cited_date(rec)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if pdf_url(p.id):  # an arXiv paper
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{p.id}"
    url = paper_url(rec)
    if url:
        item["URL"] = url
    doi = cited_doi(rec)
    if doi:
        item["DOI"] = doi
    abstract = cited_abstract(rec)
    if abstract:
        item["abstract"] = composed(clean_text(plain_text(abstract)))
    categories = cited_categories(rec)
    if categories:
        item["keyword"] = composed(", ".join(clean_line(c) for c in categories))
    return item


def to_csl_json(records: Iterable[PaperRecord]) -> str:
    """A CSL-JSON array; the ids are the same keys the BibTeX export uses."""
    recs = list(records)
    items = [csl_item(r, k) for r, k in zip(recs, citation_keys(recs), strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
