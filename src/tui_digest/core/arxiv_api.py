"""arXiv's query API: the request URL and its Atom answer.

    http://export.arxiv.org/api/query?id_list=<id1>,<id2>&max_results=N

Facts this module is built on (docs/upstream.md; arXiv's API user manual,
info.arxiv.org/help/api/user-manual):

- The answer is Atom: per paper an `<entry>` with `id`
  (`http://arxiv.org/abs/<id>vN`, sometimes https, always with a version),
  `published`, `updated`, `title` and `summary` (both hard-wrapped),
  `author/name`, `arxiv:primary_category`, `category` terms, and when given
  `arxiv:comment`, `arxiv:journal_ref`, `arxiv:doi`.
- `max_results` defaults to 10, so it is always passed; at most 2,000 ids go in
  one request.
- The feed's own `<link>` comes before the entries: it is the query, not a paper.
- Errors arrive with HTTP 200 as a feed with a single entry whose id is
  `http://arxiv.org/api/errors#…` and whose summary says what was wrong
  (`incorrect id format for 1309.119`: one malformed id fails the whole request).
- An id arXiv does not know (yet) may simply have no entry.
- Throttling may answer with the plain-text body `Rate exceeded.` instead of a feed.

Parsing uses the standard library's ElementTree after the same prolog check the
feed readers use (no DTD internal subsets, no entity declarations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from .arxiv_id import parse_arxiv_id
from .feed_common import as_utf8_xml, decode_document, local_name
from .model import InputError
from .sanitize import MAX_TEXT, clean_line, clean_text
from .xml_guard import guard

API_URL = "http://export.arxiv.org/api/query"
MAX_IDS_PER_REQUEST = 2000

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ERROR_ID_RE = re.compile(r"^https?://arxiv\.org/api/errors", re.IGNORECASE)
_ERROR_FOR_RE = re.compile(r"\bfor\s+(\S+?)\s*$")
_DATE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")


class RateLimited(Exception):
    """arXiv answered `Rate exceeded.`: stop asking for now."""


class ApiError(Exception):
    """The API's own error entry. `bad_id` is the id it names, when it names one."""

    def __init__(self, message: str, bad_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.bad_id = bad_id


@dataclass(slots=True)
class ApiEntry:
    id: str  # without version
    version: str  # "v2"
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # primary first
    published: str = ""  # "YYYY-MM-DD" (the day of v1)
    updated: str = ""  # "YYYY-MM-DD" (the day of this version)
    comments: str = ""
    journal_ref: str = ""
    doi: str = ""


@dataclass(slots=True)
class ApiResponse:
    entries: list[ApiEntry] = field(default_factory=list)
    total_results: int | None = None
    problems: list[str] = field(default_factory=list)  # entries that could not be used


def query_url(api_url: str, ids: list[str]) -> str:
    """The request for `ids` (at most MAX_IDS_PER_REQUEST), with max_results = len(ids)."""
    if not ids:
        raise ValueError("no ids to ask for")
    if len(ids) > MAX_IDS_PER_REQUEST:
        raise ValueError(f"{len(ids)} ids is more than {MAX_IDS_PER_REQUEST} per request")
    id_list = ",".join(quote(i, safe="./-") for i in ids)
    joiner = "&" if "?" in api_url else "?"
    return f"{api_url}{joiner}id_list={id_list}&max_results={len(ids)}"


def _text(element: object | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext())  # type: ignore[attr-defined]


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines; keep paragraph breaks."""
    paragraphs = _PARAGRAPH_BREAK_RE.split(text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _date(text: str) -> str:
    m = _DATE_RE.match(text)
    return m[1] if m else ""


def _entry(element: object) -> ApiEntry | None:
    find = element.find  # type: ignore[attr-defined]
    raw_id = clean_line(_text(find(f"{_ATOM}id")), 300)
    parsed = parse_arxiv_id(raw_id)
    if parsed is None:
        return None
    categories: list[str] = []
    primary = find(f"{_ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in element.iter(f"{_ATOM}category")]  # type: ignore[attr-defined]
    for term in terms:
        term = clean_line(term, 64)
        if term and term not in categories:
            categories.append(term)
    authors = [
        name
        for a in element.iter(f"{_ATOM}author")  # type: ignore[attr-defined]
        if (name := clean_line(_text(a.find(f"{_ATOM}name")), 300))
    ]
    return ApiEntry(
        id=parsed[0],
        version=parsed[1],
        title=clean_line(_text(find(f"{_ATOM}title"))),
        abstract=clean_text(_unwrap(_text(find(f"{_ATOM}summary"))), MAX_TEXT),
        authors=authors,
        categories=categories,
        published=_date(_text(find(f"{_ATOM}published"))),
        updated=_date(_text(find(f"{_ATOM}updated"))),
        comments=clean_line(_text(find(f"{_ARXIV}comment"))),
        journal_ref=clean_line(_text(find(f"{_ARXIV}journal_ref"))),
        doi=clean_line(_text(find(f"{_ARXIV}doi")), 300),
    )


def parse_response(data: bytes, *, source: str = "") -> ApiResponse:
    """The entries of one answer.

    Raises RateLimited for `Rate exceeded.`, ApiError for the API's error entry,
    InputError (naming `source`) for anything that is not an Atom feed.
    """
    where = source or "<arXiv API>"
    text = decode_document(data).text
    stripped = text.strip()
    if stripped.lower().startswith("rate exceeded"):
        raise RateLimited(f"{where}: arXiv says {clean_line(stripped, 80)!r}")
    root_name, _offset = guard(text, where)  # the one XML guard: DTD tricks and bounds
    if local_name(root_name) != "feed":
        what = "an empty answer" if not stripped else f"{clean_line(stripped, 80)!r}"
        raise InputError(f"{where}: expected an Atom feed from arXiv's API, got {what}")

    from xml.etree import ElementTree as ET  # lazily: only enrichment needs it

    try:
        root = ET.fromstring(as_utf8_xml(text))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise InputError(f"{where}:{line}: malformed Atom from arXiv's API ({exc})") from None

    response = ApiResponse()
    total = _text(root.find(f"{_OPENSEARCH}totalResults")).strip()
    response.total_results = int(total) if total.isdigit() else None
    for n, element in enumerate(root.iter(f"{_ATOM}entry"), 1):
        entry_id = _text(element.find(f"{_ATOM}id")).strip()
        if _ERROR_ID_RE.match(entry_id):
            message = clean_line(_text(element.find(f"{_ATOM}summary")), 500)
            message = message or clean_line(entry_id, 300)
            m = _ERROR_FOR_RE.search(message)
            raise ApiError(f"{where}: arXiv's API reports an error: {message}", m[1] if m else "")
        entry = _entry(element)
        if entry is None:
            response.problems.append(f"entry {n}: no arXiv id in {clean_line(entry_id, 200)!r}")
        else:
            response.entries.append(entry)
    return response
