"""Any other RSS or Atom feed, read item by item.

Papers are keyed by arXiv id, so an item is kept only when its link (or,
failing that, its guid/id) names an arXiv paper; any other item is skipped
with a warning that says why. Everything else is taken as the feed gives it:
title, summary (HTML turned into plain text: an Atom summary when its type
says HTML, an RSS one when it looks like HTML; no header stripping), authors,
tags as categories, date. A link of another scheme (javascript:, file:,
data:) is stored as-is and never rewritten into an http link; the UI only
opens http(s) links.
"""

from __future__ import annotations

from typing import Any

from .digest_day import source_stem
from .feed_common import (
    ParsedFeed,
    canonical_url,
    channel_date,
    collect_papers,
    date_in,
    declared_summary_text,
    detail_text,
    entry_authors,
    entry_date,
    entry_link,
    entry_summary,
    parse_arxiv_id,
    parse_feed,
)
from .model import Digest, Paper, ReadResult
from .sanitize import MAX_TEXT, clean_line, clean_text, without_password

KIND = "feed"


def paper_from_entry(entry: Any, feed_version: str = "") -> tuple[Paper | None, list[str]]:
    """One paper of an entry; `feed_version`: feedparser's name of the feed's format
    (`rss20`, `atom10`, ...), which says how its summary is to be read."""
    link = without_password(clean_line(entry_link(entry)))
    guid = without_password(clean_line(str(entry.get("id", "") or "")))
    title = clean_line(detail_text(entry, "title"))
    found = parse_arxiv_id(link) or parse_arxiv_id(guid)
    if found is None:
        what = repr(title[:80]) if title else "untitled item"
        return None, [
            f"{what}: no arXiv id in link {link[:200]!r} or id {guid[:200]!r}; "
            "skipped (papers are keyed by arXiv id)"
        ]
    arxiv_id, version = found
    notes: list[str] = []
    if not title:
        notes.append(f"{arxiv_id}: no title")
    if not link:
        notes.append(f"{arxiv_id}: no link; using {canonical_url(arxiv_id)}")
        link = canonical_url(arxiv_id)
    published = entry_date(entry)
    if not published:
        notes.append(f"{arxiv_id}: no date")
    summary = entry_summary(entry)[: MAX_TEXT * 4]
    abstract = declared_summary_text(entry, summary, feed_version)
    categories: list[str] = []
    for tag in entry.get("tags", []) or []:
        term = clean_line(str(tag.get("term", "") or ""), 64) if hasattr(tag, "get") else ""
        if term and term not in categories:
            categories.append(term)
    authors = [clean_line(a, 300) for a in entry_authors(entry)[:1000]]
    return (
        Paper(
            id=arxiv_id,
            version=version,
            url=link,
            title_en=title,
            abstract_en=clean_text(abstract),
            authors=[a for a in authors if a],
            categories=categories,
            published=published,
        ),
        notes,
    )


def read_parsed(parsed: ParsedFeed, *, source: str = "", name: str | None = None) -> ReadResult:
    papers, problems = collect_papers(parsed, lambda e: paper_from_entry(e, parsed.version))
    date = channel_date(parsed.feed) or max((p.published for p in papers), default="")
    date = date or date_in(name or source)
    if not name:
        title = clean_line(str(parsed.feed.get("title", "") or ""), 120)
        name = source_stem(source) or "-".join(x for x in (title or "feed", date) if x)
    digest = Digest(name=clean_line(name, 200), source=source, date=date, papers=papers, kind=KIND)
    return ReadResult(digest=digest, problems=problems, format=KIND, truncated=parsed.truncated)


def read_generic_feed(data: bytes, *, source: str = "", name: str | None = None) -> ReadResult:
    """Read any RSS/Atom feed; items without an arXiv id are skipped with a warning."""
    return read_parsed(parse_feed(data, source), source=source, name=name)
