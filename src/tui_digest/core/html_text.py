"""HTML fragments (feed summaries) to plain text, never to markup.

Split from `feed_common` (one concept per module).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "dd", "dt", "hr",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript"}


class _TextExtractor(HTMLParser):
    """Collect text; block elements start a new paragraph; scripts are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.anchors: list[str] = []
        self._skip = 0
        self._anchor: list[str] | None = None

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag == "a":
            self._anchor = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag == "a" and self._anchor is not None:
            self.anchors.append("".join(self._anchor))
            self._anchor = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.paragraphs[-1].append(data)
        if self._anchor is not None:
            self._anchor.append(data)


def _extract(markup: str) -> _TextExtractor:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return parser


_HTML_TAG_RE = re.compile(
    r"<(?:(?P<open>p|br|div|span|a|b|i|u|em|strong|sub|sup|code|pre|ul|ol|li|img|"
    r"table|tr|td|th|h[1-6]|blockquote|script|style|hr|dl|dt|dd|font|small|big|tt)"
    r"(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'|[^\s<>\"']+))?)*\s*/?"
    r"|/(?P<close>[A-Za-z][\w-]*)\s*)>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True when `text` holds real HTML tags, not just a `<` from maths ("x <b and y")."""
    return "<" in text and _HTML_TAG_RE.search(text) is not None


def html_paragraphs(markup: str) -> list[str]:
    """The text of each `<p>` block of `markup`, stripped; empty blocks keep their slot.

    Used where paragraph positions carry meaning (digest feeds), so an empty
    `<p></p>` yields "" rather than vanishing. Text before the first `<p>` is
    a paragraph of its own when it is not blank.
    """
    if not looks_like_html(markup):
        return [markup.strip()]
    out: list[str] = []
    for i, chunk in enumerate(re.split(r"(?i)<p(?:\s[^>]*)?>", markup)):
        parser = _extract(re.sub(r"(?i)</p\s*>", "", chunk))
        text = "\n".join(t for t in ("".join(p).strip() for p in parser.paragraphs) if t)
        if i == 0 and not text:
            continue  # whitespace before the first <p>
        out.append(text)
    return out


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line."""
    if not markup:
        return ""
    if not looks_like_html(markup):
        import html

        return html.unescape(markup).strip()
    parser = _extract(markup)
    paras = (" ".join("".join(p).split()) for p in parser.paragraphs)
    return "\n\n".join(p for p in paras if p)


def anchor_texts(markup: str) -> list[str]:
    """The text of every `<a>` in an HTML fragment (old arXiv author lists)."""
    return [t.strip() for t in _extract(markup).anchors if t.strip()]
