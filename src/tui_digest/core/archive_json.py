"""One record of the digest generator's per-paper JSON archive.

The generator (qhduan/cn-chat-arxiv) stores every paper it summarised as
`papers/YY/MM/<id>.json` in its repository (about 65,000 records, 2023 on; see
docs/upstream.md and ../shared/samples/papers/). Keys read here:

- `title`: the English title; 2023 records keep the old feed's suffix
  (`Title. (arXiv:2301.00006v2 [cs.HC] UPDATED)`).
- `abstract`: the English abstract as the digest shows it, cut at 1,000
  characters; 2024+ records start with `arXiv:ID vN Announce Type: T  Abstract: `.
- `link`: the abstract page (`http://arxiv.org/abs/ID` or `https://…`).
- `translated_title`, `translated_abstract` (may start with the translated
  header `arXiv:ID vN 公告类型：新 摘要：`), `tldr`: the Chinese one-line summary.
- `en_tdlr` (spelled so upstream): the English one-line summary, which the
  Markdown digest never shows; it becomes `Paper.summary_en`.

`context`, `path` and `total_tokens` repeat the above or are bookkeeping and are
ignored. The title suffix and the abstract headers are split off and kept in
`Paper.extras` under the keys the Markdown reader uses (see `digest_format`), so
the same paper read from a digest and from the archive merges as unchanged.

Archive papers are filed in one digest per month of their id (`archive-2024-03`,
dated the first of that month): see `archive_month`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .arxiv_id import abs_url, parse_arxiv_id
from .digest_format import EN_HEADER_RE, SUFFIX_FLAG_TYPES, TITLE_SUFFIX_RE, ZH_HEADER_RE
from .extras import Extra, mark_plain
from .model import ANNOUNCE_TYPES, InputError, Paper, Problem
from .sanitize import MAX_TEXT, clean_line, clean_text, decode_text, without_password

ARCHIVE_KIND = "archive"
ARCHIVE_PREFIX = "archive-"
# A record is ~3-6 KB; anything this large is not one.
MAX_RECORD_BYTES = 1024 * 1024

_NEW_ID_RE = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_OLD_ID_RE = re.compile(r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")
_FIELDS = (
    "title",
    "abstract",
    "link",
    "translated_title",
    "translated_abstract",
    "tldr",
    "en_tdlr",
)


# The keys whose text a record shows: one with none of them is a blank row.
_TEXT_FIELDS = tuple(key for key in _FIELDS if key != "link")


class ArchiveError(InputError):
    """An InputError that knows its place, to be printed `WHERE[:LINE]: error: REASON`
    as the readers' problems are (`Problem.format`); `str()` is `WHERE[:LINE]: REASON`.
    (A record's errors were `error: WHERE:5: …` beside `WHERE: error: …`.)"""

    def __init__(self, where: str, reason: str, line: int = 0) -> None:
        super().__init__(f"{where}:{line}: {reason}" if line else f"{where}: {reason}")
        self.where = where
        self.problem = Problem(line, reason, "error")

    def message(self) -> str:
        return self.problem.format(self.where)


def archive_month(paper_id: str) -> tuple[str, str] | None:
    """(digest name, date) of the archive digest for `paper_id`, or None.

    `2403.10056` -> ("archive-2024-03", "2024-03-01"). Ids name the month the
    paper was submitted: YYMM for new-style ids (2007 on), the YYMM after the
    slash for old-style ones (`hep-th/9901001` -> 1999-01).
    """
    m = _NEW_ID_RE.fullmatch(paper_id) or _OLD_ID_RE.fullmatch(paper_id)
    if m is None:
        return None
    yy, mm = int(m[1]), int(m[2])
    if not 1 <= mm <= 12:
        return None
    year = (1900 if yy >= 91 else 2000) + yy  # arXiv started in 1991
    return f"{ARCHIVE_PREFIX}{year:04d}-{mm:02d}", f"{year:04d}-{mm:02d}-01"


def looks_like_record(data: bytes) -> bool:
    """True when `data` is a JSON object (the cheap check used to pick the reader)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _text(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArchiveError(where, f"key {key!r} is {_json_kind(value)}, not a string")
    return value


def _json_kind(value: object) -> str:
    """What a JSON value is, with its article ("a number": it was "a int")."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def read_paper_json(
    data: bytes, *, source: str = "", problems: list[Problem] | None = None
) -> Paper:
    """The paper of one archive record. Raises ArchiveError naming `source` (and the line).

    `problems` gets a warning when the bytes were not UTF-8 (decoded as GB18030, or
    repaired with U+FFFD), the words a digest's import uses; it was dropped.
    """
    where = source or "<input>"
    if len(data) > MAX_RECORD_BYTES:
        raise ArchiveError(where, f"{len(data)} bytes is too large for a paper record")
    text, _codec, note = decode_text(data)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArchiveError(where, f"not valid JSON ({exc.msg})", exc.lineno) from None
    except RecursionError:
        raise ArchiveError(where, "JSON nested too deeply") from None
    if not isinstance(record, dict):
        raise ArchiveError(where, f"expected a JSON object, found {type(record).__name__}")
    if not any(key in record for key in _FIELDS):
        raise ArchiveError(where, f"not a paper record (none of the keys {', '.join(_FIELDS)})")
    values = {key: _text(record, key, where) for key in _FIELDS}
    if not any(values[key].strip() for key in _TEXT_FIELDS):
        # (A blank row, no title and no summary, was filed in its month's digest.)
        raise ArchiveError(where, "no title, abstract or summary in this record; nothing to import")
    paper = _paper(values, where, source)
    if note and problems is not None:
        problems.append(Problem(0, note, kind="decoding"))
    return paper


def _paper(v: dict[str, str], where: str, source: str) -> Paper:
    extras: dict[str, str] = {}
    link = without_password(clean_line(v["link"]))

    title = clean_line(v["title"])
    suffix_id = suffix_version = category = kind = ""
    if "(arXiv:" in title:
        m = TITLE_SUFFIX_RE.search(title)
        if m:
            title, suffix = title[: m.start()], m.group(0)
            extras[Extra.TITLE_SUFFIX] = suffix
            suffix_id, suffix_version = m["id"], m["version"] or ""
            category = m["cat"] or ""
            kind = SUFFIX_FLAG_TYPES.get((m["flag"] or "").strip(), "")

    abstract_en = clean_text(v["abstract"], MAX_TEXT)
    header_id = header_version = ""
    m = EN_HEADER_RE.match(abstract_en) if abstract_en.startswith("arXiv:") else None
    if m:
        extras[Extra.ABSTRACT_EN_HEADER] = m.group(0)
        abstract_en = abstract_en[m.end() :]
        header_id, header_version = m["id"], m["version"] or ""
        announce = m["type"].lower()
        kind = announce if announce in ANNOUNCE_TYPES else kind

    abstract_zh = clean_text(v["translated_abstract"], MAX_TEXT)
    m = ZH_HEADER_RE.match(abstract_zh) if abstract_zh.startswith("arXiv:") else None
    if m:
        extras[Extra.ABSTRACT_ZH_HEADER] = m.group(0)
        abstract_zh = abstract_zh[m.end() :]

    parsed = parse_arxiv_id(link) if link else None
    if link and parsed is None:
        raise ArchiveError(where, f"link {link[:200]!r} is not an arXiv link")
    arxiv_id = parsed[0] if parsed else suffix_id or header_id
    if not arxiv_id:
        stem = source.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".json")
        from_name = parse_arxiv_id(stem)
        arxiv_id = from_name[0] if from_name else ""
    if not arxiv_id:
        raise ArchiveError(where, "no arXiv id in link, title, abstract or file name")
    version = suffix_version or header_version or (parsed[1] if parsed else "")

    scheme = "http" if link.lower().startswith("http://arxiv.org/") else "https"
    url = abs_url(arxiv_id, scheme)
    if link and link != url:
        extras[Extra.LINK] = link
    if v["abstract"].strip():
        # Only a record with an abstract says its text had no header: one with
        # a title alone added the marker to a paper saved with its headers, and
        # counted "updated" with nothing to show for it (bug hunt `archive` #10).
        mark_plain(extras)
    return Paper(
        id=arxiv_id,
        version=version,
        url=url,
        title_en=title,
        title_zh=clean_line(v["translated_title"]),
        summary_zh=clean_line(v["tldr"]),
        summary_en=clean_line(v["en_tdlr"]),
        abstract_en=abstract_en,
        abstract_zh=abstract_zh,
        categories=[category] if category else [],
        announce_type=kind,
        extras=extras,
    )
