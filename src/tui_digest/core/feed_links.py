"""Feed links as the feed wrote them.

feedparser drops the slashes that follow "scheme://" in every link it reads
(`_urifixer` in feedparser/urls.py): `file:///etc/passwd` came back as
`file://etc/passwd`, a URL of the host "etc", which the generic reader stored
and its warning quoted ("no arXiv id in link 'file://etc/passwd'"; found by a
bug hunt). The link written in the item's own `<link>` is put back when it is
the one feedparser tidied; every other link is left as feedparser gives it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

# What feedparser removes: the slashes after "scheme://".
_EXTRA_SLASHES_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)/+")
# An RSS <link>text</link> or an Atom <link href="..."/> (not <atom:link>).
_LINK_RE = re.compile(
    r"""<link\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>|<link\s*>([^<]*)</link\s*>""",
    re.IGNORECASE,
)


def tidied(link: str) -> str:
    """`link` as feedparser gives it back."""
    return _EXTRA_SLASHES_RE.sub(r"\1", link)


def restore_links(entries: Sequence[Any], text: str, starts: Sequence[int]) -> None:
    """Put back, in each entry, the links feedparser tidied. `starts`: where each
    entry's start tag stands in `text` (one per entry, in order)."""
    ends = [*starts[1:], len(text)]
    for entry, start, end in zip(entries, starts, ends, strict=False):
        written: dict[str, str] = {}
        for m in _LINK_RE.finditer(text, start, end):
            raw = html.unescape(next(g for g in m.groups() if g is not None)).strip()
            if _EXTRA_SLASHES_RE.match(raw):
                written[tidied(raw)] = raw
        if not written:
            continue
        for link in entry.get("links", []) or []:
            if hasattr(link, "get") and link.get("href") in written:
                link["href"] = written[link["href"]]
        if entry.get("link") in written:
            entry["link"] = written[entry["link"]]
