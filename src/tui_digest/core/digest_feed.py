"""Bilingual digests published as RSS 2.0 (cn-chat-arxiv style).

Each item's title is the one-line Chinese summary; its description holds the
same paragraphs as a Markdown digest footnote, as HTML `<p>` blocks:

    Chinese title, English title, URL, Chinese summary, (English summary slot,
    empty in practice), Chinese abstract, English abstract

The URL paragraph anchors the layout: what precedes it is the title(s), what
follows it is summary, slot and abstracts, and shorter forms (no summary, an
English-only digest) are placed by counting from there. Abstract headers are
split off exactly as the Markdown reader does and kept in `Paper.extras`, so
that an export can restore them.

A feed `tui-digest publish` wrote also carries, per item, what the paragraphs
have no room for (see `digest_feed_writer`): `<category>` elements (the
paper's categories, primary first), one `<dc:creator>` per author and a
`<pubDate>`. The generator's feeds have none of these (../shared/docs/upstream.md:
"The XML has no `pubDate`"; its Markdown no authors, categories or dates), so
for them only the title suffix gives a category, as before.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .arxiv_feed import normalise_announce_type
from .digest_day import source_stem

# The Markdown reader owns the grammar of titles and abstract headers; the feed
# strips exactly what it strips, so the digest writer can restore them.
from .digest_format import EN_HEADER_RE, SUFFIX_FLAG_TYPES, TITLE_SUFFIX_RE, ZH_HEADER_RE
from .extras import Extra, mark_plain
from .feed_common import (
    ParsedFeed,
    abstract_page,
    channel_date,
    collect_papers,
    date_in,
    entry_authors,
    entry_date,
    entry_link,
    entry_summary,
    parse_arxiv_id,
    parse_feed,
)
from .html_text import html_paragraphs
from .model import Digest, Paper, ReadResult
from .sanitize import MAX_TEXT, clean_line, clean_text, without_password

KIND = "digest-feed"

# A `<p class="machine-translation">` holds text a model wrote (tui-digest publish).
MACHINE_CLASS = "machine-translation"
PUBLISHER_GENERATOR = "tui-digest"  # the channel <generator> of a published feed
_P_TAG_RE = re.compile(r"(?i)<p(?:\s[^>]*)?>")
_MACHINE_RE = re.compile(rf"""(?i)\sclass\s*=\s*["']?[^"'>]*\b{MACHINE_CLASS}\b""")
_TITLE_ATTR_RE = re.compile(r'(?i)\stitle\s*=\s*"([^"]*)"')

_URL_RE = re.compile(r"^https?://\S+$")
_CJK_RE = re.compile("[\u3400-\u9fff]")
_CHANNEL_CAT_RE = re.compile(r"\b((?:[a-z-]+)\.[A-Za-z-]{2,}|[a-z-]+-[a-z]{2})\s*$")


def _has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def _split_title(text: str) -> tuple[str, str, dict[str, str]]:
    """(clean title, suffix, parts) for `Title. (arXiv:ID vN [cat] UPDATED)`."""
    if "(arXiv:" not in text:
        return text, "", {}
    m = TITLE_SUFFIX_RE.search(text)
    if not m:
        return text, "", {}
    parts = {"version": (m["version"] or "").lower(), "category": m["cat"] or ""}
    parts["announce_type"] = SUFFIX_FLAG_TYPES.get((m["flag"] or "").strip(), "")
    return text[: m.start()], m.group(0), parts


def _split_en_header(text: str) -> tuple[str, str, dict[str, str]]:
    m = EN_HEADER_RE.match(text) if text.startswith("arXiv:") else None
    if not m:
        return text, "", {}
    parts = {"version": (m["version"] or "").lower(), "announce_type": m["type"]}
    return text[m.end() :], m.group(0), parts


def _split_zh_header(text: str) -> tuple[str, str]:
    m = ZH_HEADER_RE.match(text) if text.startswith("arXiv:") else None
    return (text[m.end() :], m.group(0)) if m else (text, "")


def _is_arxiv_url(text: str) -> bool:
    return _URL_RE.match(text) is not None and parse_arxiv_id(text) is not None


def _place(paragraphs: list[str], link: str) -> tuple[dict[str, str], list[str]]:
    """Map the paragraphs of one item to fields; notes say what could not be placed."""
    notes: list[str] = []
    url_at = next((i for i, p in enumerate(paragraphs) if _is_arxiv_url(p)), -1)
    if url_at < 0:
        return {}, ["no paragraph holds an arXiv link"]
    fields: dict[str, str] = {"url": paragraphs[url_at]}
    before, after = paragraphs[:url_at], paragraphs[url_at + 1 :]
    if len(before) >= 2:
        fields["title_zh"], fields["title_en"] = before[-2], before[-1]
        if len(before) > 2:
            notes.append(f"{len(before) - 2} extra paragraph(s) before the titles ignored")
    elif len(before) == 1:
        fields["title_zh" if _has_cjk(before[0]) else "title_en"] = before[0]
    if len(after) >= 4:
        # summary, English summary slot, Chinese abstract, English abstract
        fields["summary_zh"], fields["summary_en"] = after[0], after[1]
        fields["abstract_zh"], fields["abstract_en"] = after[2], after[3]
        if len(after) > 4:
            extra = "\n\n".join(p for p in after[4:] if p)
            if extra:
                fields["abstract_en"] = f"{fields['abstract_en']}\n\n{extra}".strip()
                notes.append(f"{len(after) - 4} extra paragraph(s) appended to the abstract")
    elif len(after) == 3:
        fields["summary_zh"], fields["abstract_zh"], fields["abstract_en"] = after
    elif len(after) == 2:
        fields["abstract_zh"], fields["abstract_en"] = after
        fields["layout"] = "early"  # the March 2023 form: no summary paragraphs
    elif len(after) == 1:
        fields["abstract_zh" if _has_cjk(after[0]) else "abstract_en"] = after[0]
    return fields, notes


# The generator's description (qhduan/cn-chat-arxiv, cn_chat_arxiv.py, `make_rss`):
# each field raw between "<p>\n" and "\n</p>", the blocks joined by "\n", the whole
# escaped once, for XML, by ElementTree. So the paragraphs are plain text, not
# HTML (the sample's `3.90 &amp; R2` is "3.90 & R2"): read as HTML, an abstract's
# `<think>`, `$p<q$ and $r>s$` or `std::vector<int>` lost all between `<` and `>`
# (found by a bug hunt). Our own feeds escape their text as HTML and are read so.
_GENERATOR_OPEN, _GENERATOR_CLOSE, _GENERATOR_JOIN = "<p>\n", "\n</p>", "\n</p>\n<p>\n"


def _paragraphs(markup: str, ours: bool) -> list[str]:
    """The description's paragraphs: HTML for our feeds, plain for the generator's
    template (anything else, as HTML)."""
    body = markup.strip("\n")
    if not ours and body.startswith(_GENERATOR_OPEN) and body.endswith(_GENERATOR_CLOSE):
        inner = body[len(_GENERATOR_OPEN) : -len(_GENERATOR_CLOSE)]
        return [p.strip() for p in inner.split(_GENERATOR_JOIN)]
    return html_paragraphs(markup)


def _machine_model(markup: str) -> str:
    """The model a marked paragraph names in its `title` attribute ("" when none)."""
    for tag in _P_TAG_RE.findall(markup):
        if _MACHINE_RE.search(tag) and (m := _TITLE_ATTR_RE.search(tag)):
            return clean_line(html.unescape(m.group(1)), 200)
    return ""


def _machine_fields(markup: str, paragraphs: list[str]) -> str:
    """The Chinese fields whose paragraph is marked MACHINE_CLASS, comma-separated."""
    tags = _P_TAG_RE.findall(markup)
    lead = len(paragraphs) - len(tags)  # 1 when text came before the first <p>
    marked = {i + lead for i, tag in enumerate(tags) if _MACHINE_RE.search(tag)}
    url_at = next((i for i, p in enumerate(paragraphs) if _is_arxiv_url(p)), -1)
    if not marked or url_at < 0:
        return ""
    after = len(paragraphs) - url_at - 1
    at = {"title_zh": url_at - 2 if url_at >= 2 else -1}
    at["summary_zh"] = url_at + 1 if after >= 3 else -1
    at["abstract_zh"] = url_at + (3 if after >= 4 else 2 if after == 3 else 1)
    return ",".join(k for k, i in at.items() if i in marked and paragraphs[i])


def _categories(entry: Any, title_category: str) -> list[str]:
    """The title suffix's category, then the item's <category> terms, each once."""
    found = [title_category] if title_category else []
    for tag in entry.get("tags", []) or []:
        term = tag.get("term") if hasattr(tag, "get") else None
        if term:
            found.append(str(term))
    return list(dict.fromkeys(c for c in (clean_line(x, 64) for x in found) if c))


def _authors(entry: Any, whole_names: bool) -> list[str]:
    """The item's authors. Our own feeds write one <dc:creator> per name, and a
    name may hold a comma ("Smith, J."), so each is taken whole; another feed's
    single element is split as arXiv's comma-joined one is (`entry_authors`)."""
    if whole_names:
        names = [
            str(a.get("name", "") or "") if hasattr(a, "get") else ""
            for a in entry.get("authors", []) or []
        ]
    else:
        names = entry_authors(entry)
    cleaned = (clean_line(n, 300) for n in names[:1000])
    return [n for n in cleaned if n]


def paper_from_entry(entry: Any, *, ours: bool = False) -> tuple[Paper | None, list[str]]:
    """One paper of an item; `ours`: the feed is one `tui-digest publish` wrote."""
    link = without_password(clean_line(entry_link(entry)))
    markup = entry_summary(entry)[: MAX_TEXT * 8]
    paragraphs = [clean_text(p) for p in _paragraphs(markup, ours)]
    fields, notes = _place(paragraphs, link)
    shown = clean_line(fields.get("url", "")) or link  # the link the digest shows
    found = parse_arxiv_id(shown) or parse_arxiv_id(link)
    if found is None:
        return None, [*notes, f"no arXiv id in link {link[:200]!r}; skipped"]
    arxiv_id, version = found
    if parse_arxiv_id(shown) is None:
        shown = link
    notes = [f"{arxiv_id}: {n}" for n in notes]
    extras: dict[str, str] = {}

    # As the Markdown reader does: `url` is the abstract page, and a link written
    # differently (rss.arxiv.org, a versioned link) is kept verbatim in extras.
    url = abstract_page(shown, arxiv_id)
    if shown != url:
        extras[Extra.LINK] = shown
    title_en, suffix, from_title = _split_title(clean_line(fields.get("title_en", "")))
    if suffix:
        extras[Extra.TITLE_SUFFIX] = suffix
    abstract_en, en_header, from_header = _split_en_header(
        clean_text(fields.get("abstract_en", ""))
    )
    if en_header:
        extras[Extra.ABSTRACT_EN_HEADER] = en_header
    mark_plain(extras)
    abstract_zh, zh_header = _split_zh_header(clean_text(fields.get("abstract_zh", "")))
    if zh_header:
        extras[Extra.ABSTRACT_ZH_HEADER] = zh_header
    summary_en = clean_line(fields.get("summary_en", ""))
    if summary_en:
        extras[Extra.SUMMARY_EN] = summary_en

    if fields.get("layout"):
        extras[Extra.LAYOUT] = fields["layout"]
    machine = _machine_fields(markup, paragraphs)
    if machine:
        extras[Extra.MACHINE_FIELDS] = machine
        model = _machine_model(markup)
        if model:
            extras[Extra.MACHINE_MODEL] = model
    # The item title plays the part of the table's summary cell.
    item_title = clean_line(str(entry.get("title", "") or ""))
    title_zh = clean_line(fields.get("title_zh", ""))
    if item_title in (title_zh, title_en):
        item_title = ""  # the paper's own title (`write_digest_feed`), not a summary
    summary_zh = clean_line(fields.get("summary_zh", "")) or item_title
    if item_title and item_title != summary_zh:
        extras[Extra.TABLE_SUMMARY] = item_title
    if not title_en and not title_zh:
        notes.append(f"{arxiv_id}: no title")
    announce = normalise_announce_type(
        from_header.get("announce_type", "") or from_title.get("announce_type", "")
    )
    paper = Paper(
        id=arxiv_id,
        version=version or from_header.get("version", "") or from_title.get("version", ""),
        url=url,
        title_en=title_en,
        title_zh=title_zh,
        summary_zh=summary_zh,
        abstract_en=abstract_en,
        abstract_zh=abstract_zh,
        authors=_authors(entry, ours),
        categories=_categories(entry, from_title.get("category", "")),
        announce_type=announce,
        published=entry_date(entry),
        extras=extras,
    )
    return paper, notes


def read_parsed(parsed: ParsedFeed, *, source: str = "", name: str | None = None) -> ReadResult:
    published = parsed.feed.get("generator") == PUBLISHER_GENERATOR
    papers, problems = collect_papers(parsed, lambda e: paper_from_entry(e, ours=published))
    date = channel_date(parsed.feed) or date_in(name or "") or date_in(source)
    if not name:
        title = clean_line(str(parsed.feed.get("title", "") or ""), 200)
        m = _CHANNEL_CAT_RE.search(title)
        # A feed `tui-digest publish` wrote is labelled with its publisher's
        # title ("lab cs.AI" -> "lab-cs.AI-2025-09-18"), so the reader shows
        # whose digest it is.
        publisher = title[: m.start()].strip() if m else ""
        if m and date and publisher and published:
            name = f"{'-'.join(publisher.split())}-{m.group(1)}-{date}"
        elif m and date:
            name = f"digest-feed-{m.group(1)}-{date}"
        else:
            name = source_stem(source) or "-".join(x for x in ("digest-feed", date) if x)
    digest = Digest(name=clean_line(name, 200), source=source, date=date, papers=papers, kind=KIND)
    return ReadResult(
        digest=digest,
        problems=problems,
        format=KIND,
        published=published,
        truncated=parsed.truncated,
    )


def read_digest_feed(data: bytes, *, source: str = "", name: str | None = None) -> ReadResult:
    """Read a bilingual digest published as RSS; raise InputError if it is not a feed."""
    return read_parsed(parse_feed(data, source), source=source, name=name)
