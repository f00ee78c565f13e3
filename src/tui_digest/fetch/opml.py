"""OPML import and export of the source list.

Export writes standard RSS outlines (`type="rss" text= xmlUrl=`) plus
attributes of our own, `tuiDigestKind`, `tuiDigestEnabled` and
`tuiDigestCategory`, so that a round trip keeps the kind, the enabled flag and
a configured category; other readers ignore them. An imported category that is
no arXiv category is dropped (the file is untrusted).
Import accepts any OPML 1/2 file with `xmlUrl` outlines (nested folders too),
but only http(s) feed URLs: an OPML file from elsewhere must not make us read
local files.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from tui_digest.config.sources import KINDS, Source, is_category, same_feed_key, without_invisible
from tui_digest.core.model import InputError
from tui_digest.core.sanitize import clean_line
from tui_digest.core.utf16_sniff import ADVICE as UTF16_ADVICE
from tui_digest.core.utf16_sniff import looks_utf16
from tui_digest.core.xml_decode import as_utf8_xml, decode_document
from tui_digest.core.xml_guard import guard
from tui_digest.net.urls import display_url, strip_credentials

KIND_ATTR = "tuiDigestKind"
ENABLED_ATTR = "tuiDigestEnabled"
CATEGORY_ATTR = "tuiDigestCategory"
MAX_OPML_BYTES = 5 * 1024 * 1024


class OpmlError(ValueError):
    """The file is not usable OPML; the message names the file."""


@dataclass(slots=True)
class OpmlImport:
    sources: list[Source]
    skipped: list[str] = field(default_factory=list)  # one line per outline left out, with why
    notes: list[str] = field(default_factory=list)  # how its bytes were decoded, when not UTF-8


def read_opml(data: bytes, *, source: str = "<opml>") -> OpmlImport:
    """The sources an OPML file lists; OpmlError naming `source` when it is none.

    Its bytes are decoded as a feed's (`xml_decode.decode_document`: a BOM, the
    XML declaration, UTF-8, a GB18030 rescue), and the guard and the parser see
    that text, as UTF-8: a file declaring GB2312, GBK or Big5 failed as
    "multi-byte encodings are not supported" (expat's, with no file name: bug
    hunt `enc` #10), and UTF-16 with a BOM was refused.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{source}: larger than {MAX_OPML_BYTES} bytes")
    decoded = decode_document(data)
    if "\x00" in decoded.text:
        if looks_utf16(data[:1024]):
            raise OpmlError(f"{source}: not OPML as it stands: it {UTF16_ADVICE}")
        raise OpmlError(f"{source}: not OPML text (it holds NUL bytes)")
    try:  # the one XML guard: DTD tricks, attribute/depth/element/text bounds
        guard(decoded.text, source, doctype=False)
    except InputError as exc:
        raise OpmlError(str(exc)) from None
    try:
        root = ET.fromstring(as_utf8_xml(decoded.text))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise OpmlError(f"{source}:{line}: not well-formed XML: {exc}") from None
    except ValueError as exc:  # (expat's own refusals; the text is UTF-8 by now)
        raise OpmlError(f"{source}: cannot be read as XML: {exc}") from None
    if _local(root.tag) != "opml":
        raise OpmlError(f"{source}: the root element is <{_local(root.tag)}>, not <opml>")
    body = next((el for el in root if _local(el.tag) == "body"), None)
    if body is None:
        raise OpmlError(f"{source}: no <body> element")
    result = OpmlImport([], notes=[decoded.note] if decoded.note else [])
    names: set[str] = set()
    for outline in body.iter():
        if _local(outline.tag) != "outline":
            continue
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue  # a folder, or a plain note
        label = clean_line(outline.get("title") or outline.get("text") or "") or url
        # Checked as it will be stored: an invisible mark before the scheme
        # (`&#x200e;https://…`) is dropped with a word by `sources import`
        # (`without_invisible`), and skipped the URL here (bug hunt `fuzz` #1).
        seen = without_invisible(url)[0].strip()
        if not seen.lower().startswith(("http://", "https://")) or any(
            c in seen for c in "\n\r\t\x00 "
        ):
            shown = display_url(url)[:200]
            result.skipped.append(f"{label}: only http(s) feed URLs can be imported: {shown}")
            continue
        kind = outline.get(KIND_ATTR, "auto")
        if kind not in KINDS:
            kind = "auto"
        enabled = outline.get(ENABLED_ATTR, "true").strip().lower() != "false"
        category = outline.get(CATEGORY_ATTR, "").strip()
        name = _unique(label, names)
        names.add(name)
        result.sources.append(
            Source(name, url, kind, enabled, category if is_category(category) else "")
        )
    return result


def write_opml(sources: list[Source], *, title: str = "tui-digest sources") -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for s in sources:
        # A password stays in the config file: an OPML file is shared, synced, mailed.
        url = strip_credentials(s.url)
        attrs = {"type": "rss", "text": s.name, "title": s.name, "xmlUrl": url}
        attrs[KIND_ATTR] = s.kind
        if not s.enabled:
            attrs[ENABLED_ATTR] = "false"
        if s.category:  # (as configured: one the URL names is inferred again)
            attrs[CATEGORY_ATTR] = s.category
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@dataclass(slots=True)
class MergeResult:
    sources: list[Source]
    added: list[Source]
    skipped: list[str]  # why each imported source was not added


def merge_sources(existing: list[Source], imported: list[Source]) -> MergeResult:
    """Append imported sources whose feed is new; a clashing name gets a numeric suffix.

    A feed is told by `same_feed_key`, not by the URL's exact text: `sources add
    http://rss.arxiv.org/rss/cs.AI/` added "arxiv-cs.AI (2)" beside the default
    `https://rss.arxiv.org/rss/cs.AI`, fetching the same listing twice."""
    merged = list(existing)
    held = {same_feed_key(s.url): s for s in existing}
    names = {s.name for s in existing}
    added: list[Source] = []
    skipped: list[str] = []
    for s in imported:
        there = held.get(same_feed_key(s.url))
        if there is not None:
            skipped.append(f"{s.name}: already a source, {there.name} ({display_url(there.url)})")
            continue
        name = _unique(s.name, names)
        names.add(name)
        new = Source(name, s.url, s.kind, s.enabled, s.category)
        held[same_feed_key(s.url)] = new
        merged.append(new)
        added.append(new)
    return MergeResult(merged, added, skipped)


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
