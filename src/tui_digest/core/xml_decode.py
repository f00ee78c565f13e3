"""Decoding a feed's bytes: BOM, XML declaration, then UTF-8 with a GB18030 rescue.

Split from `feed_common` (one concept per module); `feed_common` and the arXiv
API reader use it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .sanitize import BOMS, decode_text

_XML_DECL_RE = re.compile(rb"^<\?xml[^>]{0,200}?\?>")
_ENCODING_ATTR_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk"}


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # the codec actually used
    note: str = ""  # why the declared encoding was not used, if it was not


def _declared_encoding(data: bytes) -> str:
    m = _XML_DECL_RE.match(data.lstrip()[:300])
    if not m:
        return ""
    enc = _ENCODING_ATTR_RE.search(m.group(0))
    return enc.group(1).decode("ascii").lower() if enc else ""


def decode_document(data: bytes) -> Decoded:
    """Decode a document: BOM first, then the XML declaration, then UTF-8.

    Bytes that claim (or default to) UTF-8 but are not valid UTF-8 are tried as
    GB18030, the usual culprit for Chinese text, and accepted only when the
    result is mostly CJK; otherwise invalid bytes become U+FFFD. Either way the
    text holds no mojibake.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(codec, errors="replace"), codec)
    if data.startswith((b"<\x00?\x00", b"<\x00r\x00", b"<\x00f\x00")):
        return Decoded(data.decode("utf-16-le", errors="replace"), "utf-16-le")
    if data.startswith((b"\x00<\x00?", b"\x00<\x00r", b"\x00<\x00f")):
        return Decoded(data.decode("utf-16-be", errors="replace"), "utf-16-be")
    declared = _declared_encoding(data)
    if declared in _GB_FAMILY:
        declared = "gb18030"  # a superset: GBK/GB2312 labels are routinely wrong
    if declared and declared not in ("utf-8", "utf8"):
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = ""
        else:
            if codecs.lookup(declared).name.startswith(("utf-16", "utf-32")):
                declared = ""  # a UTF-16 label on bytes we just read as ASCII is a lie
        if declared:
            try:
                return Decoded(data.decode(declared), declared)
            except UnicodeDecodeError:
                pass  # fall through to the UTF-8 path below
    text, codec, note = decode_text(data)
    return Decoded(text, codec, note)


def as_utf8_xml(text: str) -> bytes:
    """UTF-8 bytes of `text` whose XML declaration (if any) says UTF-8."""
    data = text.encode("utf-8")
    m = _XML_DECL_RE.match(data)
    if m:
        decl = _ENCODING_ATTR_RE.sub(b'encoding="utf-8"', m.group(0))
        data = decl + data[m.end() :]
    return data
