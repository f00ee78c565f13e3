"""The one guard every XML document passes before an XML parser sees it.

Hand-written rather than `defusedxml`, because the parsers we feed are not
ones defusedxml can wrap: feedparser runs expat through `xml.sax` and, on any
error, re-reads the whole document with its own SGML-style loose parser. So
the guard works on the decoded text, whether or not it is well-formed, in
one linear pass, and refuses (InputError, naming the source and line):

- DTD tricks (`find_root`): a DOCTYPE with an internal subset or any
  `<!ENTITY`, the spelling of billion laughs, quadratic blow-up and external
  entities. Only the prolog is read. An external DTD name alone (old RSS
  0.91) is allowed: nothing fetches it.
- documents past the bounds (`check_bounds`): `MAX_ATTRIBUTES` on one
  element (`xml.sax`'s attribute lookup is quadratic: 10,000 attributes
  took 1.4 s, 200,000 minutes), `MAX_DEPTH` of nesting, `MAX_ELEMENTS` in
  all, `MAX_TEXT_NODE` characters of text in one place, and more elements
  than the size justifies: feedparser spends ~30 microseconds per element,
  so a document made only of tiny elements (`<e/>` 500,000 times in 2 MB)
  would take a minute. Real feeds have one element per 120-150 characters;
  beyond `FREE_ELEMENTS`, one per `CHARS_PER_ELEMENT` is accepted (half the
  density of real feeds), which keeps the whole parse near half a second
  per MB (see `benchmarks/xml_bounds.py`).

A bound exceeded inside one entry (`OutOfBounds.local`) costs that entry only:
the feed reader leaves it out and reads the rest (`feed_common._within_bounds`).

`neutralise_char_refs` rewrites numeric character references that name no
character (a lone surrogate `&#xD800;`, anything above U+10FFFF) as
`&#xFFFD;`: feedparser crashes on them (`chr(c).encode`), which used to cost
the whole document.
"""

from __future__ import annotations

import re

from .model import InputError

# The prolog of a real feed is a declaration, a few comments, maybe a DOCTYPE;
# anything larger than this before the root element is refused rather than scanned.
MAX_PROLOG = 64 * 1024
# Real feeds: at most ~10 attributes (namespace declarations on the root);
# with this cap the worst case costs sax well under a second per MB.
MAX_ATTRIBUTES = 32
# Real feeds nest ~5 deep (XHTML content maybe 20).
MAX_DEPTH = 100
# A 100,000-entry feed has ~1.5 million elements.
MAX_ELEMENTS = 4_000_000
FREE_ELEMENTS = 10_000
CHARS_PER_ELEMENT = 64
# A real abstract is ~1,000 characters; a whole blog post in content:encoded
# is rarely 100 KB. Fields are capped far below this at ingest anyway.
MAX_TEXT_NODE = 4 * 1024 * 1024

_ROOT_START_RE = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _refuse_decl(decl: str, head: str, where: str, line: int, doctype: bool) -> None:
    if "ENTITY" in decl.upper():
        raise InputError(
            f"{where}:{line}: XML entity declarations are not accepted "
            "(possible entity-expansion or external-entity attack)"
        )
    if head.startswith("<!DOCTYPE") and "[" in decl:
        raise InputError(
            f"{where}:{line}: XML DOCTYPE with an internal subset is not accepted "
            "(possible entity-expansion or external-entity attack)"
        )
    if not doctype and head.startswith("<!DOCTYPE"):
        raise InputError(f"{where}:{line}: an XML DOCTYPE is not accepted in this document")


def find_root(text: str, source: str = "", *, doctype: bool = True) -> tuple[str, int]:
    """Return (root element name, its offset); raise InputError for DTD tricks.

    Only the prolog is looked at, so the cost is bounded however large the
    document is. Returns ("html", offset) for an HTML doctype and ("", -1)
    when there is no element at all. `doctype=False` refuses any DOCTYPE
    (formats that never need one, such as OPML).
    """
    where = source or "<input>"
    pos = 0
    n = len(text)
    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            return "", -1
        if lt > MAX_PROLOG:
            raise InputError(f"{where}: no root element in the first {MAX_PROLOG} characters")
        if text.startswith("<?", lt):
            end = text.find("?>", lt + 2, lt + MAX_PROLOG)
            if end < 0:
                raise InputError(f"{where}: unterminated processing instruction in the prolog")
            pos = end + 2
        elif text.startswith("<!--", lt):
            end = text.find("-->", lt + 4, lt + MAX_PROLOG)
            if end < 0:
                raise InputError(f"{where}: unterminated comment in the prolog")
            pos = end + 3
        elif text.startswith("<!", lt):
            head = text[lt : lt + 9].upper()
            gt = text.find(">", lt, lt + MAX_PROLOG)
            decl = text[lt : gt if gt >= 0 else lt + MAX_PROLOG]
            line = text.count("\n", 0, lt) + 1
            _refuse_decl(decl, head, where, line, doctype)
            if gt < 0:
                raise InputError(f"{where}:{line}: unterminated declaration in the prolog")
            if head.startswith("<!DOCTYPE") and decl[9:].strip().lower().startswith("html"):
                return "html", lt
            pos = gt + 1
        else:
            m = _ROOT_START_RE.match(text, lt)
            if not m:
                return "", -1
            return m.group(1), lt
    return "", -1


# --- bounds ---------------------------------------------------------------------

# Anything that starts markup. Group 1: `/` of an end tag; group 2: a name.
_MARKUP_RE = re.compile(r"<(?:(/)?([A-Za-z_][\w.:-]*)|!--|!\[CDATA\[|[?!])")
# The rest of a start tag after its name, quotes honoured. Possessive
# quantifiers: an unterminated tag can never make this backtrack.
_TAG_REST_RE = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_ATTRIBUTE_RE = re.compile(r"""[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+)""")
# An attribute takes at least `a=""` plus a space: a shorter tag cannot exceed the cap.
_SHORTEST_OVER_CAP = 5 * MAX_ATTRIBUTES
_CLOSERS = {"!--": "-->", "![CDATA[": "]]>", "?": "?>", "!": ">"}


def line_at(text: str, pos: int) -> int:
    """The 1-based line of `text` that offset `pos` is on."""
    return text.count("\n", 0, pos) + 1


class OutOfBounds(InputError):
    """A bound exceeded at `pos` of the text: by one part of the document (an
    attribute list, a nesting, a text node), which the caller may cut out and
    check the rest (`local` False: the document as a whole, its element count)."""

    def __init__(self, message: str, pos: int, *, local: bool = True) -> None:
        super().__init__(message)
        self.pos = pos
        self.local = local


def check_bounds(text: str, source: str = "", start: int = 0) -> None:
    """Raise InputError when `text` (from `start`, the root) exceeds the bounds.

    Works on malformed documents too: an end tag closes the innermost open
    element of its name (as a lenient parser would), and a stray one is
    ignored, so unclosed HTML inside a broken feed does not count as depth.
    """
    where = source or "<input>"
    stack: list[str] = []
    elements = 0
    pos = max(0, start)
    text_run = 0  # characters of text since the last tag
    n = len(text)
    budget = min(MAX_ELEMENTS, FREE_ELEMENTS + (n - pos) // CHARS_PER_ELEMENT)
    while pos < n:
        m = _MARKUP_RE.search(text, pos)
        end_of_text = m.start() if m else n
        text_run += end_of_text - pos
        if text_run > MAX_TEXT_NODE:
            raise OutOfBounds(
                f"{where}:{line_at(text, end_of_text)}: a text node of more than "
                f"{MAX_TEXT_NODE} characters is not accepted",
                end_of_text,
            )
        if m is None:
            return
        name = m.group(2)
        if name is None:  # comment, CDATA, PI or declaration: skip to its end
            opener = m.group(0)[1:]
            close = text.find(_CLOSERS[opener], m.end())
            close = n if close < 0 else close + len(_CLOSERS[opener])
            if opener == "![CDATA[":
                text_run += close - m.end()
            pos = close
            continue
        text_run = 0
        rest = _TAG_REST_RE.match(text, m.end())
        # An unterminated quote: the tag ends where a lenient parser would end it.
        gt = rest.end() if rest is not None else text.find(">", m.end()) + 1 or n
        pos = gt
        if m.group(1):  # end tag
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        elements += 1
        if elements > budget:
            raise OutOfBounds(
                f"{where}:{line_at(text, m.start())}: more than {budget} elements in "
                f"{n} characters are not accepted (at most {MAX_ELEMENTS}, and one per "
                f"{CHARS_PER_ELEMENT} characters beyond the first {FREE_ELEMENTS})",
                m.start(),
                local=False,
            )
        if gt - m.end() > _SHORTEST_OVER_CAP:
            count = len(_ATTRIBUTE_RE.findall(text, m.end(), gt))
            if count > MAX_ATTRIBUTES:
                raise OutOfBounds(
                    f"{where}:{line_at(text, m.start())}: <{name}> has {count} attributes; "
                    f"more than {MAX_ATTRIBUTES} are not accepted",
                    m.start(),
                )
        if text[gt - 2 : gt] != "/>":
            stack.append(name)
            if len(stack) > MAX_DEPTH:
                raise OutOfBounds(
                    f"{where}:{line_at(text, m.start())}: elements nested more than "
                    f"{MAX_DEPTH} deep are not accepted",
                    m.start(),
                )


# --- character references -------------------------------------------------------

# Only references that might name no character reach the callback: surrogates
# (D800-DFFF, 55296-57343) and anything of six hex or seven decimal digits.
_SUSPECT_CHARREF_RE = re.compile(
    r"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2}|[0-9a-fA-F]{6,})|0*(5[5-7]\d{3}|\d{7,}));"
)


def _charref(m: re.Match[str]) -> str:
    value = int(m[1], 16) if m[1] else int(m[2])
    if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return "&#xFFFD;"
    return m[0]


def neutralise_char_refs(text: str) -> str:
    """`text` with numeric character references to no character replaced by `&#xFFFD;`."""
    return _SUSPECT_CHARREF_RE.sub(_charref, text) if "&#" in text else text


# --- characters XML does not allow ----------------------------------------------

# XML 1.0 (5th edition), section 2.2, production [2] Char: of the C0 controls
# only tab, line feed and carriage return, and neither U+FFFE nor U+FFFF.
# (Lone surrogates cannot come out of a strict or replacing decoder.)
_FORBIDDEN_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_chars(text: str) -> str:
    """`text` without the characters XML 1.0 does not allow (production [2] Char),
    for a document written: `digest_feed_writer`'s feeds."""
    return _FORBIDDEN_CHAR_RE.sub("", text)


def drop_forbidden_chars(text: str) -> tuple[str, int, str]:
    """`text` without the characters XML does not allow raw; the line of the
    first, and a note naming it ("" when there were none). A NUL inside one arXiv item
    made expat give up: feedparser's loose re-read kept the entries, but the
    document was said to be "truncated or malformed" (bug hunt `enc` #5)."""
    first = _FORBIDDEN_CHAR_RE.search(text)
    if first is None:
        return text, 0, ""
    count = len(_FORBIDDEN_CHAR_RE.findall(text, first.start()))
    more = f" (and {count - 1} more)" if count > 1 else ""
    note = f"character U+{ord(first[0]):04X}{more} is not allowed in XML; removed"
    return _FORBIDDEN_CHAR_RE.sub("", text), line_at(text, first.start()), note


def guard(text: str, source: str = "", *, doctype: bool = True) -> tuple[str, int]:
    """`find_root` then `check_bounds` from the root: the whole check for one document."""
    root, offset = find_root(text, source, doctype=doctype)
    if offset >= 0:
        check_bounds(text, source, offset)
    return root, offset
