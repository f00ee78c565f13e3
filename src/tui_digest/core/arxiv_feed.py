"""arXiv's own listing feeds: RSS 2.0 and Atom (2024+), and RSS 1.0 (before 2024).

2024+ items carry `oai:arXiv.org:ID vN` guids, `arxiv:announce_type`,
`dc:creator` as "A, B, C" and a description that starts
`arXiv:ID vN Announce Type: T \\nAbstract: `. Pre-2024 RSS 1.0 items put the
id, version and primary category in the title (`Title. (arXiv:ID vN [cat]
UPDATED)`), the abstract in HTML `<p>`, and the authors as HTML links.

The abstract header is derived data (id, version, announce type are kept as
fields), so it is not stored in `Paper.extras`: a writer rebuilds it. The
pre-2024 title suffix is kept in `extras["title_suffix"]`, as the digest
readers keep it: it says the paper was listed in the old layout, which a
writer cannot tell from the fields (a `new` paper with a category may be of
either era).
"""

from __future__ import annotations

import re
from typing import Any

from .arxiv_day import channel_day, entry_eastern_day, listing_day
from .digest_day import source_stem
from .extras import Extra
from .feed_common import (
    ParsedFeed,
    abstract_page,
    canonical_url,
    collect_papers,
    date_in,
    detail_text,
    entry_authors,
    entry_date,
    entry_link,
    entry_summary,
    html_to_text,
    parse_arxiv_id,
    parse_feed,
)
from .model import ANNOUNCE_TYPES, Digest, Paper, ReadResult
from .sanitize import MAX_TEXT, clean_line, clean_text, without_password

KIND = "arxiv"

# `arXiv:2404.00026v1 Announce Type: cross \nAbstract: ` (one or two spaces, or a
# newline; or a U+FFFD an invalid byte there became: it kept its "Abstract:",
# bug hunt `enc` #5)
ABSTRACT_HEADER_RE = re.compile(
    r"^\s*arXiv:(?P<id>\S+?)(?P<version>v\d+)?\s+Announce Type:\s*(?P<type>[\w-]+)"
    r"[\s\ufffd]*(?:Abstract:\s*)?",
    re.IGNORECASE,
)
# `Title. (arXiv:2307.04541v2 [cs.CV] UPDATED)` / `... [cs.LG] CROSS LISTED)`
OLD_TITLE_RE = re.compile(
    r"^(?P<title>.*?)\s*\(arXiv:(?P<id>[^\s\[\]()]+?)(?P<version>v\d+)?\s*"
    r"\[(?P<cat>[^\]\s]+)\]\s*(?P<tag>UPDATED|CROSS LISTED)?\s*\)\s*$",
    re.DOTALL,
)
_TITLE_CHANNEL_RE = re.compile(r"^\s*(?P<cat>[\w.-]+) updates on arXiv\.org", re.IGNORECASE)


def normalise_announce_type(value: str) -> str:
    value = " ".join(value.lower().replace("_", "-").split())
    value = {"cross listed": "cross", "cross-listed": "cross", "crosslist": "cross"}.get(
        value, value
    )
    return value if value in ANNOUNCE_TYPES else ""


def split_old_title(title: str) -> tuple[str, dict[str, str]]:
    """(clean title, parts) for a pre-2024 title; parts is empty for a plain title.

    Its announce type: `updated` for an `UPDATED` suffix, `cross` for `CROSS
    LISTED`, "" (not given) for neither.

    The period the old feeds put before the suffix is dropped from the title,
    after a title that ends in one too ("U.S.. (arXiv:…", "it.... (arXiv:…"), as
    the Markdown reader drops it (`digest_grammar`'s title suffix): both were kept.
    """
    m = OLD_TITLE_RE.match(title)
    if not m:
        return title, {}
    clean = m.group("title").rstrip()
    if clean.endswith("."):
        clean = clean[:-1].rstrip()
    tag = (m.group("tag") or "").lower()
    return clean, {
        "id": m.group("id"),
        "version": (m.group("version") or "").lower(),
        "category": m.group("cat"),
        # No flag says no type, as in the digest readers (`digest_grammar`'s
        # `_SUFFIX_FLAG_TYPES`): the real samples list unflagged papers whose
        # bracketed primary category is not the feed's (`[quant-ph]` in "cs
        # updates"), so it does not mean `new` (found by a bug hunt: `new` here,
        # "" after a Markdown round trip).
        "announce_type": {"updated": "updated", "cross listed": "cross"}.get(tag, ""),
    }


def split_abstract_header(text: str) -> tuple[str, dict[str, str]]:
    """(abstract without the `arXiv:… Announce Type: … Abstract:` header, header parts)."""
    m = ABSTRACT_HEADER_RE.match(text)
    if not m:
        return text, {}
    return text[m.end() :], {
        "id": m.group("id"),
        "version": (m.group("version") or "").lower(),
        "announce_type": m.group("type"),
        "header": m.group(0),
    }


_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")


def unwrap(text: str) -> str:
    """Join hard-wrapped lines (the arXiv API wraps abstracts); keep paragraph breaks."""
    if "\n" not in text:
        return text.strip()
    paragraphs = _PARAGRAPH_BREAK_RE.split(text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _categories(entry: Any, title_category: str) -> list[str]:
    cats: list[str] = []
    primary = entry.get("arxiv_primary_category")
    if hasattr(primary, "get") and primary.get("term"):
        cats.append(str(primary["term"]))
    if title_category:
        cats.append(title_category)
    for tag in entry.get("tags", []) or []:
        term = tag.get("term") if hasattr(tag, "get") else None
        if term:
            cats.append(str(term))
    out: list[str] = []
    for cat in cats:
        cat = clean_line(cat, 64)
        if cat and cat not in out:
            out.append(cat)
    return out


# Which feeds carry HTML is a matter of their format, never of a guess on the
# text: the pre-2024 RSS 1.0 feeds write HTML `<p>` abstracts (a `<` of the text
# escaped twice, `&amp;lt;`); the 2024+ RSS 2.0 and Atom feeds write plain text,
# `<` escaped once (../shared/samples/arxiv-rss2-format-sample.xml, H&amp;M for
# "H&M"). Parsing that as HTML, once a word like `</s>` or `<i>` looked like a
# tag, dropped all between a `<` and the next `>` (`<think>`, `$p<q$ … $r>s$`,
# `std::vector<int>`: found by a bug hunt). An Atom text construct that declares
# itself `type="html"` (or xhtml) is HTML by its own declaration.
_HTML_FEED_VERSIONS = ("rss090", "rss10")


def _legacy_html(value: str) -> str:
    # HTML by the format, with or without a tag in it: one without kept its
    # `&lt;` and `&amp;` as written (bug hunt `auditarxiv` #9).
    return html_to_text(value)


def _entry_text(entry: Any, key: str, version: str) -> str:
    """Plain text of `title` or `summary` (content as the summary's fallback)."""
    value = entry_summary(entry) if key == "summary" else str(entry.get(key, "") or "")
    if version in _HTML_FEED_VERSIONS:
        return detail_text(entry, key) if key != "summary" else _legacy_html(value)
    if version.startswith("atom"):
        detail = entry.get(key + "_detail") or {}
        if key == "summary" and not entry.get("summary"):
            detail = next(iter(entry.get("content", []) or []), {})
        kind = str(detail.get("type", "") if hasattr(detail, "get") else "")
        if "html" in kind:
            return html_to_text(value)
    return value.strip() if key == "summary" else value


def paper_from_entry(
    entry: Any, fallback_date: str = "", version: str = ""
) -> tuple[Paper | None, list[str]]:
    """One paper of an entry; `version` is feedparser's name of the feed's format
    (`rss20`, `atom10`, `rss10`, ...), which says whether its text is HTML."""
    notes: list[str] = []
    raw_title = clean_line(_entry_text(entry, "title", version))
    title, from_title = split_old_title(raw_title)

    abstract, from_header = split_abstract_header(_entry_text(entry, "summary", version))
    abstract = unwrap(abstract)

    link = without_password(clean_line(entry_link(entry)))
    guid = clean_line(str(entry.get("id", "") or ""))
    found = None
    for candidate in (guid, link):
        found = parse_arxiv_id(candidate)
        if found:
            break
    if found is None and from_header:
        found = parse_arxiv_id(from_header["id"] + from_header["version"])
    if found is None and from_title:
        found = parse_arxiv_id(from_title["id"] + from_title["version"])
    if found is None:
        return None, [f"no arXiv id in link {link!r} or id {guid!r}; skipped"]
    arxiv_id, version = found
    if from_title and (parse_arxiv_id(from_title["id"]) or ("",))[0] != arxiv_id:
        # A suffix naming another paper is part of the title (`Fake suffix
        # (arXiv:2301.00001v2 [cs.LG] UPDATED)` as a title): cutting it cost the
        # title its end and gave the paper that other listing's category (found
        # by a bug hunt).
        title, from_title = raw_title, {}
    version = version or from_header.get("version", "") or from_title.get("version", "")
    # The pre-2024 title suffix is kept as the feed wrote it, as the digest readers
    # keep theirs: the writer then gives the paper the old layout it was listed in
    # (a 2024+ paper, with no suffix, gets the new one: digest-format.md).
    extras = {Extra.TITLE_SUFFIX: raw_title[len(title) :]} if from_title else {}

    if not title:
        notes.append(f"{arxiv_id}: no title")
    if not link:
        notes.append(f"{arxiv_id}: no link; using {canonical_url(arxiv_id)}")
    raw_type = str(entry.get("arxiv_announce_type", "") or "") or from_header.get(
        "announce_type", ""
    )
    announce = normalise_announce_type(raw_type) or from_title.get("announce_type", "")
    if raw_type and not normalise_announce_type(raw_type):
        notes.append(f"{arxiv_id}: unknown announce type {clean_line(raw_type, 40)!r} ignored")
    # A listing's entry (one with an announce type) is dated by its announcement,
    # in US Eastern time as the listing's day is (`arxiv_day`): read in its own
    # zone, an entry of 21:00-08:00 or with only an <updated> after 00:00Z was a
    # day off its listing (bug hunt `auditarxiv` #6). An API answer's <published>
    # is the submission, in UTC as arXiv shows it: read as it is.
    listed = raw_type or from_title
    published = (entry_eastern_day(entry) if listed else entry_date(entry)) or fallback_date
    if not published:
        notes.append(f"{arxiv_id}: no date")

    paper = Paper(
        id=arxiv_id,
        version=version,
        # The abstract page, as every other reader stores it: the link as written
        # (`https://rss.arxiv.org/abs/…`, a versioned or `pdf` link, an item's
        # `oai:` guid) replaced the digest's on a merge (bug hunt `auditarxiv` #4).
        # It is not kept in `Extra.LINK`: that is the link a digest showed, which
        # the Markdown writer restores; a feed's would replace the digest's there.
        url=abstract_page(link, arxiv_id),
        title_en=title,
        abstract_en=clean_text(abstract.strip()),
        authors=[clean_line(a, 300) for a in entry_authors(entry)[:1000] if clean_line(a, 300)],
        categories=_categories(entry, from_title.get("category", "")),
        announce_type=announce,
        published=published,
        extras=extras,
    )
    return paper, notes


def _authors_raw_capped(entry: Any) -> None:
    """Cap author strings before splitting so one hostile entry cannot balloon."""
    for author in entry.get("authors", []) or []:
        if hasattr(author, "get") and len(author.get("name", "") or "") > MAX_TEXT:
            author["name"] = author["name"][:MAX_TEXT]


def feed_category(feed: Any) -> str:
    m = _TITLE_CHANNEL_RE.match(str(feed.get("title", "") or ""))
    return m.group("cat") if m else ""


def read_parsed(parsed: ParsedFeed, *, source: str = "", name: str | None = None) -> ReadResult:
    fallback = channel_day(parsed.feed)  # (the day of an entry that states none)

    def build(entry: Any) -> tuple[Paper | None, list[str]]:
        _authors_raw_capped(entry)
        return paper_from_entry(entry, fallback, parsed.version)

    papers, problems = collect_papers(parsed, build)
    date = listing_day(parsed.feed, parsed.entries)  # (its announcement's day: arxiv_day)
    if not date:
        date = max((p.published for p in papers), default="") or date_in(name or source)
    category = feed_category(parsed.feed)
    if not name:
        if category and date:
            name = f"arxiv-{category}-{date}"
        else:
            name = source_stem(source) or "-".join(x for x in ("arxiv", category, date) if x)
    digest = Digest(name=clean_line(name, 200), source=source, date=date, papers=papers, kind=KIND)
    return ReadResult(digest=digest, problems=problems, format=KIND, truncated=parsed.truncated)


def read_arxiv_feed(data: bytes, *, source: str = "", name: str | None = None) -> ReadResult:
    """Read an arXiv RSS 1.0/2.0 or Atom listing; raise InputError if it is not a feed."""
    return read_parsed(parse_feed(data, source), source=source, name=name)
