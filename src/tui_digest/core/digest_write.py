"""Writing the bilingual Markdown digest (see `digest_format` for the format).

The escapes and patterns come from `digest_grammar`, which the reader shares.
"""

from __future__ import annotations

from collections.abc import Iterable

from .arxiv_id import abs_url, parse_arxiv_id
from .digest_grammar import (
    _CATEGORY_RE,
    _EN_HEADER_RE,
    _NEW_STYLE_TYPES,
    _TITLE_SUFFIX_RE,
    _VERSION_RE,
    _ZH_HEADER_RE,
    DETAIL_HEADING,
    INDENT,
    SUMMARY_HEADING,
    TABLE_HEADER,
    _cell_escape,
    _cell_unescape,
    _escape_field_line,
    _meta,
    _period_part,
)
from .extras import Extra
from .model import ANNOUNCE_TYPES, Paper
from .sanitize import clean_line, clean_text


def _paragraph(text: str) -> str:
    """A field as indented lines. An empty field is a line of four spaces and nothing
    else, as the generator writes its empty English-summary slot (digest-format.md:
    "<four spaces, nothing else>"; every sample's slot line is "    "); both readers
    take that line for an empty paragraph. Only a blank line *inside* a field is
    escaped (`_escape_field_line`): there it would end the paragraph; a lone backslash
    for an empty Chinese abstract was text no real digest holds."""
    if not text:
        return INDENT
    return "\n".join([INDENT + _escape_field_line(x) for x in text.split("\n")])


def _note_head(n: int, title_zh: str) -> str:
    """`[^N]: Chinese title`; without a title `[^N]:`, with no trailing blank (the
    samples have no footnote line ending in a space; digest-format.md counts
    trailing spaces among the flaws a reader meets, not the canonical form)."""
    return f"[^{n}]: {title_zh}" if title_zh else f"[^{n}]:"


def _link_for(paper: Paper) -> str:
    for candidate in (paper.extras.get(Extra.LINK, ""), paper.url):
        parsed = parse_arxiv_id(candidate) if candidate else None
        if (
            parsed
            and parsed[0] == paper.id
            and parsed[1] in ("", paper.version)
            and candidate == clean_line(candidate)
        ):
            return candidate
    return abs_url(paper.id)


def _headers_for(paper: Paper, link: str) -> tuple[str, str]:
    """The title suffix and English abstract header that carry version/type/category."""
    version = paper.version if _VERSION_RE.fullmatch(paper.version) else ""
    cat = paper.primary_category if _CATEGORY_RE.fullmatch(paper.primary_category) else ""
    kind = paper.announce_type if paper.announce_type in ANNOUNCE_TYPES else ""
    extras = paper.extras
    suffix = extras.get(Extra.TITLE_SUFFIX, "")
    header = extras.get(Extra.ABSTRACT_EN_HEADER, "")
    link_version = (parse_arxiv_id(link) or ("", ""))[1]
    # A digest that carries no title suffix (the new style: the abstract's header
    # holds id, version and type) never shows a category: one known from elsewhere
    # (the source's, `cs.AI.md`) made its every title gain a made-up suffix.
    want = (paper.id, version, cat if suffix else "", kind)
    meta = _meta(suffix, header, link)
    if suffix and not header and not meta[3] and kind == "new":
        meta = (*meta[:3], kind)  # an old title without a flag: arxiv_feed reads it as new
    if (
        (suffix or header)
        and (not suffix or _TITLE_SUFFIX_RE.fullmatch(suffix))
        and (not header or _EN_HEADER_RE.fullmatch(header))
        and meta == want
    ):
        return suffix, header
    # A digest whose text had neither (`Extra.PLAIN`: the generator's early-2024
    # form) is written with neither, whatever category its paper learnt since
    # (its source's name, `cs.LG.md`, or `enrich`: a made-up '. (arXiv:ID
    # [cs.LG])' was published; found by a bug hunt). Unless arXiv announced the
    # paper since (a type, or a version its link did not carry): that day is
    # written with them (the marker alone lost an arXiv day's versions and
    # types once a generator digest listed its papers; found by a regression hunt).
    if extras.get(Extra.PLAIN) == "1" and not kind and version in ("", link_version):
        cat = ""  # then nothing below makes a suffix or a header
    header = ""
    if kind in _NEW_STYLE_TYPES:
        header = f"arXiv:{paper.id}{version} Announce Type: {kind}  Abstract: "
    # One layout per paper (digest-format.md): a type of the 2024+ feeds gets their
    # abstract header and a plain title; the pre-2024 title suffix is for the rest.
    # Both at once gave every 2024+ feed paper a made-up '. (arXiv:ID [cat])', so
    # `Is Attention All You Need?.` in a published table (found by a bug hunt).
    suffix = ""
    # A paper of the old feeds from a cache made before their suffix was kept is
    # written as the release before wrote it, with both: without its suffix its
    # category was lost on the way back (a regression hunt).
    both = bool(cat) and old_feeds_paper(paper.id, kind)
    if (not header or both) and (cat or kind == "updated" or (version and version != link_version)):
        parts = [f"arXiv:{paper.id}{version}"]
        if cat:
            parts.append(f"[{cat}]")
        if kind == "updated":
            parts.append("UPDATED")
        suffix = f". ({' '.join(parts)})"
    return suffix, header


def old_feeds_paper(arxiv_id: str, kind: str) -> bool:
    """Whether a paper announced `kind` can only have come from arXiv's pre-2024
    RSS 1.0 feeds: new, with an id from before February 2024 (the RSS 1.0 sample
    lists January's 2401 ids). Papers read from those feeds keep their title suffix
    (`Extra.TITLE_SUFFIX`), but a cache made before that holds them without it.
    Not cross: the 2024+ feeds cross-list older ids too (2307.12807 in the
    generator's 2024-03-18 feed), and a made-up suffix there was a bug hunt's."""
    if kind != "new":
        return False
    if "/" in arxiv_id:  # hep-th/9901001: before 2007
        return True
    yymm = arxiv_id.partition(".")[0]
    return len(yymm) == 4 and yymm.isdigit() and yymm < "2402"


def _zh_header_for(paper: Paper) -> str:
    header = paper.extras.get(Extra.ABSTRACT_ZH_HEADER, "")
    m = _ZH_HEADER_RE.fullmatch(header) if header else None
    if m and m["id"] == paper.id and (m["version"] or "") in ("", paper.version):
        return header
    return ""


def _summary_en(paper: Paper) -> str:
    """The English one-line summary slot: the digest's own text, else the archive's.

    A digest keeps its slot's text as an extra (byte-exact rewriting); the
    generator's JSON archive brings it as `Paper.summary_en`, which the
    Markdown and the feed dropped.
    """
    return clean_line(paper.extras.get(Extra.SUMMARY_EN, "") or paper.summary_en)


def _write_one(n: int, paper: Paper) -> tuple[str, str]:
    extras = paper.extras
    link = _link_for(paper)
    suffix, en_header = _headers_for(paper, link)
    zh_header = _zh_header_for(paper)
    title_en = clean_line(paper.title_en)
    summary_zh = clean_line(paper.summary_zh)
    summary_en = _summary_en(paper)
    table_title = extras.get(Extra.TABLE_TITLE)
    if table_title is None or "\n" in table_title:
        table_title = _cell_escape(title_en) + _period_part(suffix)
    table_summary = extras.get(Extra.TABLE_SUMMARY)
    if table_summary is None or "\n" in table_summary:
        table_summary = _cell_escape(summary_zh)
    table_url = extras.get(Extra.TABLE_URL, "")
    parsed = parse_arxiv_id(table_url) if table_url else None
    if not parsed or parsed[0] != paper.id or table_url != clean_line(table_url):
        table_url = link
    row = f"| [^{n}] | [{table_title}]({table_url}) | {table_summary} |"
    parts = [
        f"{_note_head(n, clean_line(paper.title_zh))}\n\n",
        f"{INDENT}{title_en}{suffix}\n\n",
        f"{INDENT}[{link}]({link})\n\n",
    ]
    if not (extras.get(Extra.LAYOUT) == "early" and not summary_en):
        parts.append(f"{INDENT}{summary_zh}\n\n{INDENT}{summary_en}\n\n")
    parts.append(_paragraph(zh_header + clean_text(paper.abstract_zh)))
    parts.append("\n\n")
    parts.append(_paragraph(en_header + clean_text(paper.abstract_en)))
    parts.append("\n" + INDENT)
    return row, "".join(parts)


def write_digest(papers: Iterable[Paper]) -> str:
    """The canonical digest for `papers`, refs numbered 1..N in the given order."""
    rows: list[str] = []
    notes: list[str] = []
    for n, paper in enumerate(papers, 1):
        row, note = _write_one(n, paper)
        rows.append(row)
        notes.append(note)
    return (
        f"{SUMMARY_HEADING}\n\n{TABLE_HEADER}"
        + "\n".join(rows)
        + f"\n\n{DETAIL_HEADING}\n\n"
        + "\n".join(notes)
        + "\n\n"
    )


def detail_fields(paper: Paper) -> dict[str, str]:
    """The footnote's fields as `write_digest` writes them, unescaped (for the digest feed).

    Keys: title_zh, title_en (with its arXiv suffix), link, summary_zh,
    summary_en, abstract_zh and abstract_en (each with its header), and
    table_summary (the table's summary cell). The digest feed publishes the
    same paragraphs, so the Markdown and the feed of one day always agree.
    """
    link = _link_for(paper)
    suffix, en_header = _headers_for(paper, link)
    summary_zh = clean_line(paper.summary_zh)
    cell = paper.extras.get(Extra.TABLE_SUMMARY)
    table_summary = summary_zh if cell is None or "\n" in cell else _cell_unescape(cell)
    return {
        "title_zh": clean_line(paper.title_zh),
        "title_en": clean_line(paper.title_en) + suffix,
        "link": link,
        "summary_zh": summary_zh,
        "summary_en": _summary_en(paper),
        "abstract_zh": _zh_header_for(paper) + clean_text(paper.abstract_zh),
        "abstract_en": en_header + clean_text(paper.abstract_en),
        "table_summary": clean_line(table_summary),
    }
