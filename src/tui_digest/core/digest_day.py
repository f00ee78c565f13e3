"""Which day a digest belongs to, and how it is named and labelled.

A digest always has a date (issue 17): the date the document states (a feed's
channel or item dates, a Markdown digest's header), else a date in the file
name (`…-2024-03-18.md`), else the HTTP `Last-Modified` of the response, else
the local date of the fetch or import. Dates are local dates, as queries are.

`local_today()` is the one clock for "the date of the fetch or import". It
honours `TUI_DIGEST_TODAY=YYYY-MM-DD`, so a scripted replay (the week-long
acceptance test, a back-fill script) can say which day it is.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_digest.core.arxiv_category import ends_in_category
from tui_digest.core.lazy_pattern import LazyPattern

if TYPE_CHECKING:
    from tui_digest.core.model import DigestInfo

TODAY_ENV = "TUI_DIGEST_TODAY"
_DATE_RE = LazyPattern(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_NOT_ASCII_NAME = LazyPattern(r"[^A-Za-z0-9._-]+")


def local_today() -> str:
    """Today's local date as YYYY-MM-DD (or `$TUI_DIGEST_TODAY` when it holds a date)."""
    return local_date(None)


def local_date(when: _dt.datetime | None) -> str:
    """The local date of a moment (now when None); `$TUI_DIGEST_TODAY` wins when set."""
    forced = os.environ.get(TODAY_ENV, "").strip()
    if forced and valid_date(forced):
        return forced
    return (when or _dt.datetime.now(_dt.UTC)).astimezone().date().isoformat()


def zone_date(local: _dt.datetime) -> str:
    """The date of `local`, a moment already in the zone wanted (a `when.Clock`'s);
    `$TUI_DIGEST_TODAY` wins when set, as in `local_date`."""
    forced = os.environ.get(TODAY_ENV, "").strip()
    if forced and valid_date(forced):
        return forced
    return local.date().isoformat()


def day_start_utc(day: str, zone: _dt.tzinfo | None = None) -> str:
    """The UTC stamp (as `added_at` is written) of the first instant of `day`
    (YYYY-MM-DD) in `zone` (default the system zone); `day` itself when that
    moment falls outside the years a date holds (0001-01-01 east of UTC):
    compared as text, it is as early or late.

    The first instant at or after local midnight: where midnight does not exist
    (the clocks jump 00:00 -> 01:00: America/Havana 2026-03-08) it was the
    instant an hour before the day (regression hunt `regtz` #2); where it comes
    twice, the first of them. Both readings of midnight (`fold`) are tried."""
    try:
        midnight = _dt.datetime.combine(_dt.date.fromisoformat(day), _dt.time(), tzinfo=zone)
        # (naive: the system zone)
        starts = [midnight.replace(fold=f).astimezone(_dt.UTC) for f in (0, 1)]
        on_the_day = [t for t in starts if t.astimezone(zone).date() >= midnight.date()]
        return min(on_the_day or starts).isoformat(timespec="seconds")
    except (OverflowError, ValueError):
        return day


def valid_date(text: str) -> bool:
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def date_in_name(name: str) -> str:
    """The last valid YYYY-MM-DD inside a file name or URL ("" when none)."""
    tail = re.split(r"[/\\]", name.split("?", 1)[0].rstrip("/\\"))[-1]
    found = [m.group(0) for m in _DATE_RE.finditer(tail) if valid_date(m.group(0))]
    return found[-1] if found else ""


def http_date_day(value: str | None) -> str:
    """The local date of an HTTP date (`Last-Modified`); "" when absent or unparsable."""
    if not value:
        return ""
    from email.utils import parsedate_to_datetime  # (only a fetch needs it: issue 13 req 5)

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone().date().isoformat()


def iso_local_date(iso: str) -> str:
    """The local date of an ISO timestamp (UTC when it names no zone); "" if unparsable."""
    try:
        when = _dt.datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return (when if when.tzinfo else when.replace(tzinfo=_dt.UTC)).astimezone().date().isoformat()


# No digest of arXiv papers is older than arXiv (its first identifiers are of
# 1991: `core.citation`): a Last-Modified before it is a file time lost (an
# mtime of 0 from a Nix store or a build with SOURCE_DATE_EPOCH=0, a zip's 1980).
EARLIEST_HTTP_DAY = "1991-01-01"


def digest_day(
    document_date: str, source: str = "", last_modified: str = "", today: str = ""
) -> str:
    """The day of a digest by the rule of the module docstring.

    A Last-Modified counts only from EARLIEST_HTTP_DAY to `today` (the day of
    the fetch): a later one is a server's clock ahead or a bogus date (RFC 9110
    8.8.2: a Last-Modified later than the message's Date is not to be trusted),
    an earlier one a file time lost. Dates are compared, not moments: a server
    a few minutes ahead stays within the day, and the day after is refused
    whatever the skew. The fetch's day is used instead. A date the document
    states is not bounded."""
    today = today or local_today()
    stated = stated_day(document_date, source)
    if stated:
        return stated
    served = http_date_day(last_modified)
    if served and valid_date(served) and EARLIEST_HTTP_DAY <= served <= today:
        return served
    return today


def stated_day(document_date: str, source: str = "") -> str:
    """The day a document states itself (its own date, else one in its file name),
    or "": a day known only from when it was served or read may be the day after
    the list it revises (`store.days`)."""
    for candidate in (document_date[:10], date_in_name(source)):
        if candidate and valid_date(candidate):
            return candidate
    return ""


def ascii_name(text: str, fallback: str = "digest") -> str:
    """`text` as a CLI-friendly ASCII name: letters, digits, `.`, `_`, `-`."""
    name = _NOT_ASCII_NAME.sub("-", text).strip("-.")
    return name[:120] or fallback


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`… when taken; the result is added to `taken`."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate


def source_name_of(name: str, source: str = "") -> str:
    """The name a digest's source goes by: the document name without its date.

    `digest-cs.AI-2024-03-18` -> `digest-cs.AI`, `cs.LG-2024-07-15-mixed` ->
    `cs.LG-mixed`; a nameless document is named after its file (`cs.AI.md`
    -> `cs.AI`).
    """
    base = name or source_stem(source)
    # The date and the separators around it become one dash: a date inside a
    # name (`digest-cs.LG-2024-07-15-mixed`) left `digest-cs.LG--mixed`.
    base = re.sub(r"[ \-_.]*\0[ \-_.]*", "-", _DATE_RE.sub("\0", base)).strip(" -_.")
    return ascii_name(base)


def source_stem(source: str, *, any_extension: bool = False) -> str:
    """The last path segment of a file path or URL without a feed or markup
    extension (`cs.AI.md` -> `cs.AI`), or with `any_extension` without any
    (`digest-cs.AI-2024-02-05.text` -> `digest-cs.AI-2024-02-05`), as a
    Markdown digest and a subscription have been named.

    A name ending in an arXiv category keeps it: `--source cs.AI` named its
    digests `cs-<date>`, `.AI` taken for an extension (a bug hunt), and a
    feed's or markup extension alone was stripped after that, so `cs.AI.mkd`
    became `cs.AI.mkd-<date>` (a regression hunt).
    """
    if not source:
        return ""
    tail = re.split(r"[/\\]", source.split("?", 1)[0].split("#", 1)[0].rstrip("/\\"))[-1]
    known = re.sub(r"(?i)\.(xml|rss|atom|md|markdown|txt|json)$", "", tail)
    if known != tail or not any_extension or ends_in_category(tail):
        return known
    head, dot, _ext = tail.rpartition(".")
    return head if dot and head else tail


def origin_of(source: str) -> str:
    """Where a digest came from, for its label.

    A raw GitHub file names its repository (`cn-chat-arxiv`), arXiv's feeds
    say `arXiv`, another URL its host, a file its folder.
    """
    if "://" not in source:
        if source in ("", "-", "<stdin>"):
            return "stdin"
        # A file says where it came from by its folder (a synced copy of the
        # generator's repository: `cn-chat-arxiv/cs.AI.md`), else its name.
        folders = [p for p in re.split(r"[/\\]", source) if p]
        return folders[-2] if len(folders) >= 2 else source_stem(source)
    parts = urlsplit(source)
    host = (parts.hostname or "").lower()
    if host == "raw.githubusercontent.com":
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) >= 2:
            return segments[1]
    if host.endswith("arxiv.org"):
        return "arXiv"
    if parts.scheme == "file":
        return source_stem(parts.path)
    return host or source


def digest_label(category: str, date: str, origin: str) -> str:
    """`cs.AI · 2026-08-19 · cn-chat-arxiv` (parts that are unknown are left out)."""
    return " · ".join(p for p in (category, date, origin) if p)


def picker_parts(name: str, date: str, label: str, category: str) -> tuple[str, str]:
    """(who, what) of a digest's row in a list that shows its date apart.

    `who` tells digests of one day apart: the category, or when none is
    known, the name without its date (`arxiv-cs.AI-2025-09-18-2` ->
    `arxiv-cs.AI-2`): two feeds of one day read from one folder were both
    `2025-09-18 · samples`. `what` is the label (else the name) without the
    parts that repeat `date` or `who` (`cs.AI · 2026-08-19 · cn-chat-arxiv`
    -> `cn-chat-arxiv`); a label from a feed is otherwise kept as it is.
    """
    who = category or source_name_of(name)
    parts = [p for p in (label or name).split(" · ") if p not in (date, who, category)]
    return who, " · ".join(parts)


def picker_rows(digests: Sequence[DigestInfo]) -> list[tuple[str, str]]:
    """`picker_parts` of each digest, with rows that would read the same told apart.

    Two lists of one day from one source (a second announcement the same local
    day: `digest-cs.LG-2026-11-10` and `…-2026-11-10-2`) were two identical
    rows `cs.LG  arXiv` (found by a bug hunt). Where (date, who, what) repeat,
    `who` is the source name as the digest's name has it (`digest-cs.LG`,
    `digest-cs.LG-2`: the `-2` the name carries), else the whole name, which is
    unique.
    """
    parts = [picker_parts(d.name, d.date, d.label, d.category) for d in digests]
    seen = Counter((d.date, *p) for d, p in zip(digests, parts, strict=True))
    rows: list[tuple[str, str]] = []
    for info, (who, what) in zip(digests, parts, strict=True):
        if seen[(info.date, who, what)] > 1:
            who = source_name_of(info.name)
        rows.append((who, what))
    again = Counter((d.date, *p) for d, p in zip(digests, rows, strict=True))
    return [
        (info.name if again[(info.date, who, what)] > 1 else who, what)
        for info, (who, what) in zip(digests, rows, strict=True)
    ]
