"""Reading and writing the bilingual Markdown digest (see docs/digest-format.md).

The grammar both directions share is `digest_grammar` (so that the escaping the
writer applies and the unescaping the reader undoes can never drift apart); the
writer is `digest_write`, one paper's fields are placed by `digest_paper`, and
this module reads a document as a stream of lines (`DigestStream`): a 169 MB
digest is read a footnote at a time, its papers handed on as they are made.

Fields the format carries, and therefore what round-trips through
`read_digest(write_digest(papers))`: id, version, url, title_en, title_zh,
summary_zh, abstract_en, abstract_zh, announce_type and, for a paper in the
pre-2024 layout (no announce type of the 2024+ feeds), the primary category: the
2024+ layout is a plain title and the abstract header, which has no place for
one (digest-format.md; a made-up title suffix gave `Need?.` in the table).
Authors, secondary categories and the published date are not part of a digest and
come back empty. Text is normalised the way ingest cleans it, in both directions:
one-line fields (titles, summary) as `sanitize.clean_line`, abstracts as
`sanitize.clean_text` (so leading/trailing spaces and inner newlines of an abstract
survive; "\\r" does not). `url` survives when it is an arXiv abstract link for the
paper (`http(s)://arxiv.org/abs/ID`); otherwise the writer links the abstract page.
A version, announce type or category that does not have arXiv's form is dropped.

`Paper.extras` keys owned by this module (all optional; the writer checks that a
stored detail still agrees with the paper's fields before reusing it):

- `link`: the link exactly as written when it differs from `url`
  (`https://rss.arxiv.org/abs/…`, a versioned or /pdf/ link).
- `table_url`: the table row's link target when it differs from the footnote's.
- `table_title`: the table's title cell text when it differs from the derived one
  (escaped `title_en`, plus the period old feeds added).
- `table_summary`: the table's summary cell when it differs from escaped `summary_zh`.
- `title_suffix`: what follows the clean English title in the footnote, the old-feed
  `. (arXiv:2310.03635v1 [cs.AI])` or `. (arXiv:2304.12244v2 [cs.CL] UPDATED)`.
- `abstract_en_header`: `arXiv:2403.10056v1 Announce Type: cross  Abstract: `.
- `abstract_zh_header`: the translated header, `arXiv:2403.10056v1 公告类型: 跨领域 摘要：`.
- `summary_en`: text in the English one-line-summary slot after the Chinese summary.
- `layout`: "early" for the March 2023 footnotes that have no summary paragraphs.
- `plain`: "1" when the title had no suffix and the English abstract no header. The
  writer then writes neither, even for a category, version or announce type the
  paper learnt since (from its source's name, arXiv's API, a feed); a stored suffix
  or header is likewise kept unless the paper contradicts it (a newer version).

Escaping (see `digest_grammar`, which both directions take it from) is designed
so that real (unescaped) digests still read as they always did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .arxiv_id import ARXIV_ID_RE, parse_arxiv_id
from .digest_day import source_stem
from .digest_grammar import (
    _BAD_FOOTNOTE_RE,
    _DATE_RE,
    _EN_HEADER_RE,
    _FOOTNOTE_RE,
    _ROW_CONTROL_RE,
    _ROW_START_RE,
    _SUFFIX_FLAG_TYPES,
    _TABLE_HEADER_RE,
    _TITLE_SUFFIX_RE,
    _ZH_HEADER_RE,
    DETAIL_HEADING,
    EN_HEADER_RE,
    INDENT,
    SUFFIX_FLAG_TYPES,
    SUMMARY_HEADING,
    TABLE_HEADER,
    TITLE_SUFFIX_RE,
    ZH_HEADER_RE,
    control_name,
    escaped_invisible,
)
from .digest_paper import (
    _canonical,
    _make_paper,
    _Note,
    _Row,
    _split_row,
    closed_shape,
    stops_short,
)
from .digest_problems import (
    _DECODING,
    _FOREIGN,
    _LABEL,
    _LONG,
    _MISSING,
    _NO_ROW,
    _PAPER,
    _REPEATED,
    _ROWS,
    _TABLE,
    ReadProblems,
)
from .digest_write import _write_one, detail_fields, write_digest
from .footnote_bounds import first_link, foreign_start
from .model import Digest, InputError, Paper, Problem, ReadResult
from .sanitize import clean_line, decode_text
from .text_stream import LINE_CAP
from .utf16_sniff import ADVICE as UTF16_ADVICE
from .utf16_sniff import looks_utf16_text

__all__ = [
    "ARXIV_ID_RE",
    "DETAIL_HEADING",
    "EN_HEADER_RE",
    "INDENT",
    "SUFFIX_FLAG_TYPES",
    "SUMMARY_HEADING",
    "TABLE_HEADER",
    "TITLE_SUFFIX_RE",
    "ZH_HEADER_RE",
    "_EN_HEADER_RE",
    "_SUFFIX_FLAG_TYPES",
    "_TITLE_SUFFIX_RE",
    "_ZH_HEADER_RE",
    "DigestStream",
    "_write_one",
    "detail_fields",
    "looks_like_digest",
    "parse_arxiv_id",
    "read_digest",
    "write_digest",
]

# A footnote's text beyond this many characters is dropped (real ones hold a
# few KB; every field is capped at 20,000 characters by `sanitize` anyway).
NOTE_CAP = 1 << 20
_UNINDENTED_RE = re.compile(r"\n[^ \t\n]")


def looks_like_digest(text: str) -> bool:
    """Cheap check on the start of a document: a digest table or footnotes."""
    head = text[:65536]
    if "\r" in head:  # CRLF or old-Mac CR line endings, as `read_digest` reads them
        head = head.replace("\r\n", "\n").replace("\r", "\n")
    return bool(
        _TABLE_HEADER_RE.search(head) or _ROW_START_RE.search(head) or _FOOTNOTE_RE.search(head)
    )


def _digest_name(source: str, name: str | None) -> str:
    if name:
        return name
    if not source:
        return ""
    return source_stem(source, any_extension=True)


def _digest_date(name: str) -> str:
    m = _DATE_RE.search(name)
    return "-".join(m.groups()) if m else ""


def _may_hold_foreign(body: str) -> bool:
    """False when `foreign_start(body)` must be -1: no unindented line after the
    first, no `[^`, fewer than two `](` (two C-speed scans of a few KB)."""
    return "[^" in body or body.count("](") > 1 or _UNINDENTED_RE.search(body) is not None


class _RefSeen:
    """One footnote number: the order it first appeared in, and where it appeared."""

    __slots__ = ("count", "lines", "order")

    def __init__(self, order: int) -> None:
        self.order, self.count = order, 0
        self.lines: list[int] = []  # the first 11 (the problem names 10)


class DigestStream:
    """A digest read line by line; `read(lines)` yields its papers as they are made.

    The table comes before the footnotes, so when the first footnote starts
    every row is known and each footnote finds its row at once: papers come
    out in the order `read_digest` lists them, a footnote at a time. Only what
    cannot be placed yet waits: a paper whose table row comes after a row
    still missing its footnote (until that footnote or the end), and footnotes
    without a row (listed after every row, as `read_digest` lists them;
    several footnotes with one number and no row come out in document order,
    where `read_digest` groups them by number). Each yielded item is
    `(order, paper)`; sorting by `order` gives `read_digest`'s list exactly.

    `problems` and `digest` (without papers) are complete once `read` ends;
    it raises InputError at the end when the document is not a digest at all.
    """

    def __init__(
        self,
        *,
        source: str = "",
        name: str | None = None,
        decoding: str = "",
        max_problems: int | None = None,
    ) -> None:
        self.where = source or name or "<input>"
        digest_name = _digest_name(source, name)
        self.digest = Digest(
            name=digest_name, source=source, date=_digest_date(digest_name), kind="digest"
        )
        self._problems = ReadProblems(max_problems)
        # A note of bytes replaced with U+FFFD names the first line holding one.
        self._replaced = decoding if "U+FFFD" in decoding else ""
        if decoding and not self._replaced:
            self._problems.add(0, _DECODING, 0, decoding)
        self._rows: list[_Row | None] = []  # a row is let go once its footnote came
        self._row_slots: dict[int, list[int]] = {}  # ref -> indexes of its rows
        self._has_table = False
        self._notes = 0
        self._refs: dict[int, _RefSeen] = {}
        self._ready: dict[int, tuple[tuple[int, ...], Paper | None]] = {}
        self._next_row = 0
        self._later: list[tuple[tuple[int, ...], Paper | None]] = []  # footnotes without a row
        self._start = ""  # the first 2 KB, to say what a non-digest is
        # arXiv id -> the ref of the entry that gave it first (in `read_digest`
        # order); order -> (ref, line) of a paper made but not yet yielded.
        self._ids: dict[str, int] = {}
        self._where: dict[tuple[int, ...], tuple[int, int]] = {}
        # The ref of the footnote the document ends in, when it ends without a
        # line break (`_cut`); -1 otherwise. `_open_row`: it ends so in the table.
        self._open_end = -1
        self._open_row = False
        # The paragraphs every footnote so far has, closed, in the writer's form
        # (`closed_shape`): 0 before the first, -1 once two differ. `_short_end`:
        # the last footnote stops short of that shape at a line break (`_cut`).
        self._shape = 0
        self._short_end = False

    @property
    def problems(self) -> list[Problem]:
        return self._problems.listed()

    @property
    def listed(self) -> int:
        """The rows of its table read so far: once its first footnote is read, about
        how many papers it holds (a progress bar's guess; repeats count twice)."""
        return len(self._rows)

    # --- the document ----------------------------------------------------------

    def read(self, lines: Iterable[str]) -> Iterator[tuple[tuple[int, ...], Paper]]:
        """Papers of a document given as `str.split("\\n")` lines (see `split_lines`)."""
        header: tuple[re.Match[str], int] | None = None
        body: list[str] = []
        room = 0  # characters footnote `header` may still take
        in_notes = False
        row_at = 0  # the line of the last table row
        suspect: tuple[re.Match[str], int] | None = None  # a header right after a row
        line = ""  # (an empty document has no last line)
        line_cap = LINE_CAP  # (locals: this loop runs once per line of 169 MB)
        replaced = self._replaced
        for n, line in enumerate(lines, 1):
            if n <= 2048 or replaced or len(line) > line_cap:
                line = self._checked(n, line, line_cap)
                replaced = self._replaced
            if suspect is not None:  # (rare: a `[^N]:` line right after a table row)
                header, suspect = self._settle(suspect, line), None
                body, room, in_notes = [], NOTE_CAP, header is not None
            if line.startswith("[^"):
                m = _FOOTNOTE_RE.match(line)
                bad = None if m else _BAD_FOOTNOTE_RE.match("\n" + line)
                if m or bad:
                    if header is not None:
                        yield from self._note(*header, body)
                    header, body, room = None, [], NOTE_CAP
                    if m and not in_notes and row_at == n - 1:
                        suspect = (m, n)  # the next line tells: a row, or the footnote's
                    elif m:
                        header, in_notes = (m, n), True
                    else:
                        self._bad_label(n, bad)  # type: ignore[arg-type]
                    continue
            if header is not None:
                room -= len(line) + 1
                if room >= 0:
                    body.append(line)
                elif room + len(line) + 1 >= 0:
                    self._overflow(n, line[: room + len(line)], body)
            elif not in_notes and line.startswith("|"):
                self._table_line(n, line)
                row_at = n
        header = header or suspect
        if header is not None:
            yield from self._last_note(header, body, line)
        elif not in_notes and line.startswith("|"):  # (the table's last row, cut mid-way?)
            self._open_row = True
        yield from self._finish()

    def _overflow(self, n: int, part: str, body: list[str]) -> None:
        """Line `n` takes footnote `body` past NOTE_CAP: `part` of it fits and is
        kept (an abstract cut, not dropped whole: its header placed the Chinese
        abstract in its stead); the rest of the footnote is dropped."""
        if part:
            body.append(part)
        message = f"footnote longer than {NOTE_CAP} characters; cut here, the rest dropped"
        self._problems.add(n, _LONG, 1, message)

    def _last_note(
        self, header: tuple[re.Match[str], int], body: list[str], line: str
    ) -> Iterator[tuple[tuple[int, ...], Paper]]:
        """The footnote the document ends in; `line`: its last line. Noted when it
        ends mid-line, or stops short of its shape at a line break (`_cut`)."""
        ref = int(header[0].group(1))
        short = self._shape if self._shape in (4, 6) and stops_short(body, self._shape) else 0
        if line:  # ("" when the document ends with a line break)
            self._open_end = ref
        elif short:
            self._open_end, self._short_end = ref, True
        yield from self._note(*header, body, short=short)

    def _checked(self, n: int, line: str, line_cap: int) -> str:
        """Line `n` cut to `line_cap`, its problems noted (a long line, the first
        U+FFFD of a decoding), and kept while within the document's first 2 KB."""
        if self._replaced and "\ufffd" in line:
            self._problems.add(n, _DECODING, 0, self._replaced)
            self._replaced = ""
        if len(line) > line_cap:
            line = line[:line_cap]
            self._problems.add(n, _LONG, 0, f"line longer than {line_cap} characters; cut")
        if n <= 2048 and len(self._start) < 2048:
            self._start += line + "\n"
        return line

    def _settle(
        self, suspect: tuple[re.Match[str], int], line: str
    ) -> tuple[re.Match[str], int] | None:
        """A `[^N]:` line right after a table row: the first footnote (returned),
        unless `line`, the next, is another row. Then it is a damaged line inside
        the table (None, warned): taken as the first footnote, it ended the table
        and every later row was lost (in the 2023 layout, the papers' only
        summary; bug hunt `fuzz` #5)."""
        if not _ROW_START_RE.match(line):
            return suspect
        m, n = suspect
        message = (
            f"[^{m[1]}]: line inside the summary table, followed by more rows; "
            "not read as a footnote, skipped"
        )
        self._problems.add(n, _TABLE, n, message)
        return None

    def _bad_label(self, n: int, m: re.Match[str]) -> None:
        # A footnote whose label is not a number ([^-1], [^x]) still ends the
        # one before it, so its text cannot leak into that paper; it is skipped.
        label = escaped_invisible(m[1])
        self._problems.add(n, _LABEL, n, f"footnote label [^{label}] is not a number; skipped")

    def _table_line(self, n: int, line: str) -> None:
        m = _ROW_START_RE.match(line)
        if m is None:
            if _TABLE_HEADER_RE.match(line):
                self._has_table = True
            elif line.replace(" ", "").strip("|-:"):
                self._problems.add(n, _TABLE, n, "table row not understood; skipped")
            return
        self._has_table = True
        cells = _split_row(line, m.end())
        control = _ROW_CONTROL_RE.search(line, m.end()) if cells is None else None
        if control is not None:
            # A NUL before the title cell or inside `](` read as a row with no
            # title cell, skipped with its summary (found by a bug hunt). Its
            # cells are cleaned of it anyway, as a footnote's text is: named, dropped.
            line = _ROW_CONTROL_RE.sub("", line)
            cells = _split_row(line, m.end())
            what = control_name(control[0])
            message = f"table row [^{m.group(1)}] holds {what}; dropped"
            self._problems.add(n, _TABLE, n, message)
        if cells is None:
            message = f"table row [^{m.group(1)}] has no [title](link) cell; skipped"
            self._problems.add(n, _TABLE, n, message)
            return
        title, url, summary = cells
        row = _Row(int(m.group(1)), n, clean_line(title), clean_line(url), clean_line(summary))
        slots = self._row_slots.setdefault(row.ref, [])
        if slots:
            first = self._rows[slots[0]]
            message = f"table ref [^{row.ref}] used again (first on line {first.line})"  # type: ignore[union-attr]
            self._problems.add(n, _ROWS, (len(self._rows), 0), message)
        slots.append(len(self._rows))
        self._rows.append(row)

    # --- footnotes ---------------------------------------------------------------

    def _note(
        self, m: re.Match[str], n: int, lines: list[str], *, short: int = 0
    ) -> Iterator[tuple[tuple[int, ...], Paper]]:
        """One footnote; `short`: the shape the last one was cut short of (`_last_note`)."""
        body = "\n".join(lines)
        if _may_hold_foreign(body):
            cut = foreign_start(body, canonical=_canonical(body))
            if cut >= 0:
                self._unattributed(m, n, body, cut)
                body = body[:cut]
        note = _Note(int(m.group(1)), 0, m.group(2), body)
        note.line, note.short = n, short
        if self._shape >= 0:
            shape = closed_shape(body)
            self._shape = shape if shape and self._shape in (0, shape) else -1
        self._notes += 1
        seen = self._refs.get(note.ref)
        if seen is None:
            seen = self._refs[note.ref] = _RefSeen(len(self._refs))
        occurrence = seen.count
        seen.count += 1
        if len(seen.lines) < 11:
            seen.lines.append(n)
        slots = self._row_slots.get(note.ref, ())
        if occurrence < len(slots):
            index = slots[occurrence]
            row, self._rows[index] = self._rows[index], None
            self._ready[index] = self._paper(row, note, (0, index))
            yield from self._flush()
            return
        if self._rows:
            message = f"footnote [^{note.ref}] has no table row"
            self._problems.add(n, _NO_ROW, (seen.order, occurrence), message)
        self._later.append(self._paper(None, note, (1, seen.order, occurrence)))
        yield from self._flush()

    def _unattributed(self, m: re.Match[str], n: int, body: str, cut: int) -> None:
        """The problem for text after footnote `m`'s own, which is dropped."""
        rest = body[cut:]
        at = cut + (len(rest) - len(rest.lstrip()))
        paragraphs = len([p for p in re.split(r"\n[ \t]*\n", rest) if p.strip()])
        link = first_link(rest)
        whose = f" (they link {link[:200]})" if link else ""
        message = (
            f"{paragraphs} paragraph(s) after footnote [^{m.group(1)}] belong to no "
            f"footnote (a damaged or missing [^N]: header?){whose}; dropped"
        )
        self._problems.add(n + 1 + body.count("\n", 0, at), _FOREIGN, n, message)

    def _paper(
        self, row: _Row | None, note: _Note | None, order: tuple[int, ...]
    ) -> tuple[tuple[int, ...], Paper | None]:
        try:
            paper, problem = _make_paper(row, note)
        except Exception as exc:  # one paper's bug must not cost the others
            paper, problem = None, f"cannot be read ({type(exc).__name__}: {exc})"
        ref = (row or note).ref  # type: ignore[union-attr]
        at = note.line if note is not None else row.line  # type: ignore[union-attr]
        if problem:
            verdict = "" if paper is not None else "; skipped"
            self._problems.add(at, _PAPER, order, f"[^{ref}]: {problem}{verdict}")
        if paper is not None and paper.id:
            self._where[order] = (ref, at)
            if note is not None and note.ref == self._open_end:  # the end: cut mid-way?
                self.digest.cut_id = paper.id
                self.digest.cut_chars = (len(paper.abstract_en), len(paper.abstract_zh))
        return order, paper

    def _first(self, order: tuple[int, ...], paper: Paper) -> bool:
        """Whether `paper` (about to be yielded) is the first entry with its arXiv id.

        A later entry with an id already given is skipped with a problem, as the
        feed readers skip one (`feed_common`: "duplicate arXiv id … skipped"):
        merged into the first, its text vanished without a word (one paper, one
        row; the first entry is the one the store keeps the place of).
        """
        ref, at = self._where.pop(order, (0, 0))
        if not paper.id:
            return True
        first = self._ids.get(paper.id)
        if first is None:
            self._ids[paper.id] = ref
            return True
        message = f"[^{ref}]: duplicate arXiv id {paper.id} (first in [^{first}]); skipped"
        self._problems.add(at, _PAPER, order, message)
        return False

    def _flush(self) -> Iterator[tuple[tuple[int, ...], Paper]]:
        """Every paper whose turn has come: rows in order, then footnotes without a row."""
        while self._next_row in self._ready:
            order, paper = self._ready.pop(self._next_row)
            self._next_row += 1
            if paper is not None and self._first(order, paper):
                yield order, paper
        if self._next_row == len(self._rows) and self._later:
            later, self._later = self._later, []
            for order, paper in later:
                if paper is not None and self._first(order, paper):
                    yield order, paper

    # --- the end -------------------------------------------------------------

    def _waiting(self) -> dict[str, tuple[int, tuple[int, ...]]]:
        """Entries made but not yet yielded, by arXiv id: (the row index they wait
        at, their order). A footnote without a row comes after every row."""
        after_rows = ((len(self._rows), item) for item in self._later)
        return {
            paper.id: (index, order)
            for index, (order, paper) in [*self._ready.items(), *after_rows]
            if paper is not None and paper.id
        }

    def _cut(self, waiting: dict[str, tuple[int, tuple[int, ...]]]) -> str:
        """Why the document looks cut off (a download or a copy ended early), or "".
        `waiting`: `_waiting()`, the entries not yet yielded.

        The table comes first and the footnotes follow it in its order, each
        version of the generator's file whole (it rewrites the file, rows and
        footnotes together). A document that ends before its footnotes do has
        its table whole, and then the last table rows without a footnote (the
        last footnote there is usually cut mid-way too; 55 % of a 737-paper
        digest: 386 rows without one). A row missing its footnote elsewhere in
        the table is a damaged entry, not a cut: only the last row counts.
        A document cut inside its last footnote (or its table) has every row's
        footnote, but ends mid-line, which a whole document saved without its
        final line break does too, or (cut at a line break) its last footnote
        stops before the paragraphs every other footnote has, with no closing
        line (`stops_short`; a whole one may lack its closing line or its
        Chinese abstract, not both while the others have all). These are only
        signs, and the store refuses the document only when the day it holds
        agrees (`days.refuse_cut`).
        """
        if self._open_row or (self._rows and not self._notes):
            # Ended inside its table (or before its first footnote): whatever
            # rows came, the store refuses it only if it drops papers of the day.
            self.digest.cut_kind = "table"
            if self._open_row:
                return "its table ends mid-row, without a line break"
            return "it has table rows but no footnotes"
        if not self._notes or not self._rows:
            return ""
        if self._rows[-1] is None:
            if self._open_end < 0:
                return ""
            self.digest.cut_kind = "note"
            if self._short_end:
                return (
                    f"its last footnote [^{self._open_end}] stops before its English "
                    "abstract, without its closing line"
                )
            return f"its last footnote [^{self._open_end}] ends mid-line, without a line break"
        rows = reversed(self._rows)
        tail = next((i for i, row in enumerate(rows) if row is None), len(self._rows))
        if tail == len(self._rows):  # no row has a footnote: they are not the table's
            return ""
        # Rows repeated after the last (a ref used again) are of entries given
        # with a footnote: no paper of theirs loses its text.
        ids = [_row_id(row) for row in self._rows[-tail:] if row is not None]
        self.digest.cut_ids = [
            pid for pid in dict.fromkeys(ids) if pid and pid not in self._ids and pid not in waiting
        ]
        if not self.digest.cut_ids:
            return ""
        self.digest.cut_kind = "rows"
        which = "table row has" if tail == 1 else f"{tail} table rows have"
        return f"its last {which} no footnote"

    def _finish(self) -> Iterator[tuple[tuple[int, ...], Paper]]:
        if self._replaced:  # (no line holds one: a U+FFFD cut off with a long line)
            self._problems.add(0, _DECODING, 0, self._replaced)
        if not self._has_table and not self._notes:
            lowered = self._start[:2048].lstrip().lower()
            if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered:
                raise InputError(f"{self.where}: not a digest: this is an HTML page")
            if looks_utf16_text(self._start):
                raise InputError(f"{self.where}: not a digest as it stands: it {UTF16_ADVICE}")
            raise InputError(
                f"{self.where}: not a digest: no summary table and no [^N]: footnotes found"
            )
        for ref, seen in self._refs.items():
            if seen.count > 1:
                lines = ", ".join(map(str, seen.lines[:10])) + (", …" if seen.count > 10 else "")
                message = f"footnote [^{ref}] appears {seen.count} times (lines {lines})"
                self._problems.add(seen.lines[1], _REPEATED, seen.order, message)
        later = self._waiting()
        self.digest.cut = self._cut(later)
        # A row without its footnote whose id a later entry gives with one: that
        # entry is kept, not the table's text (`_first` keeps the first of an id;
        # the table-only one lost the paper's abstracts; found by a regression hunt).
        for index, row in enumerate(self._rows):
            if row is not None:  # no footnote came for it
                order, paper = self._paper(row, None, (0, index))
                fuller, its = later.get(paper.id, (-1, ())) if paper is not None else (-1, ())
                if paper is not None and fuller > index:
                    ref = self._where.pop(order, (row.ref, 0))[0]
                    other = self._where.get(its, (0, 0))[0]
                    message = (
                        f"table row [^{ref}] has no footnote; its arXiv id "
                        f"{paper.id} is [^{other}]'s, which is kept"
                    )
                    self._problems.add(row.line, _ROWS, (index, 1), message)
                    self._ready[index] = (order, None)
                    continue
                if self._notes:
                    message = f"table row [^{row.ref}] has no footnote; read from the table"
                    self._problems.add(row.line, _ROWS, (index, 1), message)
                self._ready[index] = (order, paper)
        if self._rows and not self._notes:
            self._problems.add(
                0, _MISSING, 0, "no footnotes found; papers read from the table only"
            )
        if self._notes and not self._rows:
            message = "no table rows found; papers read from the footnotes only"
            self._problems.add(0, _MISSING, 1, message)
        yield from self._flush()


def _row_id(row: _Row) -> str:
    """The arXiv id a table row links to ("" when it links none)."""
    found = parse_arxiv_id(row.url) if row.url else None
    return found[0] if found else ""


def read_digest(
    data: str | bytes, *, source: str = "", name: str | None = None, charset: str = ""
) -> ReadResult:
    """Read a whole digest. Raises InputError when the document is not a digest at all.
    `charset`: the one its server declared (`sanitize.decode_text`)."""
    # (`decoding`, not `note`: a note is a footnote here; one name, one type.)
    text, decoding = decode_text(data, charset)[0::2] if isinstance(data, bytes) else (data, "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stream = DigestStream(source=source, name=name, decoding=decoding)
    found = sorted(stream.read(text.split("\n")), key=_first)
    stream.digest.papers = [paper for _, paper in found]
    return ReadResult(digest=stream.digest, problems=stream.problems, format="digest")


def _first(item: tuple[tuple[int, ...], Paper]) -> tuple[int, ...]:
    return item[0]
