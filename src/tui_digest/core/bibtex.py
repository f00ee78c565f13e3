"""BibTeX in arXiv's own style, ready to paste into a paper.

arXiv's export (https://arxiv.org/bibtex/<id>, see docs/upstream.md) looks like

    @misc{vaswani2017attention,
          title={Attention Is All You Need},
          author={Ashish Vaswani and Noam Shazeer},
          year={2017},
          eprint={1706.03762},
          archivePrefix={arXiv},
          primaryClass={cs.CL},
          url={https://arxiv.org/abs/1706.03762},
    }

and this module writes the same fields in the same order. Titles keep the
LaTeX their authors wrote (`Pok\\'eLLMon`, `$TCP\\_\\alpha$`): escaping it again
would print backslashes in the bibliography. Only what would break BibTeX or
the LaTeX run is neutralised (`bibtex_value`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from tui_digest.core.citation import (
    citation_keys,
    cited_authors,
    cited_doi,
    cited_primary,
    cited_year,
    composed,
    is_arxiv_id,
    paper_url,
)
from tui_digest.core.model import PaperRecord
from tui_digest.core.person_name import split_name
from tui_digest.core.sanitize import MAX_TITLE, clean_line

# A control word or symbol, a character LaTeX or BibTeX treats specially, or a run of
# ordinary text.
_TOKEN_RE = re.compile(r"\\(?:[A-Za-z]+|.)?|[{}$%#&_^]|[^\\{}$%#&_^]+", re.S)

# Commands that read or write files, (re)define macros or stop the run. A title has no
# business with them; they are printed as text rather than executed by LaTeX.
_DANGEROUS = frozenset(
    [
        "input",
        "include",
        "InputIfFileExists",
        "IfFileExists",
        "write",
        "openout",
        "openin",
        "read",
        "readline",
        "immediate",
        "def",
        "edef",
        "gdef",
        "xdef",
        "let",
        "futurelet",
        "catcode",
        "csname",
        "endcsname",
        "expandafter",
        "newcommand",
        "renewcommand",
        "providecommand",
        "DeclareRobustCommand",
        "usepackage",
        "RequirePackage",
        "documentclass",
        "special",
        "begin",
        "end",
        "directlua",
        "jobname",
    ]
)
# The cap of the user's own note and tags: none. They were capped when saved
# (`user_log.MAX_NOTE`), and the title's 2,000 characters cut a long note's `annote`
# short of what JSON exports (bug hunt s41 auditpub #3).
USER_TEXT = sys.maxsize
_BRACE_TEXT = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def bibtex_value(text: str, *, keep_line_breaks: bool = False, limit: int = MAX_TITLE) -> str:
    """`text` on one line, LaTeX kept, with only what would break BibTeX/LaTeX escaped.

    - braces: a group's `{` and `}` pair up among themselves, and so do the escaped
      `\\{` and `\\}` (LaTeX and pandoc read those as characters; BibTeX counts
      them too, so both kinds must balance); one without a partner becomes
      `\\textbraceleft{}` / `\\textbraceright{}`;
    - `%` (would comment out the rest of the line, closing brace included), `#`
      and `&` (LaTeX errors) are escaped when bare;
    - `$`: kept when they pair up as math within one group, escaped otherwise (all
      of them when their count is odd; `$$`, TeX's display math, both);
    - `_` and `^` outside math (LaTeX errors) are escaped; `^^` always (TeX reads
      it as a character code, a way to spell any command);
    - a backslash at the end or before a non-ASCII character becomes
      `\\textbackslash{}`, and so do file/definition commands (`\\input`, `\\def`...);
    - `\\\\`, LaTeX's line break, becomes a space (a title's), or with
      `keep_line_breaks` (the user's note) stays as typed (`_kept_break`).

    `limit` is `clean_line`'s cap, a title's by default; the user's own note and tags
    pass `USER_TEXT` and are kept whole.
    """
    tokens = _TOKEN_RE.findall(composed(clean_line(text, limit)))
    unmatched = _unmatched_braces(tokens)
    math = _math_dollars(tokens, unmatched)
    out: list[str] = []
    breaks: list[int] = []  # indexes in `out` of the `\\` kept as typed
    in_math = False
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if i in unmatched:
            out.append(_BRACE_TEXT[tok[-1]])
        elif tok == "$":
            if i in math:
                in_math = not in_math
                out.append("$")
            else:
                out.append(r"\$")
        elif tok in ("%", "#", "&"):
            out.append("\\" + tok)
        elif tok == "_":
            out.append("_" if in_math else r"\_")
        elif tok == "^":
            prev = tokens[i - 1] if i else ""
            caret_pair = nxt == "^" or prev.endswith("^")  # `^^`, also after `\^`
            out.append("^" if in_math and not caret_pair else r"\textasciicircum{}")
        elif tok == "\\\\" and keep_line_breaks:
            breaks.append(len(out))
            out.append(tok)
        elif tok.startswith("\\"):
            out.append(_command(tok))
        else:
            out.append(tok)
    for at in breaks:
        out[at] = _kept_break(out[at + 1 :])
    # One space between words, none at the ends, as `clean_line` gave: a `\\` turned
    # into a space must not leave a value that changes when escaped again.
    return " ".join("".join(out).split())


def raw_value(text: str) -> str:
    """`text` for a field read raw (pandoc) or verbatim (biblatex), such as `doi`, or "".

    Nothing is escaped (`10.1007/978-3-030-58452-8_13` stays so: a `\\_` would be part
    of the DOI printed and linked). Only a value that would end the field early or
    leave it open is refused: braces that do not pair up, each kind among itself as
    in `bibtex_value` (BibTeX counts `\\{` as a brace, pandoc does not), or a trailing
    backslash.
    """
    tokens = _TOKEN_RE.findall(text)
    if _unmatched_braces(tokens) or text.endswith("\\"):
        return ""
    return text


def _kept_break(after: list[str]) -> str:
    """A `\\\\` kept as typed, and what keeps it so whatever follows it: LaTeX would
    take a `[` or `*` next as its argument ("Missing number") and an empty group
    stops it; bibtexparser reads `\\\\{` and `\\\\}` (so a `\\\\` at the end, before the
    field's brace) as an escaped brace, and a space in between reads the same to
    LaTeX, which skips spaces after `\\\\`."""
    following = next((piece.lstrip()[:1] for piece in after if piece.strip()), "")
    if following in ("", "[", "*"):
        return "\\\\ {}"
    return "\\\\ " if after[0][:1] in ("{", "}") else "\\\\"


def _command(tok: str) -> str:
    name = tok[1:]
    if name == "\\":
        # `\\` is LaTeX's line break: meaningless in a one-line field, and one at the
        # end of a title errors ("There's no line here to end"); a space reads the same.
        return " "
    if not name or not name.isascii() or name in _DANGEROUS:
        return r"\textbackslash{}" + name
    return tok


def _unmatched_braces(tokens: list[str]) -> set[int]:
    """Indexes of brace tokens that have no partner of their own kind.

    A group's `{`/`}` pair among themselves and escaped `\\{`/`\\}` among
    themselves: pairing `\\{x}` would leave LaTeX and pandoc (for which `\\{` is a
    character) a `}` that closes the field early. Each kind balanced means BibTeX,
    which counts both alike, sees a balanced value too.
    """
    unmatched: set[int] = set()
    for opening, closing in (("{", "}"), ("\\{", "\\}")):
        stack: list[int] = []
        for i, tok in enumerate(tokens):
            if tok == opening:
                stack.append(i)
            elif tok == closing:
                if stack:
                    stack.pop()
                else:
                    unmatched.add(i)
        unmatched.update(stack)
    return unmatched


def _math_dollars(tokens: list[str], unmatched: set[int]) -> set[int]:
    """Indexes of the `$` that open or close math: pairs within one group.

    Math opened outside a group and closed inside it (`$ a {b $ c}`) is a LaTeX
    error and makes pandoc drop the title, so such a `$` pairs with nothing; so
    does an empty pair (`$$` is display math), and every `$` when their count is
    odd (no telling which one is the stray).
    """
    if sum(1 for t in tokens if t == "$") % 2:
        return set()
    paired: set[int] = set()
    pending: list[int] = [-1]  # per open group: the index of its unclosed `$`, or -1
    for i, tok in enumerate(tokens):
        if i in unmatched:
            continue  # written as \\textbrace..., not a group
        if tok == "{":
            pending.append(-1)
        elif tok == "}":
            pending.pop()  # a `$` still open in this group stays text
        elif tok == "$":
            if pending[-1] < 0:
                pending[-1] = i
            else:
                if pending[-1] != i - 1:  # not `$$`
                    paired.update((pending[-1], i))
                pending[-1] = -1
    return paired


def _author(name: str) -> str:
    name = composed(name)
    parts = split_name(name)
    if parts.suffix:
        # BibTeX reads a trailing "Jr." as the last name; its "Last, Jr, First" form
        # is the one way to say it.
        name = f"{parts.family}, {parts.suffix}, {parts.given}"
    value = bibtex_value(name)
    # BibTeX splits author lists on the word "and" and mis-parses names with more
    # than two commas; bracing the name makes it one literal unit. So for a group
    # ("The ATLAS Collaboration"), which styles would print "T. A. Collaboration".
    # A name cited as written (`literal`) that holds a comma or a bracket, an
    # affiliation kept with it ("Zhang San (Peking University, Beijing)"), is
    # braced too: BibTeX took "Beijing)" for the given name, "(MIT)" for the last.
    as_written = parts.literal and re.search(r"[,()\[\]]", parts.literal)
    if (
        parts.group
        or as_written
        or re.search(r"(?i)(^|\s)and(\s|$)", value)
        or value.count(",") > 2
    ):
        return "{" + value + "}"
    return value


def bibtex_entry(rec: PaperRecord, key: str) -> str:
    """One `@misc` entry in arXiv's field order; fields without a value are left out."""
    p = rec.paper
    fields: list[tuple[str, str]] = [("title", bibtex_value(p.title_en or p.title_zh or p.id))]
    authors = [a for a in (_author(a) for a in cited_authors(rec)) if a]
    if authors:
        fields.append(("author", " and ".join(authors)))
    year = cited_year(rec)
    if year:
        fields.append(("year", year))
    if p.id:
        fields.append(("eprint", p.id if is_arxiv_id(p.id) else bibtex_value(p.id)))
        fields.append(("archivePrefix", "arXiv"))
    primary = cited_primary(rec)
    if primary:
        fields.append(("primaryClass", bibtex_value(primary)))
    url = paper_url(rec)
    if url:
        fields.append(("url", url))
    doi = cited_doi(rec)
    if doi:
        # After arXiv's fields: the published version, when arXiv knows one.
        doi = raw_value(doi)
        if doi:
            fields.append(("doi", doi))
    if rec.tags:
        # The user's tags and note (issue 12 req 5): `keywords` is what Zotero,
        # JabRef and biblatex read as tags.
        fields.append(("keywords", bibtex_value(", ".join(rec.tags), limit=USER_TEXT)))
    if rec.note:
        # The note is private: `annote`, which the standard styles leave out (the
        # `annotation` style exists to print it, ctan.org/pkg/annotation), not
        # `note`, which plain, alpha and the others print in the reference list
        # (and whose Chinese would then reach pdflatex).
        # What the user typed: a `\\` there is theirs, not a title's line break.
        note = " ".join(rec.note.split())
        fields.append(("annote", bibtex_value(note, keep_line_breaks=True, limit=USER_TEXT)))
    if p.title_zh and p.title_en:
        # Not `note` for the Chinese title: styles print notes, and CJK there
        # breaks pdflatex builds.
        # An unknown field is ignored by styles and kept by reference managers.
        fields.append(("titlezh", bibtex_value(p.title_zh)))
    body = "".join(f"      {name}={{{value}}},\n" for name, value in fields)
    return f"@misc{{{key},\n{body}}}\n"


def to_bibtex(records: Iterable[PaperRecord]) -> str:
    """One `@misc` entry per paper, keyed `vaswani2017attention-1706.03762` (`citation_key`)."""
    recs = list(records)
    keys = citation_keys(recs)
    return "\n".join(bibtex_entry(r, k) for r, k in zip(recs, keys, strict=True))
