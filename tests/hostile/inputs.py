"""Builders for hostile documents, generated in memory (no large files in the repo).

Every builder returns bytes in the shape a real producer would publish, with
the hostile text placed in each field a reader takes from that format.
"""

from __future__ import annotations

from html import escape
from xml.sax.saxutils import escape as xml_escape

from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper

# Terminal escapes (CSI colour, OSC window title with BEL, screen clear via the
# 8-bit CSI), NUL/BS/DEL, C1 NEL, bidi override, isolate and marks.
ESC_CSI = "\x1b[31m"
OSC_TITLE = "\x1b]0;pwned\x07"
HOSTILE = (
    f"Safe{ESC_CSI}red{OSC_TITLE}\x00\x08\x7f\x85\x9b2J"
    "\u202eevil\u202c\u2066iso\u2069\u200e\u200f\u061c\u202a\u202d end"
)
# The visible text that must survive cleaning, in order.
HOSTILE_KEPT_PARTS = ("Safe", "[31mred", "]0;pwned", "2J", "evil", "iso", "end")
FORBIDDEN = (
    [chr(c) for c in range(0x20) if chr(c) not in "\n\t"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [
        "\u200e",
        "\u200f",
        "\u061c",
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)


def forbidden_in(text: str) -> list[str]:
    """The forbidden characters `text` still holds (empty when clean)."""
    return sorted({c for c in text if c in FORBIDDEN})


def paper_text_fields(p: Paper) -> dict[str, str]:
    fields = {
        name: getattr(p, name)
        for name in (
            "id", "version", "url", "title_en", "title_zh", "summary_zh",
            "abstract_en", "abstract_zh", "announce_type", "published",
        )
    }  # fmt: skip
    fields.update({f"author[{i}]": a for i, a in enumerate(p.authors)})
    fields.update({f"category[{i}]": c for i, c in enumerate(p.categories)})
    fields.update({f"extras[{k}]": v for k, v in p.extras.items()})
    return fields


# --- Markdown digest ------------------------------------------------------------------


def markdown_digest(
    *,
    title_zh: str = "中文标题",
    title_en: str = "English title",
    summary_zh: str = "一句话总结。",
    abstract_zh: str = "中文摘要。",
    abstract_en: str = "English abstract.",
    arxiv_id: str = "2403.10056",
    table_title: str | None = None,
    table_summary: str | None = None,
) -> str:
    """One canonical footnote and row, fields inserted verbatim (no escaping)."""
    link = f"https://arxiv.org/abs/{arxiv_id}"
    return (
        "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
        f"| [^1] | [{table_title if table_title is not None else title_en}]({link}) | "
        f"{table_summary if table_summary is not None else summary_zh} |\n\n# 详细\n\n"
        f"[^1]: {title_zh}\n\n    {title_en}\n\n    [{link}]({link})\n\n    {summary_zh}\n\n"
        f"    \n\n    {abstract_zh}\n\n    {abstract_en}\n    \n\n"
    )


def many_papers(n: int, *, prefix: str = "24", abstract_len: int = 300) -> list[Paper]:
    """`n` distinct papers with realistic field sizes (ids 2401.00001 and up)."""
    out = []
    for i in range(1, n + 1):
        yymm = f"{prefix}{1 + (i // 100_000) % 12:02d}"
        pid = f"{yymm}.{i % 100_000:05d}"
        out.append(
            Paper(
                id=pid,
                version="v1",
                url=f"https://arxiv.org/abs/{pid}",
                title_en=f"Paper number {i} on hostile inputs",
                title_zh=f"第{i}篇论文",
                summary_zh=f"第{i}篇的一句话总结。",
                abstract_en=("word " * (abstract_len // 5)).strip(),
                abstract_zh="摘要" * (abstract_len // 6),
                announce_type="new",
            )
        )
    return out


def big_digest(n: int) -> bytes:
    return write_digest(many_papers(n)).encode("utf-8")


# --- Feeds ----------------------------------------------------------------------------

RSS_HEAD = '<?xml version="1.0" encoding="{enc}"?>\n'


def arxiv_rss(
    *,
    title: str,
    abstract: str,
    author: str,
    category: str = "cs.AI",
    link: str = "https://arxiv.org/abs/2403.10056",
    guid: str = "oai:arXiv.org:2403.10056v1",
    enc: str = "utf-8",
) -> str:
    """The 2024+ arXiv RSS 2.0 listing with one item."""
    return (
        RSS_HEAD.format(enc=enc) + '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        "<title>cs.AI updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.AI</link>"
        "<pubDate>Mon, 18 Mar 2024 00:00:00 -0400</pubDate>"
        f"<item><title>{xml_escape(title)}</title><link>{xml_escape(link)}</link>"
        "<description>arXiv:2403.10056v1 Announce Type: new \nAbstract: "
        f"{xml_escape(abstract)}</description>"
        f'<guid isPermaLink="false">{xml_escape(guid)}</guid>'
        f"<category>{xml_escape(category)}</category>"
        "<pubDate>Mon, 18 Mar 2024 00:00:00 -0400</pubDate>"
        "<arxiv:announce_type>new</arxiv:announce_type>"
        f"<dc:creator>{xml_escape(author)}</dc:creator></item></channel></rss>"
    )


def arxiv_atom(
    *,
    title: str,
    abstract: str,
    author: str,
    category: str = "cs.AI",
    link: str = "https://arxiv.org/abs/2403.10056",
) -> str:
    return (
        RSS_HEAD.format(enc="utf-8")
        + '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "<title>cs.AI updates on arXiv.org</title><id>http://rss.arxiv.org/atom/cs.AI</id>"
        "<updated>2024-03-18T00:00:00-04:00</updated>"
        "<entry><id>oai:arXiv.org:2403.10056v1</id>"
        f"<title>{xml_escape(title)}</title><updated>2024-03-18T00:00:00-04:00</updated>"
        f'<link href="{xml_escape(link)}" rel="alternate" type="text/html"/>'
        "<summary>arXiv:2403.10056v1 Announce Type: new \nAbstract: "
        f"{xml_escape(abstract)}</summary>"
        f"<author><name>{xml_escape(author)}</name></author>"
        f'<category term="{xml_escape(category)}"/>'
        "<arxiv:announce_type>new</arxiv:announce_type></entry></feed>"
    )


def digest_feed_item(
    *,
    summary_zh: str,
    title_zh: str,
    title_en: str,
    abstract_zh: str,
    abstract_en: str,
    arxiv_id: str = "2403.10056",
) -> str:
    paras = [
        title_zh,
        title_en,
        f"https://arxiv.org/abs/{arxiv_id}",
        summary_zh,
        "",
        abstract_zh,
        abstract_en,
    ]
    html = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return (
        f"<item><title>{xml_escape(summary_zh)}</title>"
        f"<link>https://arxiv.org/abs/{arxiv_id}</link>"
        f"<description>{xml_escape(html)}</description>"
        "<pubDate>Mon, 18 Mar 2024 08:00:00 +0800</pubDate></item>"
    )


def digest_feed(items: str | list[str], enc: str = "utf-8") -> str:
    body = items if isinstance(items, str) else "".join(items)
    return (
        RSS_HEAD.format(enc=enc) + '<rss version="2.0"><channel><title>cn-chat-arxiv cs.AI</title>'
        "<link>https://example.org/digest</link>"
        "<pubDate>Mon, 18 Mar 2024 08:00:00 +0800</pubDate>"
        f"{body}</channel></rss>"
    )


def generic_item(
    *,
    title: str = "A paper",
    link: str = "https://arxiv.org/abs/2403.10056",
    body: str = "Some text.",
    author: str = "",
    guid: str = "",
    date: str = "Mon, 18 Mar 2024 10:00:00 +0000",
    tag: str = "",
) -> str:
    parts = [f"<title>{xml_escape(title)}</title>" if title is not None else ""]
    if link:
        parts.append(f"<link>{xml_escape(link)}</link>")
    if guid:
        parts.append(f"<guid>{xml_escape(guid)}</guid>")
    parts.append(f"<description>{xml_escape(body)}</description>")
    if author:
        parts.append(f"<author>{xml_escape(author)}</author>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if tag:
        parts.append(f"<category>{xml_escape(tag)}</category>")
    return "<item>" + "".join(parts) + "</item>"


def generic_feed(items: str | list[str], enc: str = "utf-8") -> str:
    body = items if isinstance(items, str) else "".join(items)
    return (
        RSS_HEAD.format(enc=enc) + '<rss version="2.0"><channel><title>A reading list</title>'
        "<link>https://example.org/</link>"
        f"{body}</channel></rss>"
    )
