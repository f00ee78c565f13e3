"""Answers shaped like arXiv's query API (see core/arxiv_api.py for the facts).

The layout follows the API user manual's description: the feed's own `<link>`
and `<title>` (the query) before the entries, opensearch counts, per-entry ids
with a version, hard-wrapped titles and summaries, arxiv:* extension elements
declared on the elements themselves, and an error feed whose single entry has
an `http://arxiv.org/api/errors#…` id. Names and DOIs are placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"


@dataclass
class Meta:
    id: str
    version: str = "v1"
    title: str = "A Title"
    abstract: str = "An abstract."
    authors: list[str] = field(default_factory=lambda: ["Author One", "Author Two"])
    primary: str = "cs.AI"
    categories: list[str] = field(default_factory=lambda: ["cs.AI", "cs.LG"])
    published: str = "2024-03-15T17:59:01Z"
    updated: str = "2024-03-18T09:12:44Z"
    comments: str = ""
    journal_ref: str = ""
    doi: str = ""
    https_id: bool = False


def _wrap(text: str, width: int = 70, indent: str = "  ") -> str:
    """Hard-wrap like the API does (lines broken mid-sentence, continuation indented)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return f"\n{indent}".join(lines)


def entry_xml(m: Meta) -> str:
    scheme = "https" if m.https_id else "http"
    abs_url = f"{scheme}://arxiv.org/abs/{m.id}{m.version}"
    parts = [
        "  <entry>",
        f"    <id>{abs_url}</id>",
        f"    <updated>{m.updated}</updated>",
        f"    <published>{m.published}</published>",
        f"    <title>{escape(_wrap(m.title))}</title>",
        f"    <summary>  {escape(_wrap(m.abstract, indent=''))}\n</summary>",
    ]
    parts += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in m.authors]
    if m.doi:
        parts.append(f'    <arxiv:doi xmlns:arxiv="{ARXIV}">{escape(m.doi)}</arxiv:doi>')
        parts.append(f'    <link title="doi" href="http://dx.doi.org/{m.doi}" rel="related"/>')
    if m.comments:
        parts.append(
            f'    <arxiv:comment xmlns:arxiv="{ARXIV}">{escape(_wrap(m.comments))}</arxiv:comment>'
        )
    if m.journal_ref:
        parts.append(
            f'    <arxiv:journal_ref xmlns:arxiv="{ARXIV}">{escape(m.journal_ref)}'
            "</arxiv:journal_ref>"
        )
    parts += [
        f'    <link href="{abs_url}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href="{scheme}://arxiv.org/pdf/{m.id}{m.version}" '
        'rel="related" type="application/pdf"/>',
        f'    <arxiv:primary_category xmlns:arxiv="{ARXIV}" term="{m.primary}" scheme="{ARXIV}"/>',
    ]
    parts += [f'    <category term="{c}" scheme="{ARXIV}"/>' for c in m.categories]
    parts.append("  </entry>")
    return "\n".join(parts)


def feed_xml(entries: list[Meta], *, id_list: str = "", max_results: int = 10) -> bytes:
    query = f"search_query=&amp;id_list={escape(id_list)}&amp;start=0&amp;max_results={max_results}"
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?{query}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {query}</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2026-11-30T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH}">{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="{OPENSEARCH}">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="{OPENSEARCH}">{max_results}</opensearch:itemsPerPage>
"""
    return (head + "\n".join(entry_xml(m) for m in entries) + "\n</feed>\n").encode()


def error_xml(bad_id: str) -> bytes:
    """The error feed for a malformed id in id_list."""
    slug = f"incorrect_id_format_for_{bad_id}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query=&amp;id_list={bad_id}" rel="self"
    type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list={bad_id}</title>
  <id>http://arxiv.org/api/tjr5dDbzP0Qd1mHZI0YC8tWmjdA</id>
  <updated>2026-11-30T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH}">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="{OPENSEARCH}">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="{OPENSEARCH}">1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/api/errors#{slug}</id>
    <title>Error</title>
    <summary>incorrect id format for {bad_id}</summary>
    <updated>2026-11-30T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#{slug}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
""".encode()
